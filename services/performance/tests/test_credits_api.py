"""CreditService over gRPC: credit lists and summaries (numbers computed here), facts, scope.

The credits come from contract events applied by the real worker:

- c-1 (2027-01-10, EUR 1,000): rep-1 60%, rep-3 40%, overlay to mgr-a, mgr-b and dir-1;
- c-2 (2027-02-01, EUR 300, rep-1), cancelled 2027-03-01: clawed back;
- c-3 (2027-01-20, USD 500, rep-2);
- c-4 (2027-01-05, EUR 700, rep-9 in APAC);
- c-5 (2026-12-20, EUR 100, rep-1): the quarter before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from nameko.testing.services import worker_factory
from salesops.common.v1 import common_pb2
from salesops.performance.v1 import credits_pb2 as pb
from salesops.performance.v1 import credits_pb2_grpc

from services.kit.db import Database, utcnow
from services.kit.fiscal import FiscalCalendar
from services.kit.testing import caller
from services.performance.api.credits import credits_this_fiscal_year
from services.performance.models.facts import CreditRecord
from services.performance.tests.facts_support import (
    contract_cancelled,
    contract_signed,
    lead_sla_breached,
    seed_reps,
    stored_credits,
)
from services.performance.worker import Worker

REP_1 = caller("rep-1", "rep", "EMEA")
MGR_A = caller("mgr-a", "manager", "EMEA")
DIR_1 = caller("dir-1", "director", "EMEA")
APAC_DIRECTOR = caller("dir-2", "director", "APAC")
EXECUTIVE = caller("exec-1", "executive", "EMEA")
Q1 = (date(2027, 1, 1), date(2027, 4, 1))


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("performance", database_url)
    seed_reps(database)
    worker = worker_factory(Worker, db=database)
    worker.facts_on_contract_signed(
        contract_signed(
            "c-1",
            value=1_000,
            signed_date="2027-01-10",
            splits=[("rep-1", 6_000), ("rep-3", 4_000)],
        )
    )
    worker.facts_on_contract_signed(
        contract_signed("c-2", value=300, signed_date="2027-02-01", customer="cust-2")
    )
    worker.facts_on_contract_cancelled(contract_cancelled("c-2", cancelled_date="2027-03-01"))
    worker.facts_on_contract_signed(
        contract_signed(
            "c-3", value=500, currency="USD", owner="rep-2", signed_date="2027-01-20", customer="x"
        )
    )
    worker.facts_on_contract_signed(
        contract_signed(
            "c-4", value=700, owner="rep-9", region="APAC", signed_date="2027-01-05", customer="y"
        )
    )
    worker.facts_on_contract_signed(
        contract_signed("c-5", value=100, signed_date="2026-12-20", customer="cust-5")
    )
    worker.facts_on_lead_sla_breached(lead_sla_breached("lead-1", owner=""))
    return database


@pytest.fixture
def credits(
    db: Database, serve_api: Callable[[str, Database], grpc.Channel]
) -> credits_pb2_grpc.CreditServiceStub:
    return credits_pb2_grpc.CreditServiceStub(serve_api("performance", db))


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


def list_all(
    credits: credits_pb2_grpc.CreditServiceStub,
    metadata: list[tuple[str, str]],
    page_size: int = 0,
    **filters: Any,
) -> list[pb.SalesCredit]:
    """Every page of ListCredits."""
    found: list[pb.SalesCredit] = []
    token = ""
    while True:
        reply = credits.ListCredits(
            pb.ListCreditsRequest(
                page=common_pb2.PageRequest(page_size=page_size, page_token=token), **filters
            ),
            metadata=metadata,
        )
        found += reply.credits
        token = reply.page.next_page_token
        if not token:
            return found


def expected_totals(rows: list[CreditRecord]) -> dict[str, tuple[int, int, int, int, int]]:
    """(direct, overlay, reversed, net, count) per currency, summed here from the rows."""
    totals: dict[str, list[int]] = {}
    for row in rows:
        t = totals.setdefault(row.currency, [0, 0, 0, 0, 0])
        column = 2 if row.reverses_credit_id else (0 if row.kind == "direct" else 1)
        t[column] += row.amount_minor
        t[3] += row.amount_minor
        t[4] += 1
    return {currency: (t[0], t[1], t[2], t[3], t[4]) for currency, t in totals.items()}


def summary_of(reply: pb.GetCreditSummaryResponse) -> dict[str, tuple[int, int, int, int, int]]:
    return {
        t.currency: (
            t.direct.amount_minor,
            t.overlay.amount_minor,
            t.reversed.amount_minor,
            t.net.amount_minor,
            t.credit_count,
        )
        for t in reply.totals
    }


def in_q1(row: CreditRecord) -> bool:
    return Q1[0] <= row.credited_on < Q1[1]


def test_a_reps_summary_adds_up_their_credits_of_the_period(
    credits: credits_pb2_grpc.CreditServiceStub, db: Database
) -> None:
    reply = credits.GetCreditSummary(
        pb.GetCreditSummaryRequest(rep_id="rep-1", period_code="FY2027-Q1"), metadata=REP_1
    )
    rows = [r for r in stored_credits(db) if r.rep_id == "rep-1" and in_q1(r)]
    assert summary_of(reply) == expected_totals(rows)
    # By hand: 600 (c-1) + 300 (c-2) direct, the 300 clawed back: net 600 in 3 rows.
    assert summary_of(reply) == {"EUR": (900, 0, -300, 600, 3)}
    assert (reply.rep_id, reply.period.code) == ("rep-1", "FY2027-Q1")
    # The month of the clawback only.
    march = credits.GetCreditSummary(
        pb.GetCreditSummaryRequest(rep_id="rep-1", period_code="FY2027-M03"), metadata=REP_1
    )
    assert summary_of(march) == {"EUR": (0, 0, -300, -300, 1)}


def test_a_managers_overlay_and_a_teams_summary_per_currency(
    credits: credits_pb2_grpc.CreditServiceStub, db: Database
) -> None:
    director = credits.GetCreditSummary(
        pb.GetCreditSummaryRequest(rep_id="dir-1", period_code="FY2027"), metadata=DIR_1
    )
    rows = [r for r in stored_credits(db) if r.rep_id == "dir-1" and r.credited_on.year == 2027]
    assert summary_of(director) == expected_totals(rows)
    assert summary_of(director) == {
        "EUR": (0, 1_300, -300, 1_000, 4),
        "USD": (0, 500, 0, 500, 1),
    }
    team = credits.GetCreditSummary(
        pb.GetCreditSummaryRequest(team_id="team-a", period_code="FY2027-Q1"), metadata=MGR_A
    )
    rows = [r for r in stored_credits(db) if r.team_id == "team-a" and in_q1(r)]
    assert summary_of(team) == expected_totals(rows)
    assert summary_of(team) == {
        "EUR": (900, 900, -600, 1_200, 6),
        "USD": (500, 500, 0, 1_000, 2),
    }
    assert [t.currency for t in team.totals] == ["EUR", "USD"]
    nothing = credits.GetCreditSummary(
        pb.GetCreditSummaryRequest(team_id="team-a", period_code="FY2026-M01"), metadata=MGR_A
    )
    assert list(nothing.totals) == []


def test_scope_of_summaries(credits: credits_pb2_grpc.CreditServiceStub) -> None:
    def summary(metadata: list[tuple[str, str]], **subject: str) -> grpc.StatusCode:
        try:
            credits.GetCreditSummary(
                pb.GetCreditSummaryRequest(period_code="FY2027-Q1", **subject), metadata=metadata
            )
        except grpc.RpcError as error:
            return error.code()  # type: ignore[no-any-return]
        return grpc.StatusCode.OK

    not_found, ok = grpc.StatusCode.NOT_FOUND, grpc.StatusCode.OK
    assert summary(REP_1, rep_id="rep-1") == ok
    assert summary(REP_1, rep_id="rep-2") == not_found
    assert summary(REP_1, team_id="team-a") == not_found
    assert summary(MGR_A, rep_id="rep-2") == ok
    assert summary(MGR_A, rep_id="mgr-a") == ok
    assert summary(MGR_A, rep_id="rep-3") == not_found
    assert summary(MGR_A, team_id="team-b") == not_found
    assert summary(DIR_1, rep_id="rep-3") == ok
    assert summary(DIR_1, team_id="team-b") == ok
    assert summary(DIR_1, rep_id="rep-9") == not_found
    assert summary(APAC_DIRECTOR, rep_id="rep-9") == ok
    assert summary(EXECUTIVE, rep_id="rep-9") == ok


def test_an_apac_team_summary_leaves_out_what_the_caller_cannot_see(
    credits: credits_pb2_grpc.CreditServiceStub,
) -> None:
    emea = credits.GetCreditSummary(
        pb.GetCreditSummaryRequest(team_id="apac-team", period_code="FY2027-Q1"), metadata=DIR_1
    )
    apac = credits.GetCreditSummary(
        pb.GetCreditSummaryRequest(team_id="apac-team", period_code="FY2027-Q1"),
        metadata=APAC_DIRECTOR,
    )
    assert list(emea.totals) == []
    assert summary_of(apac) == {"EUR": (700, 700, 0, 1_400, 2)}  # rep-9's, mgr-c's overlay


def test_lists_are_scoped_to_the_caller(
    credits: credits_pb2_grpc.CreditServiceStub, db: Database
) -> None:
    stored = stored_credits(db)

    def ids(metadata: list[tuple[str, str]], **filters: Any) -> set[str]:
        return {c.credit_id for c in list_all(credits, metadata, **filters)}

    assert ids(REP_1) == {r.credit_id for r in stored if r.rep_id == "rep-1"}
    assert ids(MGR_A) == {r.credit_id for r in stored if r.rep_id in {"rep-1", "rep-2", "mgr-a"}}
    assert ids(DIR_1) == {r.credit_id for r in stored if r.region == "EMEA"}
    assert ids(EXECUTIVE) == {r.credit_id for r in stored}
    # Another rep's credits are simply absent, as is a region out of reach.
    assert ids(REP_1, rep_id="rep-3") == set()
    assert ids(DIR_1, region="APAC") == set()


def test_list_filters_and_what_a_credit_shows(
    credits: credits_pb2_grpc.CreditServiceStub, db: Database
) -> None:
    stored = stored_credits(db)
    c2 = list_all(credits, DIR_1, contract_id="c-2")
    assert {c.credit_id for c in c2} == {r.credit_id for r in stored if r.contract_id == "c-2"}
    reversals = [c for c in c2 if c.reverses_credit_id]
    assert len(reversals) == 3
    [reversal] = [c for c in reversals if c.kind == pb.SALES_CREDIT_KIND_DIRECT]
    assert (reversal.rep_id, reversal.amount.amount_minor, reversal.credited_date) == (
        "rep-1",
        -300,
        "2027-03-01",
    )
    original = next(c for c in c2 if c.credit_id == reversal.reverses_credit_id)
    assert (original.amount.amount_minor, original.credited_date, original.share_bp) == (
        300,
        "2027-02-01",
        10_000,
    )
    assert reversal.event_id != original.event_id
    overlay = list_all(credits, DIR_1, kind=pb.SALES_CREDIT_KIND_OVERLAY, rep_id="mgr-a")
    assert sorted((c.from_rep_id, c.amount.amount_minor) for c in overlay) == [
        ("rep-1", -300),
        ("rep-1", 100),
        ("rep-1", 300),
        ("rep-1", 600),
        ("rep-2", 500),
    ]
    march = list_all(credits, DIR_1, period_code="FY2027-M03")
    assert {c.credit_id for c in march} == {
        r.credit_id for r in stored if r.credited_on.month == 3 and r.region == "EMEA"
    }
    apac = list_all(credits, EXECUTIVE, region="apac")
    assert sorted((c.rep_id, c.region, c.team_id) for c in apac) == [
        ("mgr-c", "APAC", "apac-team"),
        ("rep-9", "APAC", "apac-team"),
    ]


def test_pages_cover_the_list_once_newest_first(
    credits: credits_pb2_grpc.CreditServiceStub, db: Database
) -> None:
    paged = list_all(credits, DIR_1, page_size=4)
    whole = list_all(credits, DIR_1)
    assert [c.credit_id for c in paged] == [c.credit_id for c in whole]
    # c-1: 2 direct + 4 overlay; c-2: 3 and their 3 reversals; c-3 and c-5: 3 each.
    assert len(whole) == len({c.credit_id for c in whole}) == 6 + 6 + 3 + 3
    times = [c.record_time.ToDatetime() for c in whole]
    assert times == sorted(times, reverse=True)
    first = credits.ListCredits(
        pb.ListCreditsRequest(page=common_pb2.PageRequest(page_size=4)), metadata=DIR_1
    )
    replayed = failure(
        lambda: credits.ListCredits(
            pb.ListCreditsRequest(
                rep_id="rep-1",
                page=common_pb2.PageRequest(page_token=first.page.next_page_token),
            ),
            metadata=DIR_1,
        )
    )
    assert bad_fields(replayed) == ["page.page_token"]


def test_facts_show_the_event_behind_each_number(
    credits: credits_pb2_grpc.CreditServiceStub,
) -> None:
    def facts(metadata: list[tuple[str, str]], **filters: Any) -> list[pb.PerformanceFact]:
        return list(
            credits.ListFacts(
                pb.ListFactsRequest(page=common_pb2.PageRequest(page_size=100), **filters),
                metadata=metadata,
            ).facts
        )

    mine = facts(REP_1, kind="contract_signed", period_code="FY2027-Q1")
    assert sorted((f.subject_id, f.amount.amount_minor, f.occurred_date) for f in mine) == [
        ("c-1", 600, "2027-01-10"),
        ("c-2", 300, "2027-02-01"),
    ]
    assert {f.event_type for f in mine} == {"pipeline.contract.signed"}
    assert all(f.event_id and f.rep_id == "rep-1" for f in mine)
    cancelled = facts(REP_1, kind="contract_cancelled")
    assert [(f.subject_id, f.amount.amount_minor, f.event_type) for f in cancelled] == [
        ("c-2", -300, "pipeline.contract.cancelled")
    ]
    # The breach on an unassigned lead is the region's: a director sees it, a rep does not.
    assert [f.subject_id for f in facts(DIR_1, kind="lead_sla_breached")] == ["lead-1"]
    assert facts(REP_1, kind="lead_sla_breached") == []
    assert {f.rep_id for f in facts(MGR_A)} == {"rep-1", "rep-2"}
    assert {f.rep_id for f in facts(REP_1, rep_id="rep-3")} == set()
    assert {f.region for f in facts(EXECUTIVE, rep_id="rep-9")} == {"APAC"}
    assert facts(DIR_1, rep_id="rep-9") == []


def test_bad_requests_name_every_field(credits: credits_pb2_grpc.CreditServiceStub) -> None:
    assert bad_fields(
        failure(lambda: credits.GetCreditSummary(pb.GetCreditSummaryRequest(), metadata=DIR_1))
    ) == ["period_code", "rep_id"]
    assert bad_fields(
        failure(
            lambda: credits.GetCreditSummary(
                pb.GetCreditSummaryRequest(rep_id="rep-1", team_id="team-a", period_code="Q1"),
                metadata=DIR_1,
            )
        )
    ) == ["period_code", "team_id"]
    assert bad_fields(
        failure(
            lambda: credits.ListCredits(
                pb.ListCreditsRequest(
                    kind=9, period_code="FY27", page=common_pb2.PageRequest(page_size=501)
                ),
                metadata=DIR_1,
            )
        )
    ) == ["kind", "page.page_size", "period_code"]
    assert bad_fields(
        failure(
            lambda: credits.ListFacts(
                pb.ListFactsRequest(kind="smiles", period_code="2027"), metadata=DIR_1
            )
        )
    ) == ["kind", "period_code"]


def test_a_caller_without_a_reading_role_is_refused(
    credits: credits_pb2_grpc.CreditServiceStub,
) -> None:
    error = failure(
        lambda: credits.ListCredits(
            pb.ListCreditsRequest(), metadata=caller("probe", "platform", "EMEA")
        )
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


def test_the_metrics_gauge_sums_this_fiscal_years_net_credits(db: Database) -> None:
    today = utcnow().date()
    worker = worker_factory(Worker, db=db)
    worker.facts_on_contract_signed(
        contract_signed("c-now", value=250, signed_date=today.isoformat(), customer="cust-now")
    )
    worker.facts_on_contract_signed(
        contract_signed(
            "c-gone", value=40, signed_date=today.isoformat(), owner="rep-9", region="APAC"
        )
    )
    worker.facts_on_contract_cancelled(
        contract_cancelled("c-gone", cancelled_date=today.isoformat(), region="APAC")
    )
    samples = dict(credits_this_fiscal_year(db, FiscalCalendar(1)))
    # Only what is credited in today's fiscal year counts (the fixture's 2027 contracts may
    # not), reversals deducted: c-gone nets to nothing.
    year = FiscalCalendar(1).periods_containing(utcnow())[0]
    expected: dict[tuple[str, str, str], float] = {}
    for row in stored_credits(db):
        if year.starts_at.date() <= row.credited_on < year.ends_at.date():
            key = (row.region, row.kind, row.currency)
            expected[key] = expected.get(key, 0.0) + row.amount_minor
    assert samples == expected
    assert samples[("EMEA", "direct", "EUR")] >= 250
