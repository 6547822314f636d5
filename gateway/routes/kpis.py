"""`/v1/kpis`: KPI sets per role and region, versioned by the period they take effect (KpiService).

A set holds every KPI of one role (rep or manager) in one region ("" = every
region without its own set) from a fiscal period on; its weights sum to
10000 basis points (422 `KPI_WEIGHTS_SUM` otherwise). Sets are never edited:
`POST` defines a new one (for the same period: the next `set_version`, which
wins). Admins define any set, directors their regions'. `GET
/v1/kpis:effective` answers which set scores a role in a region and period.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.performance.v1 import kpis_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import EnumJson, PageSize, PageToken, ProtoModel, page_request
from gateway.upstreams import OpenUpstreams

KPIS = "/v1/kpis"
router = APIRouter(prefix=KPIS, tags=["kpis"], responses=PROBLEM_RESPONSES)

SOURCE = EnumJson(pb.KpiSource.DESCRIPTOR, "KPI_SOURCE_")
DIRECTION = EnumJson(pb.KpiDirection.DESCRIPTOR, "KPI_DIRECTION_")
TARGET_KIND = EnumJson(pb.KpiTargetKind.DESCRIPTOR, "KPI_TARGET_KIND_")
SourceName = SOURCE.literal()
SourceInput = SOURCE.filter_literal()
DirectionName = DIRECTION.literal()
DirectionInput = DIRECTION.filter_literal()
TargetKindName = TARGET_KIND.literal()
TargetKindInput = TARGET_KIND.filter_literal()

KpiSetId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The set's id.")
]


class Kpi(ProtoModel):
    """One KPI: what it measures, its target and thresholds, its weight and skill area."""

    code: str
    name: str
    source: SourceName  # type: ignore[valid-type]
    direction: DirectionName  # type: ignore[valid-type]
    target_kind: TargetKindName  # type: ignore[valid-type]
    target_value: int = Field(description="A fixed target in the source's unit; 0 for a quota.")
    floor_bp: int = Field(description="The value scoring 0, in basis points of the target.")
    target_score: int = Field(description="The points a value exactly at target scores.")
    stretch_bp: int = Field(description="The value scoring 100, in basis points of the target.")
    weight_bp: int
    skill_area: str
    required_training: list[str]


class KpiSet(ProtoModel):
    """Every KPI of a role in a region from a fiscal period on."""

    kpi_set_id: str
    role: str
    region: str = Field(description="Empty: every region without a set of its own.")
    effective_from: str
    set_version: int
    description: str
    kpis: list[Kpi]
    create_time: datetime | None
    created_by: str


class KpiSetList(BaseModel):
    """One page of KPI sets, newest first."""

    kpi_sets: list[KpiSet]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NewKpi(BaseModel):
    """A KPI of a new set (see the module's description of the scale)."""

    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    source: SourceInput  # type: ignore[valid-type]
    direction: DirectionInput = "higher_is_better"  # type: ignore[valid-type]
    target_kind: TargetKindInput = "fixed"  # type: ignore[valid-type]
    target_value: int = 0
    floor_bp: int
    target_score: int = 80
    stretch_bp: int
    weight_bp: int
    skill_area: str = Field(default="", description="Empty: the source's default.")
    required_training: list[str] = []


class NewKpiSet(BaseModel):
    """A whole KPI set: its weights sum to 10000."""

    model_config = ConfigDict(extra="forbid")

    role: str = Field(examples=["rep"])
    region: str = Field(default="", description="Empty: every region (admins only).")
    effective_from: str = Field(examples=["FY2027-Q1"])
    description: str = ""
    kpis: list[NewKpi]


@router.post("", status_code=201, summary="Define a KPI set")
async def define_kpi_set(
    body: NewKpiSet, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> KpiSet:
    """A new set (or the next version for the same role, region and period)."""
    request = pb.DefineKpiSetRequest(
        role=body.role,
        region=body.region,
        effective_from=body.effective_from,
        description=body.description,
        kpis=[
            pb.Kpi(
                code=k.code,
                name=k.name,
                source=pb.KpiSource.ValueType(SOURCE.from_json(k.source)),
                direction=pb.KpiDirection.ValueType(DIRECTION.from_json(k.direction)),
                target_kind=pb.KpiTargetKind.ValueType(TARGET_KIND.from_json(k.target_kind)),
                target_value=k.target_value,
                floor_bp=k.floor_bp,
                target_score=k.target_score,
                stretch_bp=k.stretch_bp,
                weight_bp=k.weight_bp,
                skill_area=k.skill_area,
                required_training=k.required_training,
            )
            for k in body.kpis
        ],
    )
    reply = await upstreams.call("performance", "DefineKpiSet", request, caller)
    kpi_set = KpiSet.from_proto(reply.kpi_set)
    response.headers["Location"] = f"{KPIS}/{kpi_set.kpi_set_id}"
    return kpi_set


@router.get("", summary="List KPI sets")
async def list_kpi_sets(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    role: Annotated[str, Query(description="rep or manager.")] = "",
    region: Annotated[str, Query(description="Only this region's sets.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> KpiSetList:
    """The all-regions sets and those of the caller's regions, newest first."""
    request = pb.ListKpiSetsRequest(
        role=role, region=region, page=page_request(page_size, page_token)
    )
    reply = await upstreams.call("performance", "ListKpiSets", request, caller)
    return KpiSetList(
        kpi_sets=[KpiSet.from_proto(s) for s in reply.kpi_sets],
        next_page_token=reply.page.next_page_token,
    )


@router.get(":effective", summary="The KPI set in effect")
async def effective_kpis(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    role: Annotated[str, Query(description="rep or manager.")],
    period: Annotated[str, Query(description="A fiscal period code.")],
    region: Annotated[str, Query(description="The region (its own set, else the default).")] = "",
) -> KpiSet:
    """The set that scores `role` in `region` for `period`."""
    request = pb.GetEffectiveKpisRequest(role=role, region=region, period_code=period)
    reply = await upstreams.call("performance", "GetEffectiveKpis", request, caller)
    return KpiSet.from_proto(reply.kpi_set)


@router.get("/{kpi_set_id}", summary="Read a KPI set")
async def get_kpi_set(
    kpi_set_id: KpiSetId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> KpiSet:
    """The set and its KPIs."""
    request = pb.GetKpiSetRequest(kpi_set_id=kpi_set_id)
    reply = await upstreams.call("performance", "GetKpiSet", request, caller)
    return KpiSet.from_proto(reply.kpi_set)
