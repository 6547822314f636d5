"""`/v1/customers/{customer_id}/health` and `/v1/customer-health`: account health and loyalty.

The health score (0-100) is the sum of five factors, each shown with its
points, its maximum and the reason: satisfaction (mean CSAT of 180 days, 25),
NPS (the account's NPS of 365 days, 20), cases (open and overdue, 20),
recency of the last interaction (15) and revenue trend (active contract value
signed in the last 12 months against the 12 before, 20). Bands: healthy from
70, watch from 45, at risk below. An account's own health is computed when
asked; the list shows each account's last stored assessment (refreshed on
events and every 15 minutes), most recent band change first. Loyalty tiers
(bronze, silver, gold) reward years of active contracts in good health.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from salesops.customers.v1 import satisfaction_pb2

from gateway.auth import ReadingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.upstreams import OpenUpstreams

HEALTH_BAND = EnumJson(satisfaction_pb2.HealthBand.DESCRIPTOR, "HEALTH_BAND_")
LOYALTY_TIER = EnumJson(satisfaction_pb2.LoyaltyTier.DESCRIPTOR, "LOYALTY_TIER_")
BandName = HEALTH_BAND.literal()
BandFilter = HEALTH_BAND.filter_literal()
TierName = LOYALTY_TIER.literal()

account_router = APIRouter(prefix="/v1/customers", tags=["customer health"])
list_router = APIRouter(prefix="/v1/customer-health", tags=["customer health"])

CustomerId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The account's id.")
]


class HealthFactor(ProtoModel):
    """One factor of the score: what it gave and why."""

    factor: str = Field(
        description="satisfaction, nps, cases, recency or revenue_trend.", examples=["cases"]
    )
    points: int
    max_points: int = Field(description="The most this factor gives; the maxima add up to 100.")
    reason: str = Field(examples=["2 open cases, 1 overdue"])


class Loyalty(ProtoModel):
    """The loyalty tier and what it rests on."""

    tier: TierName  # type: ignore[valid-type]
    relationship_years: int = Field(description="Whole years since the first contract.")
    reason: str
    since: datetime | None = Field(description="When the tier last changed; null if never.")


class CustomerHealth(ProtoModel):
    """An account's health score, band, factors and loyalty tier."""

    customer_id: str
    region: str
    owner_id: str
    score: int = Field(ge=0, le=100)
    band: BandName  # type: ignore[valid-type]
    factors: list[HealthFactor]
    assessed_at: datetime | None
    band_since: datetime | None = Field(
        description="Since when the account is in this band, as last recorded; null when "
        "not recorded yet."
    )
    loyalty: Loyalty


class CustomerHealthList(BaseModel):
    """One page of stored assessments, most recent band change first."""

    health: list[CustomerHealth]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


@account_router.get("/{customer_id}/health", summary="Read an account's health score")
async def get_customer_health(
    customer_id: CustomerId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> CustomerHealth:
    """The score as of now with every factor's points and reason; 404 outside the caller's scope."""
    request = satisfaction_pb2.GetCustomerHealthRequest(customer_id=customer_id)
    response = await upstreams.call("customers", "GetCustomerHealth", request, caller)
    return CustomerHealth.from_proto(response.health)


@list_router.get("", summary="List accounts by health")
async def list_customer_health(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    band: Annotated[
        BandFilter | None,  # type: ignore[valid-type]
        Query(description="Only accounts in this band, for example at_risk."),
    ] = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> CustomerHealthList:
    """The last stored assessment of each account in the caller's scope."""
    request = satisfaction_pb2.ListCustomerHealthRequest(
        region=region,
        band=satisfaction_pb2.HealthBand.ValueType(HEALTH_BAND.from_json(band) if band else 0),
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("customers", "ListCustomerHealth", request, caller)
    return CustomerHealthList(
        health=[CustomerHealth.from_proto(h) for h in response.health],
        next_page_token=response.page.next_page_token,
    )


router = APIRouter(responses=PROBLEM_RESPONSES)
router.include_router(account_router)
router.include_router(list_router)
