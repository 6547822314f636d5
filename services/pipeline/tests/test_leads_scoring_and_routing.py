"""Lead scoring and routing as plain rules: every point and every decision has its reason."""

from __future__ import annotations

import pytest

from services.pipeline.domain import leads as domain
from services.pipeline.domain.lead_routing import (
    RepLoad,
    RoutableLead,
    RoutingBook,
    RoutingDecision,
    RoutingStrategy,
    Territory,
)
from services.pipeline.domain.lead_scoring import (
    DEFAULT_SCORING_RULES,
    ScoreReason,
    score_lead,
)


def lead(**overrides: str) -> domain.NewLead:
    fields = {
        "region": "EMEA",
        "company_name": "Acme",
        "contact_name": "Jo",
        "contact_email": "jo@acme.example",
        "source": "other",
    }
    fields.update(overrides)
    return domain.validate_new_lead(**fields)


# --- scoring ---------------------------------------------------------------------------


def test_a_bare_lead_scores_for_its_email_only() -> None:
    scored = score_lead(lead())
    assert scored.score == 15
    assert scored.reasons == (ScoreReason("has_email", 15),)


def test_every_rule_names_its_points() -> None:
    scored = score_lead(
        lead(
            contact_phone="+49 30 1234567",
            contact_title="Chief Revenue Officer",
            source="referral",
            industry="Software",
            company_size="1200",
            campaign="spring-webinar",
        )
    )
    assert [(r.rule, r.points) for r in scored.reasons] == [
        ("has_email", 15),
        ("has_phone", 10),
        ("title:c_level", 25),
        ("source:referral", 20),
        ("industry:target", 15),
        ("company_size:250+", 10),
        ("has_campaign", 5),
    ]
    assert scored.score == 100 == sum(r.points for r in scored.reasons)


@pytest.mark.parametrize(
    ("title", "rule"),
    [
        ("CFO", "title:c_level"),
        ("Co-Founder", "title:c_level"),
        ("VP Sales", "title:director"),
        ("Head of Procurement", "title:director"),
        ("IT Manager", "title:manager"),
        ("Team Lead", "title:manager"),
    ],
)
def test_title_seniority_takes_the_highest_level_that_matches(title: str, rule: str) -> None:
    reasons = {r.rule for r in score_lead(lead(contact_title=title)).reasons}
    assert rule in reasons
    assert len([r for r in reasons if r.startswith("title:")]) == 1


def test_words_inside_other_words_do_not_count() -> None:
    # "cto" inside "director" or "lead" inside "leader"-like words must not match by accident.
    reasons = {r.rule for r in score_lead(lead(contact_title="Contractor")).reasons}
    assert not any(r.startswith("title:") for r in reasons)


def test_source_weights_and_the_target_industries_are_data() -> None:
    assert DEFAULT_SCORING_RULES.source_points["outbound"] == 5
    assert score_lead(lead(source="outbound")).reasons[-1] == ScoreReason("source:outbound", 5)
    assert "industry:target" not in {r.rule for r in score_lead(lead(industry="mining")).reasons}


def test_a_score_is_clamped_to_0_100() -> None:
    rules = DEFAULT_SCORING_RULES.__class__(
        **{**vars(DEFAULT_SCORING_RULES), "has_email": 500, "has_phone": -900}
    )
    assert score_lead(lead(), rules).score == 100
    assert score_lead(lead(contact_email="", contact_phone="+1 555 0100"), rules).score == 0


# --- routing ---------------------------------------------------------------------------


def territory(
    territory_id: str,
    reps: tuple[str, ...],
    *,
    countries: str = "",
    industries: str = "",
    sizes: str = "",
    strategy: RoutingStrategy = RoutingStrategy.MOST_SPARE_CAPACITY,
    region: str = "EMEA",
) -> Territory:
    def split(value: str) -> frozenset[str]:
        return frozenset(v for v in value.split(",") if v)

    return Territory(
        territory_id, territory_id, region, split(countries), split(industries), split(sizes),
        reps, strategy,
    )  # fmt: skip


def rep(rep_id: str, capacity: int, open_leads: int = 0, status: str = "active") -> RepLoad:
    return RepLoad(rep_id, status, capacity, open_leads)


def routable(country: str = "DE", industry: str = "software", size: str = "") -> RoutableLead:
    return RoutableLead("EMEA", country, industry, size)


def test_the_rep_with_the_most_spare_capacity_gets_the_lead() -> None:
    book = RoutingBook(
        [territory("DACH", ("r1", "r2", "r3"), countries="DE,AT,CH")],
        {"r1": rep("r1", 20, 15), "r2": rep("r2", 20, 13), "r3": rep("r3", 10, 2)},
    )
    decision = book.route(routable())
    assert decision == RoutingDecision(
        "r3", "DACH", "territory DACH: most spare capacity (8 of 10 free)"
    )
    assert book.reps["r3"].open_leads == 3  # counted for the next lead of the batch


def test_round_robin_takes_turns_and_remembers_the_last() -> None:
    book = RoutingBook(
        [territory("DACH", ("r3", "r1", "r2"), strategy=RoutingStrategy.ROUND_ROBIN)],
        {"r1": rep("r1", 5), "r2": rep("r2", 50), "r3": rep("r3", 5)},
        turns={"DACH": "r1"},
    )
    owners = [book.route(routable()).owner_id for _ in range(4)]
    assert owners == ["r2", "r3", "r1", "r2"]
    assert book.turns["DACH"] == "r2" and book.moved_turns == {"DACH"}
    assert "round robin among 3 reps with spare capacity" in book.route(routable()).reason


def test_the_most_specific_territory_wins_and_a_full_one_falls_through() -> None:
    territories = [
        territory("EMEA-ALL", ("generalist",)),
        territory("DACH-ENT", ("enterprise",), countries="DE,AT,CH", sizes="250+"),
    ]
    loads = {"generalist": rep("generalist", 100), "enterprise": rep("enterprise", 1)}
    book = RoutingBook(territories, loads)
    first = book.route(routable(size="250+"))
    assert (first.owner_id, first.territory_id) == ("enterprise", "DACH-ENT")
    second = book.route(routable(size="250+"))
    assert (second.owner_id, second.territory_id) == ("generalist", "EMEA-ALL")
    assert second.reason == (
        "territory EMEA-ALL: most spare capacity (100 of 100 free); "
        "no active rep with spare capacity in territory DACH-ENT"
    )


def test_a_size_rule_applies_only_when_the_lead_has_a_size() -> None:
    book = RoutingBook([territory("SMB", ("r1",), sizes="1-49")], {"r1": rep("r1", 5)})
    assert book.route(routable(size="")).owner_id == "r1"
    assert not book.route(routable(size="250+")).assigned


def test_a_country_or_industry_rule_needs_the_value() -> None:
    book = RoutingBook(
        [territory("DE", ("r1",), countries="DE", industries="software")], {"r1": rep("r1", 5)}
    )
    assert not book.route(routable(country="")).assigned
    assert not book.route(routable(industry="")).assigned
    assert not book.route(routable(country="FR")).assigned
    assert book.route(routable()).assigned


def test_no_matching_territory_leaves_the_lead_unassigned_saying_why() -> None:
    book = RoutingBook([territory("FR", ("r1",), countries="FR")], {"r1": rep("r1", 5)})
    decision = book.route(routable(country="DE", industry="software", size="250+"))
    assert decision == RoutingDecision(
        "",
        "",
        "unassigned: no territory in EMEA covers country DE, industry software, company size 250+",
    )
    other_region = RoutingBook([territory("APAC", ("r1",), region="APAC")], {"r1": rep("r1", 5)})
    assert not other_region.route(routable()).assigned


def test_full_reps_leave_the_lead_unassigned_saying_so() -> None:
    book = RoutingBook(
        [territory("DACH", ("r1", "r2"))], {"r1": rep("r1", 3, 3), "r2": rep("r2", 0)}
    )
    assert book.route(routable()) == RoutingDecision(
        "", "", "unassigned: no active rep with spare capacity in territory DACH"
    )


def test_left_on_leave_and_unknown_reps_get_no_leads() -> None:
    book = RoutingBook(
        [territory("DACH", ("gone", "away", "ghost", "here"))],
        {
            "gone": rep("gone", 100, status="left"),
            "away": rep("away", 100, status="on_leave"),
            "here": rep("here", 2),
        },
    )
    assert book.route(routable()).owner_id == "here"
    assert book.route(routable()).owner_id == "here"
    assert not book.route(routable()).assigned


def test_an_explicit_owner_counts_against_capacity() -> None:
    book = RoutingBook([territory("DACH", ("r1", "r2"))], {"r1": rep("r1", 2), "r2": rep("r2", 1)})
    book.count_assignment("r1")
    book.count_assignment("stranger")  # a rep routing does not know is ignored
    assert book.route(routable()).owner_id == "r1"  # 1 of 2 vs 1 of 1: tie, smallest id
