"""The forecast roll-up over real gRPC, on an uneven tree, with numbers the test works out itself.

Forecasts are submitted through the api, opportunities arrive as pipeline
events through the worker's handlers, targets and sales facts are rows as the
plans and attainment areas write them. The expected figures are computed
here from the same inputs, independently of the service's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import grpc
import pytest
from salesops.planning.v1 import forecasts_pb2 as pb

from services.kit.db import Database
from services.kit.testing import caller
from services.planning.tests.forecasts_support import (
    APAC_DIRECTOR,
    DIRECTOR,
    EXECUTIVE,
    N1_MANAGER,
    PERIOD,
    PERIOD_DAYS,
    REP1,
    REP2,
    YEAR,
    add_fact,
    add_plan,
    adjust,
    day,
    db,
    forecasts,
    opportunity_closed,
    opportunity_created,
    stage_changed,
    submit,
    worker,
)
from services.planning.tests.test_plans_api import bad_fields, failure

__all__ = ["db", "forecasts", "worker"]

SUBTREE = {
    "emea": {"emea", "north", "team-n1", "team-n2", "team-s"},
    "north": {"north", "team-n1", "team-n2"},
    "team-n1": {"team-n1"},
    "team-n2": {"team-n2"},
    "team-s": {"team-s"},
}
# Current teams of the people (rep-3 left, so counts nowhere as a rep).
TEAM = {
    "rep-1": "team-n1",
    "rep-2": "team-n1",
    "rep-4": "team-n2",
    "rep-5": "team-s",
    "rep-6": "emea",
}

# rep -> (submitted commit, best case, pipeline, currency), adjusted (or None)
FORECASTS: dict[str, tuple[tuple[int, int, int, str], tuple[int, int, int] | None]] = {
    "rep-1": ((100, 150, 400, "EUR"), (80, 150, 400)),
    "rep-2": ((50, 70, 90, "EUR"), None),
    "rep-4": ((30, 60, 10, "EUR"), None),
    "rep-6": ((20, 20, 0, "USD"), None),
}


@dataclass(frozen=True)
class Opp:
    opportunity_id: str
    owner: str
    team: str  # the team the pipeline recorded
    currency: str
    amount: int
    probability_bp: int
    category: str
    close: str
    status: str = "open"


OPPS = [
    Opp("o1", "rep-1", "team-n1", "EUR", 10_001, 5_000, "pipeline", day(2, 1)),
    Opp("o2", "rep-1", "team-n1", "EUR", 20_000, 7_500, "commit", day(3, 31)),
    Opp("o3", "rep-2", "team-n1", "EUR", 333, 3_333, "best_case", day(1, 1)),
    Opp("o4", "rep-4", "team-n2", "EUR", 1_000, 0, "omitted", day(2, 2)),
    Opp("o5", "rep-4", "team-n2", "EUR", 9_000, 9_000, "commit", day(4, 1)),  # next quarter
    Opp("o6", "rep-5", "team-s", "EUR", 5_000, 2_000, "pipeline", day(2, 3), "won"),
    Opp("o7", "rep-6", "emea", "USD", 4_000, 5_000, "pipeline", day(3, 3)),
    Opp("o8", "rep-2", "team-n1", "EUR", 7_000, 4_000, "pipeline", day(2, 4), "lost"),
    # An owner planning does not know: counted by the team the pipeline recorded.
    Opp("o9", "rep-7", "team-s", "EUR", 100, 1_000, "pipeline", day(2, 5)),
    # rep-4's deal recorded under their old team: it follows rep-4 to team-n2.
    Opp("o10", "rep-4", "team-s", "EUR", 2_000, 2_500, "pipeline", day(2, 6)),
    Opp("o11", "rep-1", "team-n1", "EUR", 1_000_000, 9_000, "commit", day(12, 31, YEAR - 1)),
]

# (rep, unit, amount, booked_on): signed positive, cancelled negative.
FACTS = [
    ("rep-1", "team-n1", 1_000, PERIOD_DAYS[0]),
    ("rep-1", "team-n1", -300, PERIOD_DAYS[1] - timedelta(days=1)),
    ("rep-2", "team-n1", 500, PERIOD_DAYS[0] - timedelta(days=1)),  # before the period
    ("rep-5", "team-s", 700, date(YEAR, 2, 14)),
    ("rep-4", "team-n2", 250, date(YEAR, 3, 1)),
    ("rep-4", "team-n2", 999, PERIOD_DAYS[1]),  # after the period
]

TARGETS = {  # the active plan of emea; an approved plan of north and a draft are ignored
    ("unit", "emea"): 10_000,
    ("unit", "north"): 6_000,
    ("unit", "team-s"): 3_000,
    ("rep", "rep-6"): 1_000,
    ("unit", "team-n1"): 4_000,
    ("unit", "team-n2"): 2_000,
    ("rep", "rep-1"): 2_500,
    ("rep", "rep-2"): 1_500,
}


def current_unit(owner: str, recorded: str) -> str:
    return TEAM.get(owner, recorded)


def weighted(amount: int, probability_bp: int) -> int:
    """Half up, per opportunity: floor(x + 1/2) with x = amount * p / 10000."""
    return (amount * probability_bp * 2 + 10_000) // 20_000


def expected(*, units: set[str] | None = None, rep: str = "") -> dict[str, dict[str, Any]]:
    """Per currency, what the line for `units` (a subtree) or `rep` must report."""

    def mine(owner: str, unit: str) -> bool:
        return owner == rep if rep else unit in (units or set())

    out: dict[str, dict[str, Any]] = {}

    def bucket(currency: str) -> dict[str, Any]:
        return out.setdefault(
            currency,
            {
                "submitted": [0, 0, 0],
                "forecast": [0, 0, 0],
                "weighted": 0,
                "by_category": {"pipeline": 0, "best_case": 0, "commit": 0, "omitted": 0},
                "closed_won": 0,
                "count": 0,
            },
        )

    for owner, ((c, b, p, currency), adjusted) in FORECASTS.items():
        if mine(owner, TEAM[owner]):
            line = bucket(currency)
            line["submitted"] = [x + y for x, y in zip(line["submitted"], (c, b, p), strict=True)]
            figures = adjusted or (c, b, p)
            line["forecast"] = [x + y for x, y in zip(line["forecast"], figures, strict=True)]
    first, after = PERIOD_DAYS
    for opp in OPPS:
        closes = date.fromisoformat(opp.close)
        if opp.status != "open" or not first <= closes < after:
            continue
        if mine(opp.owner, current_unit(opp.owner, opp.team)):
            line = bucket(opp.currency)
            line["count"] += 1
            line["by_category"][opp.category] += opp.amount
            if opp.category != "omitted":
                line["weighted"] += weighted(opp.amount, opp.probability_bp)
    for owner, unit, amount, booked in FACTS:
        if first <= booked < after and mine(owner, unit):
            bucket("EUR")["closed_won"] += amount
    return out


def reported(line: pb.RollUpLine) -> dict[str, dict[str, Any]]:
    def triple(f: pb.ForecastFigures) -> list[int]:
        return [f.commit.amount_minor, f.best_case.amount_minor, f.pipeline.amount_minor]

    return {
        f.currency: {
            "submitted": triple(f.submitted),
            "forecast": triple(f.forecast),
            "weighted": f.weighted_pipeline.amount_minor,
            "by_category": {
                "pipeline": f.open_pipeline.pipeline.amount_minor,
                "best_case": f.open_pipeline.best_case.amount_minor,
                "commit": f.open_pipeline.commit.amount_minor,
                "omitted": f.open_pipeline.omitted.amount_minor,
            },
            "closed_won": f.closed_won.amount_minor,
            "count": f.open_opportunities,
        }
        for f in line.figures
    }


def with_target_currency(figures: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A line with a target (EUR) always has an EUR entry, zeros if nothing is in it."""
    return figures if "EUR" in figures else {"EUR": _zeros(), **figures}


def _zeros() -> dict[str, Any]:
    return {
        "submitted": [0, 0, 0],
        "forecast": [0, 0, 0],
        "weighted": 0,
        "by_category": {"pipeline": 0, "best_case": 0, "commit": 0, "omitted": 0},
        "closed_won": 0,
        "count": 0,
    }


@pytest.fixture
def books(db: Database, forecasts: Any, worker: Any) -> None:
    """Everything above, through the api, the handlers and the tables."""
    ids = {}
    for rep, ((c, b, p, currency), _) in FORECASTS.items():
        # rep-2's manager submits for them; the others submit their own.
        who = N1_MANAGER if rep == "rep-2" else caller(rep, "rep", "EMEA")
        ids[rep] = submit(forecasts, who, c, b, p, rep_id=rep, currency=currency).forecast_id
    adjusted = FORECASTS["rep-1"][1]
    assert adjusted is not None
    adjust(forecasts, N1_MANAGER, ids["rep-1"], *adjusted)
    submit(forecasts, REP1, 5, 5, 5, period=f"FY{YEAR}-Q2")  # another period

    for opp in OPPS:
        worker.opportunity_copy_created(
            opportunity_created(
                opp.opportunity_id,
                owner_id=opp.owner,
                team_id=opp.team,
                amount=opp.amount,
                close=opp.close,
                probability_bp=1_000,
                category="pipeline",
                currency=opp.currency,
            )
        )
        worker.opportunity_copy_stage_changed(
            stage_changed(
                opp.opportunity_id,
                owner_id=opp.owner,
                team_id=opp.team,
                amount=opp.amount,
                probability_bp=opp.probability_bp,
                category=opp.category,
                currency=opp.currency,
            )
        )
        if opp.status != "open":
            verb = "won" if opp.status == "won" else "lost"
            handler = getattr(worker, f"opportunity_copy_{verb}")
            handler(
                opportunity_closed(
                    verb,
                    opp.opportunity_id,
                    owner_id=opp.owner,
                    team_id=opp.team,
                    amount=opp.amount,
                )
            )

    for rep, unit, amount, booked in FACTS:
        add_fact(
            db,
            rep_id=rep,
            unit_id=unit,
            amount=amount,
            booked_on=booked,
            kind="signed" if amount > 0 else "cancelled",
        )
    shares = {
        f"{'u' if kind == 'unit' else 'r'}:{subject}": value
        for (kind, subject), value in TARGETS.items()
        if subject != "emea"
    }
    add_plan(db, unit_id="emea", target=TARGETS[("unit", "emea")], shares=shares)
    add_plan(db, unit_id="north", target=7_777, shares={"u:team-n1": 7_000}, status="approved")
    add_plan(db, unit_id="team-s", target=99_999, shares={}, status="draft")
    add_plan(db, unit_id="emea", target=55_555, shares={}, product_line="hardware")


def roll_up(
    stub: Any, unit: str, who: list[tuple[str, str]] = DIRECTOR
) -> pb.GetForecastRollUpResponse:
    return stub.GetForecastRollUp(
        pb.GetForecastRollUpRequest(org_unit_id=unit, period_code=PERIOD), metadata=who
    )


def check_line(line: pb.RollUpLine, *, unit: str = "", rep: str = "") -> None:
    target = TARGETS.get(("unit", unit) if unit else ("rep", rep))
    want = expected(units=SUBTREE[unit]) if unit else expected(rep=rep)
    if target is not None:
        want = with_target_currency(want)
        assert (line.revenue_target.currency, line.revenue_target.amount_minor) == ("EUR", target)
        assert line.figures[0].currency == "EUR"
    else:
        assert not line.HasField("revenue_target")
    assert reported(line) == want, unit or rep
    people = [r for r, team in TEAM.items() if (team in SUBTREE[unit] if unit else r == rep)]
    assert line.reps == len(people)
    assert line.reps_submitted == len([r for r in people if r in FORECASTS])


@pytest.mark.usefixtures("books")
def test_roll_up_of_the_region_its_areas_teams_and_reps(forecasts: Any) -> None:
    emea = roll_up(forecasts, "emea")
    assert emea.period.code == PERIOD
    assert emea.total.org_unit_id == "emea"
    check_line(emea.total, unit="emea")
    assert [(c.org_unit_id, c.rep_id) for c in emea.children] == [
        ("north", ""),
        ("team-s", ""),
        ("", "rep-6"),
    ]
    check_line(emea.children[0], unit="north")
    check_line(emea.children[1], unit="team-s")
    check_line(emea.children[2], rep="rep-6")
    assert emea.children[2].name == "Rep 6"
    # USD stays apart from EUR.
    assert [f.currency for f in emea.total.figures] == ["EUR", "USD"]

    north = roll_up(forecasts, "north")
    check_line(north.total, unit="north")
    assert [c.org_unit_id for c in north.children] == ["team-n1", "team-n2"]
    for child in north.children:
        check_line(child, unit=child.org_unit_id)

    team = roll_up(forecasts, "team-n1", N1_MANAGER)
    check_line(team.total, unit="team-n1")
    assert [c.rep_id for c in team.children] == ["rep-1", "rep-2"]  # rep-3 left
    for child in team.children:
        check_line(child, rep=child.rep_id)
    # The adjusted commit counts, the rep's own stays beside it.
    rep1 = team.children[0].figures[0]
    assert (rep1.submitted.commit.amount_minor, rep1.forecast.commit.amount_minor) == (100, 80)

    # Spot checks of the arithmetic the test itself did, so it cannot drift silently.
    assert weighted(10_001, 5_000) == 5_001 and weighted(333, 3_333) == 111
    assert expected(units=SUBTREE["emea"])["EUR"]["weighted"] == 5_001 + 15_000 + 111 + 10 + 500


@pytest.mark.usefixtures("books")
def test_weighted_pipeline_of_a_rep_or_a_unit(forecasts: Any) -> None:
    def ask(who: list[tuple[str, str]], **subject: str) -> pb.GetWeightedPipelineResponse:
        return forecasts.GetWeightedPipeline(
            pb.GetWeightedPipelineRequest(period_code=PERIOD, **subject), metadata=who
        )

    mine = ask(REP1, rep_id="rep-1").line
    check_line(mine, rep="rep-1")
    assert mine.figures[0].weighted_pipeline.amount_minor == 5_001 + 15_000
    unit = ask(DIRECTOR, org_unit_id="north").line
    assert unit == roll_up(forecasts, "north").total
    for who, subject in ((REP2, {"rep_id": "rep-1"}), (APAC_DIRECTOR, {"rep_id": "rep-1"})):
        error = failure(lambda who=who, subject=subject: ask(who, **subject))  # type: ignore[misc]
        assert error.code() == grpc.StatusCode.NOT_FOUND
    error = failure(lambda: ask(DIRECTOR, rep_id="rep-1", org_unit_id="north"))
    assert bad_fields(error) == ["org_unit_id"]
    error = failure(
        lambda: forecasts.GetWeightedPipeline(
            pb.GetWeightedPipelineRequest(period_code="FY2027-Q0"), metadata=DIRECTOR
        )
    )
    assert bad_fields(error) == ["org_unit_id", "period_code"]


@pytest.mark.usefixtures("books")
def test_roll_up_is_scoped_and_validated(forecasts: Any) -> None:
    for who, unit in ((APAC_DIRECTOR, "emea"), (REP1, "team-n1"), (DIRECTOR, "nope")):
        error = failure(lambda who=who, unit=unit: roll_up(forecasts, unit, who))  # type: ignore[misc]
        assert error.code() == grpc.StatusCode.NOT_FOUND
    # An executive sees every region; APAC's director sees APAC's (empty) books.
    assert roll_up(forecasts, "emea", EXECUTIVE).total == roll_up(forecasts, "emea").total
    apac = roll_up(forecasts, "apac", APAC_DIRECTOR)
    assert (apac.total.reps, apac.total.reps_submitted, list(apac.total.figures)) == (1, 0, [])
    assert [c.org_unit_id for c in apac.children] == ["team-ap"]
    error = failure(
        lambda: forecasts.GetForecastRollUp(
            pb.GetForecastRollUpRequest(period_code="soon"), metadata=DIRECTOR
        )
    )
    assert bad_fields(error) == ["org_unit_id", "period_code"]
