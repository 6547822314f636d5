"""The scheduled inspections (worker timer, both databases): once a day per active region."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from nameko.testing.services import worker_factory

from services.kit.db import Database, utcnow
from services.kit.fiscal import FiscalCalendar
from services.performance.handlers.inspections_timer import SCHEDULER, run_scheduled_inspections
from services.performance.models.facts import FactKind
from services.performance.models.inspections import InspectionRecord, ViolationRecord
from services.performance.tests.inspections_support import (
    add_fact,
    add_opportunity,
    count,
    db,
    envelopes,
)
from services.performance.worker import Worker

__all__ = ["db"]

CALENDAR = FiscalCalendar(1)
MORNING = datetime(2027, 3, 20, 6, 0, tzinfo=UTC)


def runs(db: Database) -> list[tuple[str, str, str, str]]:
    with db.transaction() as session:
        return sorted(
            (r.region, r.period_code, r.trigger, r.started_by)
            for r in session.query(InspectionRecord)
        )


def test_each_active_region_is_inspected_once_a_day(db: Database) -> None:
    add_opportunity(db, "opp-emea", last_activity_at=datetime(2027, 3, 1, tzinfo=UTC))
    add_opportunity(
        db,
        "opp-apac",
        region="APAC",
        owner_id="rep-9",
        last_activity_at=datetime(2027, 3, 19, tzinfo=UTC),
    )
    # LATAM only had a breach last month: no activity this month, no run.
    add_fact(
        db,
        FactKind.LEAD_SLA_BREACHED,
        "lead-old",
        datetime(2027, 2, 10, tzinfo=UTC),
        region="LATAM",
    )

    started = run_scheduled_inspections(db, MORNING, CALENDAR)
    assert len(started) == 2
    assert runs(db) == [
        ("APAC", "FY2027-M03", "scheduled", SCHEDULER),
        ("EMEA", "FY2027-M03", "scheduled", SCHEDULER),
    ]
    with db.transaction() as session:
        [violation] = session.query(ViolationRecord).all()
        assert (violation.subject_id, violation.region, violation.period_code) == (
            "opp-emea",
            "EMEA",
            "FY2027-M03",
        )
        assert violation.summary == "no activity since 2027-03-01 (19 days > 14)"
    [event] = envelopes(db, "performance.violation.recorded")
    assert (event["region"], event["payload"]["subject_id"]) == ("EMEA", "opp-emea")

    # Later the same day: nothing runs again; the next day each region runs once more,
    # and the finding already recorded for the month is not recorded twice.
    assert run_scheduled_inspections(db, MORNING + timedelta(hours=12), CALENDAR) == []
    assert len(run_scheduled_inspections(db, MORNING + timedelta(days=1), CALENDAR)) == 2
    assert count(db, InspectionRecord) == 4
    assert count(db, ViolationRecord) == 1
    # A new month records it again, as a finding of that period (APAC's is 14 days idle).
    assert len(run_scheduled_inspections(db, datetime(2027, 4, 2, tzinfo=UTC), CALENDAR)) == 2
    assert count(db, ViolationRecord) == 2


def test_the_worker_timer_runs_todays_inspections(db: Database) -> None:
    add_opportunity(db, "opp-idle", last_activity_at=utcnow() - timedelta(days=40))
    worker = worker_factory(Worker, db=db)
    assert worker.inspections_daily_run() == 1
    assert worker.inspections_daily_run() == 0
    assert [
        e["payload"]["subject_id"] for e in envelopes(db, "performance.violation.recorded")
    ] == ["opp-idle"]
