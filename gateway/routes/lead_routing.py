"""`/v1/lead-routing/{territory_id}`: how a territory hands out new leads (PipelineService).

Planning owns the territories (their rules and reps); the pipeline owns how
it routes leads among a territory's active reps: to the one with the most
spare capacity (the default) or round-robin. Directors and admins set it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict
from salesops.pipeline.v1 import pipeline_pb2

from gateway.auth import WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import Audit, EnumJson, ProtoModel
from gateway.upstreams import OpenUpstreams

STRATEGY = EnumJson(pipeline_pb2.LeadRoutingStrategy.DESCRIPTOR, "LEAD_ROUTING_STRATEGY_")
StrategyName = STRATEGY.literal()
StrategyChoice = STRATEGY.filter_literal()

router = APIRouter(prefix="/v1/lead-routing", tags=["lead routing"], responses=PROBLEM_RESPONSES)

TerritoryId = Annotated[
    str, Path(min_length=1, max_length=100, description="The territory's id, as planning names it.")
]


class TerritoryLeadRouting(ProtoModel):
    """How one territory routes its leads."""

    territory_id: str
    region: str
    strategy: StrategyName  # type: ignore[valid-type]
    audit: Audit | None


class SetLeadRoutingRequest(BaseModel):
    """The strategy: "most_spare_capacity" or "round_robin"."""

    model_config = ConfigDict(extra="forbid")

    strategy: StrategyChoice  # type: ignore[valid-type]


@router.put("/{territory_id}", summary="Set how a territory routes leads")
async def set_lead_routing(
    territory_id: TerritoryId,
    body: SetLeadRoutingRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> TerritoryLeadRouting:
    """Directors and admins of the territory's region."""
    request = pipeline_pb2.SetLeadRoutingStrategyRequest(
        territory_id=territory_id,
        strategy=pipeline_pb2.LeadRoutingStrategy.ValueType(STRATEGY.from_json(body.strategy)),
    )
    response = await upstreams.call("pipeline", "SetLeadRoutingStrategy", request, caller)
    return TerritoryLeadRouting.from_proto(response.routing)
