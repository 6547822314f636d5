"""`make demo` end to end at a small scale, against the running platform (PostgreSQL, RabbitMQ).

One region of two teams of two reps, 16 customers and 32 leads, seeded and
played for a quarter through the gateway by the demo's own code; then every
figure of its summary is checked against what the API says when asked
another way: the region's contracts, each rep's attainment, the commission
statements, the survey answers, the violations.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import httpx
import pytest
from salesops.demo.cli import main
from salesops.demo.progress import ProgressBar
from salesops.demo.scenario import Scale, build_scenario
from salesops.demo.simulation import DemoRun
from salesops.demo.summary import Summary, money, percent, read_summary

from tests.system import harness

pytestmark = pytest.mark.system

SCALE = Scale(regions=1, teams_per_region=2, reps_per_team=2, customers=16, leads=32)


def all_items(http: httpx.Client, path: str, key: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paged list, following next_page_token."""
    items: list[dict[str, Any]] = []
    token = ""
    while True:
        query = {**params, "page_size": 200, **({"page_token": token} if token else {})}
        page = harness.expect(http.get(path, params=query), 200)
        items.extend(page[key])
        token = page["next_page_token"]
        if not token:
            return items


def play(platform: harness.Platform, run: DemoRun) -> None:
    """Seed and play `run`'s quarter, failing with the platform's logs when a call fails."""
    progress = io.StringIO()
    run.progress = ProgressBar(run.total_steps(), stream=progress)
    try:
        run.seed()
        run.play_quarter()
    except Exception as failed:
        raise AssertionError(
            f"the demo of seed {run.scenario.seed} failed: {failed}\n{platform.logs()}"
        ) from failed
    run.progress.finish()
    assert "week 13 of 13" in progress.getvalue()


@pytest.fixture(scope="module")
def played_twice(platform: harness.Platform) -> Iterator[tuple[DemoRun, DemoRun]]:
    """One random seed played twice at the same time, in namespaces of its own (EMEAA123456
    and EMEAB123456): the same organisation under two sets of codes."""
    seed = 100_000 + secrets.randbelow(900_000)

    def issue(subject: str, roles: list[str], regions: list[str]) -> str:
        return harness.issue(platform, subject, roles, regions)

    runs = tuple(
        DemoRun(build_scenario(seed, SCALE, f"{letter}{seed}"), platform.base_url, issue, workers=4)
        for letter in "AB"
    )
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for done in [pool.submit(play, platform, run) for run in runs]:
                done.result()
        yield runs[0], runs[1]
    finally:
        for run in runs:
            run.close()


@pytest.fixture(scope="module")
def played(played_twice: tuple[DemoRun, DemoRun]) -> DemoRun:
    return played_twice[0]


def comparable(run: DemoRun, summary: Summary) -> dict[str, Any]:
    """A run's summary and results with its namespace taken out of every code."""
    actors = {rep.rep_id: rep.actor for rep in run.scenario.reps}
    [region] = run.scenario.regions
    [figures] = summary.regions
    return {
        "region": replace(figures, region=region.actor),
        "top reps": [
            replace(top, rep_id=actors[top.rep_id], region="") for top in summary.top_reps
        ],
        "results": {
            actors[rep_id]: {**vars(result), "credited": run.regions[region.code].credited(rep_id)}
            for rep_id, result in run.results.items()
        },
        # What a step answered 503 (and done) does to the counts is load's doing, not the seed's.
        "tally": {what: n for what, n in run.tally.counts.items() if "already done" not in what},
    }


def test_one_seed_plays_the_same_quarter_twice(
    played_twice: tuple[DemoRun, DemoRun],
) -> None:
    first, second = played_twice
    figures = [
        comparable(run, read_summary(run.executive(), units(run), run.quarter.code, "EUR"))
        for run in played_twice
    ]
    for part in ("region", "top reps", "results"):
        assert figures[0][part] == figures[1][part], part
    tallies = [figures[n]["tally"] for n in (0, 1)]
    differing = {
        what: (tallies[0].get(what), tallies[1].get(what))
        for what in tallies[0].keys() | tallies[1].keys()
        if tallies[0].get(what) != tallies[1].get(what)
    }
    assert not differing, differing
    assert figures[0]["region"].actual_minor > 0
    assert figures[0]["tally"]["deals won"] > 0
    assert [rep.actor for rep in first.scenario.reps] == [rep.actor for rep in second.scenario.reps]
    assert first.scenario.regions[0].code != second.scenario.regions[0].code


def units(run: DemoRun) -> dict[str, str]:
    return {code: state.unit_id for code, state in run.regions.items()}


def test_a_small_demo_quarter_and_its_summary_agree_with_the_api(
    platform: harness.Platform, played: DemoRun
) -> None:
    run = played
    [region] = run.scenario.regions
    state = run.regions[region.code]
    period = run.quarter.code
    summary = read_summary(run.executive(), {region.code: state.unit_id}, period, "EUR")
    [figures] = summary.regions
    assert figures.partial == ()
    boss = harness.client(
        platform, harness.issue(platform, f"check-{region.code}", ["director"], [region.code])
    )
    try:
        # Seeded: every customer, every lead row imported, 4 reps in 2 teams under the region;
        # each converted lead opened one more customer (by event).
        converted = run.tally.counts["leads converted"]
        harness.wait_until(
            lambda: (
                len(all_items(boss, "/v1/customers", "customers", region=region.code))
                == SCALE.customers + converted
            ),
            timeout=20,
            interval=0.5,
            what=f"{SCALE.customers} customers and {converted} from converted leads",
        )
        assert converted > 0
        assert run.tally.counts["leads imported"] == SCALE.leads
        reps = all_items(boss, "/v1/reps", "reps", region=region.code)
        assert sorted(r["rep_id"] for r in reps) == sorted(r.rep_id for r in region.reps)

        # Attainment: the quarter's target, and every active contract of the region booked.
        contracts = all_items(boss, "/v1/contracts", "contracts", region=region.code)
        active = [c for c in contracts if c["status"] != "cancelled"]
        booked = sum(int(c["value"]["amount_minor"]) for c in active)
        assert run.tally.counts["deals won"] == len(contracts) > 0
        assert run.tally.counts["contracts cancelled"] == len(contracts) - len(active) > 0
        assert figures.actual_minor == booked == state.booked
        assert figures.target_minor == region.quarter_targets[run.quarter.index]
        assert figures.percent_bp == booked * 10_000 // figures.target_minor

        # Top reps: each rep's own attainment, ranked.
        percent = {}
        for rep in region.reps:
            lines = harness.expect(
                boss.get("/v1/attainment", params={"rep": rep.rep_id, "period": period}), 200
            )["lines"]
            [line] = [x for x in lines if x["metric"] == "revenue" and not x["product_line"]]
            percent[rep.rep_id] = line["percent_bp"]
        ranked = sorted(percent, key=lambda rep_id: (-percent[rep_id], rep_id))
        assert [t.rep_id for t in summary.top_reps] == ranked[:5]
        assert [t.percent_bp for t in summary.top_reps] == [percent[r] for r in ranked[:5]]

        # Commission: 5 % of each rep's credited revenue, all of it booked.
        statements = all_items(
            boss, "/v1/commission-statements", "statements", region=region.code, period=period
        )
        assert sum(int(s["revenue"]["amount_minor"]) for s in statements) == booked
        for statement in statements:
            revenue = int(statement["revenue"]["amount_minor"])
            assert abs(int(statement["total"]["amount_minor"]) - revenue * 500 / 10_000) <= 1
        assert figures.commission_minor == sum(int(s["total"]["amount_minor"]) for s in statements)

        # NPS: from the survey answers themselves.
        answers = [
            s
            for s in all_items(boss, "/v1/surveys", "responses", region=region.code)
            if s["kind"] == "nps"
        ]
        assert figures.nps_responses == len(answers) == run.tally.counts["survey answers"]
        promoters = sum(s["score"] >= 9 for s in answers)
        detractors = sum(s["score"] <= 6 for s in answers)
        assert abs(figures.nps_bp - 10_000 * (promoters - detractors) / len(answers)) <= 1

        # Violations and training readiness, as their own lists say.
        violations = all_items(boss, "/v1/violations", "violations", region=region.code)
        assert figures.violations == len(violations)
        enrollments = all_items(boss, "/v1/enrollments", "enrollments", region=region.code)
        completed = sum(e["status"] == "completed" for e in enrollments)
        assert completed == run.tally.counts["courses completed"] > 0
        assert figures.training_completion_bp == pytest.approx(
            10_000 * completed / len(enrollments), abs=1
        )
    finally:
        boss.close()


def test_the_demo_command_on_a_played_seed_prints_its_summary_again(
    platform: harness.Platform,
    played: DemoRun,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `salesops token` signs with the platform's secret, as it does beside `make run`.
    for name in [n for n in platform.env if n.startswith("SALESOPS_")]:
        monkeypatch.setenv(name, platform.env[name])
    [region] = played.scenario.regions
    seed = str(played.scenario.seed)
    arguments = ["--seed", seed, "--namespace", played.scenario.suffix, "--scale", "0.05"]
    assert main(["--gateway", platform.base_url, *arguments]) == 0
    out, err = capsys.readouterr()
    assert f"seed {seed} was already played on this platform" in err
    [row] = [line for line in out.splitlines() if line.startswith(region.code + " ")]
    booked = played.regions[region.code].booked
    target = region.quarter_targets[played.quarter.index]
    assert money(booked, "EUR") in row and money(target, "EUR") in row
    assert percent(booked * 10_000 // target) in row
    assert f"/v1/regions/{region.code}/dashboard?period={played.quarter.code}" in out
