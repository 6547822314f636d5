"""Matching keys: values reduced so that two spellings of the same thing compare equal.

Duplicate detection (pipeline leads) and account matching (the customer
archive) both need to know that "ACME GmbH" and "Acme, Inc." name one company,
or that "+49 (30) 123-456" and "+4930123456" dial one number. The keys are for
comparison only: records keep what the user typed. A web domain is the
exception: the archive stores it normalised.
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
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

# Company size bands, as planning's territory rules name them, with the head
# counts they cover (upper bound None: no limit).
COMPANY_SIZE_BANDS: dict[str, tuple[int, int | None]] = {
    "1-49": (1, 49),
    "50-249": (50, 249),
    "250+": (250, None),
}


def clean_text(value: str) -> str:
    """Unicode NFC, outer spaces stripped and inner runs of white space folded.

    >>> clean_text("  Acme   GmbH ")
    'Acme GmbH'
    """
    return " ".join(unicodedata.normalize("NFC", value).split())


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


def normalized_domain(value: str) -> str:
    """A web domain as the archive stores it: lower case, no scheme, "www.", port or path.

    Returns "" when what is left is not a domain name (labels of letters,
    digits and hyphens, at least two of them).

    >>> normalized_domain("https://www.Acme.COM/about?x=1")
    'acme.com'
    >>> normalized_domain("not a domain")
    ''
    """
    host = _SCHEME.sub("", value.strip().lower())
    host = re.split(r"[/?#]", host, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    host = host.removeprefix("www.")
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(_DOMAIN_LABEL.match(x) for x in labels):
        return ""
    return host


def normalized_tax_id(value: str) -> str:
    """A registration or tax id reduced for matching: upper case, letters and digits only.

    >>> normalized_tax_id(" de 811-234 567 ")
    'DE811234567'
    """
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", value).upper())


def company_size_band(value: str) -> str | None:
    """The size band of `value`: a band name ("50-249") or a head count ("120"); None if neither.

    An empty value is "" (unknown size).

    >>> company_size_band("120")
    '50-249'
    """
    cleaned = value.strip().replace(" ", "")
    if not cleaned or cleaned in COMPANY_SIZE_BANDS:
        return cleaned
    if not cleaned.isdigit():
        return None
    head_count = int(cleaned)
    for band, (low, high) in COMPANY_SIZE_BANDS.items():
        if head_count >= low and (high is None or head_count <= high):
            return band
    return None
