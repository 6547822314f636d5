"""Lead scoring: a 0-100 score from rules kept as data, and the reasons that made it.

The score ranks the queue and the routing's work; it has to be explainable
to the rep who gets a lead and to the marketer who bought the list, so every
point is traced to a named rule. Change the weights by changing
`DEFAULT_SCORING_RULES` (or pass other rules): the code reads the table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from services.pipeline.domain.leads import NewLead

MIN_SCORE = 0
MAX_SCORE = 100


@dataclass(frozen=True)
class ScoreReason:
    """One rule that contributed to a score, and how many points it gave."""

    rule: str
    points: int


@dataclass(frozen=True)
class LeadScore:
    """A lead's score, clamped to 0-100, with the rules that made it in the order applied."""

    score: int
    reasons: tuple[ScoreReason, ...]


@dataclass(frozen=True)
class TitleLevel:
    """A seniority level recognised from words in the contact's title."""

    rule: str
    words: tuple[str, ...]
    points: int

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        return re.compile(r"\b(?:" + "|".join(re.escape(word) for word in self.words) + r")\b")

    def matches(self, title: str) -> bool:
        """Whether one of the level's words appears in `title` (lower case) as a whole word."""
        return self._pattern.search(title) is not None


@dataclass(frozen=True)
class ScoringRules:
    """The scoring table. Levels are tried in order; the first that matches a title counts."""

    has_email: int
    has_phone: int
    title_levels: tuple[TitleLevel, ...]
    source_points: Mapping[str, int]
    target_industries: frozenset[str]
    target_industry_points: int
    company_size_points: Mapping[str, int]
    has_campaign: int


DEFAULT_SCORING_RULES = ScoringRules(
    # A way to reach the person is worth most: a lead nobody can call is a name.
    has_email=15,
    has_phone=10,
    title_levels=(
        TitleLevel(
            "title:c_level",
            ("ceo", "cfo", "cto", "cio", "coo", "chief", "founder", "owner", "president"),
            25,
        ),
        TitleLevel("title:director", ("vp", "vice president", "director", "head"), 20),
        TitleLevel("title:manager", ("manager", "lead", "principal"), 10),
    ),
    # Warm sources convert better than cold ones.
    source_points={
        "referral": 20,
        "partner": 15,
        "inbound_call": 15,
        "event": 10,
        "web": 10,
        "outbound": 5,
        "other": 0,
    },
    target_industries=frozenset(
        {"software", "manufacturing", "financial services", "healthcare", "logistics"}
    ),
    target_industry_points=15,
    company_size_points={"250+": 10, "50-249": 5, "1-49": 0},
    has_campaign=5,
)


def score_lead(lead: NewLead, rules: ScoringRules = DEFAULT_SCORING_RULES) -> LeadScore:
    """Score a validated lead; only rules that gave points (or took them) are listed."""
    reasons: list[ScoreReason] = []

    def add(rule: str, points: int) -> None:
        if points:
            reasons.append(ScoreReason(rule, points))

    if lead.contact_email:
        add("has_email", rules.has_email)
    if lead.contact_phone:
        add("has_phone", rules.has_phone)
    title = lead.contact_title.casefold()
    for level in rules.title_levels:
        if title and level.matches(title):
            add(level.rule, level.points)
            break
    add(f"source:{lead.source}", rules.source_points.get(lead.source, 0))
    if lead.industry in rules.target_industries:
        add("industry:target", rules.target_industry_points)
    if lead.company_size:
        size_points = rules.company_size_points.get(lead.company_size, 0)
        add(f"company_size:{lead.company_size}", size_points)
    if lead.campaign:
        add("has_campaign", rules.has_campaign)
    total = sum(reason.points for reason in reasons)
    return LeadScore(max(MIN_SCORE, min(MAX_SCORE, total)), tuple(reasons))
