"""What the assessment and certification tests share: fixtures, stubs, rows written directly.

The organisation, courses and enrollments come from `training_support`
(`seed_reps`, `add_course`, `add_enrollment`); this module adds the
training api over a migrated database (SQLite and PostgreSQL), the stubs of
the assessment and certification services, and certifications written as
rows for the expiry tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import grpc
import pytest
from fastapi.testclient import TestClient
from salesops.training.v1 import assessments_pb2 as apb
from salesops.training.v1 import assessments_pb2_grpc, certifications_pb2_grpc

from gateway.settings import GatewaySettings
from gateway.testing import gateway_over
from services.kit.db import Database
from services.training.models.core import CertificationRecord
from services.training.tests.training_support import T0, seed_reps

SINGLE = apb.QUESTION_KIND_SINGLE_CHOICE
MULTIPLE = apb.QUESTION_KIND_MULTIPLE_CHOICE


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    """The training database, migrated, with the organisation of `training_support`."""
    database = migrated("training", database_url)
    seed_reps(database)
    return database


@pytest.fixture
def channel(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> grpc.Channel:
    """The real training api over `db`."""
    return serve_api("training", db)


@pytest.fixture
def assessments(channel: grpc.Channel) -> assessments_pb2_grpc.AssessmentServiceStub:
    return assessments_pb2_grpc.AssessmentServiceStub(channel)


@pytest.fixture
def certifications(channel: grpc.Channel) -> certifications_pb2_grpc.CertificationServiceStub:
    return certifications_pb2_grpc.CertificationServiceStub(channel)


@pytest.fixture
def gateway(
    tmp_path: Path, migrated: Callable[[str, str], Database]
) -> Iterator[tuple[TestClient, GatewaySettings, Database]]:
    """The gateway in front of a real training api over a seeded SQLite database."""
    database = migrated("training", f"sqlite:///{tmp_path / 'training.db'}")
    seed_reps(database)
    with gateway_over("training", database) as (client, settings):
        yield client, settings, database


def quiz_questions() -> list[apb.QuestionInput]:
    """Three questions worth 1, 2 and 3 points (6 in all); keys: [1], [0, 2], [3]."""
    return [
        apb.QuestionInput(
            text="Which tier includes SSO?",
            kind=SINGLE,
            options=["Basic", "Pro", "Team"],
            points=1,
            correct_options=[1],
        ),
        apb.QuestionInput(
            text="Which discounts need approval?",
            kind=MULTIPLE,
            options=["Above 10%", "Free months", "Volume tiers"],
            points=2,
            correct_options=[0, 2],
        ),
        apb.QuestionInput(
            text="Who approves a non-standard contract?",
            kind=SINGLE,
            options=["The rep", "The manager", "Finance", "Legal"],
            points=3,
            correct_options=[3],
        ),
    ]


def add_certification(
    db: Database,
    *,
    rep_id: str = "rep-1",
    region: str = "EMEA",
    product_line: str = "analytics",
    valid_from: date = date(2026, 1, 1),
    valid_until: date = date(2027, 1, 31),
    status: str = "valid",
    course_id: str = "",
) -> str:
    """A certification row (as a completed course would grant it); returns its id."""
    certification_id = str(uuid.uuid4())
    with db.transaction() as session:
        session.add(
            CertificationRecord(
                certification_id=certification_id,
                rep_id=rep_id,
                region=region,
                product_line=product_line,
                course_id=course_id,
                enrollment_id="",
                valid_from=valid_from,
                valid_until=valid_until,
                status=status,
                expiring_notified_on=None,
                revoked_by="",
                revoke_reason="",
                created_at=T0,
                updated_at=T0,
                version=1,
            )
        )
    return certification_id


def certification(db: Database, certification_id: str) -> CertificationRecord:
    """The stored certification row (detached)."""
    with db.transaction() as session:
        record = session.get(CertificationRecord, certification_id)
        assert record is not None
        return record
