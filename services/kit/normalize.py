"""Matching keys: values reduced so that two spellings of the same thing compare equal.

Duplicate detection (pipeline leads) and account matching (the customer
archive) both need to know that "ACME GmbH" and "Acme, Inc." name one company,
or that "+49 (30) 123-456" and "+4930123456" dial one number. The keys are for
comparison only: records keep what the user typed.
"""

from __future__ import annotations

import re
import unicodedata

# Legal-form suffixes that do not tell two companies apart when matching names.
_LEGAL_FORMS = re.compile(
    r"\b(inc|incorporated|ltd|limited|llc|gmbh|ag|sa|sas|bv|plc|co|corp|corporation|company)\b\.?"
)
_NOT_WORD = re.compile(r"[^\w]+")
_NOT_DIGIT = re.compile(r"[^0-9]+")


def normalized_name(name: str) -> str:
    """A company name reduced for matching: case, accents, punctuation and legal form dropped.

    >>> normalized_name("Acme, Inc.")
    'acme'
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    ascii_ish = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    without_forms = _LEGAL_FORMS.sub(" ", ascii_ish)
    return " ".join(_NOT_WORD.sub(" ", without_forms).split())


def normalized_email(email: str) -> str:
    """An email address reduced for matching: outer spaces dropped, case folded.

    Only the case is folded, never dots or "+tags": whether those matter is
    the mail provider's rule, and guessing wrong would merge two people.

    >>> normalized_email(" Jo.Doe@Example.COM ")
    'jo.doe@example.com'
    """
    return email.strip().casefold()


def normalized_phone(phone: str) -> str:
    """A phone number reduced for matching: digits only, a leading "+" kept.

    >>> normalized_phone("+49 (30) 123-456")
    '+4930123456'
    >>> normalized_phone("030 / 123 456")
    '030123456'
    """
    stripped = phone.strip()
    digits = _NOT_DIGIT.sub("", stripped)
    if not digits:
        return ""
    return ("+" if stripped.startswith("+") else "") + digits
