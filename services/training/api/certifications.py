"""CertificationService: reps' certifications, revocation, outside grants, expiry, requirements.

Scope: a rep sees their own certifications, a manager those of the reps
below them, directors, executives and admins their regions'. Revoking is for
a director or admin of the region, with a reason; granting one obtained
outside salesops and setting required certifications are for admins.
Required certifications are readable by everyone signed in (the published
ones; admins may ask for unpublished ones too). Expiry: see
`models.certifications.check_expiry`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import training_assessment_events_pb2 as new_events
from salesops.events.v1 import training_events_pb2 as events
from salesops.training.v1 import certifications_pb2 as pb
from salesops.training.v1 import certifications_pb2_grpc
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.kit import metrics
from services.kit.concurrency import check_expected_version
from services.kit.db import Database, utcnow
from services.kit.errors import (
    Aborted,
    FailedPrecondition,
    PermissionDenied,
    RuleViolation,
    Validator,
)
from services.kit.identity import Caller, current_caller
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import timestamp
from services.kit.records import load_visible, where_equal
from services.training.domain import certifications as domain
from services.training.models import certifications as store
from services.training.models.core import (
    CertificationRecord,
    CertificationStatus,
    CourseRecord,
    RepRecord,
)
from services.training.models.enrollment_store import (
    CERTIFICATION_GRANTED,
    certification_valid_until,
    valid_certifications,
)

REVOKERS = frozenset({"director", "admin"})
STATE = {
    CertificationStatus.VALID.value: pb.CERTIFICATION_STATE_VALID,
    CertificationStatus.EXPIRED.value: pb.CERTIFICATION_STATE_EXPIRED,
    CertificationStatus.REVOKED.value: pb.CERTIFICATION_STATE_REVOKED,
}
STATUS_OF = {number: status for status, number in STATE.items()}


def certification_to_proto(record: CertificationRecord, team_id: str) -> pb.Certification:
    return pb.Certification(
        certification_id=record.certification_id,
        rep_id=record.rep_id,
        region=record.region,
        team_id=team_id,
        product_line=record.product_line,
        course_id=record.course_id,
        enrollment_id=record.enrollment_id,
        valid_from=record.valid_from.isoformat(),
        valid_until=record.valid_until.isoformat(),
        state=STATE.get(record.status, pb.CERTIFICATION_STATE_UNSPECIFIED),
        expiring_notified_on=(
            record.expiring_notified_on.isoformat() if record.expiring_notified_on else ""
        ),
        revoked_by=record.revoked_by,
        revoke_reason=record.revoke_reason,
        create_time=timestamp(record.created_at),
        update_time=timestamp(record.updated_at),
        version=record.version,
    )


def requirement_to_proto(
    session: Session, record: store.RequiredCertificationRecord
) -> pb.RequiredCertification:
    return pb.RequiredCertification(
        requirement_id=record.requirement_id,
        product_line=record.product_line,
        region=record.region,
        certification_course_id=record.certification_course_id,
        certification_course_code=store.course_code(session, record.certification_course_id),
        recertification_course_id=record.recertification_course_id,
        recertification_course_code=store.course_code(session, record.recertification_course_id),
        published=record.published,
        effective_from=record.effective_from.isoformat(),
        update_time=timestamp(record.updated_at),
        updated_by=record.updated_by,
        version=record.version,
    )


def team_of(session: Session, rep_id: str) -> str:
    rep = session.get(RepRecord, rep_id)
    return rep.team_id if rep else ""


def require_admin(caller: Caller, what: str) -> None:
    if "admin" not in caller.roles:
        raise PermissionDenied(f"{what} is for admins")


class CertificationServicer(certifications_pb2_grpc.CertificationServiceServicer):
    """Certifications and required certifications."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _load(
        self, session: Session, caller: Caller, certification_id: str, *, for_update: bool = False
    ) -> CertificationRecord:
        caller.require_reader()
        return load_visible(
            session,
            CertificationRecord,
            certification_id,
            kind="certification",
            field_name="certification_id",
            visible=lambda r: store.can_see_rep_record(session, caller, r.region, r.rep_id),
            for_update=for_update,
        )

    def ListCertifications(
        self, request: pb.ListCertificationsRequest, context: grpc.ServicerContext
    ) -> pb.ListCertificationsResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        v.check(
            0 <= request.expiring_within_days <= 3660,
            "expiring_within_days",
            "must be 0 to 3660",
        )
        v.check(request.state in STATE.values() or request.state == 0, "state", "is unknown")
        v.raise_if_any()
        region = request.region.strip().upper()
        rep_id = request.rep_id.strip()
        team_id = request.team_id.strip()
        product_line = request.product_line.strip()
        status = STATUS_OF.get(request.state, "")
        query = where_equal(
            sa.select(CertificationRecord),
            [
                (CertificationRecord.rep_id, rep_id),
                (CertificationRecord.product_line, product_line),
                (CertificationRecord.status, status),
            ],
        )
        if request.expiring_within_days:
            today = utcnow().date()
            query = query.where(
                CertificationRecord.status == CertificationStatus.VALID.value,
                CertificationRecord.valid_until >= today,
                CertificationRecord.valid_until
                <= today + timedelta(days=request.expiring_within_days),
            )
        if team_id:
            query = query.where(
                CertificationRecord.rep_id.in_(
                    sa.select(RepRecord.rep_id).where(RepRecord.team_id == team_id)
                )
            )
        regions = caller.readable_regions(region)
        if regions is not None:
            query = query.where(CertificationRecord.region.in_(sorted(regions)))
        with self.db.transaction() as session:
            visible = store.visible_rep_ids(session, caller)
            if visible is not None:
                query = query.where(CertificationRecord.rep_id.in_(sorted(visible)))
            records, next_token = keyset_page(
                session,
                query,
                created=CertificationRecord.created_at,
                key=CertificationRecord.certification_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "region": region,
                    "rep_id": rep_id,
                    "team_id": team_id,
                    "product_line": product_line,
                    "status": status,
                    "expiring": str(request.expiring_within_days),
                },
                cursor_of=lambda r: Cursor(r.created_at, r.certification_id),
            )
            return pb.ListCertificationsResponse(
                certifications=[
                    certification_to_proto(r, team_of(session, r.rep_id)) for r in records
                ],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def GetCertification(
        self, request: pb.GetCertificationRequest, context: grpc.ServicerContext
    ) -> pb.GetCertificationResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            record = self._load(session, caller, request.certification_id)
            return pb.GetCertificationResponse(
                certification=certification_to_proto(record, team_of(session, record.rep_id))
            )

    def RevokeCertification(
        self, request: pb.RevokeCertificationRequest, context: grpc.ServicerContext
    ) -> pb.RevokeCertificationResponse:
        caller = current_caller()
        v = Validator()
        v.require("reason", request.reason, 2000)
        v.raise_if_any()
        now = utcnow()
        with self.db.transaction() as session:
            record = self._load(session, caller, request.certification_id, for_update=True)
            caller.require_writer(record.region)
            if not caller.roles & REVOKERS:
                raise PermissionDenied("certifications are revoked by a director or an admin")
            domain.require_revocable(record.certification_id, record.status)
            record.status = CertificationStatus.REVOKED.value
            record.revoked_by = caller.subject
            record.revoke_reason = request.reason.strip()
            record.updated_at = now
            record.version += 1
            session.flush()
            record_event(
                session,
                store.CERTIFICATION_REVOKED,
                events.CertificationRevoked(
                    **store.certification_dates(record), reason=record.revoke_reason
                ),
                region=record.region,
                caller=caller,
            )
            return pb.RevokeCertificationResponse(
                certification=certification_to_proto(record, team_of(session, record.rep_id))
            )

    def GrantCertification(
        self, request: pb.GrantCertificationRequest, context: grpc.ServicerContext
    ) -> pb.GrantCertificationResponse:
        caller = current_caller()
        require_admin(caller, "recording a certification obtained outside salesops")
        now = utcnow()
        today = now.date()
        v = Validator()
        rep_id = request.rep_id.strip()
        product_line = request.product_line.strip()
        domain.validate_grant(
            v, rep_id, product_line, request.valid_months, request.evidence.strip()
        )
        valid_from = domain.parse_date(v, "valid_from", request.valid_from, today)
        v.raise_if_any()
        valid_until = certification_valid_until(valid_from, request.valid_months)
        with self.db.transaction() as session:
            rep = load_visible(
                session,
                RepRecord,
                rep_id,
                kind="rep",
                field_name="rep_id",
                visible=lambda r: caller.can_read(r.region),
            )
            caller.require_writer(rep.region)
            if valid_until < today:
                raise FailedPrecondition.of(
                    "certification_current",
                    f"reps/{rep_id}/certifications/{product_line}",
                    f"a certification from {valid_from} for {request.valid_months} month(s) "
                    f"ended on {valid_until}; record only current ones",
                )
            for earlier in valid_certifications(session, rep_id, product_line):
                earlier.status = CertificationStatus.EXPIRED.value
                earlier.updated_at = now
                earlier.version += 1
            record = CertificationRecord(
                certification_id=str(uuid.uuid4()),
                rep_id=rep_id,
                region=rep.region,
                product_line=product_line,
                course_id="",
                enrollment_id="",
                valid_from=valid_from,
                valid_until=valid_until,
                status=CertificationStatus.VALID.value,
                expiring_notified_on=None,
                revoked_by="",
                revoke_reason="",
                created_at=now,
                updated_at=now,
                version=1,
            )
            session.add(record)
            session.add(
                store.CertificationGrantRecord(
                    certification_id=record.certification_id,
                    granted_by=caller.subject,
                    evidence=request.evidence.strip(),
                    granted_at=now,
                )
            )
            session.flush()
            record_event(
                session,
                CERTIFICATION_GRANTED,
                events.CertificationGranted(**store.certification_dates(record)),
                region=record.region,
                caller=caller,
            )
            return pb.GrantCertificationResponse(
                certification=certification_to_proto(record, rep.team_id)
            )

    def RunCertificationExpiry(
        self, request: pb.RunCertificationExpiryRequest, context: grpc.ServicerContext
    ) -> pb.RunCertificationExpiryResponse:
        caller = current_caller()
        require_admin(caller, "running the certification expiry check")
        caller.require_writer("*")
        v = Validator()
        as_of = domain.parse_date(v, "as_of", request.as_of, utcnow().date())
        v.raise_if_any()
        with self.db.transaction() as session:
            run = store.check_expiry(
                session,
                as_of=as_of,
                expiring_days=store.expiring_days_setting(),
                now=utcnow(),
                caller=caller,
            )
            return pb.RunCertificationExpiryResponse(
                expiring_certification_ids=run.expiring, expired_certification_ids=run.expired
            )

    def SetRequiredCertification(
        self, request: pb.SetRequiredCertificationRequest, context: grpc.ServicerContext
    ) -> pb.SetRequiredCertificationResponse:
        caller = current_caller()
        require_admin(caller, "setting required certifications")
        now = utcnow()
        v = Validator()
        product_line = request.product_line.strip()
        region = request.region.strip().upper()
        v.require("product_line", product_line, 100)
        v.optional("region", region, 32)
        v.require("certification_course_id", request.certification_course_id.strip(), 36)
        v.optional("recertification_course_id", request.recertification_course_id.strip(), 36)
        effective_from = domain.parse_date(v, "effective_from", request.effective_from, now.date())
        v.raise_if_any()
        caller.require_writer(region or "*")
        with self.db.transaction() as session:
            self._check_courses(session, request, product_line)
            record = session.scalars(
                sa.select(store.RequiredCertificationRecord)
                .where(
                    store.RequiredCertificationRecord.product_line == product_line,
                    store.RequiredCertificationRecord.region == region,
                )
                .with_for_update()
            ).first()
            check_expected_version(
                record.version if record else None,
                f"required-certifications/{product_line}/{region or '*'}",
            )
            if record is None:
                record = store.RequiredCertificationRecord(
                    requirement_id=str(uuid.uuid4()),
                    product_line=product_line,
                    region=region,
                    created_at=now,
                    created_by=caller.subject,
                    version=0,
                )
                session.add(record)
            record.certification_course_id = request.certification_course_id.strip()
            record.recertification_course_id = request.recertification_course_id.strip()
            record.published = request.published
            record.effective_from = effective_from
            record.updated_at = now
            record.updated_by = caller.subject
            record.version += 1
            try:
                session.flush()
            except IntegrityError:
                raise Aborted(
                    f"the requirement of {product_line} was set meanwhile; set it again"
                ) from None
            proto = requirement_to_proto(session, record)
            record_event(
                session,
                store.REQUIREMENT_CHANGED,
                new_events.CertificationRequirementChanged(
                    requirement_id=proto.requirement_id,
                    product_line=proto.product_line,
                    region=proto.region,
                    certification_course_id=proto.certification_course_id,
                    certification_course_code=proto.certification_course_code,
                    recertification_course_id=proto.recertification_course_id,
                    recertification_course_code=proto.recertification_course_code,
                    published=proto.published,
                    effective_from=proto.effective_from,
                    version=proto.version,
                ),
                region=region,
                caller=caller,
            )
            return pb.SetRequiredCertificationResponse(requirement=proto)

    def _check_courses(
        self, session: Session, request: pb.SetRequiredCertificationRequest, product_line: str
    ) -> None:
        """Every unmet rule of the courses a requirement names, at once."""
        violations: list[RuleViolation] = []
        course = session.get(CourseRecord, request.certification_course_id.strip())
        if course is None or course.certifies_product_line != product_line:
            violations.append(
                RuleViolation(
                    "certification_course",
                    f"courses/{request.certification_course_id.strip()}",
                    f"the certification course must exist and certify {product_line}",
                )
            )
        recertification_id = request.recertification_course_id.strip()
        if recertification_id and session.get(CourseRecord, recertification_id) is None:
            violations.append(
                RuleViolation(
                    "recertification_course",
                    f"courses/{recertification_id}",
                    "the recertification course does not exist",
                )
            )
        if violations:
            raise FailedPrecondition(violations)

    def ListRequiredCertifications(
        self, request: pb.ListRequiredCertificationsRequest, context: grpc.ServicerContext
    ) -> pb.ListRequiredCertificationsResponse:
        caller = current_caller()
        caller.require_reader()
        product_line = request.product_line.strip()
        region = request.region.strip().upper()
        unpublished = request.include_unpublished and "admin" in caller.roles
        model = store.RequiredCertificationRecord
        query = where_equal(sa.select(model), [(model.product_line, product_line)])
        if region:
            query = query.where(model.region.in_([region, ""]))
        if not unpublished:
            query = query.where(model.published.is_(True))
        with self.db.transaction() as session:
            records, next_token = keyset_page(
                session,
                query,
                created=model.created_at,
                key=model.requirement_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "product_line": product_line,
                    "region": region,
                    "unpublished": str(unpublished),
                },
                cursor_of=lambda r: Cursor(r.created_at, r.requirement_id),
            )
            return pb.ListRequiredCertificationsResponse(
                requirements=[requirement_to_proto(session, r) for r in records],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )


def _certifications_by_status(db: Database) -> list[tuple[tuple[str, ...], float]]:
    with db.transaction() as session:
        rows = session.execute(
            sa.select(
                CertificationRecord.region,
                CertificationRecord.product_line,
                CertificationRecord.status,
                sa.func.count(),
            ).group_by(
                CertificationRecord.region,
                CertificationRecord.product_line,
                CertificationRecord.status,
            )
        ).all()
    return [((region, line, status), float(count)) for region, line, status, count in rows]


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the CertificationService to `server`; return its full name."""
    certifications_pb2_grpc.add_CertificationServiceServicer_to_server(
        CertificationServicer(db), server
    )
    metrics.register_query_gauge(
        "salesops_training_certifications",
        "Reps' certifications by region, product line and status (valid, expired, revoked).",
        ["region", "product_line", "status"],
        lambda: _certifications_by_status(db),
    )
    return [pb.DESCRIPTOR.services_by_name["CertificationService"].full_name]
