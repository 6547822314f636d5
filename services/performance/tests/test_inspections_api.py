"""Compliance inspections over real gRPC (both databases): rules, violations, evidence, reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest
from salesops.performance.v1 import inspections_pb2 as pb
from salesops.performance.v1 import inspections_pb2_grpc

from services.kit.db import Database, utcnow
from services.performance.models.facts import FactKind
from services.performance.models.inspections import InspectionRecord, ViolationRecord
from services.performance.tests.inspections_support import (
    ADMIN,
    APAC_DIRECTOR,
    DIRECTOR,
    EXECUTIVE,
    REP_1,
    REP_2,
    TEAM_A_MANAGER,
    TEAM_B_MANAGER,
    add_credit,
    add_fact,
    add_opportunity,
    channel,
    count,
    db,
    envelopes,
    this_month,
)
from services.planning.tests.test_plans_api import bad_fields, failure, rule_types

__all__ = ["channel", "db"]

STALE = pb.INSPECTION_RULE_CODE_STALE_OPPORTUNITY
SLA = pb.INSPECTION_RULE_CODE_LEAD_SLA_BREACH
DISCOUNT = pb.INSPECTION_RULE_CODE_DISCOUNT_ABOVE_AUTHORITY
WON = pb.INSPECTION_RULE_CODE_WON_WITHOUT_CONTRACT
# A past month: it is inspected as of its end.
PAST = "FY2026-M03"
IN_PAST = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def inspections(channel: grpc.Channel) -> inspections_pb2_grpc.InspectionServiceStub:
    return inspections_pb2_grpc.InspectionServiceStub(channel)


def run(
    inspections: inspections_pb2_grpc.InspectionServiceStub,
    period: str = "",
    rules: tuple[int, ...] = (),
    metadata: list[tuple[str, str]] = DIRECTOR,
    region: str = "EMEA",
) -> pb.RunInspectionResponse:
    return inspections.RunInspection(
        pb.RunInspectionRequest(
            region=region,
            period_code=period or this_month().code,
            rules=rules,  # type: ignore[arg-type]
        ),
        metadata=metadata,
    )


def idle(days: int) -> datetime:
    """A last activity `days` calendar days before today (UTC), at this time of day."""
    return utcnow() - timedelta(days=days)


def test_stale_opportunities_at_the_boundary_evidence_and_event(
    inspections: inspections_pb2_grpc.InspectionServiceStub, db: Database
) -> None:
    add_opportunity(db, "opp-13", last_activity_at=idle(13))
    add_opportunity(db, "opp-14", last_activity_at=idle(14))
    add_opportunity(db, "opp-15", last_activity_at=idle(15), owner_id="rep-2")
    # Never any activity: its opening counts.
    add_opportunity(db, "opp-never", opened_at=idle(30), owner_id="rep-3", team_id="team-b")
    add_opportunity(db, "opp-won", status="won", last_activity_at=idle(40), contract_id="c-1")
    add_opportunity(db, "opp-apac", region="APAC", owner_id="rep-9", last_activity_at=idle(40))

    reply = run(inspections, rules=(STALE,))
    recorded = {v.subject_id: v for v in reply.recorded}
    assert sorted(recorded) == ["opp-15", "opp-never"]
    [outcome] = reply.inspection.outcomes
    assert (outcome.rule, outcome.findings, outcome.recorded) == (STALE, 2, 2)
    assert (reply.inspection.findings, reply.inspection.recorded) == (2, 2)
    assert reply.inspection.trigger == pb.INSPECTION_TRIGGER_ON_DEMAND

    stale = recorded["opp-15"]
    since = idle(15).date().isoformat()
    assert stale.summary == f"no activity since {since} (15 days > 14)"
    assert (stale.rep_id, stale.team_id, stale.region) == ("rep-2", "team-a", "EMEA")
    assert (stale.kind, stale.severity, stale.status) == (
        pb.VIOLATION_KIND_PROCESS,
        pb.VIOLATION_SEVERITY_LOW,
        pb.VIOLATION_STATUS_OPEN,
    )
    [evidence] = stale.evidence
    assert (evidence.source, evidence.record_id) == ("opportunity_state", "opp-15")
    assert "idle_days=15" in evidence.figures and "threshold_days=14" in evidence.figures
    assert "amount=500000 EUR" in evidence.figures
    assert recorded["opp-never"].summary.startswith("opened without activity since")
    assert recorded["opp-never"].team_id == "team-b"

    events = envelopes(db, "performance.violation.recorded")
    assert len(events) == 2
    payload = next(e["payload"] for e in events if e["payload"]["subject_id"] == "opp-15")
    assert payload["rule"] == "stale_opportunity"
    assert payload["kind"] == "process"
    assert payload["rep_id"] == "rep-2"
    assert payload["violation_id"] == stale.violation_id
    assert payload["inspection_id"] == reply.inspection.inspection_id
    assert payload["evidence_ids"] == ["opp-15"]
    assert {e["region"] for e in events} == {"EMEA"}


def test_the_same_finding_is_not_recorded_twice_across_runs(
    inspections: inspections_pb2_grpc.InspectionServiceStub, db: Database
) -> None:
    add_opportunity(db, "opp-old", last_activity_at=idle(20))
    first = run(inspections)
    assert [v.subject_id for v in first.recorded] == ["opp-old"]
    add_opportunity(db, "opp-older", last_activity_at=idle(25))
    second = run(inspections, metadata=ADMIN)
    assert [v.subject_id for v in second.recorded] == ["opp-older"]
    stale = next(o for o in second.inspection.outcomes if o.rule == STALE)
    assert (stale.findings, stale.recorded) == (2, 1)
    third = run(inspections)
    assert list(third.recorded) == [] and third.inspection.findings == 2
    assert count(db, ViolationRecord) == 2
    assert count(db, InspectionRecord) == 3
    assert len(envelopes(db, "performance.violation.recorded")) == 2
    # The run that found it first keeps it.
    got = inspections.GetInspection(
        pb.GetInspectionRequest(inspection_id=first.inspection.inspection_id), metadata=DIRECTOR
    )
    assert [v.subject_id for v in got.recorded] == ["opp-old"]


def test_lead_sla_discount_and_won_without_contract_over_a_past_period(
    inspections: inspections_pb2_grpc.InspectionServiceStub, db: Database
) -> None:
    breach = add_fact(db, FactKind.LEAD_SLA_BREACHED, "lead-1", IN_PAST, detail="24h")
    add_fact(db, FactKind.LEAD_SLA_BREACHED, "lead-2", IN_PAST, rep_id="", team_id="")
    # Outside the period (the month after) and in another region.
    add_fact(db, FactKind.LEAD_SLA_BREACHED, "lead-3", datetime(2026, 4, 1, tzinfo=UTC))
    add_fact(db, FactKind.LEAD_SLA_BREACHED, "lead-4", IN_PAST, region="APAC", rep_id="rep-9")
    # Discounts: above the reported authority, at it, unlimited; from the directory's role.
    above = add_fact(
        db,
        FactKind.QUOTE_DISCOUNT,
        "quote-above",
        IN_PAST,
        value_bp=2550,
        detail="mgr-a",
        approver_role="manager",
        approver_authority_bp=2000,
    )
    add_fact(
        db,
        FactKind.QUOTE_DISCOUNT,
        "quote-at",
        IN_PAST,
        value_bp=2000,
        detail="mgr-a",
        approver_role="manager",
        approver_authority_bp=2000,
    )
    add_fact(
        db,
        FactKind.QUOTE_DISCOUNT,
        "quote-director",
        IN_PAST,
        value_bp=6000,
        detail="dir-1",
        approver_role="director",
        approver_unlimited=True,
    )
    add_fact(db, FactKind.QUOTE_DISCOUNT, "quote-rep", IN_PAST, value_bp=1001, detail="rep-2")
    add_fact(db, FactKind.QUOTE_DISCOUNT, "quote-who", IN_PAST, value_bp=9000, detail="nobody")
    # Won: without a contract (state), with one, with a credit only, a fact without any.
    add_opportunity(db, "opp-nocontract", status="won", closed_at=IN_PAST)
    add_opportunity(db, "opp-contract", status="won", closed_at=IN_PAST, contract_id="c-9")
    add_opportunity(db, "opp-credited", status="won", closed_at=IN_PAST)
    add_credit(db, "opp-credited", IN_PAST.date())
    won_fact = add_fact(db, FactKind.OPPORTUNITY_WON, "opp-factonly", IN_PAST, rep_id="rep-3")

    reply = run(inspections, period=PAST)
    found = {(v.rule, v.subject_id): v for v in reply.recorded}
    assert sorted(found) == sorted(
        [
            (SLA, "lead-1"),
            (SLA, "lead-2"),
            (DISCOUNT, "quote-above"),
            (DISCOUNT, "quote-rep"),
            (WON, "opp-nocontract"),
            (WON, "opp-factonly"),
        ]
    )
    assert reply.inspection.as_of_time.ToDatetime(tzinfo=UTC) == datetime(2026, 4, 1, tzinfo=UTC)

    sla = found[(SLA, "lead-1")]
    assert sla.summary == "lead lead-1 breached its first-contact SLA on 2026-03-10 (rep-1)"
    assert [(e.source, e.record_id) for e in sla.evidence] == [("fact", breach)]
    assert sla.evidence[0].event_id == f"evt-{breach[:8]}"
    assert found[(SLA, "lead-2")].rep_id == ""

    discount = found[(DISCOUNT, "quote-above")]
    assert discount.summary == (
        "discount of 25.50% approved by mgr-a (manager) is above the role's authority of 20.00%"
    )
    assert (discount.kind, discount.severity) == (
        pb.VIOLATION_KIND_CONDUCT,
        pb.VIOLATION_SEVERITY_HIGH,
    )
    assert discount.evidence[0].record_id == above
    assert "authority_source=reported with the approval" in discount.evidence[0].figures
    # No authority on the fact: the region's default table for the approver's role (rep 10%).
    assert "authority_bp=1000" in found[(DISCOUNT, "quote-rep")].evidence[0].figures

    assert found[(WON, "opp-nocontract")].summary == "won on 2026-03-10 without a contract"
    fact_only = found[(WON, "opp-factonly")]
    assert fact_only.rep_id == "rep-3" and fact_only.team_id == "team-a"
    assert [e.record_id for e in fact_only.evidence] == [won_fact]
    kinds = {
        e["payload"]["subject_id"]: e["payload"]["kind"]
        for e in envelopes(db, "performance.violation.recorded")
    }
    assert kinds["quote-above"] == "conduct" and kinds["lead-1"] == "process"


def test_region_rules_are_configurable_with_defaults(
    inspections: inspections_pb2_grpc.InspectionServiceStub, db: Database
) -> None:
    rules = inspections.ListInspectionRules(
        pb.ListInspectionRulesRequest(region="EMEA"), metadata=REP_1
    ).rules
    assert [(r.rule, r.enabled, r.configured) for r in rules] == [
        (STALE, True, False),
        (SLA, True, False),
        (DISCOUNT, True, False),
        (WON, True, False),
    ]
    assert rules[0].stale_days == 14
    assert [(a.role, a.max_discount_bp, a.unlimited) for a in rules[2].authorities] == [
        ("director", 0, True),
        ("manager", 2000, False),
        ("rep", 1000, False),
    ]

    add_opportunity(db, "opp-18", last_activity_at=idle(18))
    add_opportunity(db, "opp-25", last_activity_at=idle(25))
    set_rule = inspections.SetInspectionRule(
        pb.SetInspectionRuleRequest(
            region="emea",
            rule=STALE,
            enabled=True,
            severity=pb.VIOLATION_SEVERITY_HIGH,
            stale_days=20,
        ),
        metadata=DIRECTOR,
    ).rule
    assert (set_rule.stale_days, set_rule.configured, set_rule.updated_by) == (20, True, "dir-1")
    inspections.SetInspectionRule(
        pb.SetInspectionRuleRequest(region="EMEA", rule=SLA, enabled=False), metadata=ADMIN
    )
    add_fact(db, FactKind.LEAD_SLA_BREACHED, "lead-x", utcnow() - timedelta(minutes=1))
    reply = run(inspections)
    assert [(v.subject_id, v.severity) for v in reply.recorded] == [
        ("opp-25", pb.VIOLATION_SEVERITY_HIGH)
    ]
    assert reply.recorded[0].summary.endswith("(25 days > 20)")
    # A disabled rule named explicitly still runs.
    assert [v.subject_id for v in run(inspections, rules=(SLA,)).recorded] == ["lead-x"]

    bad = failure(
        lambda: inspections.SetInspectionRule(
            pb.SetInspectionRuleRequest(
                region="EMEA",
                rule=SLA,
                stale_days=400,
                authorities=[pb.RoleAuthority(role="", max_discount_bp=20_000)],
            ),
            metadata=DIRECTOR,
        )
    )
    assert bad_fields(bad) == [
        "authorities",
        "authorities[0].max_discount_bp",
        "authorities[0].role",
        "stale_days",
        "stale_days",
    ]
    denied = failure(
        lambda: inspections.SetInspectionRule(
            pb.SetInspectionRuleRequest(region="EMEA", rule=STALE, enabled=False),
            metadata=TEAM_A_MANAGER,
        )
    )
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    other = failure(
        lambda: inspections.ListInspectionRules(
            pb.ListInspectionRulesRequest(region="EMEA"), metadata=APAC_DIRECTOR
        )
    )
    assert other.code() == grpc.StatusCode.NOT_FOUND


def test_who_runs_inspections_and_bad_requests(
    inspections: inspections_pb2_grpc.InspectionServiceStub, db: Database
) -> None:
    add_opportunity(db, "opp-old", last_activity_at=idle(20))
    for metadata in (REP_1, TEAM_A_MANAGER, EXECUTIVE, APAC_DIRECTOR):
        assert failure(lambda m=metadata: run(inspections, metadata=m)).code() == (  # type: ignore[misc]
            grpc.StatusCode.PERMISSION_DENIED
        )
    bad = failure(lambda: run(inspections, period="2026 March", rules=(99,), region=" "))
    assert bad_fields(bad) == ["period_code", "region", "rules[0]"]
    future = failure(lambda: run(inspections, period="FY2031-Q1"))
    assert rule_types(future) == ["PERIOD_NOT_BEGUN"]
    assert count(db, InspectionRecord) == 0 and count(db, ViolationRecord) == 0


def test_violations_are_scoped_dismissed_and_reported(
    inspections: inspections_pb2_grpc.InspectionServiceStub, db: Database
) -> None:
    add_opportunity(db, "opp-r1a", owner_id="rep-1", last_activity_at=idle(20))
    add_opportunity(db, "opp-r1b", owner_id="rep-1", last_activity_at=idle(30))
    add_opportunity(db, "opp-r2", owner_id="rep-2", last_activity_at=idle(20))
    add_opportunity(db, "opp-r3", owner_id="rep-3", team_id="team-b", last_activity_at=idle(20))
    add_opportunity(db, "opp-r9", owner_id="rep-9", region="APAC", last_activity_at=idle(20))
    add_fact(
        db,
        FactKind.LEAD_SLA_BREACHED,
        "lead-r3",
        utcnow() - timedelta(minutes=5),
        rep_id="rep-3",
        team_id="team-b",
    )
    recorded = {v.subject_id: v for v in run(inspections).recorded}
    run(inspections, metadata=APAC_DIRECTOR, region="APAC")
    month = this_month().code

    def listed(metadata: list[tuple[str, str]], **filters: object) -> list[str]:
        reply = inspections.ListViolations(
            pb.ListViolationsRequest(**filters),  # type: ignore[arg-type]
            metadata=metadata,
        )
        return sorted(v.subject_id for v in reply.violations)

    assert listed(REP_1) == ["opp-r1a", "opp-r1b"]
    assert listed(TEAM_A_MANAGER) == ["opp-r1a", "opp-r1b", "opp-r2"]
    assert listed(TEAM_B_MANAGER) == ["lead-r3", "opp-r3"]
    assert listed(DIRECTOR) == ["lead-r3", "opp-r1a", "opp-r1b", "opp-r2", "opp-r3"]
    assert listed(DIRECTOR, rule=SLA) == ["lead-r3"]
    assert listed(DIRECTOR, rep_id="rep-1", period_code=month) == ["opp-r1a", "opp-r1b"]
    assert listed(DIRECTOR, region="APAC") == []
    assert listed(APAC_DIRECTOR) == ["opp-r9"]

    r2 = recorded["opp-r2"].violation_id
    for metadata in (REP_1, TEAM_B_MANAGER, APAC_DIRECTOR):
        missing = failure(
            lambda m=metadata: inspections.GetViolation(  # type: ignore[misc]
                pb.GetViolationRequest(violation_id=r2), metadata=m
            )
        )
        assert missing.code() == grpc.StatusCode.NOT_FOUND
    assert (
        inspections.GetViolation(
            pb.GetViolationRequest(violation_id=r2), metadata=REP_2
        ).violation.subject_id
        == "opp-r2"
    )

    no_reason = failure(
        lambda: inspections.DismissViolation(
            pb.DismissViolationRequest(violation_id=r2, reason=" "), metadata=DIRECTOR
        )
    )
    assert bad_fields(no_reason) == ["reason"]
    by_manager = failure(
        lambda: inspections.DismissViolation(
            pb.DismissViolationRequest(violation_id=r2, reason="on leave"),
            metadata=TEAM_A_MANAGER,
        )
    )
    assert by_manager.code() == grpc.StatusCode.PERMISSION_DENIED
    dismissed = inspections.DismissViolation(
        pb.DismissViolationRequest(violation_id=r2, reason="The rep was on leave."),
        metadata=DIRECTOR,
    ).violation
    assert (dismissed.status, dismissed.dismissal_reason, dismissed.decided_by) == (
        pb.VIOLATION_STATUS_DISMISSED,
        "The rep was on leave.",
        "dir-1",
    )
    again = failure(
        lambda: inspections.DismissViolation(
            pb.DismissViolationRequest(violation_id=r2, reason="again"), metadata=DIRECTOR
        )
    )
    assert rule_types(again) == ["STATE"]

    # The report, counted here from what was set up: 5 EMEA violations, 1 dismissed.
    report = inspections.GetInspectionReport(
        pb.GetInspectionReportRequest(region="EMEA", period_code=month), metadata=DIRECTOR
    )
    assert (report.totals.total, report.totals.open, report.totals.dismissed) == (5, 4, 1)
    assert [(c.key, c.total, c.open) for c in report.by_rule] == [
        ("lead_sla_breach", 1, 1),
        ("stale_opportunity", 4, 3),
    ]
    assert [(c.key, c.total, c.open, c.dismissed) for c in report.by_rep] == [
        ("rep-1", 2, 2, 0),
        ("rep-2", 1, 0, 1),
        ("rep-3", 2, 2, 0),
    ]
    assert [(c.key, c.total) for c in report.by_team] == [("team-a", 3), ("team-b", 2)]
    assert [r.region for r in report.inspections] == ["EMEA"]
    # A rep's report counts their own only, and shows no runs.
    mine = inspections.GetInspectionReport(
        pb.GetInspectionReportRequest(region="EMEA", period_code=month), metadata=REP_1
    )
    assert (mine.totals.total, [c.key for c in mine.by_rep], list(mine.inspections)) == (
        2,
        ["rep-1"],
        [],
    )
    assert (
        failure(
            lambda: inspections.GetInspectionReport(
                pb.GetInspectionReportRequest(region="EMEA", period_code=month),
                metadata=APAC_DIRECTOR,
            )
        ).code()
        == grpc.StatusCode.NOT_FOUND
    )
    runs = inspections.ListInspections(pb.ListInspectionsRequest(), metadata=DIRECTOR)
    assert [r.region for r in runs.inspections] == ["EMEA"]
    assert (
        list(inspections.ListInspections(pb.ListInspectionsRequest(), metadata=REP_1).inspections)
        == []
    )
