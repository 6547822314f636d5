"""Quote discount facts fed by the events the real pipeline api writes (the contract between them).

The pipeline service runs over `database_url` (SQLite and PostgreSQL); its
outbox envelopes of `pipeline.quote.approved` are handed to the performance
worker exactly as written, and the facts must carry who approved the
discount and with what authority, so supervision can check it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
from nameko.testing.services import worker_factory

from services.kit.db import Database
from services.performance.tests.facts_support import seed_reps, stored_facts
from services.performance.worker import Worker
from services.pipeline.tests.test_opportunities_api import (
    DIRECTOR,
    MANAGER,
    create_deal,
    envelopes,
    sales_stubs,
    seed_customer,
    seed_rep,
)
from services.pipeline.tests.test_quotes_api import approve, draft, quote_line, submit


def test_approved_quotes_carry_the_approvers_authority_into_the_facts(
    database_url: str,
    tmp_path: Path,
    migrated: Callable[[str, str], Database],
    serve_api: Callable[[str, Database], grpc.Channel],
) -> None:
    pipeline_db = migrated("pipeline", database_url)
    seed_customer(pipeline_db)
    seed_rep(pipeline_db, "rep-1")
    performance_db = migrated("performance", f"sqlite:///{tmp_path / 'performance.db'}")
    seed_reps(performance_db)
    sales = sales_stubs(serve_api("pipeline", pipeline_db))
    worker: Any = worker_factory(Worker, db=performance_db)

    # 5% is within the rep's own authority (10%): approved automatically.
    deal = create_deal(sales)
    auto = submit(sales, draft(sales, deal.opportunity_id, quote_line(10_000, 1, 500)).quote_id)
    # 20% needs a manager (20%); 25% a director (unlimited).
    twenty = submit(
        sales, draft(sales, create_deal(sales).opportunity_id, quote_line(10_000, 1, 2000)).quote_id
    )
    approve(sales, twenty.quote_id, MANAGER)
    quarter = submit(
        sales, draft(sales, create_deal(sales).opportunity_id, quote_line(10_000, 1, 2500)).quote_id
    )
    approve(sales, quarter.quote_id, DIRECTOR)

    events = envelopes(pipeline_db, "pipeline.quote.approved")
    assert len(events) == 3
    for event in events:
        assert worker.facts_on_quote_approved(event) == "applied"
    facts = {f.subject_id: f for f in stored_facts(performance_db, "quote_discount")}
    assert {
        quote_id: (f.value_bp, f.approver_role, f.approver_authority_bp, f.approver_unlimited)
        for quote_id, f in facts.items()
    } == {
        auto.quote_id: (500, "rep", 1_000, False),
        twenty.quote_id: (2_000, "manager", 2_000, False),
        quarter.quote_id: (2_500, "director", 0, True),
    }
    assert facts[auto.quote_id].detail == "rep-1"
    assert facts[twenty.quote_id].detail == "mgr-1"
    assert {f.rep_id for f in facts.values()} == {"rep-1"}
