"""The fiscal calendar: periods named FY2027, FY2027-Q1, FY2027-M03.

A fiscal year is named after the calendar year in which it ends. With the
first month in January, FY2027 is calendar 2027; with April, FY2027 runs from
1 April 2026 to 31 March 2027. All bounds are UTC instants, the end exclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from services.kit.errors import InvalidArgument

_CODE = re.compile(r"^FY(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|M(?P<month>0[1-9]|1[0-2])))?$")


@dataclass(frozen=True)
class FiscalPeriod:
    """A fiscal year, quarter or month with its UTC bounds."""

    code: str
    starts_at: datetime
    ends_at: datetime

    @property
    def kind(self) -> str:
        if "-Q" in self.code:
            return "quarter"
        if "-M" in self.code:
            return "month"
        return "year"

    def contains(self, instant: datetime) -> bool:
        return self.starts_at <= instant < self.ends_at


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class FiscalCalendar:
    """Fiscal periods for a fiscal year starting in `start_month` (1-12)."""

    start_month: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise ValueError("start_month must be 1-12")

    def _year_start(self, fiscal_year: int) -> tuple[int, int]:
        # FY N ends in calendar year N, so it starts 12 months before its last month's successor.
        return _add_months(fiscal_year, self.start_month, -12 if self.start_month != 1 else 0)

    def _month_bounds(self, fiscal_year: int, first: int, count: int) -> tuple[datetime, datetime]:
        y, m = _add_months(*self._year_start(fiscal_year), first)
        ey, em = _add_months(y, m, count)
        return datetime(y, m, 1, tzinfo=UTC), datetime(ey, em, 1, tzinfo=UTC)

    def period(self, code: str, field_name: str = "period") -> FiscalPeriod:
        """Parse a period code; InvalidArgument names `field_name` when it is malformed."""
        match = _CODE.match(code.strip()) if code else None
        if not match:
            raise InvalidArgument.of(
                field_name, f"'{code}' is not a fiscal period; use FY2027, FY2027-Q1 or FY2027-M03"
            )
        year = int(match["year"])
        if match["quarter"]:
            start, end = self._month_bounds(year, (int(match["quarter"]) - 1) * 3, 3)
        elif match["month"]:
            start, end = self._month_bounds(year, int(match["month"]) - 1, 1)
        else:
            start, end = self._month_bounds(year, 0, 12)
        return FiscalPeriod(match.group(0), start, end)

    def fiscal_year_of(self, instant: datetime) -> int:
        offset = (instant.month - self.start_month) % 12
        start_year, _ = _add_months(instant.year, instant.month, -offset)
        return start_year + (1 if self.start_month != 1 else 0)

    def periods_containing(
        self, instant: datetime
    ) -> tuple[FiscalPeriod, FiscalPeriod, FiscalPeriod]:
        """The fiscal year, quarter and month that contain `instant` (UTC)."""
        if instant.tzinfo is None:
            raise ValueError("instant must be timezone-aware (UTC)")
        year = self.fiscal_year_of(instant)
        month_index = (instant.month - self.start_month) % 12
        return (
            self.period(f"FY{year}"),
            self.period(f"FY{year}-Q{month_index // 3 + 1}"),
            self.period(f"FY{year}-M{month_index + 1:02d}"),
        )
