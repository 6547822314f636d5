"""EnrollmentService: assigning courses and paths, self-enrolment, progress, completion, waivers.

Rules are in `domain.enrollments` and the shared `models.enrollment_store`
(one open enrollment per rep and course, the events); scope in
`models.enrollments`: a rep sees their own enrollments, a manager theirs and
those of the reps below them, directors, executives and admins their regions.
An enrollment outside the caller's scope is NotFound.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.training.v1 import enrollments_pb2 as pb
from salesops.training.v1 import enrollments_pb2_grpc
from sqlalchemy.orm import Session

from services.kit import metrics
from services.kit.concurrency import check_expected_version
from services.kit.db import Database, utcnow
from services.kit.errors import (
    FailedPrecondition,
    NotFound,
    PermissionDenied,
    RuleViolation,
    Validator,
)
from services.kit.identity import Caller, current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import timestamp
from services.kit.rep_directory import RepStatus
from services.training.domain import enrollments as domain
from services.training.models import enrollment_store as store
from services.training.models.catalog import LearningPathRecord
from services.training.models.core import (
    CourseRecord,
    EnrollmentRecord,
    EnrollmentSource,
    EnrollmentStatus,
    RepRecord,
)
from services.training.models.enrollments import OPEN_STATUSES, RepScope, manages, scope_of


def enrollment_to_proto(enrollment: EnrollmentRecord, course: CourseRecord | None) -> pb.Enrollment:
    return pb.Enrollment(
        enrollment_id=enrollment.enrollment_id,
        rep_id=enrollment.rep_id,
        region=enrollment.region,
        team_id=enrollment.team_id,
        course_id=enrollment.course_id,
        course_code=course.code if course else "",
        course_title=course.title if course else "",
        path_id=enrollment.path_id,
        required=enrollment.required,
        source=enrollment.source,
        reason=enrollment.reason,
        rule_id=enrollment.rule_id,
        source_event_id=enrollment.source_event_id,
        assigned_by=enrollment.assigned_by,
        assign_time=timestamp(enrollment.assigned_at),
        due_on=enrollment.due_on.isoformat() if enrollment.due_on else "",
        progress_pct=enrollment.progress_pct,
        status=enrollment.status,
        start_time=timestamp(enrollment.started_at),
        complete_time=timestamp(enrollment.completed_at),
        score_bp=enrollment.score_bp,
        waived_by=enrollment.waived_by,
        waive_reason=enrollment.waive_reason,
        version=enrollment.version,
        update_time=timestamp(enrollment.updated_at),
    )


def to_proto(session: Session, enrollment: EnrollmentRecord) -> pb.Enrollment:
    return enrollment_to_proto(enrollment, session.get(CourseRecord, enrollment.course_id))


def load_enrollment(
    session: Session, scope: RepScope, enrollment_id: str, *, for_update: bool = False
) -> EnrollmentRecord:
    """The enrollment if the caller's scope holds it; NotFound otherwise."""
    key = enrollment_id.strip()
    if not key:
        raise_invalid("enrollment_id", "is required")
    enrollment = session.get(EnrollmentRecord, key, with_for_update=for_update)
    if enrollment is None or not scope.sees(enrollment.rep_id, enrollment.region):
        raise NotFound("enrollment", key)
    if for_update:
        check_expected_version(enrollment.version, f"enrollments/{key}")
    return enrollment


def raise_invalid(field_name: str, description: str) -> None:
    v = Validator()
    v.add(field_name, description)
    v.raise_if_any()


def require_open(enrollment: EnrollmentRecord) -> None:
    if not store.is_open(enrollment):
        raise FailedPrecondition.of(
            store.RULE_ENROLLMENT_OPEN,
            f"enrollments/{enrollment.enrollment_id}",
            f"the enrollment is {enrollment.status}, not open",
        )


def missing_prerequisites(
    session: Session, enrollment: EnrollmentRecord, course: CourseRecord
) -> list[RuleViolation]:
    """PREREQUISITES_COMPLETED for each prerequisite course the rep has not completed."""
    codes = store.split_codes(course.prerequisites)
    if not codes:
        return []
    completed = set(
        session.scalars(
            sa.select(CourseRecord.code)
            .join(EnrollmentRecord, EnrollmentRecord.course_id == CourseRecord.course_id)
            .where(
                EnrollmentRecord.rep_id == enrollment.rep_id,
                EnrollmentRecord.status == EnrollmentStatus.COMPLETED.value,
                CourseRecord.code.in_(codes),
            )
        )
    )
    return [
        RuleViolation(
            domain.RULE_PREREQUISITES,
            f"courses/{code}",
            f"complete '{code}' before starting '{course.code}'",
        )
        for code in codes
        if code not in completed
    ]


def course_of(session: Session, enrollment: EnrollmentRecord) -> CourseRecord:
    course = session.get(CourseRecord, enrollment.course_id)
    if course is None:
        raise NotFound("course", enrollment.course_id)
    return course


def assignable_course(session: Session, caller: Caller, course_id: str) -> CourseRecord:
    """An active course the caller sees; NotFound or COURSE_ACTIVE otherwise."""
    course = session.get(CourseRecord, course_id)
    if course is None or (course.region and not caller.has_region(course.region)):
        raise NotFound("course", course_id)
    if course.status != "active":
        raise FailedPrecondition.of(
            store.RULE_COURSE_ACTIVE, f"courses/{course.code}", "a retired course is not assigned"
        )
    return course


def require_active_rep(rep: RepRecord) -> None:
    if rep.status == RepStatus.LEFT.value:
        raise FailedPrecondition.of(
            domain.RULE_REP_ACTIVE, f"reps/{rep.rep_id}", "the rep has left; nothing is assigned"
        )


def may_act_for(session: Session, caller: Caller, enrollment: EnrollmentRecord) -> bool:
    """The rep themself, or someone who manages them."""
    if caller.subject == enrollment.rep_id and "executive" not in caller.roles:
        return True
    rep = session.get(RepRecord, enrollment.rep_id)
    return rep is not None and manages(session, caller, rep)


def start(session: Session, enrollment: EnrollmentRecord, course: CourseRecord) -> None:
    """Assigned (or overdue, not yet started) -> started; prerequisites first."""
    if enrollment.started_at is not None:
        return
    missing = missing_prerequisites(session, enrollment, course)
    if missing:
        raise FailedPrecondition(missing)
    now = utcnow()
    enrollment.started_at = now
    enrollment.status = domain.started_status(enrollment.status)
    enrollment.updated_at = now
    enrollment.version += 1


class EnrollmentServicer(enrollments_pb2_grpc.EnrollmentServiceServicer):
    """Enrollments of reps in courses."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def AssignEnrollment(
        self, request: pb.AssignEnrollmentRequest, context: grpc.ServicerContext
    ) -> pb.AssignEnrollmentResponse:
        caller = current_caller()
        caller.require_reader()
        now = utcnow()
        v = Validator()
        rep_id = request.rep_id.strip()
        v.require("rep_id", rep_id, 100)
        course_id, path_id = request.course_id.strip(), request.path_id.strip()
        if bool(course_id) == bool(path_id):
            v.add("course_id", "give exactly one of course_id and path_id")
        due_on = domain.parse_due_on(v, "due_on", request.due_on, now.date())
        reason = request.reason.strip()
        v.optional("reason", reason, 2_000)
        v.raise_if_any()
        with self.db.transaction() as session:
            rep = session.get(RepRecord, rep_id)
            if rep is None or not caller.has_region(rep.region):
                raise NotFound("rep", rep_id)
            caller.require_writer(rep.region)
            if not manages(session, caller, rep):
                raise PermissionDenied(
                    "courses are assigned by a manager above the rep, a director of the rep's "
                    "region or an admin"
                )
            require_active_rep(rep)
            common = {
                "rep_id": rep.rep_id,
                "region": rep.region,
                "team_id": rep.team_id,
                "source": EnrollmentSource.MANAGER.value,
                "assigned_by": caller.subject,
                "due_on": due_on,
                "now": now,
            }
            if course_id:
                course = assignable_course(session, caller, course_id)
                record, made = store.enroll(
                    session,
                    course=course,
                    reason=reason or f"assigned by {caller.subject}",
                    correlation_caller=caller,
                    **common,  # type: ignore[arg-type]
                )
                results = [(record, made)]
            else:
                path = session.get(LearningPathRecord, path_id)
                if path is None or (path.region and not caller.has_region(path.region)):
                    raise NotFound("learning path", path_id)
                if path.status != "active":
                    raise FailedPrecondition.of(
                        "PATH_RETIRED",
                        f"learning-paths/{path.code}",
                        "a retired path is not assigned",
                    )
                results = store.assign_path(
                    session,
                    path_id=path.path_id,
                    reason=reason
                    or f"{path.purpose} path {path.code} assigned by {caller.subject}",
                    correlation_caller=caller,
                    **common,  # type: ignore[arg-type]
                )
            return pb.AssignEnrollmentResponse(
                enrollments=[to_proto(session, r) for r, _ in results],
                created=[made for _, made in results],
            )

    def SelfEnroll(
        self, request: pb.SelfEnrollRequest, context: grpc.ServicerContext
    ) -> pb.SelfEnrollResponse:
        caller = current_caller()
        caller.require_reader()
        now = utcnow()
        v = Validator()
        course_id = request.course_id.strip()
        v.require("course_id", course_id, 36)
        due_on = domain.parse_due_on(v, "due_on", request.due_on, now.date())
        v.raise_if_any()
        with self.db.transaction() as session:
            rep = session.get(RepRecord, caller.subject)
            if rep is None or "executive" in caller.roles:
                raise PermissionDenied("only a rep the directory knows enrolls themself")
            caller.require_writer(rep.region)
            require_active_rep(rep)
            course = assignable_course(session, caller, course_id)
            record, made = store.enroll(
                session,
                rep_id=rep.rep_id,
                region=rep.region,
                team_id=rep.team_id,
                course=course,
                source=EnrollmentSource.SELF.value,
                reason="self-enrolled",
                assigned_by=caller.subject,
                due_on=due_on,
                now=now,
                correlation_caller=caller,
            )
            return pb.SelfEnrollResponse(enrollment=to_proto(session, record), created=made)

    def StartEnrollment(
        self, request: pb.StartEnrollmentRequest, context: grpc.ServicerContext
    ) -> pb.StartEnrollmentResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            enrollment = load_enrollment(
                session, scope_of(session, caller), request.enrollment_id, for_update=True
            )
            caller.require_writer(enrollment.region)
            if not may_act_for(session, caller, enrollment):
                raise PermissionDenied("an enrollment is started by its rep or their manager")
            require_open(enrollment)
            start(session, enrollment, course_of(session, enrollment))
            return pb.StartEnrollmentResponse(enrollment=to_proto(session, enrollment))

    def UpdateEnrollmentProgress(
        self, request: pb.UpdateEnrollmentProgressRequest, context: grpc.ServicerContext
    ) -> pb.UpdateEnrollmentProgressResponse:
        caller = current_caller()
        v = Validator()
        domain.check_progress(v, "progress_pct", request.progress_pct)
        v.raise_if_any()
        with self.db.transaction() as session:
            enrollment = load_enrollment(
                session, scope_of(session, caller), request.enrollment_id, for_update=True
            )
            caller.require_writer(enrollment.region)
            if not may_act_for(session, caller, enrollment):
                raise PermissionDenied("progress is recorded by the rep or their manager")
            require_open(enrollment)
            if request.progress_pct < enrollment.progress_pct:
                raise FailedPrecondition.of(
                    domain.RULE_PROGRESS,
                    f"enrollments/{enrollment.enrollment_id}",
                    f"progress never goes back (recorded: {enrollment.progress_pct})",
                )
            start(session, enrollment, course_of(session, enrollment))
            if request.progress_pct != enrollment.progress_pct:
                enrollment.progress_pct = request.progress_pct
                enrollment.updated_at = utcnow()
                enrollment.version += 1
            return pb.UpdateEnrollmentProgressResponse(enrollment=to_proto(session, enrollment))

    def CompleteEnrollment(
        self, request: pb.CompleteEnrollmentRequest, context: grpc.ServicerContext
    ) -> pb.CompleteEnrollmentResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            enrollment = load_enrollment(
                session, scope_of(session, caller), request.enrollment_id, for_update=True
            )
            caller.require_writer(enrollment.region)
            course = course_of(session, enrollment)
            rep = session.get(RepRecord, enrollment.rep_id)
            manager = rep is not None and manages(session, caller, rep)
            own_self_paced = (
                caller.subject == enrollment.rep_id
                and "executive" not in caller.roles
                and course.format == domain.SELF_PACED_FORMAT
            )
            if not (manager or own_self_paced):
                raise PermissionDenied(
                    "a course is marked complete by a manager above the rep, a director of the "
                    "region or an admin; a rep completes only their own self-paced e-learning"
                )
            require_open(enrollment)
            unmet = missing_prerequisites(session, enrollment, course)
            if course.completes_on_assessment:
                unmet.insert(
                    0,
                    RuleViolation(
                        domain.RULE_ON_ASSESSMENT,
                        f"courses/{course.code}",
                        "the course completes only by passing its assessment",
                    ),
                )
            if unmet:
                raise FailedPrecondition(unmet)
            certification = store.complete_enrollment(
                session,
                enrollment,
                completed_at=utcnow(),
                score_bp=0,
                actor=caller.subject,
                caller=caller,
            )
            return pb.CompleteEnrollmentResponse(
                enrollment=enrollment_to_proto(enrollment, course),
                certification_id=certification.certification_id if certification else "",
            )

    def WaiveEnrollment(
        self, request: pb.WaiveEnrollmentRequest, context: grpc.ServicerContext
    ) -> pb.WaiveEnrollmentResponse:
        caller = current_caller()
        v = Validator()
        reason = request.reason.strip()
        v.require("reason", reason, 2_000)
        v.raise_if_any()
        with self.db.transaction() as session:
            enrollment = load_enrollment(
                session, scope_of(session, caller), request.enrollment_id, for_update=True
            )
            caller.require_writer(enrollment.region)
            rep = session.get(RepRecord, enrollment.rep_id)
            if rep is None or not manages(session, caller, rep):
                raise PermissionDenied(
                    "an enrollment is waived by a manager above the rep, a director of the region "
                    "or an admin"
                )
            require_open(enrollment)
            now = utcnow()
            enrollment.status = EnrollmentStatus.WAIVED.value
            enrollment.open_course_id = None
            enrollment.waived_by = caller.subject
            enrollment.waive_reason = reason
            enrollment.updated_at = now
            enrollment.version += 1
            return pb.WaiveEnrollmentResponse(enrollment=to_proto(session, enrollment))

    def GetEnrollment(
        self, request: pb.GetEnrollmentRequest, context: grpc.ServicerContext
    ) -> pb.GetEnrollmentResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            enrollment = load_enrollment(session, scope_of(session, caller), request.enrollment_id)
            return pb.GetEnrollmentResponse(enrollment=to_proto(session, enrollment))

    def ListEnrollments(
        self, request: pb.ListEnrollmentsRequest, context: grpc.ServicerContext
    ) -> pb.ListEnrollmentsResponse:
        caller = current_caller()
        v = Validator()
        status = request.status.strip().lower()
        if status:
            v.check(
                status in domain.STATUS_FILTERS,
                "status",
                "must be one of " + ", ".join(sorted(domain.STATUS_FILTERS)),
            )
        v.raise_if_any()
        rep_id, team_id = request.rep_id.strip(), request.team_id.strip()
        region, course_id = request.region.strip().upper(), request.course_id.strip()
        today = utcnow().date()
        with self.db.transaction() as session:
            scope = scope_of(session, caller)
            query = sa.select(EnrollmentRecord)
            regions = caller.readable_regions(region)
            if regions is not None:
                query = query.where(EnrollmentRecord.region.in_(sorted(regions)))
            if scope.reps is not None:
                query = query.where(EnrollmentRecord.rep_id.in_(sorted(scope.reps)))
            for column, value in (
                (EnrollmentRecord.rep_id, rep_id),
                (EnrollmentRecord.team_id, team_id),
                (EnrollmentRecord.course_id, course_id),
            ):
                if value:
                    query = query.where(column == value)
            if status == "open":
                query = query.where(EnrollmentRecord.status.in_(OPEN_STATUSES))
            elif status:
                query = query.where(EnrollmentRecord.status == status)
            if request.overdue_only:
                query = query.where(overdue_clause(today))
            enrollments, next_token = keyset_page(
                session,
                query,
                created=EnrollmentRecord.assigned_at,
                key=EnrollmentRecord.enrollment_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "rep_id": rep_id,
                    "team_id": team_id,
                    "region": region,
                    "course_id": course_id,
                    "status": status,
                    "overdue": str(request.overdue_only),
                },
                cursor_of=lambda e: Cursor(e.assigned_at, e.enrollment_id),
            )
            return pb.ListEnrollmentsResponse(
                enrollments=[to_proto(session, e) for e in enrollments],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )


def overdue_clause(today: date) -> sa.ColumnElement[bool]:
    """Open enrollments past their due date (marked overdue or not yet)."""
    return sa.or_(
        EnrollmentRecord.status == EnrollmentStatus.OVERDUE.value,
        sa.and_(
            EnrollmentRecord.status.in_(OPEN_STATUSES),
            EnrollmentRecord.due_on.is_not(None),
            EnrollmentRecord.due_on < today,
        ),
    )


def enrollment_counts(db: Database) -> list[tuple[tuple[str, str], float]]:
    """Enrollments by region and status (the query gauge's samples)."""
    with db.transaction() as session:
        rows = session.execute(
            sa.select(EnrollmentRecord.region, EnrollmentRecord.status, sa.func.count())
            .group_by(EnrollmentRecord.region, EnrollmentRecord.status)
            .order_by(EnrollmentRecord.region, EnrollmentRecord.status)
        ).all()
    return [((region, status), float(count)) for region, status, count in rows]


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the EnrollmentService to `server` and the enrollments gauge; return its full name."""
    enrollments_pb2_grpc.add_EnrollmentServiceServicer_to_server(EnrollmentServicer(db), server)
    metrics.register_query_gauge(
        "salesops_training_enrollments",
        "Training enrollments, by region and status (assigned, in_progress, overdue, ...).",
        ["region", "status"],
        lambda: enrollment_counts(db),
    )
    return [pb.DESCRIPTOR.services_by_name["EnrollmentService"].full_name]
