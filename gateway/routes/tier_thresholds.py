"""`/v1/tier-thresholds`: when an account is tier A, B or C (CustomersService).

An account is A when its revenue (the lifetime value of its active
contracts) or its potential reaches the A amount, else B when either reaches
the B amount, else C. A region may have its own thresholds; the global ones
(`region` empty) apply to the others. Amounts are integer minor units of the
thresholds' currency; revenue and potential in other currencies do not
count. Admins set them (global ones: an admin of every region), and every
account they apply to is re-tiered at once.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from salesops.customers.v1 import customers_pb2

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    Audit,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.upstreams import OpenUpstreams

router = APIRouter(
    prefix="/v1/tier-thresholds", tags=["tier thresholds"], responses=PROBLEM_RESPONSES
)


class TierThresholds(ProtoModel):
    """The amounts a region's (or every region's) accounts must reach for tiers A and B."""

    region: str = Field(description="Empty for the global thresholds.")
    currency: str
    a_revenue_minor: int
    b_revenue_minor: int
    a_potential_minor: int
    b_potential_minor: int
    audit: Audit | None


class TierThresholdsList(BaseModel):
    """The thresholds of the caller's regions and the global ones."""

    thresholds: list[TierThresholds]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class SetTierThresholdsRequest(BaseModel):
    """Positive amounts; B's not above A's."""

    model_config = ConfigDict(extra="forbid")

    region: str = Field(default="", description="Empty for the global thresholds.")
    currency: str = Field(examples=["EUR"])
    a_revenue_minor: int = Field(examples=[10_000_000])
    b_revenue_minor: int = Field(examples=[1_000_000])
    a_potential_minor: int = Field(examples=[50_000_000])
    b_potential_minor: int = Field(examples=[5_000_000])


class ThresholdsSet(BaseModel):
    """The thresholds as stored, and how many accounts changed tier."""

    thresholds: TierThresholds
    retiered_customers: int


@router.get("", summary="List tier thresholds")
async def list_tier_thresholds(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> TierThresholdsList:
    """The thresholds that apply in the caller's regions."""
    request = customers_pb2.ListTierThresholdsRequest(
        region=region, page=page_request(page_size, page_token)
    )
    response = await upstreams.call("customers", "ListTierThresholds", request, caller)
    return TierThresholdsList(
        thresholds=[TierThresholds.from_proto(t) for t in response.thresholds],
        next_page_token=response.page.next_page_token,
    )


@router.put("", summary="Set tier thresholds")
async def set_tier_thresholds(
    body: SetTierThresholdsRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> ThresholdsSet:
    """Admins only; every account the thresholds apply to is re-tiered now."""
    request = customers_pb2.SetTierThresholdsRequest(
        thresholds=customers_pb2.TierThresholds(**body.model_dump())
    )
    response = await upstreams.call("customers", "SetTierThresholds", request, caller)
    return ThresholdsSet(
        thresholds=TierThresholds.from_proto(response.thresholds),
        retiered_customers=response.retiered_customers,
    )
