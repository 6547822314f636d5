"""`/v1/fx-rates`: exchange rates per fiscal period, for attainment in a plan's currency.

One unit of `from` is worth `rate` units of `to` in a period; the rate is an
exact decimal given as a string ("1.0834", at most 12 decimal places).
Conversion rounds half up to the target currency's minor unit. A month
without a rate of its own uses its quarter's, then its year's. Admins set
rates (`PUT /v1/fx-rates/{period}/{from}/{to}` replaces one); everyone
signed in lists them (FxRateService).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import attainment_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import PageSize, PageToken, ProtoModel, page_request
from gateway.upstreams import OpenUpstreams

router = APIRouter(prefix="/v1/fx-rates", tags=["fx rates"], responses=PROBLEM_RESPONSES)

Period = Annotated[
    str, Path(min_length=1, max_length=16, description="FY2027, FY2027-Q1 or FY2027-M03.")
]
Currency = Annotated[str, Path(min_length=3, max_length=3, description="ISO 4217, e.g. USD.")]


class FxRate(ProtoModel):
    """One unit of from_currency is worth `rate` units of to_currency in the period."""

    period_code: str
    from_currency: str
    to_currency: str
    rate: str = Field(description="An exact decimal, for example 1.0834.", examples=["1.0834"])
    update_time: datetime | None
    updated_by: str


class FxRateList(BaseModel):
    """One page of rates, newest first."""

    fx_rates: list[FxRate]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class SetFxRateRequest(BaseModel):
    """The rate as an exact decimal string."""

    model_config = ConfigDict(extra="forbid")

    rate: str = Field(examples=["1.0834"])


@router.get("", summary="List FX rates")
async def list_fx_rates(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    period: Annotated[str, Query(description="Only this period.")] = "",
    currency: Annotated[str, Query(description="Only rates from or to this currency.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> FxRateList:
    """Every rate, or those of a period or a currency."""
    request = pb.ListFxRatesRequest(
        period_code=period, currency=currency, page=page_request(page_size, page_token)
    )
    reply = await upstreams.call("planning", "ListFxRates", request, caller)
    return FxRateList(
        fx_rates=[FxRate.from_proto(r) for r in reply.fx_rates],
        next_page_token=reply.page.next_page_token,
    )


@router.put("/{period}/{from_currency}/{to_currency}", summary="Set an FX rate (admins)")
async def set_fx_rate(
    period: Period,
    from_currency: Currency,
    to_currency: Currency,
    body: SetFxRateRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> FxRate:
    """Set or replace the rate of a currency pair for a period."""
    request = pb.SetFxRateRequest(
        period_code=period, from_currency=from_currency, to_currency=to_currency, rate=body.rate
    )
    reply = await upstreams.call("planning", "SetFxRate", request, caller)
    return FxRate.from_proto(reply.fx_rate)
