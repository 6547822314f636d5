"""ReadinessService: a rep's skills against their role's profile, and team and region figures.

The arithmetic is `domain.readiness`. Scope: a rep reads their own
readiness; a manager the reps below them (and their own); directors,
executives and admins the reps of their regions. Team and region figures
count only the reps the caller sees, and a team or region with none of them
is NotFound. Reps who left are not counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date

import grpc
import sqlalchemy as sa
from salesops.training.v1 import readiness_pb2 as pb
from salesops.training.v1 import readiness_pb2_grpc
from sqlalchemy.orm import Session

from services.kit.db import Database, utcnow
from services.kit.errors import NotFound, Validator
from services.kit.identity import Caller, current_caller
from services.kit.protos import timestamp
from services.kit.rep_directory import RepStatus
from services.training.domain import readiness as domain
from services.training.domain.readiness import GroupFigures, RepIndex
from services.training.models.catalog import SkillProfileRecord
from services.training.models.core import (
    CertificationRecord,
    CertificationStatus,
    CourseRecord,
    EnrollmentRecord,
    EnrollmentStatus,
    RepRecord,
    reps_managed_by,
)

REGION_WIDE_ROLES = frozenset({"director", "executive", "admin"})


def visible_reps(
    session: Session, caller: Caller, query: sa.Select[tuple[RepRecord]]
) -> list[RepRecord]:
    """The reps of `query` the caller sees (not those who left), by id."""
    caller.require_reader()
    query = query.where(RepRecord.status != RepStatus.LEFT.value)
    regions = caller.readable_regions()
    if regions is not None:
        query = query.where(RepRecord.region.in_(sorted(regions)))
    if not caller.roles & REGION_WIDE_ROLES:
        allowed = {caller.subject}
        if "manager" in caller.roles:
            allowed |= reps_managed_by(session, caller.subject)
        query = query.where(RepRecord.rep_id.in_(sorted(allowed)))
    return list(session.scalars(query.order_by(RepRecord.rep_id)))


def rep_indexes(session: Session, reps: Sequence[RepRecord]) -> dict[str, RepIndex]:
    """Each rep's skills and readiness index."""
    ids = [r.rep_id for r in reps]
    completions: dict[str, list[tuple[str, int]]] = defaultdict(list)
    if ids:
        rows = session.execute(
            sa.select(EnrollmentRecord.rep_id, CourseRecord.skills, EnrollmentRecord.score_bp)
            .join(CourseRecord, CourseRecord.course_id == EnrollmentRecord.course_id)
            .where(
                EnrollmentRecord.rep_id.in_(ids),
                EnrollmentRecord.status == EnrollmentStatus.COMPLETED.value,
            )
        )
        for rep_id, skills, score_bp in rows:
            completions[rep_id].append((skills, score_bp))
    profiles: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    roles = sorted({r.role for r in reps})
    if roles:
        for entry in session.scalars(
            sa.select(SkillProfileRecord).where(SkillProfileRecord.role.in_(roles))
        ):
            profiles[entry.role].append((entry.region, entry.skill, entry.level))
    return {
        rep.rep_id: domain.rep_index(
            domain.skill_levels(completions[rep.rep_id]),
            domain.required_skills(profiles[rep.role], rep.region),
        )
        for rep in reps
    }


def group_figures(
    session: Session, reps: Sequence[RepRecord], indexes: dict[str, RepIndex], today: date
) -> GroupFigures:
    ids = [r.rep_id for r in reps]
    enrollments: list[tuple[str, str, date | None]] = []
    certified: dict[str, set[str]] = defaultdict(set)
    if ids:
        enrollments = [
            (rep_id, status, due)
            for rep_id, status, due in session.execute(
                sa.select(
                    EnrollmentRecord.rep_id, EnrollmentRecord.status, EnrollmentRecord.due_on
                ).where(EnrollmentRecord.rep_id.in_(ids))
            )
        ]
        for cert in session.scalars(
            sa.select(CertificationRecord).where(
                CertificationRecord.rep_id.in_(ids),
                CertificationRecord.status == CertificationStatus.VALID.value,
            )
        ):
            if domain.certified_on(cert.status, cert.valid_from, cert.valid_until, today):
                certified[cert.product_line].add(cert.rep_id)
    lines = set(
        session.scalars(
            sa.select(CourseRecord.certifies_product_line)
            .where(CourseRecord.certifies_product_line != "", CourseRecord.status == "active")
            .distinct()
        )
    )
    return domain.group_figures(indexes, enrollments, certified, lines | set(certified), today)


def rep_to_proto(rep: RepRecord, index: RepIndex) -> pb.RepReadiness:
    return pb.RepReadiness(
        rep_id=rep.rep_id,
        name=rep.name,
        role=rep.role,
        region=rep.region,
        team_id=rep.team_id,
        skills=[
            pb.SkillReadiness(
                skill=s.skill,
                level=s.level,
                required_level=s.required_level,
                required=s.required,
                held=s.held,
            )
            for s in index.skills
        ],
        required_skills=index.required,
        held_skills=index.held,
        readiness_index_bp=index.index_bp,
        has_profile=index.has_profile,
    )


def figures_to_proto(figures: GroupFigures) -> pb.ReadinessFigures:
    return pb.ReadinessFigures(
        reps=figures.reps,
        indexed_reps=figures.indexed_reps,
        average_readiness_index_bp=figures.average_index_bp,
        enrollments=figures.enrollments,
        completed=figures.completed,
        overdue=figures.overdue,
        completion_rate_bp=figures.completion_rate_bp,
        overdue_rate_bp=figures.overdue_rate_bp,
        coverage=[
            pb.CertificationCoverage(
                product_line=c.product_line,
                certified_reps=c.certified,
                reps=c.reps,
                coverage_bp=c.coverage_bp,
            )
            for c in figures.coverage
        ],
    )


def _subset(indexes: dict[str, RepIndex], ids: Collection[str]) -> dict[str, RepIndex]:
    return {key: value for key, value in indexes.items() if key in ids}


class ReadinessServicer(readiness_pb2_grpc.ReadinessServiceServicer):
    """Readiness of a rep, a team, a region."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def GetRepReadiness(
        self, request: pb.GetRepReadinessRequest, context: grpc.ServicerContext
    ) -> pb.GetRepReadinessResponse:
        caller = current_caller()
        v = Validator()
        v.require("rep_id", request.rep_id, 100)
        v.raise_if_any()
        rep_id = request.rep_id.strip()
        now = utcnow()
        with self.db.transaction() as session:
            reps = visible_reps(
                session, caller, sa.select(RepRecord).where(RepRecord.rep_id == rep_id)
            )
            if not reps:
                raise NotFound("rep", rep_id)
            index = rep_indexes(session, reps)[rep_id]
            return pb.GetRepReadinessResponse(
                readiness=rep_to_proto(reps[0], index), as_of_time=timestamp(now)
            )

    def GetTeamReadiness(
        self, request: pb.GetTeamReadinessRequest, context: grpc.ServicerContext
    ) -> pb.GetTeamReadinessResponse:
        caller = current_caller()
        v = Validator()
        v.require("team_id", request.team_id, 100)
        v.raise_if_any()
        team_id = request.team_id.strip()
        now = utcnow()
        with self.db.transaction() as session:
            reps = visible_reps(
                session, caller, sa.select(RepRecord).where(RepRecord.team_id == team_id)
            )
            if not reps:
                raise NotFound("team", team_id)
            indexes = rep_indexes(session, reps)
            figures = group_figures(session, reps, indexes, now.date())
            return pb.GetTeamReadinessResponse(
                team=pb.TeamReadiness(
                    team_id=team_id, region=reps[0].region, figures=figures_to_proto(figures)
                ),
                reps=[rep_to_proto(rep, indexes[rep.rep_id]) for rep in reps],
                as_of_time=timestamp(now),
            )

    def GetRegionReadiness(
        self, request: pb.GetRegionReadinessRequest, context: grpc.ServicerContext
    ) -> pb.GetRegionReadinessResponse:
        caller = current_caller()
        v = Validator()
        v.require("region", request.region, 32)
        v.raise_if_any()
        region = request.region.strip().upper()
        now = utcnow()
        with self.db.transaction() as session:
            if not caller.has_region(region):
                raise NotFound("region", region)
            reps = visible_reps(
                session, caller, sa.select(RepRecord).where(RepRecord.region == region)
            )
            if not reps:
                raise NotFound("region", region)
            indexes = rep_indexes(session, reps)
            teams: dict[str, list[RepRecord]] = defaultdict(list)
            for rep in reps:
                teams[rep.team_id].append(rep)
            return pb.GetRegionReadinessResponse(
                region=region,
                figures=figures_to_proto(group_figures(session, reps, indexes, now.date())),
                teams=[
                    pb.TeamReadiness(
                        team_id=team_id,
                        region=region,
                        figures=figures_to_proto(
                            group_figures(
                                session,
                                members,
                                _subset(indexes, {r.rep_id for r in members}),
                                now.date(),
                            )
                        ),
                    )
                    for team_id, members in sorted(teams.items())
                ],
                as_of_time=timestamp(now),
            )


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the ReadinessService to `server`; return its full name."""
    readiness_pb2_grpc.add_ReadinessServiceServicer_to_server(ReadinessServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["ReadinessService"].full_name]
