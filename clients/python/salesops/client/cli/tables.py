"""How `salesctl` shows answers to people: aligned tables, money with its currency.

`--output json` bypasses all of this and prints the gateway's JSON as is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(?:Z|\+00:00)")
MAX_COLUMNS = 8
MAX_CELL = 40
# ISO 4217 minor-unit exponents other than 2.
_EXPONENTS = {
    **dict.fromkeys(["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG"], 0),
    **dict.fromkeys(["RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"], 0),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}
# Columns people look for first when a record has more fields than fit.
_PREFERRED = (
    "name",
    "company_name",
    "title",
    "status",
    "state",
    "outcome",
    "region",
    "owner_id",
    "rep_id",
    "stage_name",
    "amount",
    "value",
    "period",
    "score",
    "metric",
    "percent_bp",
)


def is_money(value: Any) -> bool:
    """`{currency, amount_minor}`: the platform's only way of writing an amount."""
    return isinstance(value, dict) and set(value) == {"currency", "amount_minor"}


def money(value: dict[str, Any]) -> str:
    """`{"currency": "EUR", "amount_minor": 1250000}` -> `12,500.00 EUR`."""
    currency = str(value["currency"])
    try:
        minor = int(value["amount_minor"])
    except (TypeError, ValueError):
        return f"{value['amount_minor']} {currency} (minor units)"
    exponent = _EXPONENTS.get(currency, 2)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**exponent)
    text = f"{sign}{whole:,}"
    if exponent:
        text += f".{fraction:0{exponent}d}"
    return f"{text} {currency}"


def cell(value: Any, limit: int = MAX_CELL) -> str:
    """One value as table text, shortened to `limit` characters."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif is_money(value):
        text = money(value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k}={cell(v, limit)}" for k, v in value.items() if v not in ("", None))
    elif isinstance(value, list):
        text = ", ".join(cell(item, limit) for item in value)
    elif isinstance(value, str) and (stamp := _TIMESTAMP.fullmatch(value)):
        # RFC 3339 in UTC, to the second: what people compare at a glance.
        text = f"{stamp.group(1)} {stamp.group(2)}Z"
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(value: Any) -> bool:
    return value not in (None, "", [], {}) and (not isinstance(value, dict) or is_money(value))


def columns_of(rows: Sequence[dict[str, Any]], wanted: Sequence[str] = ()) -> list[str]:
    """The columns worth showing: `wanted`, else the id, then preferred fields, then the rest."""
    if wanted:
        return list(wanted)
    names: list[str] = []
    for row in rows:
        names += [name for name in row if name not in names]
    filled = [
        name
        for name in names
        if any(_shown(row.get(name)) for row in rows)
        and all(not isinstance(row.get(name), list) for row in rows)
    ]
    if not filled:
        return names[:MAX_COLUMNS]
    chosen = [filled[0]]  # records lead with their id
    chosen += [name for name in _PREFERRED if name in filled and name not in chosen]
    chosen += [name for name in filled if name not in chosen]
    return chosen[:MAX_COLUMNS]


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str] = ()) -> str:
    """Rows under an upper-case header, columns aligned."""
    if not rows:
        return "(none)"
    names = columns_of(rows, columns)
    body = [[cell(row.get(name)) for name in names] for row in rows]
    header = [name.upper() for name in names]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(names))]
    return "\n".join(
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *body]
    )


def record(value: dict[str, Any], columns: Sequence[str] = ()) -> str:
    """One record: a field per line, empty ones left out; lists of records as tables beneath."""
    fields: list[tuple[str, str]] = []
    nested: list[tuple[str, list[dict[str, Any]]]] = []
    keys = list(columns) or [key for key in value if value[key] not in (None, "", [], {})]
    for key in keys:
        item = value.get(key)
        if isinstance(item, list) and item and all(isinstance(i, dict) for i in item):
            nested.append((key, item))
        elif isinstance(item, dict) and not is_money(item) and item:
            nested.append((key, [item]))
        else:
            fields.append((key, cell(item, 200)))
    width = max((len(key) for key, _ in fields), default=0)
    lines = [f"{key.ljust(width)}  {text}".rstrip() for key, text in fields]
    for key, rows in nested:
        lines += ["", f"{key}:", table(rows)]
    return "\n".join(lines)


def render(result: Any, items_key: str = "", columns: Sequence[str] = ()) -> str:
    """Any answer of the gateway for people to read."""
    if result is None:
        return "done"
    if isinstance(result, str):
        return result.rstrip("\n")
    if isinstance(result, list):
        return table([row if isinstance(row, dict) else {"value": row} for row in result], columns)
    if items_key and isinstance(result, dict):
        return table(result.get(items_key) or [], columns)
    if isinstance(result, dict):
        return record(result, columns)
    return str(result)
