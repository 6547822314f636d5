"""Readiness arithmetic: skill levels from completions, the readiness index, team and region rates.

Pure functions (no SQL, gRPC or nameko); `api/readiness.py` feeds them rows.

- A completed course gives each skill it teaches ("skill:level"; a skill
  without a level counts as level 1) at that level; a completion whose passed
  assessment scored `BONUS_SCORE_BP` (9000 bp) or more gives one level more,
  at most `MAX_LEVEL` (5). A rep's level in a skill is the highest any of
  their completions gives.
- The role's required skills are its skill profile: the region's own entry
  for a skill overrides the every-region ("") entry.
- A skill is held when the rep's level reaches the required level. The
  readiness index is held / required in basis points, rounded half up; a role
  with no profile has no index (`has_profile` False) and is left out of averages.
- Completion rate: completed / enrollments not waived; overdue rate: overdue
  (status overdue, or open and past the due date) / enrollments not waived.
- Certification coverage: reps holding a valid certification of the product
  line on the day (status valid, valid_from <= day <= valid_until) / reps in scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from services.kit.rounding import BASIS_POINTS, divide_half_up

MAX_LEVEL = 5
BONUS_SCORE_BP = 9000
OPEN_STATUSES = frozenset({"assigned", "in_progress", "overdue"})


def parse_skills(text: str) -> dict[str, int]:
    """ "negotiation:2,closing" -> {"negotiation": 2, "closing": 1} (highest level per skill)."""
    skills: dict[str, int] = {}
    for entry in text.split(","):
        name, _, level_text = entry.strip().partition(":")
        name = name.strip().lower()
        if not name:
            continue
        try:
            level = int(level_text) if level_text.strip() else 1
        except ValueError:
            level = 1
        level = max(1, min(MAX_LEVEL, level))
        skills[name] = max(skills.get(name, 0), level)
    return skills


def skill_levels(completions: Iterable[tuple[str, int]]) -> dict[str, int]:
    """The level per skill from (course skills, passed score bp) of a rep's completed courses."""
    levels: dict[str, int] = {}
    for skills_text, score_bp in completions:
        bonus = 1 if score_bp >= BONUS_SCORE_BP else 0
        for skill, level in parse_skills(skills_text).items():
            levels[skill] = max(levels.get(skill, 0), min(MAX_LEVEL, level + bonus))
    return levels


def required_skills(profile: Iterable[tuple[str, str, int]], region: str) -> dict[str, int]:
    """The required level per skill from (region, skill, level) entries of the role's profile."""
    every: dict[str, int] = {}
    own: dict[str, int] = {}
    for entry_region, skill, level in profile:
        if entry_region == region:
            own[skill.lower()] = level
        elif not entry_region:
            every[skill.lower()] = level
    return {**every, **own}


@dataclass(frozen=True)
class SkillStanding:
    skill: str
    level: int
    required_level: int

    @property
    def required(self) -> bool:
        return self.required_level > 0

    @property
    def held(self) -> bool:
        return self.required and self.level >= self.required_level


@dataclass(frozen=True)
class RepIndex:
    skills: tuple[SkillStanding, ...]
    required: int
    held: int
    index_bp: int
    has_profile: bool


def rep_index(levels: dict[str, int], required: dict[str, int]) -> RepIndex:
    """Every skill the rep has or the role needs (by name), and the readiness index."""
    skills = tuple(
        SkillStanding(name, levels.get(name, 0), required.get(name, 0))
        for name in sorted(set(levels) | set(required))
    )
    held = sum(1 for s in skills if s.held)
    return RepIndex(
        skills=skills,
        required=len(required),
        held=held,
        index_bp=rate_bp(held, len(required)),
        has_profile=bool(required),
    )


def rate_bp(part: int, whole: int) -> int:
    """part / whole in basis points, rounded half up; 0 when there is no whole."""
    return divide_half_up(part * BASIS_POINTS, whole) if whole > 0 else 0


def average_bp(values: Iterable[int]) -> int:
    """The mean of basis-point values, rounded half up; 0 for none."""
    items = list(values)
    return divide_half_up(sum(items), len(items)) if items else 0


def enrollment_overdue(status: str, due_on: date | None, today: date) -> bool:
    return status == "overdue" or (
        status in OPEN_STATUSES and due_on is not None and due_on < today
    )


def certified_on(status: str, valid_from: date, valid_until: date, day: date) -> bool:
    return status == "valid" and valid_from <= day <= valid_until


@dataclass(frozen=True)
class Coverage:
    product_line: str
    certified: int
    reps: int

    @property
    def coverage_bp(self) -> int:
        return rate_bp(self.certified, self.reps)


@dataclass(frozen=True)
class GroupFigures:
    reps: int
    indexed_reps: int
    average_index_bp: int
    enrollments: int
    completed: int
    overdue: int
    coverage: tuple[Coverage, ...]

    @property
    def completion_rate_bp(self) -> int:
        return rate_bp(self.completed, self.enrollments)

    @property
    def overdue_rate_bp(self) -> int:
        return rate_bp(self.overdue, self.enrollments)


def group_figures(
    rep_indexes: dict[str, RepIndex],
    enrollments: Iterable[tuple[str, str, date | None]],
    certified: dict[str, set[str]],
    product_lines: Iterable[str],
    today: date,
) -> GroupFigures:
    """Figures of a group of reps.

    `enrollments` are (rep_id, status, due_on) of the group's reps; `certified`
    maps a product line to the reps holding a valid certification of it;
    `product_lines` are the lines to report (with or without holders).
    """
    counted = [(status, due) for _, status, due in enrollments if status != "waived"]
    indexed = [index.index_bp for index in rep_indexes.values() if index.has_profile]
    reps = set(rep_indexes)
    return GroupFigures(
        reps=len(reps),
        indexed_reps=len(indexed),
        average_index_bp=average_bp(indexed),
        enrollments=len(counted),
        completed=sum(1 for status, _ in counted if status == "completed"),
        overdue=sum(1 for status, due in counted if enrollment_overdue(status, due, today)),
        coverage=tuple(
            Coverage(line, len(certified.get(line, set()) & reps), len(reps))
            for line in sorted(set(product_lines))
        ),
    )
