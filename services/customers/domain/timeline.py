"""The interaction timeline: what each kind of event says in words, and notes.

A timeline entry is one thing that happened with a customer. Entries come
from the pipeline's events (an activity logged, an opportunity opened, moved,
won or lost, a contract signed or cancelled, a case opened or resolved) and
from notes written in this service. Each has a short `title` (the record's own
name, as far as known) and a human-readable `summary`; these functions write
them from plain values, so the handlers, the api and the tests share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.kit.errors import Validator
from services.kit.money import money_text
from services.kit.normalize import clean_text

MAX_TITLE_LENGTH = 200
MAX_SUMMARY_LENGTH = 4000
MAX_NOTE_LENGTH = 4000
# What a note about a contact reads after the contact was erased: the text was about them.
ERASED_NOTE = "Note about a contact who was erased on request"

# ISO 4217 currencies whose minor unit is not the cent; every other one has two decimals.


class EntryKind(StrEnum):
    """What a timeline entry is about."""

    ACTIVITY = "activity"
    OPPORTUNITY = "opportunity"
    CONTRACT = "contract"
    CASE = "case"
    NOTE = "note"


@dataclass(frozen=True)
class EntryText:
    """The words of an entry: the record's name and what happened."""

    title: str
    summary: str

    @classmethod
    def of(cls, title: str, summary: str) -> EntryText:
        """Both cleaned and cut to their column's length."""
        return cls(clean_text(title)[:MAX_TITLE_LENGTH], clean_text(summary)[:MAX_SUMMARY_LENGTH])


def _join(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def _named(what: str, title: str) -> str:
    return f"{what} {title}" if title else what


def activity_text(
    *, type: str, subject: str, outcome: str, status: str, due_date: str
) -> EntryText:
    """A call, meeting, visit or email that happened, or a task planned or done."""
    kind = (type or "activity").replace("_", " ")
    if status == "open":
        head = f"{kind.capitalize()} planned: {subject}"
        detail = f"due {due_date}" if due_date else ""
    else:
        head = f"{kind.capitalize()}: {subject}"
        detail = f"outcome: {outcome}" if outcome else ""
    return EntryText.of(subject, f"{head} ({detail})" if detail else head)


def opportunity_created_text(
    *, name: str, currency: str, amount_minor: int, expected_close_date: str
) -> EntryText:
    """An opportunity opened."""
    detail = _join(
        money_text(currency, amount_minor),
        f"expected to close {expected_close_date}" if expected_close_date else "",
    )
    head = _named("Opportunity opened:", name) if name else "Opportunity opened"
    return EntryText.of(name, f"{head} ({detail})" if detail else head)


def opportunity_stage_changed_text(
    *, title: str, to_stage_name: str, probability_bp: int, currency: str, amount_minor: int
) -> EntryText:
    """An opportunity moved to another open stage."""
    percent = f"{probability_bp // 100}% probability" if probability_bp else ""
    detail = _join(percent, money_text(currency, amount_minor))
    head = f"{_named('Opportunity', title)} moved to {to_stage_name or 'another stage'}"
    return EntryText.of(title, f"{head} ({detail})" if detail else head)


def opportunity_won_text(
    *, title: str, currency: str, amount_minor: int, won_date: str
) -> EntryText:
    """An opportunity won: a contract at its value."""
    detail = _join(money_text(currency, amount_minor), f"signed {won_date}" if won_date else "")
    head = f"{_named('Opportunity', title)} won"
    return EntryText.of(title, f"{head} ({detail})" if detail else head)


def opportunity_lost_text(*, title: str, reason: str, competitor: str) -> EntryText:
    """An opportunity lost, why, and to whom if known."""
    detail = _join(f"reason: {reason}" if reason else "", f"to {competitor}" if competitor else "")
    head = f"{_named('Opportunity', title)} lost"
    return EntryText.of(title, f"{head} ({detail})" if detail else head)


def contract_signed_text(
    *,
    currency: str,
    amount_minor: int,
    start_date: str,
    end_date: str,
    term_months: int,
    renewal: bool,
) -> EntryText:
    """A contract signed (a renewal says so)."""
    period = f"{start_date} to {end_date}" if start_date and end_date else start_date
    detail = _join(
        money_text(currency, amount_minor),
        f"{term_months} months" if term_months else "",
        period,
    )
    head = "Contract renewed" if renewal else "Contract signed"
    return EntryText.of("", f"{head} ({detail})" if detail else head)


def contract_cancelled_text(*, reason: str, cancelled_date: str) -> EntryText:
    """A contract cancelled, and why."""
    detail = _join(f"reason: {reason}" if reason else "", cancelled_date)
    return EntryText.of("", f"Contract cancelled ({detail})" if detail else "Contract cancelled")


def case_opened_text(*, type: str, priority: str, subject: str) -> EntryText:
    """An after-sales case opened."""
    detail = " ".join(part for part in (priority, "priority" if priority else "", type) if part)
    head = f"Case opened: {subject}" if subject else "Case opened"
    return EntryText.of(subject, f"{head} ({detail})" if detail else head)


def case_resolved_text(
    *, title: str, within_sla: bool, satisfaction_score: int | None
) -> EntryText:
    """An after-sales case resolved, on time or not, and the customer's score if given."""
    detail = _join(
        "within its SLA" if within_sla else "after its SLA",
        f"satisfaction {satisfaction_score}/5" if satisfaction_score is not None else "",
    )
    return EntryText.of(title, f"{_named('Case', title)} resolved ({detail})")


def validate_note(text: str) -> str:
    """A note's text: required, at most MAX_NOTE_LENGTH characters; outer space dropped.

    Line breaks inside a note are kept (it is prose, not a field).
    """
    cleaned = text.strip()
    check = Validator()
    check.require("text", cleaned, max_length=MAX_NOTE_LENGTH)
    check.raise_if_any()
    return cleaned


def note_text(text: str) -> EntryText:
    """A note: its first line is its title, the whole text its summary."""
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return EntryText(clean_text(first_line)[:MAX_TITLE_LENGTH], text.strip()[:MAX_SUMMARY_LENGTH])
