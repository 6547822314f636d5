"""Organisation rules without a database: the tree, hires, territories, coverage."""

from __future__ import annotations

import pytest

from services.kit.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from services.planning.domain import organisation as domain


def test_ancestry_walks_up_and_stops_at_a_loop() -> None:
    parents = {"team": "area", "area": "region", "region": "company", "company": None}
    assert domain.ancestry("team", parents.get) == ["team", "area", "region", "company"]
    looping = {"a": "b", "b": "a"}
    assert domain.ancestry("a", looping.get) == ["a", "b"]


def test_placement_reports_every_broken_rule() -> None:
    with pytest.raises(FailedPrecondition) as caught:
        domain.check_placement("area", "EMEA", "team", "APAC", "team", ["team", "area"])
    assert [v.type for v in caught.value.violations] == [
        "ORG_TREE_NO_CYCLE",
        "ORG_TREE_SAME_REGION",
    ]
    # Under the company root any region fits.
    domain.check_placement("emea", "EMEA", "acme", "GLOBAL", "company", ["acme"])


def test_new_units_and_hires_name_every_bad_field() -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.check_new_unit("bad code!", "", "parent", "", "", "company")
    assert [v.field for v in caught.value.violations] == ["code", "name", "region", "parent_id"]
    unit = domain.check_new_unit("t1", " Team  One ", "p", "emea", "", "TEAM")
    assert (unit.region, unit.kind, unit.name) == ("EMEA", "team", "Team One")
    with pytest.raises(InvalidArgument) as hired:
        domain.check_hire("", "", "x", "rep", "", "", 200_000, "2027-02-30")
    assert [v.field for v in hired.value.violations] == [
        "hire_date",
        "rep_id",
        "name",
        "email",
        "team_unit_id",
        "capacity",
    ]
    with pytest.raises(PermissionDenied):
        domain.require_organiser(frozenset({"manager"}))


def test_territory_fields_are_normalised() -> None:
    fields = domain.check_territory(
        "North", ["de", "DE", " at"], ["Software"], ["1-49"], ["r1", "r1"], "eur", 5
    )
    assert (fields.countries, fields.industries, fields.rep_ids, fields.currency) == (
        ["DE", "AT"],
        ["software"],
        ["r1"],
        "EUR",
    )
    assert domain.join_list(fields.countries) == "DE,AT"
    assert domain.split_list("") == []


def test_coverage_rounds_potential_per_head_down() -> None:
    assert domain.coverage([10, 20, 5], 1_000_000) == domain.Coverage(3, 35, 1_000_000, 333_333)
    assert domain.coverage([], 7) == domain.Coverage(0, 0, 7, 0)
