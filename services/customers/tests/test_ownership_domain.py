"""Ownership rules without a database: who asks, who decides, who transfers, to whom."""

from __future__ import annotations

import pytest

from services.customers.domain import ownership as domain
from services.kit.errors import FailedPrecondition, InvalidArgument, PermissionDenied

REP = frozenset({"rep"})
MANAGER = frozenset({"manager"})
DIRECTOR = frozenset({"director"})
ACTIVE_EMEA = domain.RepView("rep-2", "EMEA", "mgr-1", "active")


@pytest.mark.parametrize(
    ("to_owner_id", "to_owner", "problem"),
    [
        ("", None, "is required"),
        ("rep-1", ACTIVE_EMEA, "already owns the account"),
        ("ghost", None, "is not a rep known"),
        ("rep-2", domain.RepView("rep-2", "EMEA", "mgr-1", "left"), "has left"),
        ("rep-2", domain.RepView("rep-2", "APAC", "mgr-9", "active"), "works in region APAC"),
    ],
)
def test_a_new_owner_must_be_able_to_own_the_account(
    to_owner_id: str, to_owner: domain.RepView | None, problem: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        domain.check_new_owner(
            region="EMEA", current_owner_id="rep-1", to_owner_id=to_owner_id, to_owner=to_owner
        )
    assert caught.value.violations[0].field == "to_owner_id"
    assert problem in caught.value.violations[0].description


def test_an_on_leave_rep_may_receive_an_account() -> None:
    on_leave = domain.RepView("rep-2", "EMEA", "mgr-1", "on_leave")
    domain.check_new_owner(
        region="EMEA", current_owner_id="rep-1", to_owner_id="rep-2", to_owner=on_leave
    )


def test_a_rep_asks_to_give_or_to_take_never_for_others() -> None:
    domain.check_may_request(roles=REP, subject="rep-1", current_owner_id="rep-1", to_owner_id="x")
    domain.check_may_request(
        roles=REP, subject="rep-2", current_owner_id="rep-1", to_owner_id="rep-2"
    )
    domain.check_may_request(
        roles=MANAGER, subject="mgr-1", current_owner_id="rep-1", to_owner_id="rep-2"
    )
    with pytest.raises(PermissionDenied):
        domain.check_may_request(
            roles=REP, subject="rep-3", current_owner_id="rep-1", to_owner_id="rep-2"
        )


def test_the_owners_manager_or_a_director_decides() -> None:
    assert domain.may_decide(MANAGER, "mgr-1", "mgr-1")
    assert not domain.may_decide(MANAGER, "mgr-2", "mgr-1")  # another team's manager
    assert not domain.may_decide(MANAGER, "mgr-1", None)  # planning never said
    assert not domain.may_decide(REP, "mgr-1", "mgr-1")
    assert domain.may_decide(DIRECTOR, "dir-1", None)
    with pytest.raises(PermissionDenied) as caught:
        domain.require_decider(MANAGER, "mgr-2", "rep-1", "mgr-1")
    assert "manager of the owner rep-1" in caught.value.message


def test_direct_transfers() -> None:
    domain.check_direct_transfer(
        roles=DIRECTOR, subject="dir-1", current_owner_id="rep-1", current_owner_manager_id=None
    )
    domain.check_direct_transfer(
        roles=MANAGER, subject="mgr-1", current_owner_id="rep-1", current_owner_manager_id="mgr-1"
    )
    domain.check_direct_transfer(
        roles=MANAGER, subject="mgr-1", current_owner_id="mgr-1", current_owner_manager_id=None
    )
    with pytest.raises(PermissionDenied, match="not in a team managed by mgr-2"):
        domain.check_direct_transfer(
            roles=MANAGER,
            subject="mgr-2",
            current_owner_id="rep-1",
            current_owner_manager_id="mgr-1",
        )
    with pytest.raises(PermissionDenied, match="ask for a transfer"):
        domain.check_direct_transfer(
            roles=REP, subject="rep-1", current_owner_id="rep-1", current_owner_manager_id=None
        )


def test_request_states() -> None:
    domain.require_pending("t-1", "pending")
    with pytest.raises(FailedPrecondition, match="the request is approved"):
        domain.require_pending("t-1", "approved")
    domain.require_owner_unchanged("t-1", "rep-1", "rep-1")
    with pytest.raises(FailedPrecondition, match="changed owner from rep-1 to rep-3"):
        domain.require_owner_unchanged("t-1", "rep-1", "rep-3")
    domain.require_no_pending("c-1", None)
    with pytest.raises(FailedPrecondition, match="'t-9' for this account is pending"):
        domain.require_no_pending("c-1", "t-9")
    with pytest.raises(InvalidArgument):
        domain.clean_reason("   ")
    assert domain.clean_reason(" ", "comment", required=False) == ""
