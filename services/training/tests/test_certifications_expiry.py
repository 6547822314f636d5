"""The certification expiry check (SQLite and PostgreSQL): boundaries, once only, month ends.

`run_certification_expiry(db, as_of)` is run directly at chosen dates; the
api's `RunCertificationExpiry` runs the same check (tested at the end).
"""

from __future__ import annotations

from datetime import date, timedelta

import grpc
import pytest
from nameko.testing.services import worker_factory
from salesops.training.v1 import certifications_pb2 as pb
from salesops.training.v1 import certifications_pb2_grpc

from services.kit.db import Database, utcnow
from services.planning.tests.test_plans_api import bad_fields, failure
from services.training.handlers.certifications_timer import run_certification_expiry
from services.training.models.certifications import (
    RequiredCertificationRecord,
    expiring_days_setting,
)
from services.training.models.enrollment_store import certification_valid_until
from services.training.tests.assessments_support import (
    add_certification,
    certification,
    certifications,
    channel,
    db,
)
from services.training.tests.training_support import ADMIN, DIRECTOR, T0, add_course, outbox_events
from services.training.worker import Worker

__all__ = ["certifications", "channel", "db"]

N = 30
LAST_DAY = date(2027, 3, 31)


def expiring(db: Database) -> list[dict[str, object]]:
    return [e["payload"] for e in outbox_events(db, "training.certification.expiring")]


def expired(db: Database) -> list[dict[str, object]]:
    return [e["payload"] for e in outbox_events(db, "training.certification.expired")]


def test_expiring_is_sent_once_from_n_days_before_the_last_day(db: Database) -> None:
    cert = add_certification(db, valid_until=LAST_DAY)
    # N+1 days before: nothing yet.
    assert run_certification_expiry(db, LAST_DAY - timedelta(days=N + 1), N).expiring == []
    assert expiring(db) == []
    # N days before: announced, with the days left.
    run = run_certification_expiry(db, LAST_DAY - timedelta(days=N), N)
    assert run.expiring == [cert] and run.expired == []
    assert certification(db, cert).expiring_notified_on == date(2027, 3, 1)
    # N-1 days before, and again the same day: not a second time.
    assert run_certification_expiry(db, LAST_DAY - timedelta(days=N), N).expiring == []
    assert run_certification_expiry(db, LAST_DAY - timedelta(days=N - 1), N).expiring == []
    [payload] = expiring(db)
    assert payload == {
        "certification_id": cert,
        "rep_id": "rep-1",
        "region": "EMEA",
        "product_line": "analytics",
        "valid_from": "2026-01-01",
        "valid_until": "2027-03-31",
        "days_left": N,
    }
    assert certification(db, cert).status == "valid"


def test_a_check_that_starts_late_still_announces_once(db: Database) -> None:
    cert = add_certification(db, valid_until=LAST_DAY)
    # First run five days before the end (the worker was down): announced then.
    run = run_certification_expiry(db, LAST_DAY - timedelta(days=5), N)
    assert run.expiring == [cert]
    assert [p["days_left"] for p in expiring(db)] == [5]


def test_expired_the_day_after_the_last_valid_day(db: Database) -> None:
    cert = add_certification(db, valid_until=LAST_DAY)
    on_last_day = run_certification_expiry(db, LAST_DAY, N)
    assert on_last_day.expired == [] and certification(db, cert).status == "valid"
    # The last day (0 days left) is within N: the notice goes out if it had not.
    assert [p.get("days_left", 0) for p in expiring(db)] == [0]
    after = run_certification_expiry(db, LAST_DAY + timedelta(days=1), N)
    assert after.expired == [cert]
    assert certification(db, cert).status == "expired"
    assert expired(db) == [
        {
            "certification_id": cert,
            "rep_id": "rep-1",
            "region": "EMEA",
            "product_line": "analytics",
            "valid_from": "2026-01-01",
            "valid_until": "2027-03-31",
        }
    ]
    # Once: later runs find nothing.
    assert run_certification_expiry(db, LAST_DAY + timedelta(days=40), N).expired == []
    assert len(expired(db)) == 1


def test_revoked_and_expired_certifications_are_left_alone(db: Database) -> None:
    add_certification(db, valid_until=LAST_DAY, status="revoked")
    add_certification(db, valid_until=LAST_DAY, status="expired")
    later = run_certification_expiry(db, LAST_DAY + timedelta(days=1), N)
    assert (later.expiring, later.expired) == ([], [])


@pytest.mark.parametrize(
    ("valid_until", "as_of", "days_left"),
    [
        # Across February's end, in a common year and a leap year.
        (date(2027, 3, 2), date(2027, 1, 31), 30),
        (date(2028, 3, 1), date(2028, 1, 31), 30),
        # Across a year's end.
        (date(2028, 1, 30), date(2027, 12, 31), 30),
        # A 31-day month.
        (date(2027, 8, 31), date(2027, 8, 1), 30),
    ],
)
def test_days_left_across_month_ends(
    db: Database, valid_until: date, as_of: date, days_left: int
) -> None:
    cert = add_certification(db, valid_until=valid_until)
    assert run_certification_expiry(db, as_of - timedelta(days=1), N).expiring == []
    assert run_certification_expiry(db, as_of, N).expiring == [cert]
    assert expiring(db)[0]["days_left"] == days_left


@pytest.mark.parametrize(
    ("valid_from", "months", "last_day"),
    [
        (date(2027, 1, 15), 1, date(2027, 2, 14)),
        # No 31 Feb: the validity runs to February's last day.
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2027, 3, 1), 1, date(2027, 3, 31)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2027, 12, 1), 12, date(2028, 11, 30)),
    ],
)
def test_validity_arithmetic_at_month_ends(
    db: Database, valid_from: date, months: int, last_day: date
) -> None:
    assert certification_valid_until(valid_from, months) == last_day
    cert = add_certification(db, valid_from=valid_from, valid_until=last_day)
    assert run_certification_expiry(db, last_day, 0).expired == []
    assert run_certification_expiry(db, last_day + timedelta(days=1), 0).expired == [cert]


def test_the_expiring_notice_names_the_recertification_course(db: Database) -> None:
    cert_course = add_course(
        db, "analytics-cert", certifies_product_line="analytics", certification_valid_months=12
    )
    recert = add_course(db, "analytics-recert")
    emea_recert = add_course(db, "analytics-recert-emea")
    with db.transaction() as session:
        for region, course, published in (("", recert, True), ("EMEA", emea_recert, False)):
            session.add(
                RequiredCertificationRecord(
                    requirement_id=f"req-{region or 'all'}",
                    product_line="analytics",
                    region=region,
                    certification_course_id=cert_course,
                    recertification_course_id=course,
                    published=published,
                    effective_from=date(2026, 1, 1),
                    created_at=T0,
                    created_by="admin",
                    updated_at=T0,
                    updated_by="admin",
                    version=1,
                )
            )
    add_certification(db, valid_until=LAST_DAY)
    add_certification(db, rep_id="rep-9", region="APAC", valid_until=LAST_DAY)
    add_certification(db, product_line="crm", valid_until=LAST_DAY)
    run_certification_expiry(db, LAST_DAY - timedelta(days=N), N)
    by_line = {
        (p["rep_id"], p["product_line"]): p.get("recertification_course_code", "")
        for p in expiring(db)
    }
    # EMEA's own requirement is unpublished: the all-region one applies.
    assert by_line == {
        ("rep-1", "analytics"): "analytics-recert",
        ("rep-9", "analytics"): "analytics-recert",
        ("rep-1", "crm"): "",
    }


def test_the_number_of_days_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert expiring_days_setting({}) == 30
    assert expiring_days_setting({"SALESOPS_TRAINING_EXPIRING_DAYS": "14"}) == 14
    with pytest.raises(ValueError):
        expiring_days_setting({"SALESOPS_TRAINING_EXPIRING_DAYS": "-1"})
    monkeypatch.setenv("SALESOPS_TRAINING_EXPIRING_DAYS", "7")
    assert expiring_days_setting() == 7


def test_the_worker_timer_runs_the_check_for_today(db: Database) -> None:
    today = utcnow().date()
    ended = add_certification(db, valid_until=today - timedelta(days=1))
    soon = add_certification(db, product_line="crm", valid_until=today + timedelta(days=3))
    worker = worker_factory(Worker, db=db)
    assert worker.certifications_expiry_check() == 2
    assert certification(db, ended).status == "expired"
    assert certification(db, soon).expiring_notified_on is not None
    assert worker.certifications_expiry_check() == 0


def test_the_api_runs_the_check_on_demand(
    certifications: certifications_pb2_grpc.CertificationServiceStub, db: Database
) -> None:
    cert = add_certification(db, valid_until=LAST_DAY)
    run = pb.RunCertificationExpiryRequest(as_of=(LAST_DAY + timedelta(days=1)).isoformat())
    denied = failure(lambda: certifications.RunCertificationExpiry(run, metadata=DIRECTOR))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    assert certification(db, cert).status == "valid"
    bad = failure(
        lambda: certifications.RunCertificationExpiry(
            pb.RunCertificationExpiryRequest(as_of="31/03/2027"), metadata=ADMIN
        )
    )
    assert bad_fields(bad) == ["as_of"]
    reply = certifications.RunCertificationExpiry(run, metadata=ADMIN)
    assert list(reply.expired_certification_ids) == [cert]
    [event] = outbox_events(db, "training.certification.expired")
    assert event["actor"] == "admin"
