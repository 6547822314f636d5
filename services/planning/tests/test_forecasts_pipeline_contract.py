"""The opportunity copy fed by the events the real pipeline api writes (the contract between them).

The pipeline service runs over `database_url` (SQLite and PostgreSQL); its
outbox envelopes are handed to planning's handlers exactly as written, and
the weighted pipeline is read from planning's real api.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
from nameko.testing.services import worker_factory
from salesops.planning.v1 import forecasts_pb2 as pb
from salesops.planning.v1 import forecasts_pb2_grpc

from services.kit.db import Database
from services.pipeline.tests.test_opportunities_api import (
    REP,
    advance,
    clear_gates,
    create_deal,
    envelopes,
    line,
    sales_stubs,
    seed_customer,
    seed_rep,
)
from services.planning.tests.forecasts_support import PERIOD, REP1, day, seed_org
from services.planning.worker import Worker


def test_created_and_stage_changed_events_of_the_pipeline_feed_the_weighted_pipeline(
    database_url: str,
    tmp_path: Path,
    migrated: Callable[[str, str], Database],
    serve_api: Callable[[str, Database], grpc.Channel],
) -> None:
    pipeline_db = migrated("pipeline", database_url)
    seed_customer(pipeline_db)
    # The pipeline knows rep-1's team as planning's org unit id (from planning.rep.* events).
    seed_rep(pipeline_db, "rep-1", team_id="team-n1", manager_id="mgr-n1")
    planning_db = migrated("planning", f"sqlite:///{tmp_path / 'planning.db'}")
    seed_org(planning_db)
    sales = sales_stubs(serve_api("pipeline", pipeline_db))
    forecasts = forecasts_pb2_grpc.ForecastServiceStub(serve_api("planning", planning_db))
    worker: Any = worker_factory(Worker, db=planning_db)

    def weighted() -> int:
        line_ = forecasts.GetWeightedPipeline(
            pb.GetWeightedPipelineRequest(rep_id="rep-1", period_code=PERIOD), metadata=REP1
        ).line
        (eur,) = line_.figures
        return eur.weighted_pipeline.amount_minor

    deal = create_deal(sales, REP, line_items=[line(unit=100_000)], expected_close_date=day(2, 15))
    (created,) = envelopes(pipeline_db, "pipeline.opportunity.created")
    # The first stage's probability and category travel with the create.
    assert created["payload"]["probability_bp"] == 1000
    assert created["payload"]["forecast_category"] == "pipeline"
    assert created["payload"]["team_id"] == "team-n1"
    assert worker.opportunity_copy_created(created) == "applied"
    assert weighted() == 10_000  # 100,000 x 10%

    clear_gates(sales)
    advance(sales, deal.opportunity_id)
    (moved,) = envelopes(pipeline_db, "pipeline.opportunity.stage_changed")
    assert worker.opportunity_copy_stage_changed(moved) == "applied"
    assert weighted() == 100_000 * moved["payload"]["probability_bp"] // 10_000
    assert weighted() == 20_000
