"""Certifications over real gRPC (SQLite and PostgreSQL): scope, filters, revocation, grants,
required certifications per product line."""

from __future__ import annotations

from datetime import date, timedelta

import grpc
import sqlalchemy as sa
from salesops.training.v1 import certifications_pb2 as pb
from salesops.training.v1 import certifications_pb2_grpc

from services.kit.db import Database, utcnow
from services.planning.tests.test_plans_api import bad_fields, failure, rule_types
from services.training.models.certifications import CertificationGrantRecord
from services.training.models.enrollment_store import certification_valid_until
from services.training.tests.assessments_support import (
    add_certification,
    certification,
    certifications,
    channel,
    db,
)
from services.training.tests.training_support import (
    ADMIN,
    APAC_DIRECTOR,
    DIRECTOR,
    EXECUTIVE,
    MANAGER_A,
    MANAGER_B,
    REP_1,
    add_course,
    outbox_events,
)

__all__ = ["certifications", "channel", "db"]

Stub = certifications_pb2_grpc.CertificationServiceStub
VALID = pb.CERTIFICATION_STATE_VALID
EXPIRED = pb.CERTIFICATION_STATE_EXPIRED
REVOKED = pb.CERTIFICATION_STATE_REVOKED


def listed(
    certifications: Stub, metadata: list[tuple[str, str]], **filters: object
) -> list[tuple[str, str]]:
    reply = certifications.ListCertifications(
        pb.ListCertificationsRequest(**filters),  # type: ignore[arg-type]
        metadata=metadata,
    )
    return sorted((c.rep_id, c.product_line) for c in reply.certifications)


def test_lists_are_scoped_and_filtered(certifications: Stub, db: Database) -> None:
    today = utcnow().date()
    add_certification(db, rep_id="rep-1", valid_until=today + timedelta(days=10))
    add_certification(
        db, rep_id="rep-2", product_line="crm", valid_until=today + timedelta(days=200)
    )
    add_certification(db, rep_id="rep-3", valid_until=today - timedelta(days=3), status="expired")
    add_certification(db, rep_id="rep-9", region="APAC", valid_until=today + timedelta(days=5))

    assert listed(certifications, REP_1) == [("rep-1", "analytics")]
    assert listed(certifications, REP_1, rep_id="rep-2") == []
    assert listed(certifications, MANAGER_A) == [("rep-1", "analytics"), ("rep-2", "crm")]
    assert listed(certifications, MANAGER_B) == [("rep-3", "analytics")]
    assert len(listed(certifications, DIRECTOR)) == 3
    assert listed(certifications, APAC_DIRECTOR) == [("rep-9", "analytics")]
    assert listed(certifications, APAC_DIRECTOR, region="EMEA") == []
    assert len(listed(certifications, EXECUTIVE)) == 4
    assert listed(certifications, DIRECTOR, team_id="team-b") == [("rep-3", "analytics")]
    assert listed(certifications, DIRECTOR, product_line="crm") == [("rep-2", "crm")]
    assert listed(certifications, DIRECTOR, state=EXPIRED) == [("rep-3", "analytics")]
    assert listed(certifications, EXECUTIVE, expiring_within_days=10) == [
        ("rep-1", "analytics"),
        ("rep-9", "analytics"),
    ]
    assert listed(certifications, EXECUTIVE, expiring_within_days=9) == [("rep-9", "analytics")]
    reply = certifications.ListCertifications(
        pb.ListCertificationsRequest(team_id="team-a"), metadata=DIRECTOR
    )
    assert {c.team_id for c in reply.certifications} == {"team-a"}
    page = certifications.ListCertifications(
        pb.ListCertificationsRequest(page={"page_size": 2}), metadata=EXECUTIVE
    )
    rest = certifications.ListCertifications(
        pb.ListCertificationsRequest(
            page={"page_size": 2, "page_token": page.page.next_page_token}
        ),
        metadata=EXECUTIVE,
    )
    ids = [c.certification_id for c in [*page.certifications, *rest.certifications]]
    assert len(ids) == len(set(ids)) == 4 and rest.page.next_page_token == ""


def test_get_is_not_found_outside_the_scope(certifications: Stub, db: Database) -> None:
    cert = add_certification(db, rep_id="rep-2")
    request = pb.GetCertificationRequest(certification_id=cert)
    got = certifications.GetCertification(request, metadata=MANAGER_A).certification
    assert (got.rep_id, got.state, got.valid_until, got.team_id) == (
        "rep-2",
        VALID,
        "2027-01-31",
        "team-a",
    )
    for who in (REP_1, MANAGER_B, APAC_DIRECTOR):
        assert failure(
            lambda who=who: certifications.GetCertification(request, metadata=who)
        ).code() == (grpc.StatusCode.NOT_FOUND)


def test_revocation_with_a_reason_is_final_and_announced(
    certifications: Stub, db: Database
) -> None:
    cert = add_certification(db)
    revoke = pb.RevokeCertificationRequest(certification_id=cert, reason="Mis-selling finding")
    assert bad_fields(
        failure(
            lambda: certifications.RevokeCertification(
                pb.RevokeCertificationRequest(certification_id=cert), metadata=DIRECTOR
            )
        )
    ) == ["reason"]
    denied = failure(lambda: certifications.RevokeCertification(revoke, metadata=MANAGER_A))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    hidden = failure(lambda: certifications.RevokeCertification(revoke, metadata=APAC_DIRECTOR))
    assert hidden.code() == grpc.StatusCode.NOT_FOUND
    assert certification(db, cert).status == "valid"
    assert outbox_events(db, "training.certification.revoked") == []

    revoked = certifications.RevokeCertification(revoke, metadata=DIRECTOR).certification
    assert (revoked.state, revoked.revoked_by, revoked.revoke_reason) == (
        REVOKED,
        "dir-1",
        "Mis-selling finding",
    )
    again = failure(lambda: certifications.RevokeCertification(revoke, metadata=ADMIN))
    assert rule_types(again) == ["certification_revocable"]
    [event] = outbox_events(db, "training.certification.revoked")
    assert event["payload"] == {
        "certification_id": cert,
        "rep_id": "rep-1",
        "region": "EMEA",
        "product_line": "analytics",
        "valid_from": "2026-01-01",
        "valid_until": "2027-01-31",
        "reason": "Mis-selling finding",
    }
    # An expired certification can be revoked too (the finding outlives the validity).
    old = add_certification(db, status="expired")
    request = pb.RevokeCertificationRequest(certification_id=old, reason="Fraud")
    assert certifications.RevokeCertification(request, metadata=ADMIN).certification.state == (
        REVOKED
    )


def test_an_admin_records_an_outside_certification(certifications: Stub, db: Database) -> None:
    today = utcnow().date()
    earlier = add_certification(db, valid_until=today + timedelta(days=20))
    grant = pb.GrantCertificationRequest(
        rep_id="rep-1",
        product_line="analytics",
        valid_from=today.isoformat(),
        valid_months=12,
        evidence="Vendor certificate 4711",
    )
    denied = failure(lambda: certifications.GrantCertification(grant, metadata=DIRECTOR))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    bad = failure(
        lambda: certifications.GrantCertification(
            pb.GrantCertificationRequest(valid_from="tomorrow", valid_months=0), metadata=ADMIN
        )
    )
    assert bad_fields(bad) == ["evidence", "product_line", "rep_id", "valid_from", "valid_months"]
    unknown = pb.GrantCertificationRequest(
        rep_id="nobody", product_line="analytics", valid_months=12, evidence="x"
    )
    assert failure(lambda: certifications.GrantCertification(unknown, metadata=ADMIN)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    ended = pb.GrantCertificationRequest(
        rep_id="rep-1",
        product_line="analytics",
        valid_from=(today - timedelta(days=90)).isoformat(),
        valid_months=1,
        evidence="x",
    )
    assert rule_types(
        failure(lambda: certifications.GrantCertification(ended, metadata=ADMIN))
    ) == ["certification_current"]
    assert outbox_events(db, "training.certification.granted") == []

    granted = certifications.GrantCertification(grant, metadata=ADMIN).certification
    assert (granted.valid_from, granted.valid_until, granted.state, granted.course_id) == (
        today.isoformat(),
        certification_valid_until(today, 12).isoformat(),
        VALID,
        "",
    )
    # It supersedes the rep's earlier certification of the line.
    assert certification(db, earlier).status == "expired"
    with db.transaction() as session:
        record = session.get(CertificationGrantRecord, granted.certification_id)
        assert record is not None
        assert (record.granted_by, record.evidence) == ("admin", "Vendor certificate 4711")
    [event] = outbox_events(db, "training.certification.granted")
    assert event["payload"]["certification_id"] == granted.certification_id
    assert event["payload"]["valid_until"] == granted.valid_until


def test_required_certifications_are_set_by_admins_and_published_to_everyone(
    certifications: Stub, db: Database
) -> None:
    cert_course = add_course(
        db, "analytics-cert", certifies_product_line="analytics", certification_valid_months=12
    )
    recert = add_course(db, "analytics-recert")
    other = add_course(db, "crm-basics")
    request = pb.SetRequiredCertificationRequest(
        product_line="analytics",
        certification_course_id=cert_course,
        recertification_course_id=recert,
        published=True,
        effective_from="2027-01-01",
    )
    assert failure(
        lambda: certifications.SetRequiredCertification(request, metadata=DIRECTOR)
    ).code() == (grpc.StatusCode.PERMISSION_DENIED)
    assert bad_fields(
        failure(
            lambda: certifications.SetRequiredCertification(
                pb.SetRequiredCertificationRequest(effective_from="soon"), metadata=ADMIN
            )
        )
    ) == ["certification_course_id", "effective_from", "product_line"]
    wrong = pb.SetRequiredCertificationRequest(
        product_line="analytics",
        certification_course_id=other,
        recertification_course_id="missing",
    )
    assert rule_types(
        failure(lambda: certifications.SetRequiredCertification(wrong, metadata=ADMIN))
    ) == ["certification_course", "recertification_course"]

    made = certifications.SetRequiredCertification(request, metadata=ADMIN).requirement
    assert (made.region, made.certification_course_code, made.recertification_course_code) == (
        "",
        "analytics-cert",
        "analytics-recert",
    )
    emea = pb.SetRequiredCertificationRequest(
        product_line="analytics", region="emea", certification_course_id=cert_course
    )
    draft = certifications.SetRequiredCertification(emea, metadata=ADMIN).requirement
    assert (draft.region, draft.published, draft.version) == ("EMEA", False, 1)

    def lines(metadata: list[tuple[str, str]], **filters: object) -> list[tuple[str, str]]:
        reply = certifications.ListRequiredCertifications(
            pb.ListRequiredCertificationsRequest(**filters),  # type: ignore[arg-type]
            metadata=metadata,
        )
        return sorted((r.product_line, r.region) for r in reply.requirements)

    # Everyone signed in reads the published ones; unpublished ones only admins, on request.
    assert lines(REP_1) == [("analytics", "")]
    assert lines(REP_1, include_unpublished=True) == [("analytics", "")]
    assert lines(ADMIN, include_unpublished=True) == [("analytics", ""), ("analytics", "EMEA")]
    assert lines(ADMIN, include_unpublished=True, region="APAC") == [("analytics", "")]
    assert lines(EXECUTIVE, product_line="crm") == []

    republished = certifications.SetRequiredCertification(
        pb.SetRequiredCertificationRequest(
            product_line="analytics",
            region="EMEA",
            certification_course_id=cert_course,
            published=True,
        ),
        metadata=ADMIN,
    ).requirement
    assert (republished.requirement_id, republished.version) == (draft.requirement_id, 2)
    assert lines(REP_1, region="EMEA") == [("analytics", ""), ("analytics", "EMEA")]
    changes = [
        e["payload"] for e in outbox_events(db, "training.certification_requirement.changed")
    ]
    assert [
        (c["product_line"], c.get("region", ""), c.get("published", False)) for c in changes
    ] == [
        ("analytics", "", True),
        ("analytics", "EMEA", False),
        ("analytics", "EMEA", True),
    ]
    assert changes[0]["recertification_course_code"] == "analytics-recert"
    assert changes[0]["effective_from"] == "2027-01-01"
    assert date.fromisoformat(changes[1]["effective_from"]) == utcnow().date()
    with db.transaction() as session:
        assert session.scalar(sa.text("SELECT count(*) FROM required_certifications")) == 2
