"""The organisation over gRPC on SQLite and PostgreSQL: the unit tree, people, territories."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import planning_events_pb2 as events
from salesops.planning.v1 import organisation_pb2 as pb
from salesops.planning.v1 import organisation_pb2_grpc

from services.kit.db import Database
from services.kit.events import read_payload
from services.kit.grpc_server import error_details
from services.kit.schema import outbox
from services.kit.testing import caller

DIRECTOR = caller("dir-1", "director", "EMEA")
ADMIN = caller("admin", "admin", "*")
MANAGER = caller("mgr-1", "manager", "EMEA")
APAC = caller("dir-9", "director", "APAC")
Stub = organisation_pb2_grpc.OrganisationServiceStub


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("planning", database_url)


@pytest.fixture
def stub(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Stub:
    return Stub(serve_api("planning", db))


def failure(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return error_details(caught.value)


def outbox_events(db: Database, event_type: str) -> list[dict[str, Any]]:
    query = sa.select(outbox.c.envelope).where(outbox.c.type == event_type).order_by(outbox.c.id)
    with db.transaction() as session:
        return [json.loads(row) for row in session.scalars(query)]


def unit(stub: Stub, code: str, kind: str, region: str, parent: str = "", who: Any = ADMIN) -> Any:
    return stub.CreateOrgUnit(
        pb.CreateOrgUnitRequest(
            code=code,
            name=code.title(),
            kind=kind,
            region=region,
            parent_id=parent,
            manager_id=f"mgr-{code}",
        ),
        metadata=who,
    ).unit


@pytest.fixture
def tree(stub: Stub) -> dict[str, Any]:
    company = unit(stub, "acme", "company", "GLOBAL")
    emea = unit(stub, "emea", "region", "emea", company.unit_id)
    dach = unit(stub, "dach", "area", "EMEA", emea.unit_id)
    berlin = unit(stub, "berlin", "team", "EMEA", dach.unit_id)
    munich = unit(stub, "munich", "team", "EMEA", dach.unit_id)
    apac = unit(stub, "apac", "region", "APAC", company.unit_id)
    return {
        "company": company,
        "emea": emea,
        "dach": dach,
        "berlin": berlin,
        "munich": munich,
        "apac": apac,
    }


def hire(stub: Stub, rep_id: str, team: Any, capacity: int = 10, who: Any = DIRECTOR) -> Any:
    return stub.HireRep(
        pb.HireRepRequest(
            rep_id=rep_id,
            name=f"Rep {rep_id}",
            email=f"{rep_id}@acme.example",
            role="rep",
            team_unit_id=team.unit_id,
            capacity=capacity,
            hire_date="2027-01-04",
        ),
        metadata=who,
    ).rep


def test_the_tree_refuses_a_cycle_and_a_foreign_region(stub: Stub, tree: dict[str, Any]) -> None:
    assert tree["emea"].region == "EMEA" and tree["berlin"].parent_id == tree["dach"].unit_id
    cycle = failure(
        lambda: stub.UpdateOrgUnit(
            pb.UpdateOrgUnitRequest(unit_id=tree["dach"].unit_id, parent_id=tree["berlin"].unit_id),
            metadata=ADMIN,
        )
    )
    assert cycle["code"] == grpc.StatusCode.FAILED_PRECONDITION
    assert [v["type"] for v in cycle["precondition_violations"]] == ["ORG_TREE_NO_CYCLE"]
    itself = failure(
        lambda: stub.UpdateOrgUnit(
            pb.UpdateOrgUnitRequest(unit_id=tree["dach"].unit_id, parent_id=tree["dach"].unit_id),
            metadata=ADMIN,
        )
    )
    assert "ORG_TREE_NO_CYCLE" in {v["type"] for v in itself["precondition_violations"]}
    # Below the company a unit keeps its parent's region.
    moved = failure(
        lambda: stub.UpdateOrgUnit(
            pb.UpdateOrgUnitRequest(unit_id=tree["dach"].unit_id, parent_id=tree["apac"].unit_id),
            metadata=ADMIN,
        )
    )
    assert [v["type"] for v in moved["precondition_violations"]] == ["ORG_TREE_SAME_REGION"]
    wrong = failure(lambda: unit(stub, "tokyo", "team", "EMEA", tree["apac"].unit_id))
    assert wrong["code"] == grpc.StatusCode.FAILED_PRECONDITION
    # Moving a team within its region works and bumps the version.
    moved_ok = stub.UpdateOrgUnit(
        pb.UpdateOrgUnitRequest(unit_id=tree["munich"].unit_id, parent_id=tree["emea"].unit_id),
        metadata=DIRECTOR,
    ).unit
    assert (moved_ok.parent_id, moved_ok.version) == (tree["emea"].unit_id, 2)
    # Nothing to change changes nothing.
    same = stub.UpdateOrgUnit(
        pb.UpdateOrgUnitRequest(unit_id=tree["munich"].unit_id, name="Munich"),
        metadata=DIRECTOR,
    ).unit
    assert same.version == 2


def test_org_unit_validation_roles_and_scope(stub: Stub, tree: dict[str, Any]) -> None:
    bad = failure(
        lambda: stub.CreateOrgUnit(pb.CreateOrgUnitRequest(kind="galaxy"), metadata=ADMIN)
    )
    assert bad["code"] == grpc.StatusCode.INVALID_ARGUMENT
    assert {v["field"] for v in bad["field_violations"]} == {
        "code",
        "name",
        "region",
        "kind",
        "parent_id",
    }
    denied = failure(lambda: unit(stub, "x", "team", "EMEA", tree["dach"].unit_id, MANAGER))
    assert denied["code"] == grpc.StatusCode.PERMISSION_DENIED
    dup = failure(lambda: unit(stub, "berlin", "team", "EMEA", tree["dach"].unit_id))
    assert dup["code"] == grpc.StatusCode.ALREADY_EXISTS
    # Scoped reads: APAC is NotFound for an EMEA manager, absent from lists.
    assert (
        failure(
            lambda: stub.GetOrgUnit(
                pb.GetOrgUnitRequest(unit_id=tree["apac"].unit_id), metadata=MANAGER
            )
        )["code"]
        == grpc.StatusCode.NOT_FOUND
    )
    listed = stub.ListOrgUnits(pb.ListOrgUnitsRequest(), metadata=MANAGER).units
    assert {u.code for u in listed} == {"emea", "dach", "berlin", "munich"}
    children = stub.ListOrgUnits(
        pb.ListOrgUnitsRequest(
            parent_id=tree["dach"].unit_id, page=common_pb2.PageRequest(page_size=1)
        ),
        metadata=MANAGER,
    )
    assert [u.code for u in children.units] == ["munich"] and children.page.next_page_token
    rest = stub.ListOrgUnits(
        pb.ListOrgUnitsRequest(
            parent_id=tree["dach"].unit_id,
            page=common_pb2.PageRequest(page_size=1, page_token=children.page.next_page_token),
        ),
        metadata=MANAGER,
    )
    assert [u.code for u in rest.units] == ["berlin"]


def test_hire_assign_leave_emit_events_and_keep_history(
    stub: Stub, db: Database, tree: dict[str, Any]
) -> None:
    rep = hire(stub, "rep-1", tree["berlin"])
    assert (rep.region, rep.manager_id, rep.status) == ("EMEA", "mgr-berlin", "active")
    hired = outbox_events(db, "planning.rep.hired")
    assert read_payload(hired[0], events.RepHired) == events.RepHired(
        rep_id="rep-1",
        name="Rep rep-1",
        email="rep-1@acme.example",
        region="EMEA",
        team_id=tree["berlin"].unit_id,
        manager_id="mgr-berlin",
        role="rep",
        capacity=10,
        hire_date="2027-01-04",
    )
    assert failure(lambda: hire(stub, "rep-1", tree["berlin"]))["code"] == (
        grpc.StatusCode.ALREADY_EXISTS
    )
    bad = failure(
        lambda: stub.HireRep(
            pb.HireRepRequest(email="nope", role="ceo", capacity=-1, hire_date="soon"),
            metadata=DIRECTOR,
        )
    )
    assert {v["field"] for v in bad["field_violations"]} == {
        "rep_id",
        "name",
        "email",
        "role",
        "team_unit_id",
        "capacity",
        "hire_date",
    }

    moved = stub.AssignRep(
        pb.AssignRepRequest(
            rep_id="rep-1",
            team_unit_id=tree["munich"].unit_id,
            capacity=15,
            effective_date="2027-03-01",
        ),
        metadata=DIRECTOR,
    ).rep
    assert (moved.team_unit_id, moved.manager_id, moved.capacity) == (
        tree["munich"].unit_id,
        "mgr-munich",
        15,
    )
    assigned = read_payload(outbox_events(db, "planning.rep.assigned")[0], events.RepAssigned)
    assert assigned == events.RepAssigned(
        rep_id="rep-1",
        region="EMEA",
        team_id=tree["munich"].unit_id,
        manager_id="mgr-munich",
        capacity=15,
        status="active",
        effective_date="2027-03-01",
    )
    early = failure(
        lambda: stub.AssignRep(
            pb.AssignRepRequest(
                rep_id="rep-1",
                status="on_leave",
                effective_date="2027-01-01",
                team_unit_id=tree["berlin"].unit_id,
            ),
            metadata=DIRECTOR,
        )
    )
    assert early["code"] == grpc.StatusCode.FAILED_PRECONDITION

    left = stub.RepLeaves(
        pb.RepLeavesRequest(rep_id="rep-1", left_date="2027-06-30"), metadata=DIRECTOR
    ).rep
    assert left.status == "left"
    assert read_payload(outbox_events(db, "planning.rep.left")[0], events.RepLeft) == (
        events.RepLeft(rep_id="rep-1", region="EMEA", left_date="2027-06-30")
    )
    again = failure(
        lambda: stub.RepLeaves(
            pb.RepLeavesRequest(rep_id="rep-1", left_date="2027-07-01"), metadata=DIRECTOR
        )
    )
    assert again["code"] == grpc.StatusCode.FAILED_PRECONDITION
    history = stub.GetRep(pb.GetRepRequest(rep_id="rep-1"), metadata=MANAGER).assignments
    assert [(a.unit_id, a.effective_from, a.effective_to) for a in history] == [
        (tree["munich"].unit_id, "2027-03-01", "2027-06-30"),
        (tree["berlin"].unit_id, "2027-01-04", "2027-02-28"),
    ]
    # Scope: APAC sees nothing of rep-1; a rep sees only themselves.
    assert (
        failure(lambda: stub.GetRep(pb.GetRepRequest(rep_id="rep-1"), metadata=APAC))["code"]
        == grpc.StatusCode.NOT_FOUND
    )
    hire(stub, "rep-2", tree["berlin"])
    assert [r.rep_id for r in stub.ListReps(pb.ListRepsRequest(), metadata=MANAGER).reps] == [
        "rep-2",
        "rep-1",
    ]
    mine = stub.ListReps(pb.ListRepsRequest(), metadata=caller("rep-2", "rep", "EMEA")).reps
    assert [r.rep_id for r in mine] == ["rep-2"]
    assert stub.ListReps(pb.ListRepsRequest(status="left"), metadata=MANAGER).reps[0].rep_id == (
        "rep-1"
    )


def test_territories_version_their_changes_and_report_coverage(
    stub: Stub, db: Database, tree: dict[str, Any]
) -> None:
    for rep_id, capacity in (("rep-1", 10), ("rep-2", 20), ("rep-3", 5)):
        hire(stub, rep_id, tree["berlin"], capacity)
    apac_team = unit(stub, "tokyo", "team", "APAC", tree["apac"].unit_id)
    hire(stub, "rep-9", apac_team, 7, ADMIN)

    def money(amount: int) -> common_pb2.Money:
        return common_pb2.Money(currency="EUR", amount_minor=amount)

    north = stub.CreateTerritory(
        pb.CreateTerritoryRequest(
            name="DACH North",
            region="emea",
            countries=["de", "AT"],
            industries=["Software"],
            rep_ids=["rep-1", "rep-2"],
            market_potential=money(1_000_001),
        ),
        metadata=DIRECTOR,
    ).territory
    assert (list(north.countries), list(north.industries), north.version) == (
        ["DE", "AT"],
        ["software"],
        1,
    )
    south = stub.CreateTerritory(
        pb.CreateTerritoryRequest(
            name="DACH South",
            region="EMEA",
            rep_ids=["rep-2", "rep-3"],
            market_potential=money(500_000),
        ),
        metadata=DIRECTOR,
    ).territory
    bad = failure(
        lambda: stub.CreateTerritory(
            pb.CreateTerritoryRequest(
                region="EMEA",
                countries=["Germany"],
                rep_ids=["rep-9"],
                market_potential=common_pb2.Money(currency="eu", amount_minor=-1),
            ),
            metadata=DIRECTOR,
        )
    )
    assert {v["field"] for v in bad["field_violations"]} == {
        "name",
        "countries",
        "market_potential.currency",
        "market_potential.amount_minor",
    }
    foreign = failure(
        lambda: stub.CreateTerritory(
            pb.CreateTerritoryRequest(
                name="X", region="EMEA", rep_ids=["rep-9"], market_potential=money(1)
            ),
            metadata=ADMIN,
        )
    )
    assert foreign["field_violations"][0]["field"] == "rep_ids"

    updated = stub.UpdateTerritory(
        pb.UpdateTerritoryRequest(
            territory_id=north.territory_id,
            name="DACH North",
            countries=["DE"],
            rep_ids=["rep-1", "rep-2"],
            market_potential=money(1_000_001),
        ),
        metadata=DIRECTOR,
    ).territory
    assert updated.version == 2
    changed = [
        read_payload(e, events.TerritoryChanged)
        for e in outbox_events(db, "planning.territory.changed")
    ]
    assert changed[-1] == events.TerritoryChanged(
        territory_id=north.territory_id,
        name="DACH North",
        region="EMEA",
        rules=events.TerritoryRules(countries=["DE"]),
        rep_ids=["rep-1", "rep-2"],
        version=2,
    )

    coverage = stub.GetTerritoryCoverage(
        pb.GetTerritoryCoverageRequest(region="emea"), metadata=MANAGER
    )
    by_name = {t.name: t for t in coverage.territories}
    assert (by_name["DACH North"].headcount, by_name["DACH North"].total_capacity) == (2, 30)
    # 1,000,001 / 2 rounds down.
    assert by_name["DACH North"].potential_per_head == money(500_000)
    assert (by_name["DACH South"].headcount, by_name["DACH South"].potential_per_head) == (
        2,
        money(250_000),
    )
    # rep-2 works both territories and counts once.
    assert (coverage.headcount, coverage.total_capacity) == (3, 35)
    assert coverage.market_potential == money(1_500_001)
    assert coverage.potential_per_head == money(500_000)
    assert (
        failure(
            lambda: stub.GetTerritoryCoverage(
                pb.GetTerritoryCoverageRequest(region="EMEA"), metadata=APAC
            )
        )["code"]
        == grpc.StatusCode.NOT_FOUND
    )

    removed = stub.RemoveTerritory(
        pb.RemoveTerritoryRequest(territory_id=south.territory_id), metadata=DIRECTOR
    ).territory
    assert (removed.removed, removed.version) == (True, 2)
    last = read_payload(
        outbox_events(db, "planning.territory.changed")[-1], events.TerritoryChanged
    )
    assert (last.territory_id, last.removed, last.version) == (south.territory_id, True, 2)
    listed = stub.ListTerritories(pb.ListTerritoriesRequest(), metadata=MANAGER).territories
    assert [t.name for t in listed] == ["DACH North"]
    assert stub.ListTerritories(pb.ListTerritoriesRequest(), metadata=APAC).territories == []
    assert (
        failure(
            lambda: stub.UpdateTerritory(
                pb.UpdateTerritoryRequest(
                    territory_id=north.territory_id, name="Y", market_potential=money(1)
                ),
                metadata=APAC,
            )
        )["code"]
        == grpc.StatusCode.NOT_FOUND
    )


def test_a_rep_who_leaves_leaves_their_territories(
    stub: Stub, db: Database, tree: dict[str, Any]
) -> None:
    hire(stub, "rep-1", tree["berlin"])
    hire(stub, "rep-2", tree["berlin"])
    territory = stub.CreateTerritory(
        pb.CreateTerritoryRequest(
            name="Berlin",
            region="EMEA",
            rep_ids=["rep-1", "rep-2"],
            market_potential=common_pb2.Money(currency="EUR", amount_minor=100),
        ),
        metadata=DIRECTOR,
    ).territory
    stub.RepLeaves(pb.RepLeavesRequest(rep_id="rep-1", left_date="2027-02-01"), metadata=DIRECTOR)
    last = read_payload(
        outbox_events(db, "planning.territory.changed")[-1], events.TerritoryChanged
    )
    assert (last.territory_id, list(last.rep_ids), last.version) == (
        territory.territory_id,
        ["rep-2"],
        2,
    )
    listed = stub.ListTerritories(pb.ListTerritoriesRequest(), metadata=DIRECTOR).territories
    assert [(t.version, list(t.rep_ids)) for t in listed] == [(2, ["rep-2"])]
