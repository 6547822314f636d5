"""Lead routing: which rep gets a new lead, and the reason recorded with the decision.

The territories and reps come from planning (the pipeline keeps a local copy);
this module only decides. A lead goes to the most specific territory whose
rules cover it: a territory that names the lead's country and industry beats
a catch-all for the region, so enterprise leads are not sent to whoever is
idlest. Within the territory, its strategy picks among the ACTIVE reps with
spare capacity (capacity minus open leads owned). When that territory's reps
are all full, the next matching territory is tried; when none can take it,
the lead goes to the unassigned queue with the reason. Never silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class RoutingStrategy(StrEnum):
    """How a territory picks among its reps who can take a lead."""

    # The rep with the most spare capacity; ties go to the smallest rep id.
    MOST_SPARE_CAPACITY = "most_spare_capacity"
    # Each rep with spare capacity in turn, by rep id.
    ROUND_ROBIN = "round_robin"


DEFAULT_STRATEGY = RoutingStrategy.MOST_SPARE_CAPACITY


class RepStatus(StrEnum):
    """A rep's standing as planning reports it; only active reps get leads."""

    ACTIVE = "active"
    ON_LEAVE = "on_leave"
    LEFT = "left"


@dataclass(frozen=True)
class RoutableLead:
    """What routing looks at in a lead."""

    region: str
    country: str
    industry: str
    company_size: str


@dataclass(frozen=True)
class Territory:
    """A territory's rules (an empty set matches any value), its reps and strategy."""

    territory_id: str
    name: str
    region: str
    countries: frozenset[str]
    industries: frozenset[str]
    company_sizes: frozenset[str]
    rep_ids: tuple[str, ...]
    strategy: RoutingStrategy = DEFAULT_STRATEGY

    @property
    def label(self) -> str:
        return self.name or self.territory_id

    def specificity(self, lead: RoutableLead) -> int | None:
        """How many of the territory's rules the lead meets; None if one is not met.

        A rule on country or industry is not met by a lead that lacks the
        value. A rule on company size is only applied when the lead has a size
        (size is often unknown at capture; it must not keep a lead out).
        """
        if lead.region != self.region:
            return None
        score = 0
        for allowed, value, required in (
            (self.countries, lead.country, True),
            (self.industries, lead.industry, True),
            (self.company_sizes, lead.company_size, False),
        ):
            if not allowed:
                continue
            if value:
                if value not in allowed:
                    return None
                score += 1
            elif required:
                return None
        return score


@dataclass
class RepLoad:
    """A rep's standing and how many open leads they carry now."""

    rep_id: str
    status: str
    capacity: int
    open_leads: int

    @property
    def spare(self) -> int:
        return self.capacity - self.open_leads

    @property
    def can_take(self) -> bool:
        return self.status == RepStatus.ACTIVE and self.spare > 0


@dataclass(frozen=True)
class RoutingDecision:
    """The chosen owner ("" for the unassigned queue), the routing territory and why."""

    owner_id: str
    territory_id: str
    reason: str

    @property
    def assigned(self) -> bool:
        return bool(self.owner_id)


class RoutingBook:
    """The routing state of some regions, for routing leads one after another.

    Each decision counts the lead against its rep and moves the territory's
    round-robin turn, so a batch of leads spreads as it would one by one.
    `turns` holds the round-robin positions to store after the batch.
    """

    def __init__(
        self,
        territories: Iterable[Territory],
        reps: Mapping[str, RepLoad],
        turns: Mapping[str, str] | None = None,
    ) -> None:
        self.territories = sorted(territories, key=lambda t: t.territory_id)
        self.reps = dict(reps)
        self.turns: dict[str, str] = dict(turns or {})
        self.moved_turns: set[str] = set()
        # Leads alike are covered alike: an import routes thousands of similar leads.
        self._ranked: dict[tuple[str, str, str, str], list[Territory]] = {}
        self._members = {t.territory_id: sorted(set(t.rep_ids)) for t in self.territories}

    def count_assignment(self, rep_id: str) -> None:
        """Count an open lead given to `rep_id` by other means (an explicit owner)."""
        load = self.reps.get(rep_id)
        if load is not None:
            load.open_leads += 1

    def covering(self, lead: RoutableLead) -> list[Territory]:
        """The territories whose rules cover `lead`, most specific first (ties by id)."""
        key = (lead.region, lead.country, lead.industry, lead.company_size)
        ranked = self._ranked.get(key)
        if ranked is None:
            scored = [
                (score, territory)
                for territory in self.territories
                if (score := territory.specificity(lead)) is not None
            ]
            scored.sort(key=lambda pair: (-pair[0], pair[1].territory_id))
            ranked = self._ranked[key] = [territory for _score, territory in scored]
        return ranked

    def route(self, lead: RoutableLead) -> RoutingDecision:
        """Choose the owner of `lead`, or the unassigned queue, and say why."""
        ranked = self.covering(lead)
        if not ranked:
            return RoutingDecision("", "", f"unassigned: {_uncovered(lead)}")
        full: list[str] = []
        for territory in ranked:
            candidates = [
                self.reps[rep_id]
                for rep_id in self._members[territory.territory_id]
                if rep_id in self.reps and self.reps[rep_id].can_take
            ]
            if not candidates:
                full.append(territory.label)
                continue
            rep, how = self._pick(territory, candidates)
            free = f"{rep.spare} of {rep.capacity} free"
            rep.open_leads += 1
            reason = f"territory {territory.label}: {how} ({free})"
            if full:
                reason += f"; {_no_capacity(full)}"
            return RoutingDecision(rep.rep_id, territory.territory_id, reason)
        return RoutingDecision("", "", f"unassigned: {_no_capacity(full)}")

    def _pick(self, territory: Territory, candidates: list[RepLoad]) -> tuple[RepLoad, str]:
        if territory.strategy is RoutingStrategy.ROUND_ROBIN:
            last = self.turns.get(territory.territory_id, "")
            after = [rep for rep in candidates if rep.rep_id > last]
            rep = (after or candidates)[0]
            self.turns[territory.territory_id] = rep.rep_id
            self.moved_turns.add(territory.territory_id)
            return rep, f"round robin among {len(candidates)} reps with spare capacity"
        rep = min(candidates, key=lambda r: (-r.spare, r.rep_id))
        return rep, "most spare capacity"


def _uncovered(lead: RoutableLead) -> str:
    facts = [
        f"{label} {value}"
        for label, value in (
            ("country", lead.country),
            ("industry", lead.industry),
            ("company size", lead.company_size),
        )
        if value
    ]
    described = ", ".join(facts) if facts else "a lead without country, industry or size"
    return f"no territory in {lead.region} covers {described}"


def _no_capacity(territories: list[str]) -> str:
    noun = "territory" if len(territories) == 1 else "territories"
    return f"no active rep with spare capacity in {noun} {', '.join(territories)}"


def split_rule(value: str) -> frozenset[str]:
    """A territory rule stored as comma-separated text, as a set ("" is the empty set)."""
    return frozenset(part for part in (p.strip() for p in value.split(",")) if part)
