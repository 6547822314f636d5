"""The inspection rules as plain Python, at fixed instants: boundaries, evidence, settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.kit.errors import FailedPrecondition, InvalidArgument
from services.kit.fiscal import FiscalCalendar
from services.performance.domain import inspections as domain
from services.performance.domain.inspections import (
    FactView,
    OpportunityView,
    RuleCode,
    Severity,
    ViolationStatus,
)

AT = datetime(2027, 1, 24, 10, 0, tzinfo=UTC)


def opportunity(**fields: object) -> OpportunityView:
    values: dict[str, object] = {
        "opportunity_id": "opp-1",
        "owner_id": "rep-1",
        "team_id": "team-a",
        "status": "open",
        "opened_at": datetime(2026, 12, 1, tzinfo=UTC),
        "last_activity_at": None,
        "closed_at": None,
        "contract_id": "",
    }
    values.update(fields)
    return OpportunityView(**values)  # type: ignore[arg-type]


def discount(**fields: object) -> FactView:
    values: dict[str, object] = {
        "fact_id": "fact-1",
        "event_id": "evt-1",
        "rep_id": "rep-1",
        "team_id": "team-a",
        "subject_id": "quote-1",
        "occurred_at": datetime(2027, 1, 5, tzinfo=UTC),
        "value_bp": 1500,
        "detail": "mgr-a",
    }
    values.update(fields)
    return FactView(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("last_activity", "stale"),
    [
        (datetime(2027, 1, 11, 23, 59, tzinfo=UTC), False),  # 13 days
        (datetime(2027, 1, 10, 0, 0, tzinfo=UTC), False),  # 14 days
        (datetime(2027, 1, 9, 23, 59, tzinfo=UTC), True),  # 15 days
    ],
)
def test_stale_counts_whole_days_and_needs_more_than_the_threshold(
    last_activity: datetime, stale: bool
) -> None:
    finding = domain.stale_opportunity(opportunity(last_activity_at=last_activity), AT, 14)
    assert (finding is not None) == stale


def test_stale_evidence_names_the_day_and_the_figures() -> None:
    finding = domain.stale_opportunity(
        opportunity(
            last_activity_at=datetime(2027, 1, 3, 15, 0, tzinfo=UTC), amount_minor=7, currency="EUR"
        ),
        AT,
        14,
    )
    assert finding is not None
    assert finding.summary == "no activity since 2027-01-03 (21 days > 14)"
    assert (finding.rule, finding.rep_id, finding.team_id, finding.subject_id) == (
        RuleCode.STALE_OPPORTUNITY,
        "rep-1",
        "team-a",
        "opp-1",
    )
    [evidence] = finding.evidence
    assert evidence.figures[:5] == (
        "last_activity_at=2027-01-03T15:00:00+00:00",
        "opened_at=2026-12-01T00:00:00+00:00",
        "as_of=2027-01-24T10:00:00+00:00",
        "idle_days=21",
        "threshold_days=14",
    )
    assert evidence.figures[-1] == "amount=7 EUR"
    # Without any activity the opening counts; closed deals and later activity are never stale.
    never = domain.stale_opportunity(opportunity(), AT, 14)
    assert never is not None and never.summary == (
        "opened without activity since 2026-12-01 (54 days > 14)"
    )
    assert domain.stale_opportunity(opportunity(status="lost"), AT, 14) is None
    later = opportunity(last_activity_at=datetime(2027, 2, 1, tzinfo=UTC))
    assert domain.stale_opportunity(later, AT, 14) is None
    assert domain.stale_opportunity(opportunity(opened_at=None), AT, 14) is None


def test_discount_authority_reported_or_from_the_table() -> None:
    table = domain.DEFAULT_AUTHORITIES
    reported = discount(value_bp=2001, approver_role="manager", approver_authority_bp=2000)
    finding = domain.discount_above_authority(reported, None, table)
    assert finding is not None and finding.summary == (
        "discount of 20.01% approved by mgr-a (manager) is above the role's authority of 20.00%"
    )
    at_limit = discount(value_bp=2000, approver_role="manager", approver_authority_bp=2000)
    assert domain.discount_above_authority(at_limit, None, table) is None
    unlimited = discount(value_bp=9000, approver_role="director", approver_unlimited=True)
    assert domain.discount_above_authority(unlimited, None, table) is None
    # The reported authority wins over the directory's role.
    assert domain.discount_above_authority(reported, "director", table) is not None
    # No reported authority: the table applies to the directory's role; unknown roles are
    # not judged.
    assert domain.discount_above_authority(discount(value_bp=1001), "rep", table) is not None
    assert domain.discount_above_authority(discount(value_bp=1000), "rep", table) is None
    assert domain.discount_above_authority(discount(value_bp=9999), "director", table) is None
    assert domain.discount_above_authority(discount(value_bp=9999), None, table) is None
    assert domain.discount_above_authority(discount(value_bp=9999), "intern", table) is None


def test_won_without_contract_needs_neither_contract_nor_credit() -> None:
    won = opportunity(status="won", closed_at=datetime(2027, 1, 5, 12, tzinfo=UTC))
    finding = domain.won_without_contract("opp-1", won, [], False)
    assert finding is not None and finding.summary == "won on 2027-01-05 without a contract"
    assert (
        domain.won_without_contract("opp-1", opportunity(status="won", contract_id="c"), [], False)
        is None
    )
    assert domain.won_without_contract("opp-1", won, [], True) is None
    fact = discount(subject_id="opp-2", rep_id="rep-3", team_id="team-b")
    from_fact = domain.won_without_contract("opp-2", None, [fact], False)
    assert from_fact is not None
    assert (from_fact.rep_id, from_fact.team_id) == ("rep-3", "team-b")
    assert [e.record_id for e in from_fact.evidence] == ["fact-1"]


def test_settings_validation_and_defaults() -> None:
    settings = domain.check_settings(
        RuleCode.DISCOUNT_ABOVE_AUTHORITY,
        enabled=True,
        severity=None,
        stale_days=0,
        authorities=[("Rep", 500, False), ("vp", 0, True)],
    )
    assert dict(settings.authorities) == {"rep": 500, "vp": None}
    assert (settings.severity, settings.configured) == (Severity.HIGH, True)
    with pytest.raises(InvalidArgument) as caught:
        domain.check_settings(
            None, enabled=True, severity=None, stale_days=-1, authorities=[("rep", 5, True)]
        )
    assert sorted(v.field for v in caught.value.violations) == [
        "authorities",
        "authorities[0].max_discount_bp",
        "rule",
        "stale_days",
        "stale_days",
    ]
    assert domain.default_settings(RuleCode.LEAD_SLA_BREACH).severity is Severity.MEDIUM


def test_as_of_is_now_or_the_period_end_and_never_before_it_begins() -> None:
    calendar = FiscalCalendar(1)
    january = calendar.period("FY2027-M01")
    assert domain.as_of(january, AT) == AT
    assert domain.as_of(january, datetime(2027, 3, 1, tzinfo=UTC)) == datetime(
        2027, 2, 1, tzinfo=UTC
    )
    with pytest.raises(FailedPrecondition) as caught:
        domain.as_of(calendar.period("FY2027-M02"), AT)
    assert [v.type for v in caught.value.violations] == ["PERIOD_NOT_BEGUN"]


def test_counts_and_percentages() -> None:
    counts = domain.count_by(
        [
            ("rep-2", ViolationStatus.OPEN),
            ("rep-1", ViolationStatus.DISMISSED),
            ("rep-2", ViolationStatus.PENALISED),
            ("rep-2", ViolationStatus.OPEN),
        ]
    )
    assert [(c.key, c.total, c.open, c.dismissed, c.penalised) for c in counts] == [
        ("rep-1", 1, 0, 1, 0),
        ("rep-2", 3, 2, 0, 1),
    ]
    assert [domain.percent(bp) for bp in (0, 5, 2550, 10_000)] == [
        "0.00%",
        "0.05%",
        "25.50%",
        "100.00%",
    ]
