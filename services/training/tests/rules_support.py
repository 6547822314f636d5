"""Test support for assignment rules, coaching and readiness: fixtures, envelopes, rule rows.

The organisation is `training_support.seed_reps`'s. Envelopes are built as
their publishers write them (`kit.events.build_envelope`), occurring at `at`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
from fastapi.testclient import TestClient
from google.protobuf.message import Message
from salesops.events.v1 import performance_inspection_events_pb2 as inspection_events
from salesops.events.v1 import performance_scorecard_events_pb2 as scorecard_events
from salesops.events.v1 import planning_events_pb2 as planning_events
from salesops.events.v1 import training_assessment_events_pb2 as assessment_events

from gateway.settings import GatewaySettings
from gateway.testing import gateway_over
from services.kit import testing as kit_testing
from services.kit.db import Database
from services.training.models.rules import AssignmentRuleRecord
from services.training.tests.training_support import T0, seed_reps


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    """The training database, migrated, with the seeded organisation (SQLite and PostgreSQL)."""
    database = migrated("training", database_url)
    seed_reps(database)
    return database


@pytest.fixture
def channel(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> grpc.Channel:
    """The real training api over `db`."""
    return serve_api("training", db)


@pytest.fixture
def gateway(
    tmp_path: Path, migrated: Callable[[str, str], Database]
) -> Iterator[tuple[TestClient, GatewaySettings, Database]]:
    """The gateway in front of a real training api over a seeded SQLite database."""
    database = migrated("training", f"sqlite:///{tmp_path / 'training.db'}")
    seed_reps(database)
    with gateway_over("training", database) as (client, settings):
        yield client, settings, database


def envelope(
    event_type: str, payload: Message, *, at: datetime = T0, region: str = "EMEA"
) -> dict[str, Any]:
    """An event envelope as its publisher writes it, occurring at `at`."""
    return kit_testing.event_envelope(event_type, payload, at=at, region=region)


def rep_hired(
    rep_id: str,
    *,
    role: str = "rep",
    region: str = "EMEA",
    team: str = "team-a",
    manager: str = "mgr-a",
    hire_date: str = "2027-01-18",
    at: datetime = T0,
) -> dict[str, Any]:
    """`planning.rep.hired`."""
    return envelope(
        "planning.rep.hired",
        planning_events.RepHired(
            rep_id=rep_id,
            name=rep_id,
            email=f"{rep_id}@example.com",
            region=region,
            team_id=team,
            manager_id=manager,
            role=role,
            capacity=20,
            hire_date=hire_date,
        ),
        at=at,
        region=region,
    )


def gap_detected(
    rep_id: str = "rep-1",
    *,
    skill_area: str = "negotiation",
    source: str = "win_rate",
    value: int = 0,
    threshold: int = 1000,
    region: str = "EMEA",
    team: str = "team-a",
    at: datetime = T0,
) -> dict[str, Any]:
    """`performance.gap.detected`."""
    return envelope(
        "performance.gap.detected",
        scorecard_events.GapDetected(
            rep_id=rep_id,
            region=region,
            team_id=team,
            period_code="FY2027-M01",
            kpi_code=source,
            source=source,
            value=value,
            threshold=threshold,
            unit="bp",
            skill_area=skill_area,
            found_in="published",
        ),
        at=at,
        region=region,
    )


def violation_recorded(
    rep_id: str = "rep-1",
    *,
    kind: str = "conduct",
    rule: str = "discount_above_authority",
    region: str = "EMEA",
    team: str = "team-a",
    subject_id: str = "quote-7",
    at: datetime = T0,
) -> dict[str, Any]:
    """`performance.violation.recorded`."""
    return envelope(
        "performance.violation.recorded",
        inspection_events.ViolationRecorded(
            violation_id=str(uuid.uuid4()),
            inspection_id="insp-1",
            region=region,
            period_code="FY2027-M01",
            rule=rule,
            kind=kind,
            severity="high",
            rep_id=rep_id,
            team_id=team,
            subject_id=subject_id,
            summary="discount above authority",
        ),
        at=at,
        region=region,
    )


def certification_expiring(
    rep_id: str = "rep-1",
    *,
    product_line: str = "widgets",
    valid_until: str = "2027-02-28",
    recertification_course_id: str = "",
    recertification_course_code: str = "",
    region: str = "EMEA",
    at: datetime = T0,
) -> dict[str, Any]:
    """`training.certification.expiring`."""
    return envelope(
        "training.certification.expiring",
        assessment_events.CertificationExpiring(
            certification_id=str(uuid.uuid4()),
            rep_id=rep_id,
            region=region,
            product_line=product_line,
            valid_from="2026-03-01",
            valid_until=valid_until,
            days_left=44,
            recertification_course_id=recertification_course_id,
            recertification_course_code=recertification_course_code,
        ),
        at=at,
        region=region,
    )


def add_rule(
    db: Database,
    trigger: str,
    *,
    match: str = "",
    course_id: str = "",
    learning_path_id: str = "",
    due_in_days: int = 0,
    region: str = "",
    enabled: bool = True,
    name: str = "",
    at: datetime = T0,
) -> str:
    """An assignment rule row; returns its id."""
    rule_id = str(uuid.uuid4())
    with db.transaction() as session:
        session.add(
            AssignmentRuleRecord(
                rule_id=rule_id,
                name=name or f"{trigger} {match}".strip(),
                trigger=trigger,
                match=match,
                learning_path_id=learning_path_id,
                course_id=course_id,
                due_in_days=due_in_days,
                region=region,
                enabled=enabled,
                created_at=at,
                created_by="admin",
                updated_at=at,
                updated_by="admin",
                version=1,
            )
        )
    return rule_id


def day(text: str) -> date:
    return date.fromisoformat(text)
