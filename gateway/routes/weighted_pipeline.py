"""`/v1/weighted-pipeline`: one rep's or one unit's pipeline beside forecast and target.

The same figures as a line of `/v1/forecasts:roll-up`, for a rep (a rep may
ask for themself) or a unit over its whole subtree: the weighted pipeline
(amount x probability per open opportunity closing in the period, rounded
half up), the open pipeline by forecast category, the submitted and adjusted
forecast, the revenue target and closed-won revenue, per currency.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from salesops.planning.v1 import forecasts_pb2 as pb

from gateway.auth import ReadingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import ProtoModel
from gateway.routes.forecasts import PeriodQuery, RollUpLine
from gateway.routes.plans import PlanPeriod
from gateway.upstreams import OpenUpstreams

router = APIRouter(prefix="/v1/weighted-pipeline", tags=["forecasts"], responses=PROBLEM_RESPONSES)


class WeightedPipeline(ProtoModel):
    """The subject's line for the period."""

    period: PlanPeriod | None
    line: RollUpLine | None


@router.get("", summary="Weighted pipeline of a rep or unit")
async def weighted_pipeline(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    period: PeriodQuery,
    org_unit: Annotated[str, Query(description="A unit (over its subtree); or give rep.")] = "",
    rep: Annotated[str, Query(description="A rep; or give org_unit.")] = "",
) -> WeightedPipeline:
    """Exactly one of `org_unit` and `rep`; outside the caller's scope it is 404."""
    request = pb.GetWeightedPipelineRequest(org_unit_id=org_unit, rep_id=rep, period_code=period)
    reply = await upstreams.call("planning", "GetWeightedPipeline", request, caller)
    return WeightedPipeline.from_proto(reply)
