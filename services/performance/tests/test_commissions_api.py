"""Commission plans, statements and disputes over real gRPC, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from prometheus_client import REGISTRY
from salesops.common.v1 import common_pb2
from salesops.performance.v1 import commissions_pb2 as pb
from salesops.performance.v1 import commissions_pb2_grpc

from services.kit.db import Database
from services.kit.schema import outbox
from services.kit.testing import caller
from services.performance.tests.commissions_support import (
    add_credit,
    add_quota,
    seed_reps,
    tiered_rules,
)

ADMIN = caller("admin-1", "admin", "*")
DIRECTOR = caller("dir-1", "director", "EMEA")
APAC_DIRECTOR = caller("dir-2", "director", "APAC")
MANAGER_A = caller("mgr-a", "manager", "EMEA")
MANAGER_B = caller("mgr-b", "manager", "EMEA")
REP_1 = caller("rep-1", "rep", "EMEA")
REP_2 = caller("rep-2", "rep", "EMEA")
Q2 = "FY2027-Q2"
EVENT = "performance.commission.calculated"


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("performance", database_url)
    seed_reps(database)
    return database


@pytest.fixture
def api(
    db: Database, serve_api: Callable[[str, Database], grpc.Channel]
) -> commissions_pb2_grpc.CommissionServiceStub:
    return commissions_pb2_grpc.CommissionServiceStub(serve_api("performance", db))


def failure(call: Callable[[], Any]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def bad_fields(error: grpc.RpcError) -> list[str]:
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    status = rpc_status.from_call(error)
    bad = error_details_pb2.BadRequest()
    assert status is not None and status.details[0].Unpack(bad)
    return sorted(v.field for v in bad.field_violations)


def rule_types(error: grpc.RpcError) -> list[str]:
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, error.details()
    status = rpc_status.from_call(error)
    details = error_details_pb2.PreconditionFailure()
    assert status is not None and status.details[0].Unpack(details)
    return [v.type for v in details.violations]


def envelopes(db: Database) -> list[dict[str, Any]]:
    with db.transaction() as session:
        return [
            json.loads(text)
            for text in session.scalars(
                sa.select(outbox.c.envelope).where(outbox.c.type == EVENT).order_by(outbox.c.id)
            )
        ]


def create_plan(
    api: commissions_pb2_grpc.CommissionServiceStub,
    *,
    role: int = pb.COMMISSION_ROLE_REP,
    rules: pb.CommissionRules | None = None,
    effective_from: str = "2027-01-01",
    effective_to: str = "",
    author: list[tuple[str, str]] = MANAGER_A,
) -> pb.CommissionPlan:
    return api.CreateCommissionPlan(
        pb.CreateCommissionPlanRequest(
            name="EMEA reps 2027",
            role=role,
            region="EMEA",
            currency="EUR",
            effective_from=effective_from,
            effective_to=effective_to,
            rules=rules or tiered_rules(),
        ),
        metadata=author,
    ).plan


def approved_plan(
    api: commissions_pb2_grpc.CommissionServiceStub, **kwargs: Any
) -> pb.CommissionPlan:
    plan = create_plan(api, **kwargs)
    return api.ApproveCommissionPlan(
        pb.ApproveCommissionPlanRequest(plan_id=plan.plan_id), metadata=DIRECTOR
    ).plan


def test_plan_validation_names_every_bad_field(
    api: commissions_pb2_grpc.CommissionServiceStub, db: Database
) -> None:
    error = failure(
        lambda: api.CreateCommissionPlan(
            pb.CreateCommissionPlanRequest(
                name="",
                role=pb.COMMISSION_ROLE_UNSPECIFIED,
                region="EMEA",
                currency="eur",
                effective_from="2027-02-30",
                rules=pb.CommissionRules(
                    base_rate_bp=500,
                    tiers=[
                        pb.CommissionTier(from_bp=0, to_bp=8000, rate_bp=500),
                        pb.CommissionTier(from_bp=6000, to_bp=0, rate_bp=-1),
                    ],
                    cap_kind=pb.COMMISSION_CAP_KIND_PAYOUT,
                ),
            ),
            metadata=DIRECTOR,
        )
    )
    assert bad_fields(error) == [
        "currency",
        "effective_from",
        "name",
        "role",
        "rules.cap_payout_minor",
        "rules.tier_mode",
        "rules.tiers[1].from_bp",
        "rules.tiers[1].rate_bp",
        "rules.tiers[1].to_bp",
    ]
    listed = api.ListCommissionPlans(pb.ListCommissionPlansRequest(), metadata=DIRECTOR)
    assert list(listed.plans) == []  # nothing written


def test_approval_versions_and_effective_dates(
    api: commissions_pb2_grpc.CommissionServiceStub,
) -> None:
    draft = create_plan(api, effective_from="2027-01-01")
    assert draft.status == pb.COMMISSION_PLAN_STATUS_DRAFT
    assert draft.rules.tiers[2].rate_bp == 800

    # A manager may draft but not approve; the author may not approve their own plan.
    denied = failure(
        lambda: api.ApproveCommissionPlan(
            pb.ApproveCommissionPlanRequest(plan_id=draft.plan_id), metadata=MANAGER_B
        )
    )
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    own = create_plan(api, author=DIRECTOR, effective_from="2030-01-01")
    self_approval = failure(
        lambda: api.ApproveCommissionPlan(
            pb.ApproveCommissionPlanRequest(plan_id=own.plan_id), metadata=DIRECTOR
        )
    )
    assert self_approval.code() == grpc.StatusCode.PERMISSION_DENIED
    # Another region's director does not see it at all.
    hidden = failure(
        lambda: api.ApproveCommissionPlan(
            pb.ApproveCommissionPlanRequest(plan_id=draft.plan_id), metadata=APAC_DIRECTOR
        )
    )
    assert hidden.code() == grpc.StatusCode.NOT_FOUND

    approved = api.ApproveCommissionPlan(
        pb.ApproveCommissionPlanRequest(plan_id=draft.plan_id), metadata=DIRECTOR
    ).plan
    assert approved.status == pb.COMMISSION_PLAN_STATUS_APPROVED
    assert approved.approved_by == "dir-1"
    again = failure(
        lambda: api.ApproveCommissionPlan(
            pb.ApproveCommissionPlanRequest(plan_id=draft.plan_id), metadata=ADMIN
        )
    )
    assert rule_types(again) == ["STATE"]

    # A second, separate plan overlapping the approved one cannot be approved.
    rival = create_plan(api, effective_from="2027-06-01", effective_to="2027-12-31")
    clash = failure(
        lambda: api.ApproveCommissionPlan(
            pb.ApproveCommissionPlanRequest(plan_id=rival.plan_id), metadata=DIRECTOR
        )
    )
    assert rule_types(clash) == ["EFFECTIVE_DATES"]

    # Amending makes version 2; approving it ends version 1 the day before it starts.
    rules = tiered_rules()
    rules.base_rate_bp = 600
    rules.tiers[1].rate_bp = 600
    amendment = api.AmendCommissionPlan(
        pb.AmendCommissionPlanRequest(
            plan_id=draft.plan_id, effective_from="2027-07-01", rules=rules
        ),
        metadata=MANAGER_A,
    ).plan
    assert (amendment.plan_version, amendment.previous_plan_id) == (2, draft.plan_id)
    assert amendment.lineage_id == draft.plan_id
    not_draft = failure(
        lambda: api.AmendCommissionPlan(
            pb.AmendCommissionPlanRequest(plan_id=amendment.plan_id), metadata=MANAGER_A
        )
    )
    assert rule_types(not_draft) == ["STATE"]
    api.ApproveCommissionPlan(
        pb.ApproveCommissionPlanRequest(plan_id=amendment.plan_id), metadata=DIRECTOR
    )
    read = api.GetCommissionPlan(
        pb.GetCommissionPlanRequest(plan_id=amendment.plan_id), metadata=REP_1
    )
    assert [v.plan_version for v in read.versions] == [1, 2]
    assert read.versions[0].effective_to == "2027-06-30"
    assert read.versions[1].effective_from == "2027-07-01"
    assert read.plan.rules.base_rate_bp == 600

    approved_list = api.ListCommissionPlans(
        pb.ListCommissionPlansRequest(status=pb.COMMISSION_PLAN_STATUS_APPROVED),
        metadata=DIRECTOR,
    )
    assert {p.plan_id for p in approved_list.plans} == {draft.plan_id, amendment.plan_id}
    apac = api.ListCommissionPlans(pb.ListCommissionPlansRequest(), metadata=APAC_DIRECTOR)
    assert list(apac.plans) == []


def lines_of(statement: pb.CommissionStatement) -> list[tuple[str, int]]:
    return [
        (
            pb.CommissionLineKind.Name(line.kind).removeprefix("COMMISSION_LINE_KIND_").lower(),
            line.amount.amount_minor,
        )
        for line in statement.lines
    ]


def test_statement_lines_recalculation_and_late_clawback(
    api: commissions_pb2_grpc.CommissionServiceStub, db: Database
) -> None:
    plan = approved_plan(api)
    add_quota(db, "rep-1", Q2, 100_000)
    first = add_credit(db, "rep-1", 60_000, date(2027, 4, 10), credit_id="c-first")
    add_credit(db, "rep-1", 70_000, date(2027, 5, 10), credit_id="c-second")
    add_credit(db, "rep-2", 20_000, date(2027, 5, 11), credit_id="c-rep2")
    add_credit(db, "rep-1", 99_000, date(2027, 7, 1), credit_id="c-q3")  # next period
    add_credit(db, "rep-1", 5_000, date(2027, 5, 1), currency="USD")  # not the plan's currency

    run = api.CalculateStatements(
        pb.CalculateStatementsRequest(period_code=Q2, region="EMEA"), metadata=DIRECTOR
    )
    by_rep = {s.rep_id: s for s in run.statements}
    assert set(by_rep) == {"rep-1", "rep-2"}
    skipped = {s.rep_id: s.reason for s in run.skipped}
    assert set(skipped) == {"mgr-a", "mgr-b", "rep-3"}
    assert "no approved manager plan" in skipped["mgr-a"]
    assert "nothing to pay" in skipped["rep-3"]  # no credits: no empty statement
    # rep-1: 130000 of 100000 quota. 0-50000 at 2% = 1000; 50000-100000 at 5% = 2500;
    # 100000-130000 at 8% = 2400. Total 5900.
    assert by_rep["rep-1"].total.amount_minor == 5900
    # rep-2: 20000 at 5% base (no quota, no tiers) = 1000.
    assert by_rep["rep-2"].total.amount_minor == 1000

    read = api.GetCommissionStatement(
        pb.GetCommissionStatementRequest(statement_id=by_rep["rep-1"].statement_id),
        metadata=REP_1,
    )
    statement = read.statement
    assert lines_of(statement) == [("decelerator", 1000), ("tier", 2500), ("accelerator", 2400)]
    assert statement.plan_id == plan.plan_id
    assert (statement.revenue.amount_minor, statement.quota.amount_minor) == (130_000, 100_000)
    assert statement.attainment_bp == 13_000
    assert statement.total.amount_minor == sum(line.amount.amount_minor for line in statement.lines)
    assert list(statement.lines[0].explanation.credit_ids) == [first]
    assert list(statement.lines[1].explanation.credit_ids) == ["c-first", "c-second"]
    accelerator = statement.lines[2].explanation
    assert (accelerator.tier_from_bp, accelerator.tier_to_bp, accelerator.rate_bp) == (
        10000,
        0,
        800,
    )
    assert "8%" in statement.lines[2].description
    events = envelopes(db)
    assert len(events) == 2
    rep1_event = next(e for e in events if e["payload"]["rep_id"] == "rep-1")
    assert rep1_event["payload"]["total_minor"] == "5900"
    assert rep1_event["payload"]["version"] == 1

    # The same facts again: nothing changes, no version, no event.
    same = api.CalculateStatements(
        pb.CalculateStatementsRequest(period_code=Q2, rep_id="rep-1"), metadata=MANAGER_A
    )
    assert [(s.changed, s.version) for s in same.statements] == [(False, 1)]
    assert len(envelopes(db)) == 2

    # A late cancellation reverses c-second within the period: recalculation appends
    # adjustments. Now 60000: 1000 + 10000 x 5% = 500. The 50-100% tier drops
    # 2500 -> 500 (-2000), the accelerator 2400 -> 0 (-2400).
    add_credit(db, "rep-1", -70_000, date(2027, 6, 2), reverses="c-second")
    again = api.CalculateStatements(
        pb.CalculateStatementsRequest(period_code=Q2, rep_id="rep-1"), metadata=MANAGER_A
    )
    result = again.statements[0]
    assert (result.changed, result.version) == (True, 2)
    assert (result.previous_total.amount_minor, result.total.amount_minor) == (5900, 1500)
    after = api.GetCommissionStatement(
        pb.GetCommissionStatementRequest(statement_id=result.statement_id), metadata=DIRECTOR
    )
    assert lines_of(after.statement) == [
        ("decelerator", 1000),
        ("tier", 2500),
        ("accelerator", 2400),
        ("adjustment", -2000),
        ("adjustment", -2400),
    ]
    assert [line.line_id for line in after.statement.lines[:3]] == [
        line.line_id for line in statement.lines
    ]  # never rewritten
    assert [line.statement_version for line in after.statement.lines] == [1, 1, 1, 2, 2]
    assert after.statement.lines[4].explanation.previous_amount_minor == 2400
    assert after.statement.total.amount_minor == 1500
    assert [(v.version, v.total.amount_minor) for v in after.versions] == [(1, 5900), (2, 1500)]
    last = envelopes(db)[-1]["payload"]
    assert (last["version"], last["previous_total_minor"], last["total_minor"]) == (
        2,
        "5900",
        "1500",
    )


def test_clawback_of_an_earlier_period_and_a_recoverable_draw(
    api: commissions_pb2_grpc.CommissionServiceStub, db: Database
) -> None:
    rules = pb.CommissionRules(base_rate_bp=1000, draw_minor=5000, draw_recoverable=True)
    approved_plan(api, rules=rules)
    add_credit(db, "rep-1", 20_000, date(2027, 2, 1), credit_id="q1-deal")
    q1 = api.CalculateStatements(
        pb.CalculateStatementsRequest(period_code="FY2027-Q1", rep_id="rep-1"), metadata=ADMIN
    ).statements[0]
    # Q1: 20000 x 10% = 2000, drawn up to 5000 (3000 to recover).
    assert q1.total.amount_minor == 5000
    add_credit(db, "rep-1", 100_000, date(2027, 4, 5))
    add_credit(db, "rep-1", -20_000, date(2027, 4, 20), reverses="q1-deal")
    q2 = api.CalculateStatements(
        pb.CalculateStatementsRequest(period_code=Q2, rep_id="rep-1"), metadata=ADMIN
    ).statements[0]
    read = api.GetCommissionStatement(
        pb.GetCommissionStatementRequest(statement_id=q2.statement_id), metadata=ADMIN
    ).statement
    # Q2: 100000 x 10% = 10000; clawback 20000 x 10% = -2000; net 8000 is 3000 above the
    # draw, so the 3000 drawn in Q1 is recovered: 5000.
    assert lines_of(read) == [("base", 10_000), ("clawback", -2000), ("draw_recovery", -3000)]
    assert read.total.amount_minor == 5000
    assert read.draw_balance.amount_minor == 0
    assert "q1-deal" in read.lines[1].explanation.credit_ids


def test_disputes_and_their_resolution(
    api: commissions_pb2_grpc.CommissionServiceStub, db: Database
) -> None:
    approved_plan(api, rules=pb.CommissionRules(base_rate_bp=500))
    add_credit(db, "rep-1", 100_000, date(2027, 4, 10))
    add_credit(db, "rep-2", 10_000, date(2027, 4, 10))
    run = api.CalculateStatements(
        pb.CalculateStatementsRequest(period_code=Q2, region="EMEA"), metadata=DIRECTOR
    )
    statement_id = next(s.statement_id for s in run.statements if s.rep_id == "rep-1")
    line = api.GetCommissionStatement(
        pb.GetCommissionStatementRequest(statement_id=statement_id), metadata=REP_1
    ).statement.lines[0]

    missing = failure(
        lambda: api.DisputeStatementLine(
            pb.DisputeStatementLineRequest(line_id=line.line_id), metadata=REP_1
        )
    )
    assert bad_fields(missing) == ["reason"]
    foreign = failure(
        lambda: api.DisputeStatementLine(
            pb.DisputeStatementLineRequest(line_id=line.line_id, reason="mine?"), metadata=REP_2
        )
    )
    assert foreign.code() == grpc.StatusCode.NOT_FOUND
    dispute = api.DisputeStatementLine(
        pb.DisputeStatementLineRequest(line_id=line.line_id, reason="deal X is missing"),
        metadata=REP_1,
    ).dispute
    assert dispute.status == pb.COMMISSION_DISPUTE_STATUS_OPEN
    twice = failure(
        lambda: api.DisputeStatementLine(
            pb.DisputeStatementLineRequest(line_id=line.line_id, reason="again"), metadata=REP_1
        )
    )
    assert rule_types(twice) == ["OPEN_DISPUTE"]

    # Only the rep's manager (or a director) resolves; mgr-b is another team's manager.
    other = failure(
        lambda: api.ResolveDispute(
            pb.ResolveDisputeRequest(
                dispute_id=dispute.dispute_id,
                outcome=pb.COMMISSION_DISPUTE_STATUS_REJECTED,
                comment="no",
            ),
            metadata=MANAGER_B,
        )
    )
    assert other.code() == grpc.StatusCode.NOT_FOUND
    invalid = failure(
        lambda: api.ResolveDispute(
            pb.ResolveDisputeRequest(dispute_id=dispute.dispute_id), metadata=MANAGER_A
        )
    )
    assert bad_fields(invalid) == ["comment", "outcome"]
    resolved = api.ResolveDispute(
        pb.ResolveDisputeRequest(
            dispute_id=dispute.dispute_id,
            outcome=pb.COMMISSION_DISPUTE_STATUS_ACCEPTED,
            comment="deal X was credited late; paid by hand",
            adjustment=common_pb2.Money(currency="EUR", amount_minor=1250),
        ),
        metadata=MANAGER_A,
    ).dispute
    assert resolved.status == pb.COMMISSION_DISPUTE_STATUS_ACCEPTED
    assert resolved.resolved_by == "mgr-a"
    after = api.GetCommissionStatement(
        pb.GetCommissionStatementRequest(statement_id=statement_id), metadata=REP_1
    )
    # 100000 x 5% = 5000, plus the accepted 1250.
    assert lines_of(after.statement) == [("base", 5000), ("adjustment", 1250)]
    assert after.statement.lines[1].line_id == resolved.adjustment_line_id
    assert after.statement.lines[1].explanation.dispute_id == dispute.dispute_id
    assert after.statement.total.amount_minor == 6250
    assert [v.reason for v in after.versions] == ["calculation", "dispute"]
    assert envelopes(db)[-1]["payload"]["total_minor"] == "6250"
    closed = failure(
        lambda: api.ResolveDispute(
            pb.ResolveDisputeRequest(
                dispute_id=dispute.dispute_id,
                outcome=pb.COMMISSION_DISPUTE_STATUS_REJECTED,
                comment="changed my mind",
            ),
            metadata=DIRECTOR,
        )
    )
    assert rule_types(closed) == ["STATE"]

    # The dispute stays through a recalculation: nothing else changed, so no new lines.
    same = api.CalculateStatements(
        pb.CalculateStatementsRequest(period_code=Q2, rep_id="rep-1"), metadata=DIRECTOR
    )
    assert (same.statements[0].changed, same.statements[0].total.amount_minor) == (False, 6250)

    mine = api.ListDisputes(pb.ListDisputesRequest(), metadata=REP_1)
    assert [d.dispute_id for d in mine.disputes] == [dispute.dispute_id]
    assert list(api.ListDisputes(pb.ListDisputesRequest(), metadata=REP_2).disputes) == []
    assert list(api.ListDisputes(pb.ListDisputesRequest(), metadata=MANAGER_B).disputes) == []
    assert list(api.ListDisputes(pb.ListDisputesRequest(), metadata=APAC_DIRECTOR).disputes) == []


def test_statement_scope(api: commissions_pb2_grpc.CommissionServiceStub, db: Database) -> None:
    approved_plan(api, rules=pb.CommissionRules(base_rate_bp=500))
    for rep_id in ("rep-1", "rep-2", "rep-3"):
        add_credit(db, rep_id, 10_000, date(2027, 4, 10))
    denied = failure(
        lambda: api.CalculateStatements(
            pb.CalculateStatementsRequest(period_code=Q2, region="EMEA"), metadata=REP_1
        )
    )
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    bad = failure(
        lambda: api.CalculateStatements(
            pb.CalculateStatementsRequest(period_code="2027-Q2"), metadata=DIRECTOR
        )
    )
    assert bad_fields(bad) == ["period_code", "region"]
    # A manager's run covers their own team only.
    team = api.CalculateStatements(
        pb.CalculateStatementsRequest(period_code=Q2, region="EMEA"), metadata=MANAGER_A
    )
    assert sorted(s.rep_id for s in team.statements) == ["rep-1", "rep-2"]
    not_theirs = failure(
        lambda: api.CalculateStatements(
            pb.CalculateStatementsRequest(period_code=Q2, rep_id="rep-3"), metadata=MANAGER_A
        )
    )
    assert not_theirs.code() == grpc.StatusCode.NOT_FOUND
    api.CalculateStatements(
        pb.CalculateStatementsRequest(period_code=Q2, region="EMEA"), metadata=DIRECTOR
    )

    def listed(who: list[tuple[str, str]]) -> list[str]:
        response = api.ListCommissionStatements(
            pb.ListCommissionStatementsRequest(period_code=Q2), metadata=who
        )
        return sorted(s.rep_id for s in response.statements)

    assert listed(REP_1) == ["rep-1"]
    assert listed(MANAGER_A) == ["rep-1", "rep-2"]
    assert listed(DIRECTOR) == ["rep-1", "rep-2", "rep-3"]
    assert listed(APAC_DIRECTOR) == []
    # The payable gauge: 10000 x 5% = 500 for each of the three reps.
    assert (
        REGISTRY.get_sample_value(
            "salesops_commission_payable_minor", {"region": "EMEA", "currency": "EUR"}
        )
        == 1500
    )
    page = api.ListCommissionStatements(
        pb.ListCommissionStatementsRequest(page=common_pb2.PageRequest(page_size=2)),
        metadata=DIRECTOR,
    )
    assert len(page.statements) == 2 and page.page.next_page_token
    own_team = next(s for s in team.statements if s.rep_id == "rep-1")
    others = api.ListCommissionStatements(
        pb.ListCommissionStatementsRequest(rep_id="rep-3"), metadata=DIRECTOR
    ).statements[0]
    for who in (REP_1, MANAGER_A, APAC_DIRECTOR):
        hidden = failure(
            lambda who=who: api.GetCommissionStatement(
                pb.GetCommissionStatementRequest(statement_id=others.statement_id), metadata=who
            )
        )
        assert hidden.code() == grpc.StatusCode.NOT_FOUND
    visible = api.GetCommissionStatement(
        pb.GetCommissionStatementRequest(statement_id=own_team.statement_id), metadata=MANAGER_A
    )
    assert visible.statement.rep_id == "rep-1"


def test_a_second_first_calculation_is_a_conflict_not_a_duplicate(db: Database) -> None:
    # Two first calculations of one rep and period racing: the loser's insert fails as
    # an IntegrityError on both databases (COPY on PostgreSQL), which the api reports as
    # ABORTED, and nothing of it is written.
    from datetime import UTC, datetime

    from services.performance.models import commission_store as store
    from services.performance.models.commissions import CommissionStatementRecord

    now = datetime(2027, 7, 1, tzinfo=UTC)
    row = {
        "statement_id": "s-1",
        "rep_id": "rep-1",
        "region": "EMEA",
        "team_id": "team-a",
        "manager_id": "mgr-a",
        "period_code": Q2,
        "period_starts_on": date(2027, 4, 1),
        "period_ends_on": date(2027, 7, 1),
        "plan_id": "p",
        "plan_version": 1,
        "currency": "EUR",
        "total_minor": 0,
        "revenue_minor": 0,
        "quota_minor": None,
        "attainment_bp": 0,
        "draw_balance_minor": 0,
        "version": 1,
        "calculated_at": now,
        "created_at": now,
        "created_by": "x",
        "updated_at": now,
        "updated_by": "x",
    }
    table = CommissionStatementRecord.__table__
    with db.transaction() as session:
        store.bulk_insert(session, table, [row])  # type: ignore[arg-type]
    with pytest.raises(sa.exc.IntegrityError), db.transaction() as session:
        store.bulk_insert(session, table, [{**row, "statement_id": "s-2"}])  # type: ignore[arg-type]
    with db.transaction() as session:
        ids = session.scalars(sa.select(CommissionStatementRecord.statement_id)).all()
    assert ids == ["s-1"]


def test_kpi_bonus_needs_a_score(
    api: commissions_pb2_grpc.CommissionServiceStub, db: Database
) -> None:
    # The scorecards give no score without a KPI set in effect, so the bonus is not paid:
    # 10000 x 5% = 500 only.
    rules = pb.CommissionRules(
        base_rate_bp=500,
        kpi_bonuses=[pb.CommissionKpiBonus(kpi_code="win_rate", min_score=50, amount_minor=9999)],
    )
    approved_plan(api, rules=rules)
    add_credit(db, "rep-1", 10_000, date(2027, 4, 10))
    run = api.CalculateStatements(
        pb.CalculateStatementsRequest(period_code=Q2, rep_id="rep-1"), metadata=DIRECTOR
    )
    statement = api.GetCommissionStatement(
        pb.GetCommissionStatementRequest(statement_id=run.statements[0].statement_id),
        metadata=DIRECTOR,
    ).statement
    assert lines_of(statement) == [("base", 500)]
