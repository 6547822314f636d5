"""A quarter of a small sales organisation, plan to review, through the gateway, with faults.

A director builds a region of two teams and four reps in planning, sets the
quarter's revenue target and allocates it 2:1 to the teams and equally to
their reps; an admin sets up the commission plan, the reps' KPIs, a course
catalog with an assignment rule, and a pipeline whose first stage needs a
certification. Then the quarter runs:

- contracts are signed; after each one the rep's, team's and region's
  attainment and linear pace (as of a fixed instant) match figures this test
  computes itself;
- every worker is restarted once (SIGTERM, clean exit, start again), the
  planning and performance workers right after a contract while its event is
  on the way, and RabbitMQ itself is stopped while two contracts are signed:
  they wait in the pipeline's outbox and arrive once the broker is back;
- credits and commission statements pay 5 % of each contract, a
  cancellation claws its share back as an adjustment;
- a rep who loses every deal gets a win-rate gap event and the negotiation
  course it assigns; completing the course moves the training KPI;
- a certification lets a deal through the stage gate, its expiry stops the
  next one; an inspection finds the one opportunity left idle;
- the period review opens pre-filled with plan versus actual.

At the end every figure is checked again: nothing was lost, nothing doubled.
The platform runs on a RabbitMQ node and PostgreSQL databases of its own, so
stopping the broker touches nothing else on the machine.
"""

from __future__ import annotations

import contextlib
import functools
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from tests.system import harness

pytestmark = pytest.mark.system

EUR = "EUR"
TARGET = 120_000_000  # the region's quarter: 1.2 million euros, in cents
# Commission: 5 % of credited revenue. Every contract amount is a multiple of 20 cents, so
# 5 % of it is a whole cent and the statement totals are exact, with no rounding to hide in.
RATE_BP = 500
BEHIND_PACE_BP = 8_000  # planning's default share of pace below which a line is behind
WORKERS = ("planning", "performance", "customers", "pipeline", "training")
SETTLE_SECONDS = 45.0  # events cross a restarted worker or a restarted broker within this


@pytest.fixture
def cycle_platform(
    infrastructure: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[harness.Platform, harness.ThrowawayRabbit]]:
    """A platform with databases of its own on a RabbitMQ node of its own (it gets stopped)."""
    workdir: Path = tmp_path_factory.mktemp("cycle")
    with harness.isolated_platform("cycle", workdir) as running:
        yield running


# --- figures the test computes itself ------------------------------------------------------


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (both positive)."""
    return (2 * numerator + denominator) // (2 * denominator)


def expected_by(target: int, period: FiscalPeriod, as_of: datetime) -> int:
    """The linear pace: the target times the share of the period elapsed at `as_of`."""
    duration = int((period.ends_at - period.starts_at).total_seconds())
    elapsed = max(0, min(duration, int((as_of - period.starts_at).total_seconds())))
    return half_up(target * elapsed, duration)


def status_of(target: int, actual: int, expected: int) -> str:
    """Attained, behind (below 80 % of pace), ahead (above pace) or on pace."""
    if actual >= target:
        return "attained"
    if actual * 10_000 < expected * BEHIND_PACE_BP:
        return "behind"
    return "ahead" if actual > expected else "on_pace"


def minor(money: dict[str, Any] | None) -> int:
    """The euro cents of a Money object (any other currency fails the test)."""
    assert money is not None and money["currency"] == EUR, money
    return int(money["amount_minor"])


def eur(amount: int) -> dict[str, Any]:
    return {"currency": EUR, "amount_minor": amount}


@dataclass
class Tally:
    """What the test did and what it saw, printed at the end."""

    contracts_signed: int = 0
    contracts_cancelled: int = 0
    signed_while_broker_down: int = 0
    worker_restarts: list[str] = field(default_factory=list)
    attainment_checks: int = 0
    credits: int = 0
    statements: int = 0
    gap_events: int = 0
    enrollments_assigned: int = 0
    gate_refusals: int = 0
    violations: int = 0
    review_lines: int = 0


# --- the test --------------------------------------------------------------------------------


def test_a_quarter_from_plan_to_review_survives_restarts_and_a_broker_outage(
    cycle_platform: tuple[harness.Platform, harness.ThrowawayRabbit],
) -> None:
    platform, rabbit = cycle_platform
    started = time.monotonic()
    tally = Tally()
    tag = secrets.token_hex(3)
    region = f"C{tag.upper()}"
    director = f"dir-{tag}"
    now = datetime.now(UTC)
    _, quarter, month = FiscalCalendar().periods_containing(now)
    today = now.date().isoformat()
    # Pace is read as of one fixed instant an hour ahead: every contract the test books
    # (even one signed just after midnight) counts, and the expected figure does not move
    # while the test runs.
    as_of = min(
        now.replace(microsecond=0) + timedelta(hours=1), quarter.ends_at - timedelta(seconds=1)
    )

    with contextlib.ExitStack() as closing:

        def client_as(subject: str, roles: list[str], regions: list[str]) -> httpx.Client:
            # Closed at the end: an idle keep-alive connection holds up the gateway's shutdown.
            token = harness.issue(platform, subject, roles, regions)
            return closing.enter_context(harness.client(platform, token))

        boss = client_as(director, ["director"], [region])
        admin = client_as(f"adm-{tag}", ["admin"], [region])
        root_admin = client_as(f"root-{tag}", ["admin"], ["*"])

        # --- plan: the organisation, the quarter's target allocated to teams and reps -----
        def unit(code: str, kind: str, parent: str = "", manager: str = "") -> str:
            return harness.create_unit(boss, f"{code}-{tag}", kind, region, parent, manager)

        company = unit("co", "company")
        root = unit("region", "region", company, director)
        managers = {"a": f"mgr-a-{tag}", "b": f"mgr-b-{tag}"}
        team_a = unit("team-a", "team", root, managers["a"])
        team_b = unit("team-b", "team", root, managers["b"])
        a1, a2, b1, b2 = (f"rep-{n}-{tag}" for n in ("a1", "a2", "b1", "b2"))
        team_of = {a1: team_a, a2: team_a, b1: team_b, b2: team_b}
        for rep, team in team_of.items():
            harness.hire_rep(boss, rep, team, quarter.starts_at.date().isoformat())

        plan = harness.create_plan(boss, root, quarter.code, director, EUR, strategy="Land")
        target = harness.expect(
            boss.post(
                f"/v1/plans/{plan['plan_id']}/targets",
                json={"metric": "revenue", "amount": eur(TARGET)},
            ),
            201,
        )
        allocated = harness.expect(
            boss.post(
                f"/v1/targets/{target['target_id']}:allocate",
                json={"method": "weights", "weights": {team_a: 2, team_b: 1}},
            ),
            200,
        )
        shares = {a["unit_id"] or a["rep_id"]: minor(a["amount"]) for a in allocated["allocations"]}
        quota = {team_a: TARGET * 2 // 3, team_b: TARGET // 3}
        quota.update({rep: quota[team] // 2 for rep, team in team_of.items()})
        assert shares == quota, shares
        assert shares[team_a] + shares[team_b] == TARGET
        for team in (team_a, team_b):
            assert sum(shares[r] for r, t in team_of.items() if t == team) == shares[team]
        harness.expect(boss.post(f"/v1/plans/{plan['plan_id']}:submit"), 200)
        approved = harness.expect(boss.post(f"/v1/plans/{plan['plan_id']}:approve"), 200)
        assert approved["status"] == "approved", approved

        # --- reward and measure: the commission plan and the reps' KPIs ---------------------
        harness.approved_commission_plan(
            admin, boss, f"Reps {tag}", region, EUR, quarter.starts_at.date().isoformat(), RATE_BP
        )
        product_line = f"robots-{tag}"
        negotiation = harness.create_course(
            admin, region, f"NEG-{tag}", completes_on_assessment=True, skills=["negotiation:2"]
        )
        certification = harness.create_course(
            admin,
            region,
            f"CERT-{tag}",
            completes_on_assessment=True,
            category="product_knowledge",
            product_lines=[product_line],
            certifies_product_line=product_line,
            certification_valid_months=12,
        )
        harness.expect(
            admin.post(
                "/v1/assignment-rules",
                json={
                    "name": f"negotiation gap {tag}",
                    "region": region,
                    "trigger": "gap_detected",
                    "match": "negotiation",
                    "course_id": negotiation["course_id"],
                    "due_in_days": 14,
                },
            ),
            201,
        )
        harness.expect(
            admin.post(
                "/v1/kpis",
                json={
                    "role": "rep",
                    "region": region,
                    "effective_from": quarter.code,
                    "kpis": [
                        {
                            "code": "revenue",
                            "name": "Revenue",
                            "source": "revenue_attainment",
                            "target_kind": "quota",
                            "floor_bp": 1,
                            "stretch_bp": 12_000,
                            "weight_bp": 4_000,
                        },
                        {
                            "code": "win_rate",
                            "name": "Win rate",
                            "source": "win_rate",
                            "target_value": 2_500,
                            "floor_bp": 4_000,
                            "stretch_bp": 16_000,
                            "weight_bp": 3_000,
                            "skill_area": "negotiation",
                        },
                        {
                            "code": "training",
                            "name": "Training compliance",
                            "source": "training_compliance",
                            "target_value": 8_000,
                            "floor_bp": 5_000,
                            "stretch_bp": 12_500,
                            "weight_bp": 3_000,
                            "required_training": [negotiation["code"]],
                        },
                    ],
                },
            ),
            201,
        )

        # --- sell: a customer, contracts, attainment and pace after each -------------------
        customer = harness.expect(
            boss.post(
                "/v1/customers",
                json={"region": region, "name": f"Kunde {tag} AG", "country": "DE", "owner_id": a1},
            ),
            201,
        )["customer_id"]
        rep_http = {rep: client_as(rep, ["rep"], [region]) for rep in team_of}
        booked = dict.fromkeys(team_of, 0)
        contracts: list[tuple[str, int, dict[str, Any]]] = []

        def sign(rep: str, amount: int) -> dict[str, Any]:
            def attempt() -> dict[str, Any] | None:
                try:
                    return harness.sign_contract(rep_http[rep], customer, amount, today)
                except AssertionError as refused:
                    if "not a known" in str(refused) or "rep" in str(refused).lower():
                        return None  # planning's rep or the customer has not reached the pipeline
                    raise

            contract: dict[str, Any] = harness.wait_until(
                attempt, timeout=30, interval=0.3, what=f"a contract for {rep}"
            )
            contracts.append((rep, amount, contract))
            booked[rep] += amount
            tally.contracts_signed += 1
            return contract

        def attainment(subject: str, value: str) -> dict[str, Any]:
            body = harness.expect(
                boss.get(
                    "/v1/attainment",
                    params={subject: value, "period": quarter.code, "as_of": as_of.isoformat()},
                ),
                200,
            )
            [line] = [x for x in body["lines"] if x["metric"] == "revenue"]
            revenue: dict[str, Any] = line
            return revenue

        def actuals() -> dict[str, int]:
            return {rep: minor(attainment("rep", rep)["actual"]) for rep in team_of}

        def settle(what: str) -> None:
            """Until planning has booked every contract; then every line is checked exactly."""
            last: list[Any] = [None]

            def booked_everywhere() -> bool:
                last[0] = actuals()
                return bool(last[0] == booked)

            try:
                harness.wait_until(booked_everywhere, SETTLE_SECONDS, 0.2, what)
            except TimeoutError:
                raise AssertionError(f"{what}: {last[0]!r}, expected {booked!r}") from None
            goal_of = {**quota, root: TARGET}
            actual_of = {**booked, root: sum(booked.values())}
            for team in (team_a, team_b):
                actual_of[team] = sum(booked[r] for r, t in team_of.items() if t == team)
            subjects = [("rep", rep) for rep in team_of]
            subjects += [("org_unit", team_a), ("org_unit", team_b), ("org_unit", root)]
            for kind, subject in subjects:
                goal, actual = goal_of[subject], actual_of[subject]
                line = attainment(kind, subject)
                expected = expected_by(goal, quarter, as_of)
                figures = (
                    minor(line["target"]),
                    minor(line["actual"]),
                    minor(line["expected"]),
                    minor(line["gap_to_target"]),
                    minor(line["gap_to_pace"]),
                    line["percent_bp"],
                    line["pace_bp"],
                    line["status"],
                )
                assert figures == (
                    goal,
                    actual,
                    expected,
                    goal - actual,
                    actual - expected,
                    actual * 10_000 // goal,
                    actual * 10_000 // expected if expected else 0,
                    status_of(goal, actual, expected),
                ), (what, subject, line)
                tally.attainment_checks += 1

        def restart_worker(service: str) -> None:
            """SIGTERM the worker (it must exit cleanly within the grace), start it again."""
            complaints = platform.terminate([f"{service}-worker"])
            assert complaints == [], complaints
            platform.start(f"{service}-worker")
            platform.wait_worker(service)
            tally.worker_restarts.append(service)

        # Each restart lands right after a contract, while its event is on its way.
        sign(a1, 10_000_000)
        restart_worker("planning")
        settle("the first contract")
        sign(b1, 6_000_000)
        restart_worker("performance")
        settle("the second contract")

        # --- RabbitMQ goes away: two contracts wait in the pipeline's outbox ---------------
        rabbit.stop()
        sign(a2, 14_000_000)
        sign(b1, 4_000_000)
        tally.signed_while_broker_down = 2
        pending = harness.sample_value(
            platform.metrics_url("pipeline-api"),
            "salesops_outbox_pending_events",
            service="pipeline",
        )
        assert pending is not None and pending >= 2, f"pipeline outbox pending: {pending}"
        # Planning cannot have heard of them: it still shows the figures from before.
        assert actuals() == {a1: 10_000_000, a2: 0, b1: 6_000_000, b2: 0}
        rabbit.start()
        settle("the contracts signed while RabbitMQ was down")

        restart_worker("customers")
        sign(a1, 20_000_000)
        settle("the contract after the broker came back")

        # --- reward: credits and statements pay 5 % of each contract ------------------------
        def credits_of(rep: str) -> list[dict[str, Any]]:
            body = harness.expect(
                boss.get(
                    "/v1/credits", params={"rep": rep, "period": quarter.code, "page_size": 200}
                ),
                200,
            )
            found: list[dict[str, Any]] = body["credits"]
            return found

        def direct_credits() -> dict[str, int]:
            return {
                rep: sum(minor(c["amount"]) for c in credits_of(rep) if c["kind"] == "direct")
                for rep in team_of
            }

        def check_credits() -> None:
            """Each contract credited once to its rep and once to the rep's manager.

            A cancelled contract keeps its credits and gains exactly one reversal each.
            """
            harness.wait_until(
                lambda: direct_credits() == booked, SETTLE_SECONDS, 0.2, "the direct credits"
            )
            managed = {
                rep: managers["a" if team == team_a else "b"] for rep, team in team_of.items()
            }
            for person, kind in [(rep, "direct") for rep in team_of] + [
                (manager, "overlay") for manager in managers.values()
            ]:
                found = [c for c in credits_of(person) if c["kind"] == kind]
                originals = Counter(c["contract_id"] for c in found if not c["reverses_credit_id"])
                reversals = Counter(c["contract_id"] for c in found if c["reverses_credit_id"])
                theirs = [
                    (c["contract_id"], amount)
                    for rep, amount, c in contracts
                    if person in (rep, managed[rep])
                ]
                assert originals == Counter(cid for cid, _ in theirs), (person, found)
                assert reversals == Counter(cid for cid, _ in theirs if cid in cancelled_ids), (
                    person,
                    found,
                )
                net = sum(minor(c["amount"]) for c in found)
                assert net == sum(a for cid, a in theirs if cid not in cancelled_ids), (
                    person,
                    found,
                )
                tally.credits += len(found)

        cancelled_ids: set[str] = set()
        check_credits()

        def calculate() -> dict[str, dict[str, Any]]:
            result = harness.expect(
                boss.post(
                    "/v1/commission-statements:calculate",
                    json={"period_code": quarter.code, "region": region},
                ),
                200,
            )
            statements = {}
            for calculated in result["statements"]:
                if calculated["rep_id"] in team_of:
                    statements[calculated["rep_id"]] = harness.expect(
                        boss.get(f"/v1/commission-statements/{calculated['statement_id']}"), 200
                    )
            tally.statements += len(statements)
            return statements

        statements = calculate()
        paid = [rep for rep in team_of if booked[rep]]
        assert set(paid) <= set(statements), sorted(statements)
        for rep in paid:
            statement = statements[rep]
            lines = statement["lines"]
            assert minor(statement["total"]) == booked[rep] * RATE_BP // 10_000, statement
            assert minor(statement["total"]) == sum(minor(x["amount"]) for x in lines)
            assert minor(statement["quota"]) == quota[rep]
            assert statement["attainment_bp"] == booked[rep] * 10_000 // quota[rep]
            paying = [x for x in lines if minor(x["amount"])]
            assert paying and all(x["explanation"]["rate_bp"] == RATE_BP for x in paying)
            explained = {cid for x in paying for cid in x["explanation"]["credit_ids"]}
            assert explained == {c["credit_id"] for c in credits_of(rep)}, (rep, explained)

        # A cancellation: the contract's revenue and credits come back out, the statement
        # shows the clawback as an adjustment and keeps its earlier lines.
        rep, amount, first = contracts[0]
        harness.expect(
            boss.post(f"/v1/contracts/{first['contract_id']}:cancel", json={"reason": "withdrawn"}),
            200,
        )
        cancelled_ids.add(first["contract_id"])
        booked[rep] -= amount
        tally.contracts_cancelled += 1
        settle("the cancellation")
        check_credits()
        recalculated = calculate()
        before, after = statements[rep], recalculated[rep]
        assert after["version"] == before["version"] + 1
        assert minor(after["total"]) == booked[rep] * RATE_BP // 10_000
        first_lines = {x["line_id"] for x in before["lines"]}
        assert first_lines <= {x["line_id"] for x in after["lines"]}  # history kept
        adjustments = [x for x in after["lines"] if x["line_id"] not in first_lines]
        assert sum(minor(x["amount"]) for x in adjustments) == -amount * RATE_BP // 10_000
        for other in paid:
            if other != rep:
                assert recalculated[other]["total"] == statements[other]["total"], other

        def scorecard_line(rep: str, code: str) -> dict[str, Any]:
            card = harness.expect(boss.get(f"/v1/scorecards/{rep}/{quarter.code}"), 200)
            [line] = [x for x in card["lines"] if x["kpi_code"] == code]
            kpi: dict[str, Any] = line
            return kpi

        revenue_kpi = scorecard_line(a1, "revenue")
        assert (revenue_kpi["value"], revenue_kpi["target"]) == (booked[a1], quota[a1])

        # --- monitor and train: b2 loses every deal, the gap assigns negotiation ----------
        restart_worker("training")

        def opportunity(
            rep: str, name: str, pipeline_id: str = "", line: str = "analytics"
        ) -> str | None:
            body: dict[str, Any] = {
                "customer_id": customer,
                "name": name,
                "line_items": [{"product_line": line, "quantity": 1, "unit_price": eur(500_000)}],
            }
            if pipeline_id:
                body["pipeline_id"] = pipeline_id
            response = rep_http[rep].post("/v1/opportunities", json=body)
            return str(response.json()["opportunity_id"]) if response.status_code == 201 else None

        for n in range(3):
            lost_deal = functools.partial(opportunity, b2, f"Lost {n} {tag}")
            deal = harness.wait_until(lost_deal, 15, 0.3, "an opportunity")
            harness.expect(
                rep_http[b2].post(f"/v1/opportunities/{deal}:lose", json={"reason": "price"}), 200
            )
        harness.wait_until(
            lambda: scorecard_line(b2, "win_rate")["scored"], SETTLE_SECONDS, 0.2, "b2's win rate"
        )
        win_rate = scorecard_line(b2, "win_rate")
        assert (win_rate["value"], win_rate["score"]) == (0, 0), win_rate
        training_before = scorecard_line(b2, "training")
        assert training_before["value"] == 0, training_before

        def enrollment(rep: str, course_id: str) -> dict[str, Any] | None:
            body = harness.expect(boss.get("/v1/enrollments", params={"rep_id": rep}), 200)
            found = [e for e in body["enrollments"] if e["course_id"] == course_id]
            assert len(found) <= 1, found  # a course is assigned once, however often it is asked
            return found[0] if found else None

        with harness.event_queue(platform, "performance.gap.detected") as (connection, queue):
            harness.expect(
                boss.post(
                    "/v1/scorecards:detect-gaps",
                    json={"period_code": quarter.code, "region": region},
                ),
                200,
            )
            assigned = harness.wait_until(
                lambda: enrollment(b2, negotiation["course_id"]),
                SETTLE_SECONDS,
                0.2,
                "the negotiation course for b2's gap",
            )
            gaps = harness.received(connection, queue, seconds=1.0)
        win_rate_gaps = [g for g in gaps if g["payload"]["kpi_code"] == "win_rate"]
        assert [(g["payload"]["rep_id"], g["payload"]["skill_area"]) for g in win_rate_gaps] == [
            (b2, "negotiation")
        ], gaps
        tally.gap_events = len(gaps)
        assert assigned["source"] == "rule" and "negotiation" in assigned["reason"], assigned
        assert date.fromisoformat(assigned["due_on"]) == now.date() + timedelta(days=14)
        # Nobody else lost a deal: the course went to b2 only.
        assert all(enrollment(r, negotiation["course_id"]) is None for r in (a1, a2, b1))
        tally.enrollments_assigned += 1

        harness.pass_course_quiz(admin, rep_http[b2], negotiation["course_id"])
        assert enrollment(b2, negotiation["course_id"])["status"] == "completed"  # type: ignore[index]
        moved = harness.wait_until(
            lambda: (line := scorecard_line(b2, "training"))["value"] > 0 and line,
            SETTLE_SECONDS,
            0.2,
            "the training-compliance KPI",
        )
        assert moved["value"] == 10_000 and moved["score"] > training_before["score"], moved

        # --- the certification gate: passes while certified, stops once expired ----------
        restart_worker("pipeline")
        pipeline = harness.certified_only_pipeline(admin, f"Robots {tag}", region)

        def advance(deal: str) -> httpx.Response:
            return rep_http[b1].post(f"/v1/opportunities/{deal}:advance", json={})

        robots = str(opportunity(b1, f"Robots A {tag}", pipeline["pipeline_id"], product_line))
        refused = advance(robots)
        assert refused.status_code == 422, refused.text
        tally.gate_refusals += 1
        harness.expect(
            rep_http[b1].post(
                "/v1/enrollments:self-enroll", json={"course_id": certification["course_id"]}
            ),
            201,
        )
        harness.pass_course_quiz(admin, rep_http[b1], certification["course_id"])
        [held] = harness.expect(boss.get("/v1/certifications", params={"rep_id": b1}), 200)[
            "certifications"
        ]
        assert (held["product_line"], held["state"]) == (product_line, "valid"), held
        harness.wait_until(
            lambda: advance(robots).status_code == 200, SETTLE_SECONDS, 0.3, "the certified gate"
        )

        after_expiry = date.fromisoformat(held["valid_until"]) + timedelta(days=1)
        expiry = harness.expect(
            root_admin.post(
                "/v1/certifications:run-expiry", json={"as_of": after_expiry.isoformat()}
            ),
            200,
        )
        assert expiry["expired_certification_ids"] == [held["certification_id"]], expiry
        blocked = str(opportunity(b1, f"Robots B {tag}", pipeline["pipeline_id"], product_line))

        harness.wait_until(
            lambda: harness.certification_copy_expired(platform, held["certification_id"]),
            SETTLE_SECONDS,
            0.2,
            "the expiry in pipeline",
        )
        refused_again = advance(blocked)
        assert refused_again.status_code == 422, refused_again.text
        violations = refused_again.json()["violations"]
        assert any(product_line in v["description"] for v in violations), violations
        tally.gate_refusals += 1

        # --- inspect: the one opportunity nobody worked for 20 days ----------------------
        idle = str(opportunity(a2, f"Forgotten {tag}"))

        def backdated() -> bool:
            # Performance's copy is aged by hand: a test cannot wait 20 days.
            with harness.connect(platform, "performance") as db:
                changed = db.execute(
                    "UPDATE opportunity_states SET opened_at = now() - interval '20 days',"
                    " last_activity_at = now() - interval '20 days' WHERE opportunity_id = %s",
                    (idle,),
                ).rowcount
            return changed == 1

        harness.wait_until(backdated, SETTLE_SECONDS, 0.2, "the idle opportunity's copy")
        run = harness.expect(
            boss.post("/v1/inspections:run", json={"region": region, "period_code": month.code}),
            201,
        )
        found = [(v["rule"], v["subject_id"], v["rep_id"]) for v in run["recorded"]]
        assert found == [("stale_opportunity", idle, a2)], run
        tally.violations = len(found)

        # --- review: the region's period review, pre-filled with plan versus actual ------
        settle("the figures before the review")
        opened_from = datetime.now(UTC)
        review = harness.expect(
            boss.post("/v1/reviews", json={"org_unit_id": root, "period_code": quarter.code}),
            201,
        )["review"]
        opened_until = datetime.now(UTC)
        [line] = [x for x in review["lines"] if x["metric"] == "revenue"]
        total = sum(booked.values())
        assert (line["currency"], line["target"], line["actual"]) == (EUR, TARGET, total), line
        assert line["percent_bp"] == total * 10_000 // TARGET
        low, high = (expected_by(TARGET, quarter, t) for t in (opened_from, opened_until))
        assert low - 1 <= line["expected"] <= high + 1, (low, line, high)
        assert line["status"] == status_of(TARGET, total, line["expected"]), line
        assert review["status"] == "open" and review["period_code"] == quarter.code
        tally.review_lines = len(review["lines"])

        # --- the end of the quarter: every figure still exact --------------------------------
        settle("the final figures")
        check_credits()
        final = calculate()
        for rep in paid:
            assert minor(final[rep]["total"]) == booked[rep] * RATE_BP // 10_000, final[rep]
            # Recalculating with nothing new changes nothing: no event was applied twice.
            assert final[rep]["version"] == recalculated[rep]["version"], final[rep]
        assert scorecard_line(a1, "revenue")["value"] == booked[a1]
        assert scorecard_line(b1, "revenue")["value"] == booked[b1]

        # Nothing is stuck: every outbox relayed everything, no event was parked.
        def outbox(service: str, name: str) -> float | None:
            return harness.sample_value(
                platform.metrics_url(f"{service}-api"), name, service=service
            )

        def drained(service: str) -> bool:
            return outbox(service, "salesops_outbox_pending_events") == 0

        for service in harness.SERVICES:
            harness.wait_until(
                functools.partial(drained, service),
                SETTLE_SECONDS,
                0.2,
                f"the {service} outbox to drain",
            )
            assert outbox(service, "salesops_dead_letters_parked") == 0, service

    took = time.monotonic() - started
    print(
        f"management cycle in {took:.0f} s: {tally.contracts_signed} contracts signed "
        f"({tally.signed_while_broker_down} while RabbitMQ was down), "
        f"{tally.contracts_cancelled} cancelled; workers restarted: "
        f"{', '.join(tally.worker_restarts)}; {tally.attainment_checks} attainment lines "
        f"checked; {tally.credits} credits counted; {tally.statements} statements read; "
        f"{tally.gap_events} gap events, {tally.enrollments_assigned} course assigned; "
        f"{tally.gate_refusals} gate refusals; {tally.violations} violation; "
        f"{tally.review_lines} review lines"
    )
    assert sorted(tally.worker_restarts) == sorted(WORKERS)


# --- training's catalog ----------------------------------------------------------------------
