"""Survey responses and the NPS and CSAT figures, as plain Python.

A survey response is a customer's answer to one question: CSAT ("how
satisfied are you", 1 to 5) or NPS ("how likely are you to recommend us",
0 to 10). Responses arrive through the API, in bulk, and from resolved
after-sales cases (the score given at resolution is a CSAT response).

Figures (every one an integer; see `satisfaction_figures`):

- **NPS category**: promoters score 9-10, passives 7-8, detractors 0-6.
- **NPS** = % promoters - % detractors, reported in basis points of
  percentage points: `10000 x (promoters - detractors) / responses`, rounded
  half up (halves towards +infinity), so it runs from -10000 (-100) to +10000
  (+100). With no response there is no NPS (None), not 0: an NPS of 0 is a
  real, balanced result. The counts always travel with it, so the exact
  fraction `(promoters - detractors) / responses` is at hand.
- **Average CSAT** = the mean score in hundredths of a point (433 = 4.33),
  rounded half up; `csat_score_sum / csat_responses` is the exact value.
  **Satisfied share** = responses of 4 or 5 over all CSAT responses, in bp.

Scope (`nps_scope`): a response counts for the fiscal period in which it was
given (`responded_at`). A rep's figures cover only the accounts they own;
managers and directors their regions; executives every region. Another
region's responses never enter an aggregate.

Nothing here knows about gRPC, HTTP, nameko or SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from services.kit.errors import InvalidArgument, Validator
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller
from services.kit.rounding import divide_half_up

BASIS_POINTS = 10_000
HUNDREDTHS = 100
MAX_COMMENT_LENGTH = 2000
MAX_ID_LENGTH = 100
# A response time a little ahead of ours is clock skew, not a response from the future.
CLOCK_SKEW = timedelta(minutes=5)
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
ID_RULE = "must be letters, digits, '.', '_', ':' or '-' (at most 100)"


class SurveyKind(StrEnum):
    """The question a response answers."""

    CSAT = "csat"
    NPS = "nps"


# Inclusive score range per kind.
SCORE_RANGES: dict[SurveyKind, tuple[int, int]] = {
    SurveyKind.CSAT: (1, 5),
    SurveyKind.NPS: (0, 10),
}


class SurveyChannel(StrEnum):
    """How a response reached us."""

    EMAIL = "email"
    PHONE = "phone"
    WEB = "web"
    IN_APP = "in_app"
    IN_PERSON = "in_person"
    # Only for the score given when a case was resolved.
    CASE = "case"


class SurveySource(StrEnum):
    """Where a record came from."""

    API = "api"
    IMPORT = "import"
    CASE = "case"


class NpsCategory(StrEnum):
    """Where an NPS score falls."""

    PROMOTER = "promoter"
    PASSIVE = "passive"
    DETRACTOR = "detractor"


PROMOTER_FROM = 9
PASSIVE_FROM = 7
# CSAT scores from this one up count as satisfied.
SATISFIED_FROM = 4


def nps_category(score: int) -> NpsCategory:
    """The NPS category of a 0-10 score.

    >>> [nps_category(s).value for s in (10, 9, 8, 7, 6, 0)]
    ['promoter', 'promoter', 'passive', 'passive', 'detractor', 'detractor']
    """
    if not 0 <= score <= 10:
        raise ValueError(f"an NPS score is 0-10, not {score}")
    if score >= PROMOTER_FROM:
        return NpsCategory.PROMOTER
    if score >= PASSIVE_FROM:
        return NpsCategory.PASSIVE
    return NpsCategory.DETRACTOR


def ratio_bp(part: int, whole: int) -> int | None:
    """part / whole in basis points, rounded half up; None when `whole` is 0."""
    return divide_half_up(part * BASIS_POINTS, whole) if whole else None


def nps_bp(promoters: int, passives: int, detractors: int) -> int | None:
    """NPS in bp of percentage points: 10000 x (promoters - detractors) / responses.

    None without responses.

    >>> nps_bp(2, 0, 1), nps_bp(1, 1, 1), nps_bp(0, 0, 3), nps_bp(0, 0, 0)
    (3333, 0, -10000, None)
    """
    responses = promoters + passives + detractors
    return ratio_bp(promoters - detractors, responses)


def csat_average_hundredths(score_sum: int, responses: int) -> int | None:
    """Mean CSAT in hundredths of a point, rounded half up; None without responses.

    >>> csat_average_hundredths(13, 3), csat_average_hundredths(9, 2)
    (433, 450)
    """
    return divide_half_up(score_sum * HUNDREDTHS, responses) if responses else None


@dataclass(frozen=True)
class SatisfactionCounts:
    """The raw counts of one group of responses, as the database sums them."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    csat_responses: int = 0
    csat_score_sum: int = 0
    csat_satisfied: int = 0

    def __add__(self, other: SatisfactionCounts) -> SatisfactionCounts:
        return SatisfactionCounts(
            self.promoters + other.promoters,
            self.passives + other.passives,
            self.detractors + other.detractors,
            self.csat_responses + other.csat_responses,
            self.csat_score_sum + other.csat_score_sum,
            self.csat_satisfied + other.csat_satisfied,
        )


@dataclass(frozen=True)
class SatisfactionFigures:
    """NPS and CSAT figures of one group of responses (the key names the group)."""

    key: str
    counts: SatisfactionCounts
    nps_responses: int
    nps_bp: int | None
    csat_average_hundredths: int | None
    csat_satisfied_bp: int | None


def satisfaction_figures(key: str, counts: SatisfactionCounts) -> SatisfactionFigures:
    """The published figures of one group from its counts."""
    return SatisfactionFigures(
        key=key,
        counts=counts,
        nps_responses=counts.promoters + counts.passives + counts.detractors,
        nps_bp=nps_bp(counts.promoters, counts.passives, counts.detractors),
        csat_average_hundredths=csat_average_hundredths(
            counts.csat_score_sum, counts.csat_responses
        ),
        csat_satisfied_bp=ratio_bp(counts.csat_satisfied, counts.csat_responses),
    )


@dataclass(frozen=True)
class NewSurveyResponse:
    """A checked survey response, ready to record."""

    customer_id: str
    contact_id: str
    kind: SurveyKind
    score: int
    channel: SurveyChannel
    comment: str
    responded_at: datetime
    external_id: str

    @property
    def nps_category(self) -> NpsCategory | None:
        return nps_category(self.score) if self.kind is SurveyKind.NPS else None


def _check_id(check: Validator, field_name: str, value: str, *, required: bool) -> None:
    if not value:
        if required:
            check.add(field_name, "is required")
        return
    check.check(len(value) <= MAX_ID_LENGTH and bool(ID_PATTERN.match(value)), field_name, ID_RULE)


def validate_survey_response(
    *,
    customer_id: str,
    contact_id: str,
    kind: SurveyKind | None,
    score: int | None,
    channel: SurveyChannel | None,
    comment: str,
    responded_at: datetime | None,
    external_id: str,
    now: datetime,
    allow_case_channel: bool = False,
) -> NewSurveyResponse:
    """Check a response; InvalidArgument lists every bad field at once.

    `kind` None means it was not given; `score` None likewise (0 is a valid
    NPS score). The channel defaults to web. `responded_at` defaults to
    `now` and may not lie in the future. The case channel is kept for scores
    given at a case's resolution (`allow_case_channel`).
    """
    check = Validator()
    customer_id, contact_id, external_id = (
        customer_id.strip(),
        contact_id.strip(),
        external_id.strip(),
    )
    _check_id(check, "customer_id", customer_id, required=True)
    _check_id(check, "contact_id", contact_id, required=False)
    _check_id(check, "external_id", external_id, required=False)
    if kind is None:
        check.add("kind", "is required: csat (score 1-5) or nps (score 0-10)")
    if score is None:
        check.add("score", "is required")
    elif kind is not None:
        low, high = SCORE_RANGES[kind]
        check.check(
            low <= score <= high, "score", f"must be {low} to {high} for a {kind.value} response"
        )
    if channel is SurveyChannel.CASE and not allow_case_channel:
        check.add(
            "channel",
            "case is kept for scores given when a case is resolved; use email, phone, web, "
            "in_app or in_person",
        )
    comment = comment.strip()
    check.check(
        len(comment) <= MAX_COMMENT_LENGTH,
        "comment",
        f"must be at most {MAX_COMMENT_LENGTH} characters",
    )
    when = now if responded_at is None else responded_at
    if when.tzinfo is None:
        check.add("responded_at", "must carry a time zone (UTC)")
    elif when > now + CLOCK_SKEW:
        check.add("responded_at", "may not lie in the future")
    check.raise_if_any()
    assert kind is not None and score is not None
    return NewSurveyResponse(
        customer_id=customer_id,
        contact_id=contact_id,
        kind=kind,
        score=score,
        channel=channel or SurveyChannel.WEB,
        comment=comment,
        responded_at=when,
        external_id=external_id,
    )


def case_csat_score(score: int) -> int:
    """A case resolution's satisfaction score as a CSAT score; ValueError outside 1-5."""
    low, high = SCORE_RANGES[SurveyKind.CSAT]
    if not low <= score <= high:
        raise ValueError(f"a case's satisfaction score is {low}-{high}, not {score}")
    return score


@dataclass(frozen=True)
class NpsScope:
    """The responses a figure covers: the period and the filters after scoping."""

    period: FiscalPeriod
    # None: every region; an empty set: none (a region outside the caller's reach).
    regions: frozenset[str] | None
    region: str
    segment: str
    # Set for a rep: only accounts this subject owns.
    owner_id: str | None


def nps_scope(
    caller: Caller,
    calendar: FiscalCalendar,
    *,
    period: str,
    region: str = "",
    segment: str = "",
) -> NpsScope:
    """Check the filters and narrow them to what `caller` may see.

    The period is required and must be a fiscal period code; InvalidArgument
    lists every bad filter. A rep's figures are always over their own accounts.
    """
    caller.require_reader()
    check = Validator()
    fiscal_period: FiscalPeriod | None = None
    if not period.strip():
        check.add("period", "is required: a fiscal period such as FY2027, FY2027-Q1 or FY2027-M03")
    else:
        try:
            fiscal_period = calendar.period(period.strip().upper(), "period")
        except InvalidArgument as malformed:
            check.violations.extend(malformed.violations)
    # Segments are the archive's tiers: "A", "B", "C".
    segment = segment.strip().upper()
    check.check(len(segment) <= MAX_ID_LENGTH, "segment", "must be at most 100 characters")
    check.raise_if_any()
    assert fiscal_period is not None
    requested_region = region.strip().upper()
    return NpsScope(
        period=fiscal_period,
        regions=caller.readable_regions(requested_region),
        region=requested_region,
        segment=segment,
        owner_id=caller.subject if caller.own_records_only else None,
    )


def sub_periods(calendar: FiscalCalendar, period: FiscalPeriod) -> list[FiscalPeriod]:
    """The periods one level below `period`: a year's quarters, a quarter's months.

    A month has no smaller fiscal period: it is its own only sub-period.
    """
    if period.kind == "year":
        return [calendar.period(f"{period.code}-Q{q}") for q in range(1, 5)]
    if period.kind == "quarter":
        year, quarter = period.code.split("-Q")
        first = (int(quarter) - 1) * 3 + 1
        return [calendar.period(f"{year}-M{m:02d}") for m in range(first, first + 3)]
    return [period]
