"""The catalog's rules, without storage: what a valid course, path and skill profile is.

- Codes: letters, digits, ".", "_" and "-", stored lower case.
- A course: category and format from their sets, duration > 0, skills as
  "skill:level" (level 1-5, each skill once), a certification course
  (certifies_product_line) valid for more than 0 months.
- Prerequisites never form a cycle: `prerequisite_cycle` finds one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from services.kit.errors import Validator
from services.training.models.catalog import PathPurpose
from services.training.models.core import CourseCategory

RULE_CODE_UNIQUE = "COURSE_CODE_UNIQUE"
RULE_PATH_CODE_UNIQUE = "PATH_CODE_UNIQUE"
RULE_PREREQUISITE_EXISTS = "PREREQUISITE_EXISTS"
RULE_PREREQUISITE_CYCLE = "PREREQUISITE_CYCLE"
RULE_COURSE_RETIRED = "COURSE_RETIRED"
RULE_PATH_RETIRED = "PATH_RETIRED"
RULE_VERSION = "VERSION_MATCHES"

CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
SKILL = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
MIN_LEVEL, MAX_LEVEL = 1, 5


class CourseFormat(StrEnum):
    E_LEARNING = "e_learning"
    CLASSROOM = "classroom"
    WEBINAR = "webinar"
    ON_THE_JOB = "on_the_job"


CATEGORIES = frozenset(c.value for c in CourseCategory)
FORMATS = frozenset(f.value for f in CourseFormat)
PURPOSES = frozenset(p.value for p in PathPurpose)


@dataclass(frozen=True)
class ModuleInput:
    title: str
    duration_minutes: int


@dataclass(frozen=True)
class CourseInput:
    """A course's fields as a writer gives them (before normalising)."""

    code: str
    title: str
    description: str
    category: str
    format: str
    duration_minutes: int
    skills: Sequence[str]
    product_lines: Sequence[str]
    prerequisites: Sequence[str]
    completes_on_assessment: bool
    certifies_product_line: str
    certification_valid_months: int
    region: str
    modules: Sequence[ModuleInput] = field(default_factory=tuple)


@dataclass(frozen=True)
class CourseFields:
    """A valid course, normalised: codes lower case, lists without blanks or repeats."""

    code: str
    title: str
    description: str
    category: str
    format: str
    duration_minutes: int
    skills: tuple[str, ...]
    product_lines: tuple[str, ...]
    prerequisites: tuple[str, ...]
    completes_on_assessment: bool
    certifies_product_line: str
    certification_valid_months: int
    region: str
    modules: tuple[ModuleInput, ...]


def normal_code(value: str) -> str:
    return value.strip().lower()


def check_code(v: Validator, field_name: str, value: str) -> str:
    code = normal_code(value)
    if not code:
        v.add(field_name, "is required")
    elif not CODE.match(code):
        v.add(field_name, "must be 1-64 letters, digits, '.', '_' or '-'")
    return code


def check_level(v: Validator, field_name: str, level: int) -> None:
    v.check(MIN_LEVEL <= level <= MAX_LEVEL, field_name, "must be 1-5")


def check_skill(v: Validator, field_name: str, value: str) -> str:
    skill = value.strip().lower()
    if not SKILL.match(skill):
        v.add(field_name, "must be 1-64 letters, digits or '_'")
    return skill


def parse_skills(v: Validator, field_name: str, values: Sequence[str]) -> tuple[str, ...]:
    """Each "skill:level" normalised; each skill once."""
    out: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(values):
        name = f"{field_name}[{index}]"
        skill, sep, level = raw.strip().lower().partition(":")
        if not sep or not level.strip().isdigit():
            v.add(name, "must be skill:level, e.g. negotiation:2")
            continue
        skill = check_skill(v, name, skill)
        check_level(v, name, int(level))
        if skill in seen:
            v.add(name, f"names {skill} twice")
        seen.add(skill)
        out.append(f"{skill}:{int(level)}")
    return tuple(out)


def _codes(v: Validator, field_name: str, values: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for index, raw in enumerate(values):
        code = check_code(v, f"{field_name}[{index}]", raw)
        if code and code not in out:
            out.append(code)
    return tuple(out)


def check_course(spec: CourseInput, field_prefix: str = "spec.") -> CourseFields:
    """The normalised course, or InvalidArgument naming every bad field."""
    v = Validator()
    p = field_prefix
    code = check_code(v, f"{p}code", spec.code)
    title = spec.title.strip()
    v.require(f"{p}title", title)
    v.optional(f"{p}description", spec.description.strip(), 10_000)
    category = spec.category.strip().lower()
    v.check(
        category in CATEGORIES, f"{p}category", "must be one of " + ", ".join(sorted(CATEGORIES))
    )
    course_format = spec.format.strip().lower()
    v.check(course_format in FORMATS, f"{p}format", "must be one of " + ", ".join(sorted(FORMATS)))
    v.check(spec.duration_minutes > 0, f"{p}duration_minutes", "must be more than 0")
    skills = parse_skills(v, f"{p}skills", spec.skills)
    product_lines = _codes(v, f"{p}product_lines", spec.product_lines)
    prerequisites = _codes(v, f"{p}prerequisites", spec.prerequisites)
    if code and code in prerequisites:
        v.add(f"{p}prerequisites", "may not name the course itself")
    certifies = normal_code(spec.certifies_product_line)
    if certifies:
        check_code(v, f"{p}certifies_product_line", certifies)
        v.check(
            spec.certification_valid_months > 0,
            f"{p}certification_valid_months",
            "must be more than 0 for a certification course",
        )
    else:
        v.check(
            spec.certification_valid_months == 0,
            f"{p}certification_valid_months",
            "is only for a certification course (certifies_product_line)",
        )
    v.check(
        spec.certification_valid_months <= 120,
        f"{p}certification_valid_months",
        "must be at most 120",
    )
    region = spec.region.strip().upper()
    v.optional(f"{p}region", region, 32)
    modules: list[ModuleInput] = []
    for index, module in enumerate(spec.modules):
        v.require(f"{p}modules[{index}].title", module.title.strip())
        v.check(
            module.duration_minutes >= 0,
            f"{p}modules[{index}].duration_minutes",
            "may not be negative",
        )
        modules.append(ModuleInput(module.title.strip(), module.duration_minutes))
    v.raise_if_any()
    return CourseFields(
        code=code,
        title=title,
        description=spec.description.strip(),
        category=category,
        format=course_format,
        duration_minutes=spec.duration_minutes,
        skills=skills,
        product_lines=product_lines,
        prerequisites=prerequisites,
        completes_on_assessment=spec.completes_on_assessment,
        certifies_product_line=certifies,
        certification_valid_months=spec.certification_valid_months,
        region=region,
        modules=tuple(modules),
    )


def prerequisite_cycle(
    code: str, prerequisites: Sequence[str], graph: Mapping[str, Sequence[str]]
) -> list[str] | None:
    """A loop `code` -> ... -> `code` through `prerequisites` and the catalog's `graph`, or None.

    `graph` maps every other course code to its prerequisites (the course's own
    entry, if any, is replaced by `prerequisites`).
    """
    edges = dict(graph)
    edges[code] = list(prerequisites)
    stack: list[tuple[str, list[str]]] = [(p, [code, p]) for p in prerequisites]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        if node == code:
            return path
        if node in seen:
            continue
        seen.add(node)
        stack.extend((nxt, [*path, nxt]) for nxt in edges.get(node, ()))
    return None
