"""`/v1/readiness`: a rep's skills against their role's profile, and team and region figures.

Exactly one of `rep`, `team`, `region`. A rep's answer lists every skill they
have or their role needs, with the level held and required, and the
readiness index (held / required, basis points). A team's or region's answer
gives the reps the caller sees: average index (of reps whose role has a
profile), completion and overdue rates of their enrollments (waived ones
left out) and certification coverage per product line; a region's, per team too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import grpc
from fastapi import APIRouter, Query
from pydantic import BaseModel
from salesops.training.v1 import readiness_pb2 as pb

from gateway.auth import ReadingCaller
from gateway.problems import PROBLEM_RESPONSES, FieldError, Problem
from gateway.routes.conventions import ProtoModel
from gateway.upstreams import OpenUpstreams

READINESS = "/v1/readiness"
router = APIRouter(prefix=READINESS, tags=["readiness"], responses=PROBLEM_RESPONSES)


class SkillReadiness(ProtoModel):
    skill: str
    level: int
    required_level: int
    required: bool
    held: bool


class RepReadiness(ProtoModel):
    """One rep's skills and readiness index."""

    rep_id: str
    name: str
    role: str
    region: str
    team_id: str
    skills: list[SkillReadiness]
    required_skills: int
    held_skills: int
    readiness_index_bp: int
    has_profile: bool


class CertificationCoverage(ProtoModel):
    product_line: str
    certified_reps: int
    reps: int
    coverage_bp: int


class ReadinessFigures(ProtoModel):
    """A group's figures (basis points, rounded half up)."""

    reps: int
    indexed_reps: int
    average_readiness_index_bp: int
    enrollments: int
    completed: int
    overdue: int
    completion_rate_bp: int
    overdue_rate_bp: int
    coverage: list[CertificationCoverage]


class TeamReadiness(ProtoModel):
    team_id: str
    region: str
    figures: ReadinessFigures


class ReadinessReport(BaseModel):
    """The answer: `rep`, or `team` with its `reps`, or `region` with its `figures` and `teams`."""

    as_of_time: datetime | None
    rep: RepReadiness | None = None
    team: TeamReadiness | None = None
    reps: list[RepReadiness] = []
    region: str = ""
    figures: ReadinessFigures | None = None
    teams: list[TeamReadiness] = []


@router.get("", summary="Readiness of a rep, a team or a region")
async def get_readiness(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    rep: Annotated[str, Query(max_length=100, description="A rep's id.")] = "",
    team: Annotated[str, Query(max_length=100, description="A team's id.")] = "",
    region: Annotated[str, Query(max_length=32, description="A region code.")] = "",
) -> ReadinessReport:
    given = [name for name, value in (("rep", rep), ("team", team), ("region", region)) if value]
    if len(given) != 1:
        raise Problem.of(
            grpc.StatusCode.INVALID_ARGUMENT,
            "give exactly one of rep, team or region",
            errors=[
                FieldError(field=name, description="give exactly one of rep, team or region")
                for name in (given or ["rep"])
            ],
        )
    if rep:
        rep_reply = await upstreams.call(
            "training", "GetRepReadiness", pb.GetRepReadinessRequest(rep_id=rep), caller
        )
        return ReadinessReport(
            as_of_time=rep_reply.as_of_time.ToDatetime(tzinfo=UTC),
            rep=RepReadiness.from_proto(rep_reply.readiness),
        )
    if team:
        team_reply = await upstreams.call(
            "training", "GetTeamReadiness", pb.GetTeamReadinessRequest(team_id=team), caller
        )
        return ReadinessReport(
            as_of_time=team_reply.as_of_time.ToDatetime(tzinfo=UTC),
            team=TeamReadiness.from_proto(team_reply.team),
            reps=[RepReadiness.from_proto(r) for r in team_reply.reps],
        )
    region_reply = await upstreams.call(
        "training", "GetRegionReadiness", pb.GetRegionReadinessRequest(region=region), caller
    )
    return ReadinessReport(
        as_of_time=region_reply.as_of_time.ToDatetime(tzinfo=UTC),
        region=region_reply.region,
        figures=ReadinessFigures.from_proto(region_reply.figures),
        teams=[TeamReadiness.from_proto(t) for t in region_reply.teams],
    )
