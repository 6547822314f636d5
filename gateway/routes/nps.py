"""`/v1/nps`: NPS and CSAT figures of a fiscal period (SatisfactionService.GetNps).

Every figure is an integer, computed when asked over the responses the
caller may see (a rep: their own accounts'; nobody another region's):

- `nps_bp` = NPS in basis points of percentage points:
  10000 x (promoters - detractors) / responses, rounded half up, from -10000
  (-100) to +10000 (+100); promoters score 9-10, passives 7-8, detractors 0-6.
  Null when there is no response (an NPS of 0 is a real, balanced result).
- `csat_average_hundredths` = mean CSAT (1-5) in hundredths of a point
  (433 = 4.33), rounded half up; `csat_score_sum / csat_responses` is exact.
- `csat_satisfied_bp` = share of CSAT answers of 4 or 5, in bp.

A response counts for the period in which it was given. `group_by` breaks the
total down by region, segment (the account's tier; "" without one) or
period (a year's quarters, a quarter's months).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import Field
from salesops.customers.v1 import satisfaction_pb2

from gateway.auth import ReadingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import FiscalPeriod, ProtoModel, RegionFilter
from gateway.upstreams import OpenUpstreams

router = APIRouter(prefix="/v1/nps", tags=["satisfaction"], responses=PROBLEM_RESPONSES)

_DIMENSIONS = {
    "region": satisfaction_pb2.NPS_DIMENSION_REGION,
    "segment": satisfaction_pb2.NPS_DIMENSION_SEGMENT,
    "period": satisfaction_pb2.NPS_DIMENSION_PERIOD,
}


class NpsFilter(ProtoModel):
    """The filters as applied."""

    period: str
    region: str
    segment: str


class SatisfactionFigures(ProtoModel):
    """NPS and CSAT figures of one group of responses."""

    key: str = Field(description="The region, segment or period code; empty for the total.")
    nps_responses: int
    promoters: int
    passives: int
    detractors: int
    nps_bp: int | None = Field(
        description="10000 x (promoters - detractors) / nps_responses, rounded half up; "
        "null without responses."
    )
    csat_responses: int
    csat_score_sum: int
    csat_average_hundredths: int | None = Field(
        description="Mean CSAT x 100, rounded half up; null without responses."
    )
    csat_satisfied: int = Field(description="CSAT answers of 4 or 5.")
    csat_satisfied_bp: int | None


class NpsReport(ProtoModel):
    """NPS and CSAT of the responses given in the period, in total and per group."""

    period: FiscalPeriod
    filter: NpsFilter
    total: SatisfactionFigures
    groups: list[SatisfactionFigures]
    own_accounts_only: bool = Field(description="True for a rep: their own accounts only.")


@router.get("", summary="NPS and CSAT of a fiscal period")
async def get_nps(
    period: Annotated[
        str,
        Query(
            min_length=1,
            max_length=20,
            description="Fiscal period: FY2027, FY2027-Q1 or FY2027-M03.",
            examples=["FY2027-Q1"],
        ),
    ],
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    segment: Annotated[
        str, Query(max_length=100, description="Only accounts of this tier (A, B, C).")
    ] = "",
    group_by: Annotated[
        Literal["region", "segment", "period"] | None,
        Query(description="Also break the figures down by this dimension."),
    ] = None,
) -> NpsReport:
    """NPS (promoters minus detractors) and CSAT over the caller's visible responses."""
    request = satisfaction_pb2.GetNpsRequest(
        filter=satisfaction_pb2.NpsFilter(period=period, region=region, segment=segment),
        group_by=_DIMENSIONS[group_by] if group_by else satisfaction_pb2.NPS_DIMENSION_UNSPECIFIED,
    )
    return NpsReport.from_proto(await upstreams.call("customers", "GetNps", request, caller))
