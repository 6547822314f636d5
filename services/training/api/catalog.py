"""CatalogService: courses and their modules, learning paths, role skill profiles.

Rules are in `domain.catalog`; the path and profile tables in
`models.catalog`, courses in `models.core`. Admins write every item,
directors the items of their regions (region "" is an admin's); every
signed-in caller reads the items of region "" and of their regions.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.training.v1 import catalog_pb2 as pb
from salesops.training.v1 import catalog_pb2_grpc
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.kit.concurrency import check_expected_version
from services.kit.db import Database, utcnow
from services.kit.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    RuleViolation,
    Validator,
)
from services.kit.identity import Caller, current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import timestamp
from services.kit.records import load_visible
from services.training.domain import catalog as domain
from services.training.models.catalog import (
    LearningPathItemRecord,
    LearningPathRecord,
    SkillProfileRecord,
)
from services.training.models.core import CourseModuleRecord, CourseRecord
from services.training.models.enrollment_store import split_codes

STATUSES = ("active", "retired")
T = TypeVar("T")


def require_catalog_writer(caller: Caller, region: str) -> None:
    """Admins write any item; directors those of their own regions (not the every-region ones)."""
    if "admin" in caller.roles:
        caller.require_writer(region or "*")
        return
    if "director" in caller.roles and region:
        caller.require_writer(region)
        return
    raise PermissionDenied(
        "the catalog is written by an admin, or by a director for their own region"
        + ("" if region else " (items of every region are an admin's)")
    )


def readable(caller: Caller, region: str) -> bool:
    return not region or caller.has_region(region)


def region_filter(
    caller: Caller, column: InstrumentedAttribute[str], region: str
) -> sa.ColumnElement[bool]:
    """Rows of region "" and of `region` (or of every region the caller reads)."""
    if region:
        return column.in_(["", region]) if caller.has_region(region) else column == ""
    if caller.sees_all_regions:
        return sa.true()
    return column.in_(["", *sorted(caller.regions)])


def check_status_filter(v: Validator, status: str) -> str:
    cleaned = status.strip().lower() or "active"
    v.check(cleaned in (*STATUSES, "all"), "status", "must be active, retired or all")
    return cleaned


# --- courses --------------------------------------------------------------------------------


def modules_of(session: Session, course_id: str) -> list[CourseModuleRecord]:
    return list(
        session.scalars(
            sa.select(CourseModuleRecord)
            .where(CourseModuleRecord.course_id == course_id)
            .order_by(CourseModuleRecord.position)
        )
    )


def course_to_proto(session: Session, course: CourseRecord) -> pb.Course:
    return pb.Course(
        course_id=course.course_id,
        spec=pb.CourseSpec(
            code=course.code,
            title=course.title,
            description=course.description,
            category=course.category,
            format=course.format,
            duration_minutes=course.duration_minutes,
            skills=split_codes(course.skills),
            product_lines=split_codes(course.product_lines),
            prerequisites=split_codes(course.prerequisites),
            completes_on_assessment=course.completes_on_assessment,
            certifies_product_line=course.certifies_product_line,
            certification_valid_months=course.certification_valid_months,
            region=course.region,
            modules=[
                pb.CourseModule(
                    module_id=m.module_id,
                    position=m.position,
                    title=m.title,
                    duration_minutes=m.duration_minutes,
                )
                for m in modules_of(session, course.course_id)
            ],
        ),
        status=course.status,
        version=course.version,
        create_time=timestamp(course.created_at),
        created_by=course.created_by,
        update_time=timestamp(course.updated_at),
        updated_by=course.updated_by,
    )


def course_input(spec: pb.CourseSpec) -> domain.CourseInput:
    return domain.CourseInput(
        code=spec.code,
        title=spec.title,
        description=spec.description,
        category=spec.category,
        format=spec.format,
        duration_minutes=spec.duration_minutes,
        skills=list(spec.skills),
        product_lines=list(spec.product_lines),
        prerequisites=list(spec.prerequisites),
        completes_on_assessment=spec.completes_on_assessment,
        certifies_product_line=spec.certifies_product_line,
        certification_valid_months=spec.certification_valid_months,
        region=spec.region,
        modules=[domain.ModuleInput(m.title, m.duration_minutes) for m in spec.modules],
    )


def check_prerequisites(session: Session, fields: domain.CourseFields, course_id: str) -> None:
    """PREREQUISITE_EXISTS for each unknown code, PREREQUISITE_CYCLE for a loop back."""
    graph = {
        code: split_codes(prerequisites)
        for code, prerequisites in session.execute(
            sa.select(CourseRecord.code, CourseRecord.prerequisites).where(
                CourseRecord.course_id != course_id
            )
        )
    }
    violations = [
        RuleViolation(
            domain.RULE_PREREQUISITE_EXISTS,
            f"prerequisites/{code}",
            f"course '{code}' is not in the catalog",
        )
        for code in fields.prerequisites
        if code not in graph
    ]
    if violations:
        raise FailedPrecondition(violations)
    cycle = domain.prerequisite_cycle(fields.code, fields.prerequisites, graph)
    if cycle is not None:
        raise FailedPrecondition.of(
            domain.RULE_PREREQUISITE_CYCLE,
            f"courses/{fields.code}",
            "prerequisites may not loop back to the course: " + " -> ".join(cycle),
        )


def write_course(
    session: Session, course: CourseRecord, fields: domain.CourseFields, who: str, now: datetime
) -> None:
    """Store `fields` on `course` and replace its modules."""
    course.code = fields.code
    course.title = fields.title
    course.description = fields.description
    course.category = fields.category
    course.format = fields.format
    course.duration_minutes = fields.duration_minutes
    course.skills = ",".join(fields.skills)
    course.product_lines = ",".join(fields.product_lines)
    course.prerequisites = ",".join(fields.prerequisites)
    course.completes_on_assessment = fields.completes_on_assessment
    course.certifies_product_line = fields.certifies_product_line
    course.certification_valid_months = fields.certification_valid_months
    course.region = fields.region
    course.updated_at = now
    course.updated_by = who
    session.execute(
        sa.delete(CourseModuleRecord).where(CourseModuleRecord.course_id == course.course_id)
    )
    for position, module in enumerate(fields.modules, start=1):
        session.add(
            CourseModuleRecord(
                module_id=str(uuid.uuid4()),
                course_id=course.course_id,
                position=position,
                title=module.title,
                duration_minutes=module.duration_minutes,
            )
        )


def flush_unique(session: Session, kind: str, code: str) -> None:
    """Flush; a code taken meanwhile (the unique index) is AlreadyExists."""
    try:
        session.flush()
    except IntegrityError:
        raise AlreadyExists(kind, code) from None


def check_versioned(version: int, check: Callable[[], T]) -> T:
    """`check()`'s result, or InvalidArgument naming its bad fields and a missing version."""
    v = Validator()
    v.check(version > 0, "version", "is required (the version read)")
    try:
        result = check()
    except InvalidArgument as error:
        v.violations.extend(error.violations)
    v.raise_if_any()
    return result


def require_version(expected: int, actual: int, subject: str) -> None:
    if expected != actual:
        raise FailedPrecondition.of(
            domain.RULE_VERSION,
            subject,
            f"the version read ({expected}) is not the current one ({actual}); read it again",
        )


# --- learning paths ----------------------------------------------------------------------


def path_items(session: Session, path_id: str) -> list[tuple[LearningPathItemRecord, str]]:
    rows = session.execute(
        sa.select(LearningPathItemRecord, CourseRecord.code)
        .join(CourseRecord, CourseRecord.course_id == LearningPathItemRecord.course_id)
        .where(LearningPathItemRecord.path_id == path_id)
        .order_by(LearningPathItemRecord.position)
    ).all()
    return [(item, code) for item, code in rows]


def path_to_proto(session: Session, path: LearningPathRecord) -> pb.LearningPath:
    return pb.LearningPath(
        path_id=path.path_id,
        spec=pb.LearningPathSpec(
            code=path.code,
            name=path.name,
            description=path.description,
            role=path.role,
            region=path.region,
            purpose=path.purpose,
            items=[
                pb.LearningPathItem(
                    course_id=item.course_id,
                    course_code=code,
                    required=item.required,
                    position=item.position,
                )
                for item, code in path_items(session, path.path_id)
            ],
        ),
        status=path.status,
        version=path.version,
        create_time=timestamp(path.created_at),
        created_by=path.created_by,
        update_time=timestamp(path.updated_at),
        updated_by=path.updated_by,
    )


def check_path_spec(spec: pb.LearningPathSpec) -> tuple[str, str, str, str, str, str]:
    """(code, name, description, role, region, purpose) normalised, or InvalidArgument."""
    v = Validator()
    code = domain.check_code(v, "spec.code", spec.code)
    name = spec.name.strip()
    v.require("spec.name", name)
    v.optional("spec.description", spec.description.strip(), 10_000)
    role = spec.role.strip().lower()
    v.require("spec.role", role, 32)
    region = spec.region.strip().upper()
    v.optional("spec.region", region, 32)
    purpose = spec.purpose.strip().lower()
    v.check(
        purpose in domain.PURPOSES,
        "spec.purpose",
        "must be one of " + ", ".join(sorted(domain.PURPOSES)),
    )
    seen: set[str] = set()
    for index, item in enumerate(spec.items):
        course_id = item.course_id.strip()
        if not course_id:
            v.add(f"spec.items[{index}].course_id", "is required")
        elif course_id in seen:
            v.add(f"spec.items[{index}].course_id", "names a course already in the path")
        seen.add(course_id)
    v.raise_if_any()
    return code, name, spec.description.strip(), role, region, purpose


def write_path_items(
    session: Session, caller: Caller, path_id: str, spec: pb.LearningPathSpec
) -> None:
    """Replace the path's items; each course must exist for the caller and be active."""
    session.execute(
        sa.delete(LearningPathItemRecord).where(LearningPathItemRecord.path_id == path_id)
    )
    violations: list[RuleViolation] = []
    for position, item in enumerate(spec.items, start=1):
        course = session.get(CourseRecord, item.course_id.strip())
        if course is None or not readable(caller, course.region):
            raise NotFound("course", item.course_id.strip())
        if course.status != "active":
            violations.append(
                RuleViolation(
                    domain.RULE_COURSE_RETIRED,
                    f"courses/{course.code}",
                    "a retired course is not added to a learning path",
                )
            )
        session.add(
            LearningPathItemRecord(
                path_id=path_id,
                position=position,
                course_id=course.course_id,
                required=item.required,
            )
        )
    if violations:
        raise FailedPrecondition(violations)


# --- skill profiles ----------------------------------------------------------------------


def profile_to_proto(profile: SkillProfileRecord) -> pb.SkillProfile:
    return pb.SkillProfile(
        profile_id=profile.profile_id,
        role=profile.role,
        region=profile.region,
        skill=profile.skill,
        level=profile.level,
        version=profile.version,
        update_time=timestamp(profile.updated_at),
        updated_by=profile.updated_by,
    )


class CatalogServicer(catalog_pb2_grpc.CatalogServiceServicer):
    """Courses, learning paths and role skill profiles."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # courses

    def CreateCourse(
        self, request: pb.CreateCourseRequest, context: grpc.ServicerContext
    ) -> pb.CreateCourseResponse:
        caller = current_caller()
        fields = domain.check_course(course_input(request.spec))
        require_catalog_writer(caller, fields.region)
        now = utcnow()
        with self.db.transaction() as session:
            if session.scalar(
                sa.select(CourseRecord.course_id).where(CourseRecord.code == fields.code)
            ):
                raise AlreadyExists("course", fields.code)
            course_id = str(uuid.uuid4())
            check_prerequisites(session, fields, course_id)
            course = CourseRecord(
                course_id=course_id,
                status="active",
                created_at=now,
                created_by=caller.subject,
                version=1,
            )
            write_course(session, course, fields, caller.subject, now)
            session.add(course)
            flush_unique(session, "course", fields.code)
            return pb.CreateCourseResponse(course=course_to_proto(session, course))

    def UpdateCourse(
        self, request: pb.UpdateCourseRequest, context: grpc.ServicerContext
    ) -> pb.UpdateCourseResponse:
        caller = current_caller()
        fields = check_versioned(
            request.version, lambda: domain.check_course(course_input(request.spec))
        )
        now = utcnow()
        with self.db.transaction() as session:
            course = load_visible(
                session,
                CourseRecord,
                request.course_id,
                kind="course",
                field_name="course_id",
                visible=lambda c: readable(caller, c.region),
                for_update=True,
            )
            require_catalog_writer(caller, course.region)
            require_catalog_writer(caller, fields.region)
            require_version(request.version, course.version, f"courses/{course.course_id}")
            if course.status != "active":
                raise FailedPrecondition.of(
                    domain.RULE_COURSE_RETIRED,
                    f"courses/{course.code}",
                    "a retired course is not changed",
                )
            taken = session.scalar(
                sa.select(CourseRecord.course_id).where(
                    CourseRecord.code == fields.code, CourseRecord.course_id != course.course_id
                )
            )
            if taken:
                raise AlreadyExists("course", fields.code)
            check_prerequisites(session, fields, course.course_id)
            old_code = course.code
            write_course(session, course, fields, caller.subject, now)
            course.version += 1
            if old_code != fields.code:
                rename_prerequisite(session, old_code, fields.code)
            flush_unique(session, "course", fields.code)
            return pb.UpdateCourseResponse(course=course_to_proto(session, course))

    def GetCourse(
        self, request: pb.GetCourseRequest, context: grpc.ServicerContext
    ) -> pb.GetCourseResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            course = load_visible(
                session,
                CourseRecord,
                request.course_id,
                kind="course",
                field_name="course_id",
                visible=lambda c: readable(caller, c.region),
            )
            return pb.GetCourseResponse(course=course_to_proto(session, course))

    def ListCourses(
        self, request: pb.ListCoursesRequest, context: grpc.ServicerContext
    ) -> pb.ListCoursesResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        status = check_status_filter(v, request.status)
        category = request.category.strip().lower()
        if category:
            v.check(category in domain.CATEGORIES, "category", "is not a course category")
        skill = request.skill.strip().lower()
        product_line = request.product_line.strip().lower()
        v.raise_if_any()
        query = sa.select(CourseRecord).where(region_filter(caller, CourseRecord.region, ""))
        if status != "all":
            query = query.where(CourseRecord.status == status)
        if category:
            query = query.where(CourseRecord.category == category)
        if skill:
            # Stored as "a:1,b:2": match a whole "skill:" entry.
            query = query.where(
                sa.or_(
                    CourseRecord.skills.like(f"{skill}:%"),
                    CourseRecord.skills.like(f"%,{skill}:%"),
                )
            )
        if product_line:
            joined = sa.literal(",") + CourseRecord.product_lines + sa.literal(",")
            query = query.where(joined.like(f"%,{product_line},%"))
        with self.db.transaction() as session:
            courses, next_token = keyset_page(
                session,
                query,
                created=CourseRecord.created_at,
                key=CourseRecord.course_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "status": status,
                    "category": category,
                    "skill": skill,
                    "product_line": product_line,
                },
                cursor_of=lambda c: Cursor(c.created_at, c.course_id),
            )
            return pb.ListCoursesResponse(
                courses=[course_to_proto(session, c) for c in courses],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def RetireCourse(
        self, request: pb.RetireCourseRequest, context: grpc.ServicerContext
    ) -> pb.RetireCourseResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            course = load_visible(
                session,
                CourseRecord,
                request.course_id,
                kind="course",
                field_name="course_id",
                visible=lambda c: readable(caller, c.region),
                for_update=True,
            )
            require_catalog_writer(caller, course.region)
            if course.status != "retired":
                course.status = "retired"
                course.updated_at = utcnow()
                course.updated_by = caller.subject
                course.version += 1
            return pb.RetireCourseResponse(course=course_to_proto(session, course))

    # learning paths

    def CreateLearningPath(
        self, request: pb.CreateLearningPathRequest, context: grpc.ServicerContext
    ) -> pb.CreateLearningPathResponse:
        caller = current_caller()
        code, name, description, role, region, purpose = check_path_spec(request.spec)
        require_catalog_writer(caller, region)
        now = utcnow()
        with self.db.transaction() as session:
            if session.scalar(
                sa.select(LearningPathRecord.path_id).where(LearningPathRecord.code == code)
            ):
                raise AlreadyExists("learning path", code)
            path = LearningPathRecord(
                path_id=str(uuid.uuid4()),
                code=code,
                name=name,
                description=description,
                role=role,
                region=region,
                purpose=purpose,
                status="active",
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(path)
            write_path_items(session, caller, path.path_id, request.spec)
            flush_unique(session, "learning path", code)
            return pb.CreateLearningPathResponse(path=path_to_proto(session, path))

    def UpdateLearningPath(
        self, request: pb.UpdateLearningPathRequest, context: grpc.ServicerContext
    ) -> pb.UpdateLearningPathResponse:
        caller = current_caller()
        code, name, description, role, region, purpose = check_versioned(
            request.version, lambda: check_path_spec(request.spec)
        )
        with self.db.transaction() as session:
            path = load_visible(
                session,
                LearningPathRecord,
                request.path_id,
                kind="learning path",
                field_name="path_id",
                visible=lambda p: readable(caller, p.region),
                for_update=True,
            )
            require_catalog_writer(caller, path.region)
            require_catalog_writer(caller, region)
            require_version(request.version, path.version, f"learning-paths/{path.path_id}")
            if path.status != "active":
                raise FailedPrecondition.of(
                    domain.RULE_PATH_RETIRED,
                    f"learning-paths/{path.code}",
                    "a retired path is not changed",
                )
            taken = session.scalar(
                sa.select(LearningPathRecord.path_id).where(
                    LearningPathRecord.code == code, LearningPathRecord.path_id != path.path_id
                )
            )
            if taken:
                raise AlreadyExists("learning path", code)
            path.code, path.name, path.description = code, name, description
            path.role, path.region, path.purpose = role, region, purpose
            path.updated_at = utcnow()
            path.updated_by = caller.subject
            path.version += 1
            write_path_items(session, caller, path.path_id, request.spec)
            flush_unique(session, "learning path", code)
            return pb.UpdateLearningPathResponse(path=path_to_proto(session, path))

    def GetLearningPath(
        self, request: pb.GetLearningPathRequest, context: grpc.ServicerContext
    ) -> pb.GetLearningPathResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            path = load_visible(
                session,
                LearningPathRecord,
                request.path_id,
                kind="learning path",
                field_name="path_id",
                visible=lambda p: readable(caller, p.region),
            )
            return pb.GetLearningPathResponse(path=path_to_proto(session, path))

    def ListLearningPaths(
        self, request: pb.ListLearningPathsRequest, context: grpc.ServicerContext
    ) -> pb.ListLearningPathsResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        status = check_status_filter(v, request.status)
        purpose = request.purpose.strip().lower()
        if purpose:
            v.check(purpose in domain.PURPOSES, "purpose", "is not a path purpose")
        v.raise_if_any()
        role = request.role.strip().lower()
        region = request.region.strip().upper()
        query = sa.select(LearningPathRecord).where(
            region_filter(caller, LearningPathRecord.region, region)
        )
        if status != "all":
            query = query.where(LearningPathRecord.status == status)
        if role:
            query = query.where(LearningPathRecord.role == role)
        if purpose:
            query = query.where(LearningPathRecord.purpose == purpose)
        with self.db.transaction() as session:
            paths, next_token = keyset_page(
                session,
                query,
                created=LearningPathRecord.created_at,
                key=LearningPathRecord.path_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"status": status, "role": role, "region": region, "purpose": purpose},
                cursor_of=lambda p: Cursor(p.created_at, p.path_id),
            )
            return pb.ListLearningPathsResponse(
                paths=[path_to_proto(session, p) for p in paths],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def RetireLearningPath(
        self, request: pb.RetireLearningPathRequest, context: grpc.ServicerContext
    ) -> pb.RetireLearningPathResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            path = load_visible(
                session,
                LearningPathRecord,
                request.path_id,
                kind="learning path",
                field_name="path_id",
                visible=lambda p: readable(caller, p.region),
                for_update=True,
            )
            require_catalog_writer(caller, path.region)
            if path.status != "retired":
                path.status = "retired"
                path.updated_at = utcnow()
                path.updated_by = caller.subject
                path.version += 1
            return pb.RetireLearningPathResponse(path=path_to_proto(session, path))

    # skill profiles

    def SetSkillProfile(
        self, request: pb.SetSkillProfileRequest, context: grpc.ServicerContext
    ) -> pb.SetSkillProfileResponse:
        caller = current_caller()
        v = Validator()
        role = request.role.strip().lower()
        v.require("role", role, 32)
        region = request.region.strip().upper()
        v.optional("region", region, 32)
        skill = domain.check_skill(v, "skill", request.skill)
        domain.check_level(v, "level", request.level)
        v.raise_if_any()
        require_catalog_writer(caller, region)
        now = utcnow()
        with self.db.transaction() as session:
            profile = session.scalars(
                sa.select(SkillProfileRecord)
                .where(
                    SkillProfileRecord.role == role,
                    SkillProfileRecord.region == region,
                    SkillProfileRecord.skill == skill,
                )
                .with_for_update()
            ).first()
            check_expected_version(
                profile.version if profile else None,
                f"skill-profiles/{role}/{region or '*'}/{skill}",
            )
            if profile is None:
                profile = SkillProfileRecord(
                    profile_id=str(uuid.uuid4()), role=role, region=region, skill=skill, version=0
                )
                session.add(profile)
            profile.level = request.level
            profile.updated_at = now
            profile.updated_by = caller.subject
            profile.version += 1
            try:
                session.flush()
            except IntegrityError:
                raise Aborted("the profile was set meanwhile; set it again") from None
            return pb.SetSkillProfileResponse(profile=profile_to_proto(profile))

    def ListSkillProfiles(
        self, request: pb.ListSkillProfilesRequest, context: grpc.ServicerContext
    ) -> pb.ListSkillProfilesResponse:
        caller = current_caller()
        caller.require_reader()
        role = request.role.strip().lower()
        region = request.region.strip().upper()
        query = sa.select(SkillProfileRecord).where(
            region_filter(caller, SkillProfileRecord.region, region)
        )
        if role:
            query = query.where(SkillProfileRecord.role == role)
        with self.db.transaction() as session:
            profiles, next_token = keyset_page(
                session,
                query,
                created=SkillProfileRecord.updated_at,
                key=SkillProfileRecord.profile_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"role": role, "region": region},
                cursor_of=lambda p: Cursor(p.updated_at, p.profile_id),
            )
            return pb.ListSkillProfilesResponse(
                profiles=[profile_to_proto(p) for p in profiles],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def DeleteSkillProfile(
        self, request: pb.DeleteSkillProfileRequest, context: grpc.ServicerContext
    ) -> pb.DeleteSkillProfileResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            profile = load_visible(
                session,
                SkillProfileRecord,
                request.profile_id,
                kind="skill profile",
                field_name="profile_id",
                visible=lambda p: readable(caller, p.region),
                for_update=True,
            )
            require_catalog_writer(caller, profile.region)
            session.delete(profile)
            return pb.DeleteSkillProfileResponse()


def rename_prerequisite(session: Session, old: str, new: str) -> None:
    """Other courses naming `old` as a prerequisite name `new` instead (a code change)."""
    for other in session.scalars(
        sa.select(CourseRecord).where(CourseRecord.prerequisites.like(f"%{old}%"))
    ):
        codes = split_codes(other.prerequisites)
        if old in codes:
            other.prerequisites = ",".join(new if c == old else c for c in codes)


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the CatalogService to `server`; return its full name."""
    catalog_pb2_grpc.add_CatalogServiceServicer_to_server(CatalogServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["CatalogService"].full_name]
