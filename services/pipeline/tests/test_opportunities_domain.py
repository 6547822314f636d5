"""Opportunity rules without a database: stages, moves, money, splits, authority."""

from __future__ import annotations

import pytest

from services.kit.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from services.pipeline.domain import opportunities as domain
from services.pipeline.domain.opportunities import (
    ForecastCategory,
    LineInput,
    RepView,
    StageInput,
    StageKind,
    TeamMember,
)

STAGES = domain.validate_stages(
    [
        StageInput("A", 1000, stage_id="a"),
        StageInput("B", 3000, stage_id="b"),
        StageInput("C", 6000, "commit", stage_id="c"),
        StageInput("Won", kind="won", stage_id="w"),
        StageInput("Lost", kind="lost", stage_id="l"),
    ]
)


def new(**overrides: object) -> domain.OpportunityDraft:
    values: dict[str, object] = {
        "customer_id": "cus-1",
        "name": " Big   deal ",
        "owner_id": "rep-1",
        "lines": [LineInput("analytics", 3, 33_333, "eur")],
        "currency": "",
        "expected_close_date": "2027-03-31",
        "next_step": "",
        "competitors": [],
        "team": [],
    }
    values.update(overrides)
    return domain.validate_new_opportunity(**values)  # type: ignore[arg-type]


def test_stage_defaults_and_order() -> None:
    assert [s.position for s in STAGES] == [1, 2, 3, 4, 5]
    assert STAGES[2].forecast_category is ForecastCategory.COMMIT
    assert (STAGES[3].probability_bp, STAGES[3].forecast_category) == (
        10000,
        ForecastCategory.CLOSED,
    )
    assert STAGES[4].kind is StageKind.LOST


def test_advance_plans_exit_every_stage_on_the_way() -> None:
    move = domain.plan_advance("o", STAGES, "a")
    assert (move.target.stage_id, [s.stage_id for s in move.exited]) == ("b", ["a"])
    move = domain.plan_advance("o", STAGES, "a", "c")
    assert [s.stage_id for s in move.exited] == ["a", "b"]
    assert [s.stage_id for s in domain.stages_left_to_win(STAGES, "a").exited] == ["a", "b", "c"]
    for current, target in (("b", "a"), ("a", "w"), ("c", "")):
        with pytest.raises(FailedPrecondition):
            domain.plan_advance("o", STAGES, current, target)
    with pytest.raises(InvalidArgument):
        domain.plan_advance("o", STAGES, "a", "zzz")


def test_a_deal_is_normalised_and_summed_exactly() -> None:
    deal = new()
    assert (deal.name, deal.currency, deal.amount_minor) == ("Big deal", "EUR", 99_999)
    assert deal.team == [TeamMember("rep-1", "owner", 10000)]


@pytest.mark.parametrize("second", [4999, 5001])
def test_splits_off_by_one_basis_point_are_refused(second: int) -> None:
    with pytest.raises(InvalidArgument) as caught:
        new(team=[TeamMember("rep-1", "", 5000), TeamMember("rep-2", "", second)])
    (violation,) = caught.value.violations
    assert violation.field == "team_members"
    assert f"they sum to {5000 + second}" in violation.description


def test_one_currency_per_deal() -> None:
    with pytest.raises(InvalidArgument) as caught:
        new(lines=[LineInput("a", 1, 1, "EUR"), LineInput("b", 1, 1, "USD")], currency="GBP")
    assert {v.field for v in caught.value.violations} == {"line_items", "currency"}


def test_who_may_manage_a_deal() -> None:
    assert domain.may_manage_deal(frozenset({"rep"}), "rep-1", "rep-1", "mgr-1")
    assert not domain.may_manage_deal(frozenset({"rep"}), "rep-2", "rep-1", "mgr-1")
    assert domain.may_manage_deal(frozenset({"manager"}), "mgr-1", "rep-1", "mgr-1")
    assert not domain.may_manage_deal(frozenset({"manager"}), "mgr-2", "rep-1", "mgr-1")
    assert not domain.may_manage_deal(frozenset({"manager"}), "mgr-1", "rep-1", None)
    assert domain.may_manage_deal(frozenset({"director"}), "dir-1", "rep-1", None)


def rep(rep_id: str, manager: str, region: str = "EMEA", status: str = "active") -> RepView:
    return RepView(rep_id, region, "team", manager, status)


def test_reassignment_rules() -> None:
    base = {"region": "EMEA", "current_owner_id": "rep-1", "current_owner": rep("rep-1", "mgr-1")}
    domain.check_reassignment(
        roles=frozenset({"manager"}),
        subject="mgr-1",
        new_owner_id="rep-2",
        new_owner=rep("rep-2", "mgr-1"),
        **base,  # type: ignore[arg-type]
    )
    with pytest.raises(PermissionDenied):
        domain.check_reassignment(
            roles=frozenset({"manager"}),
            subject="mgr-1",
            new_owner_id="rep-3",
            new_owner=rep("rep-3", "mgr-2"),
            **base,  # type: ignore[arg-type]
        )
    domain.check_reassignment(
        roles=frozenset({"director"}),
        subject="dir-1",
        new_owner_id="rep-3",
        new_owner=rep("rep-3", "mgr-2"),
        **base,  # type: ignore[arg-type]
    )
    with pytest.raises(InvalidArgument):
        domain.check_reassignment(
            roles=frozenset({"director"}),
            subject="dir-1",
            new_owner_id="rep-9",
            new_owner=rep("rep-9", "mgr-9", region="APAC"),
            **base,  # type: ignore[arg-type]
        )


def test_reassigning_moves_the_outgoing_owners_credit() -> None:
    team = [TeamMember("rep-1", "owner", 6000), TeamMember("rep-2", "se", 4000)]
    assert domain.reassign_team(team, "rep-1", "rep-3") == [
        TeamMember("rep-3", "owner", 6000),
        TeamMember("rep-2", "se", 4000),
    ]
    assert domain.reassign_team(team, "rep-1", "rep-2") == [TeamMember("rep-2", "owner", 10000)]
