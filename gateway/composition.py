"""Composed views: several upstream calls at once, each section standing or falling alone.

A composed view (a rep's overview, a region's dashboard) is a set of named
sections, each filled by its own coroutine of one or more upstream calls.
`compose` runs them concurrently and settles each one: a section whose
upstream is down (503), whose record is out of reach (404) or whose rule
failed (another 4xx) comes back as `None` with a status saying so, and the
view answers 200 with that section listed in `partial`. Only the view's own
preconditions (the caller's scope, a valid period) fail the whole request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

import grpc
from fastapi import Query
from prometheus_client import Counter
from pydantic import BaseModel, Field

from gateway.access import REGION_VIEWERS
from gateway.problems import FieldError, Problem
from services.kit.errors import InvalidArgument
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller

# The `period` query parameter of every composed view.
PeriodParam = Annotated[
    str,
    Query(
        min_length=1,
        max_length=16,
        description="A fiscal period: FY2027, FY2027-Q1 or FY2027-M03.",
        examples=["FY2027-Q1"],
    ),
]

log = logging.getLogger("salesops.gateway")

T = TypeVar("T")

SectionState = Literal["ok", "unavailable", "not_found", "failed"]

# Per view, section and outcome: how often composed views answer with a hole in them.
COMPOSED_SECTIONS = Counter(
    "salesops_gateway_composed_sections_total",
    "Sections of composed views (overview, dashboard, report) by outcome.",
    ["view", "section", "outcome"],
)

# A list is read whole for an aggregate, but never without bound: at most this
# many pages of MAX_PAGE_SIZE records (100 000) per list in one view.
MAX_PAGE_SIZE = 500
MAX_PAGES = 200
# Calls of one section in flight at once: a region of 300 units reads its
# attainment unit by unit, but one view must not take more than half of a
# service's 16 gRPC workers (and their database connections) at once.
MAX_CONCURRENT_CALLS = 8


class SectionStatus(BaseModel):
    """How one section of a composed view was filled."""

    status: SectionState = Field(
        description="ok; unavailable (its service is down or slow); not_found (nothing in the "
        "caller's scope); failed (the service refused, e.g. a business rule)."
    )
    detail: str = Field(default="", description="Why the section is missing; empty when ok.")


class ComposedView(BaseModel):
    """What every composed view answers besides its sections: which are missing, and why."""

    partial: list[str] = Field(
        description="Sections that could not be filled (null in the answer); empty when complete.",
        examples=[["training"]],
    )
    sections: dict[str, SectionStatus] = Field(description="Every section's status, by name.")


@dataclass(frozen=True)
class Outcome:
    """A settled section: its value (None unless ok) and its status."""

    value: Any
    status: SectionStatus

    @property
    def ok(self) -> bool:
        return self.status.status == "ok"


def _state_of(problem: Problem) -> SectionState:
    if problem.kind.status == 503:
        return "unavailable"
    if problem.kind.status == 404:
        return "not_found"
    return "failed"


async def _settle(view: str, name: str, work: Awaitable[Any]) -> Outcome:
    try:
        value = await work
    except Problem as problem:
        state = _state_of(problem)
        COMPOSED_SECTIONS.labels(view, name, state).inc()
        log.info(
            "%s section %s is %s: %s",
            view,
            name,
            state,
            problem.detail,
            extra={"view": view, "section": name, "outcome": state},
        )
        return Outcome(None, SectionStatus(status=state, detail=problem.detail))
    COMPOSED_SECTIONS.labels(view, name, "ok").inc()
    return Outcome(value, SectionStatus(status="ok"))


async def compose(view: str, sections: Mapping[str, Awaitable[Any]]) -> dict[str, Outcome]:
    """Await every section concurrently; each settles to an Outcome, none raises a Problem.

    An exception other than a Problem is a bug in the gateway, not an
    upstream's failure, and propagates (the middleware answers 500).
    """
    names = list(sections)
    settled = await asyncio.gather(*(_settle(view, name, sections[name]) for name in names))
    return dict(zip(names, settled, strict=True))


async def gather_bounded(
    calls: Iterable[Awaitable[T]], limit: int = MAX_CONCURRENT_CALLS
) -> list[T]:
    """Await `calls` concurrently, at most `limit` at a time; results in order."""
    semaphore = asyncio.Semaphore(limit)

    async def one(call: Awaitable[T]) -> T:
        async with semaphore:
            return await call

    return list(await asyncio.gather(*(one(call) for call in calls)))


def partial_sections(outcomes: Mapping[str, Outcome]) -> list[str]:
    """The names of the sections that are missing, in the view's order."""
    return [name for name, outcome in outcomes.items() if not outcome.ok]


def statuses(outcomes: Mapping[str, Outcome]) -> dict[str, SectionStatus]:
    """Each section's status, for the view's `sections` field."""
    return {name: outcome.status for name, outcome in outcomes.items()}


def derived(source: Outcome, value: Callable[[Any], Any]) -> Outcome:
    """A section computed from another one's value; missing when its source is."""
    if not source.ok:
        return Outcome(None, source.status)
    return Outcome(value(source.value), source.status)


async def all_pages(
    fetch: Callable[[str], Awaitable[Any]], items: Callable[[Any], list[Any]]
) -> AsyncIterator[Any]:
    """Every item of a paged list; `fetch(page_token)` answers with `.page.next_page_token`."""
    token = ""
    for _ in range(MAX_PAGES):
        reply = await fetch(token)
        for item in items(reply):
            yield item
        token = reply.page.next_page_token
        if not token:
            return
    log.warning("a composed view stopped reading a list after %d pages", MAX_PAGES)


async def collect(
    fetch: Callable[[str], Awaitable[Any]], items: Callable[[Any], list[Any]]
) -> list[Any]:
    """`all_pages` as a list."""
    return [item async for item in all_pages(fetch, items)]


def fiscal_period(calendar: FiscalCalendar, code: str) -> FiscalPeriod:
    """The period `code` names, or a 400 naming the `period` parameter."""
    try:
        return calendar.period(code, "period")
    except InvalidArgument as invalid:
        errors = [FieldError(field=v.field, description=v.description) for v in invalid.violations]
        raise Problem.of(grpc.StatusCode.INVALID_ARGUMENT, str(invalid), errors=errors) from None


def months_of(calendar: FiscalCalendar, period: FiscalPeriod) -> list[FiscalPeriod]:
    """The fiscal months of a year, quarter or month, in order."""
    year = calendar.fiscal_year_of(period.starts_at)
    months = [calendar.period(f"FY{year}-M{month:02d}") for month in range(1, 13)]
    return [m for m in months if period.starts_at <= m.starts_at and m.ends_at <= period.ends_at]


def region_in_scope(caller: Caller, region: str) -> str:
    """The region's code (upper case, as records store it), or 404 when it is not the caller's.

    404, not 403: a region outside the caller's reach does not exist for them.
    """
    code = region.strip().upper()
    regions = {r.upper() for r in caller.regions}
    if not (caller.sees_all_regions or code in regions):
        raise Problem.of(grpc.StatusCode.NOT_FOUND, f"region '{code}' was not found")
    return code


def require_managing_role(caller: Caller, view: str) -> None:
    """Region views aggregate over people: a rep (and only a rep) gets 403.

    The route's row in `gateway.access` gates this already; the check is
    repeated here because a view's builder may be called from more than one route.
    """
    if not caller.roles & REGION_VIEWERS:
        raise Problem.of(
            grpc.StatusCode.PERMISSION_DENIED,
            f"role(s) {', '.join(sorted(caller.roles))} may not read the {view}; "
            f"needs one of {', '.join(sorted(REGION_VIEWERS))}",
        )
