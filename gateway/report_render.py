"""The region report as CSV and as a printable HTML page with inline SVG charts.

Both render a `RegionDashboard` (the report's data, `format=json`):

- **CSV** is one flat table, one figure per row, with a `section` column:
  `section, subject_id, subject_name, metric, measure, currency, value`.
  Money is in minor units (`currency` says which); rates are basis points.
  A section that could not be filled has one row with `measure` `status`
  and the reason; every section's status is listed first under `_status`.
  Text a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
  `@`, tab or carriage return) is prefixed with `'`.
- **HTML** is self-contained: inline CSS (with `@media print` for A4 pages),
  inline SVG bar charts of revenue attainment by unit and of the funnel, and
  a line chart of the monthly trend; no scripts, fonts or images from
  elsewhere. Every value is HTML-escaped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from html import escape
from typing import Any

from gateway.routes.attainment import AttainmentLine
from gateway.routes.contracts import Money
from gateway.routes.forecasts import RollUpFigures, RollUpLine
from gateway.routes.region_dashboard import RegionDashboard
from services.kit.money import money_text

CSV_COLUMNS = ("section", "subject_id", "subject_name", "metric", "measure", "currency", "value")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = tuple[str, str, str, str, str, str, Any]


def _cell(value: Any) -> Any:
    # Numbers stay numbers (a negative gap is not a formula); text that a
    # spreadsheet would evaluate is neutralised (CSV injection).
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _money_rows(section: str, sid: str, name: str, metric: str, measure: str, money: Any) -> Row:
    if money is None:
        return (section, sid, name, metric, measure, "", "")
    return (section, sid, name, metric, measure, money.currency, money.amount_minor)


def _line_rows(section: str, sid: str, name: str, line: AttainmentLine) -> Iterator[Row]:
    metric = f"{line.metric}:{line.product_line}" if line.product_line else line.metric
    if line.target is not None:
        yield _money_rows(section, sid, name, metric, "target", line.target)
        yield _money_rows(section, sid, name, metric, "actual", line.actual)
    else:
        yield (section, sid, name, metric, "target", "", line.target_quantity)
        yield (section, sid, name, metric, "actual", "", line.actual_quantity)
    yield (section, sid, name, metric, "percent_bp", "", line.percent_bp)
    yield (section, sid, name, metric, "pace_bp", "", line.pace_bp)
    yield (section, sid, name, metric, "status", "", line.status)


def _forecast_rows(line: RollUpLine) -> Iterator[Row]:
    sid = line.org_unit_id or line.rep_id
    yield _money_rows("forecast", sid, line.name, "revenue", "target", line.revenue_target)
    for figures in line.figures:
        forecast = figures.forecast
        yield _money_rows(
            "forecast", sid, line.name, "revenue", "commit", forecast and forecast.commit
        )
        yield _money_rows(
            "forecast", sid, line.name, "revenue", "best_case", forecast and forecast.best_case
        )
        yield _money_rows(
            "forecast", sid, line.name, "revenue", "weighted_pipeline", figures.weighted_pipeline
        )
        yield _money_rows("forecast", sid, line.name, "revenue", "closed_won", figures.closed_won)
        yield ("forecast", sid, line.name, "opportunities", "open", "", figures.open_opportunities)


def csv_rows(report: RegionDashboard) -> Iterator[Row]:
    """Every figure of the report as a row of CSV_COLUMNS (see the module docstring)."""
    for name, status in report.sections.items():
        yield ("_status", name, "", "", status.status, "", status.detail)
    for name, status in report.sections.items():
        if status.status != "ok":
            yield (name, "", "", "", "status", "", f"{status.status}: {status.detail}")
    if report.plan_vs_actual is not None:
        for unit in report.plan_vs_actual.units:
            for line in unit.lines:
                yield from _line_rows("plan_vs_actual", unit.unit_id, unit.name, line)
        for rep in report.plan_vs_actual.reps:
            for line in rep.lines:
                yield from _line_rows("plan_vs_actual", rep.rep_id, rep.rep_id, line)
    if report.performers is not None:
        for group in ("top", "bottom"):
            for performer in getattr(report.performers, group):
                sid = performer.rep_id
                yield ("performers", sid, sid, "revenue", f"{group}_rank", "", performer.rank)
                yield ("performers", sid, sid, "revenue", "percent_bp", "", performer.percent_bp)
    if report.funnel is not None:
        for step in report.funnel.steps:
            yield (
                "funnel",
                step.stage_id,
                step.name,
                report.funnel.pipeline_id,
                "reached",
                "",
                step.reached,
            )
            conversion = "" if step.conversion_to_next_bp is None else step.conversion_to_next_bp
            yield (
                "funnel",
                step.stage_id,
                step.name,
                report.funnel.pipeline_id,
                "conversion_to_next_bp",
                "",
                conversion,
            )
    if report.win_rate is not None:
        for rate in [report.win_rate.total, *report.win_rate.by_team]:
            for measure in ("won", "lost", "win_rate_bp"):
                yield ("win_rate", rate.key, rate.key, "deals", measure, "", getattr(rate, measure))
    if report.forecast is not None:
        for roll_up in report.forecast.units:
            for roll_up_line in [roll_up.total, *roll_up.children]:
                if roll_up_line is not None:
                    yield from _forecast_rows(roll_up_line)
    if report.overdue_cases is not None:
        yield ("overdue_cases", "", "", "cases", "count", "", report.overdue_cases.count)
        for case in report.overdue_cases.cases:
            due = case.due_time.isoformat() if case.due_time else ""
            yield ("overdue_cases", case.case_id, case.subject, "case", "due_time", "", due)
    if report.certification_coverage is not None:
        coverage = report.certification_coverage
        for covered in coverage.coverage:
            pl = covered.product_line
            yield (
                "certification_coverage",
                pl,
                pl,
                "reps",
                "certified",
                "",
                covered.certified_reps,
            )
            yield ("certification_coverage", pl, pl, "reps", "total", "", covered.reps)
            yield ("certification_coverage", pl, pl, "reps", "coverage_bp", "", covered.coverage_bp)
    if report.trend is not None:
        for month in report.trend.months:
            code = month.period_code
            yield ("trend", code, code, "deals", "won", "", month.won)
            for value in month.won_value:
                yield _money_rows("trend", code, code, "revenue", "won_value", value)


def render_csv(report: RegionDashboard) -> str:
    """The report as one flat CSV table with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


# --- HTML ------------------------------------------------------------------------------------

_CSS = """
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2733;
  margin: 24px auto; max-width: 1000px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px;
  border-bottom: 2px solid #1f5f99; padding-bottom: 2px; }
.meta { color: #5b6b7b; margin-bottom: 16px; }
.partial { border: 1px solid #c77700; background: #fff5e5; padding: 8px 12px; margin: 12px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border-bottom: 1px solid #d8dee4; padding: 4px 6px; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.missing { color: #8a5a00; font-style: italic; }
svg { display: block; margin: 8px 0; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: #1d2733; }
.bar { fill: #1f5f99; } .bar.behind { fill: #c0392b; }
.target { stroke: #333; stroke-dasharray: 4 3; }
.line { fill: none; stroke: #1f5f99; stroke-width: 2; } .dot { fill: #1f5f99; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { margin: 0; max-width: none; font-size: 11px; }
  h2 { break-after: avoid; } table, svg { break-inside: avoid; }
  .partial { background: none; }
}
"""


# Shown where a figure does not exist (no target, no forecast).
NONE = "\u2013"  # an en dash


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _money(money: Money | None) -> str:
    return money_text(money.currency, money.amount_minor) if money is not None else NONE


def _percent(bp: int | None) -> str:
    # Basis points shown as a percent with two decimals, by integer arithmetic.
    if bp is None:
        return NONE
    sign = "-" if bp < 0 else ""
    whole, hundredths = divmod(abs(bp), 100)
    return f"{sign}{whole}.{hundredths:02d} %"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    head = "".join(
        f'<th class="num">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_e(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    if not rows:
        body = f'<tr><td colspan="{len(headers)}" class="missing">nothing to show</td></tr>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bar_chart(title: str, bars: Sequence[tuple[str, int, bool]], reference: int | None) -> str:
    """A horizontal bar chart as inline SVG: (label, value, highlighted) per bar.

    `reference` draws a dashed line at that value (100 % of target, say);
    values below zero are drawn as zero-length bars.
    """
    if not bars:
        return ""
    label_width, bar_area, row = 180, 420, 22
    top = max([value for _, value, _ in bars] + [reference or 0, 1])
    height = row * len(bars) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_width + bar_area + 80}"'
        f' height="{height}" viewBox="0 0 {label_width + bar_area + 80} {height}">'
        f"<title>{_e(title)}</title>"
    ]
    for index, (label, value, highlighted) in enumerate(bars):
        y = 5 + index * row
        width = max(0, value) * bar_area // top
        css = "bar behind" if highlighted else "bar"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end">{_e(label[:30])}</text>'
            f'<rect class="{css}" x="{label_width}" y="{y + 2}" width="{width}" height="{row - 6}">'
            f"<title>{_e(label)}: {_e(value)}</title></rect>"
            f'<text x="{label_width + width + 4}" y="{y + 14}">{_e(value)}</text>'
        )
    if reference is not None:
        x = label_width + reference * bar_area // top
        parts.append(f'<line class="target" x1="{x}" y1="0" x2="{x}" y2="{height}"/>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, points: Sequence[tuple[str, int]], unit: str) -> str:
    """A line chart as inline SVG over labelled points, the y axis from 0 to the maximum."""
    if not points:
        return ""
    width, height, left, bottom, top_pad = 600, 220, 70, 30, 15
    plot_w, plot_h = width - left - 20, height - bottom - top_pad
    peak = max([value for _, value in points] + [1])
    step = plot_w // max(1, len(points) - 1)
    coords = [
        (
            left + (index * step if len(points) > 1 else plot_w // 2),
            top_pad + plot_h - max(0, value) * plot_h // peak,
        )
        for index, (_, value) in enumerate(points)
    ]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}"><title>{_e(title)}</title>',
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}"'
        ' stroke="#999"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end">{_e(unit)}</text>',
        '<polyline class="line" points="' + " ".join(f"{x},{y}" for x, y in coords) + '"/>',
    ]
    for (label, value), (x, y) in zip(points, coords, strict=True):
        parts.append(
            f'<circle class="dot" cx="{x}" cy="{y}" r="3"><title>{_e(label)}: {_e(value)}</title>'
            f'</circle><text x="{x}" y="{height - 10}" text-anchor="middle">{_e(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _missing(report: RegionDashboard, name: str) -> str:
    status = report.sections[name]
    return f'<p class="missing">Not available ({_e(status.status)}): {_e(status.detail)}</p>'


def _plan_html(report: RegionDashboard) -> str:
    plan = report.plan_vs_actual
    if plan is None:
        return _missing(report, "plan_vs_actual")
    rows, bars = [], []
    for unit in plan.units:
        for line in unit.lines:
            rows.append(_line_cells(unit.name, unit.kind, line))
            if line.metric == "revenue" and not line.product_line and line.target is not None:
                bars.append((unit.name, line.percent_bp // 100, line.status == "behind"))
    for rep in plan.reps:
        for line in rep.lines:
            rows.append(_line_cells(rep.rep_id, "rep", line))
    chart = bar_chart("Revenue attainment by unit (% of target)", bars, reference=100)
    headers = ("Unit or rep", "Kind", "Metric", "Target", "Actual", "Attained", "Status")
    return chart + _table(headers, rows, numeric={3, 4, 5})


def _line_cells(name: str, kind: str, line: AttainmentLine) -> list[str]:
    metric = f"{line.metric} ({line.product_line})" if line.product_line else line.metric
    if line.target is not None:
        target, actual = _money(line.target), _money(line.actual)
    else:
        target, actual = str(line.target_quantity), str(line.actual_quantity)
    return [name, kind, metric, target, actual, _percent(line.percent_bp), line.status]


def _performers_html(report: RegionDashboard) -> str:
    performers = report.performers
    if performers is None:
        return _missing(report, "performers")
    headers = ("Rank", "Rep", "Team", "Target", "Actual", "Attained")
    out = []
    for title, group in (("Top", performers.top), ("Bottom", performers.bottom)):
        rows = [
            [
                str(p.rank),
                p.rep_id,
                p.team_unit_id,
                _money(p.target),
                _money(p.actual),
                _percent(p.percent_bp),
            ]
            for p in group
        ]
        out.append(f"<h3>{_e(title)}</h3>" + _table(headers, rows, numeric={0, 3, 4, 5}))
    return "".join(out)


def _funnel_html(report: RegionDashboard) -> str:
    funnel = report.funnel
    if funnel is None:
        return _missing(report, "funnel")
    bars = [(step.name, step.reached, False) for step in funnel.steps]
    rows = [
        [step.name, str(step.reached), _percent(step.conversion_to_next_bp)]
        for step in funnel.steps
    ]
    return (
        f"<p>Pipeline {_e(funnel.pipeline_id)}: {_e(funnel.cohort)} deals created "
        "in the period.</p>"
        + bar_chart("Funnel: deals reaching each stage", bars, reference=None)
        + _table(("Stage", "Reached", "Converted to next"), rows, numeric={1, 2})
    )


def _win_rate_html(report: RegionDashboard) -> str:
    rates = report.win_rate
    if rates is None:
        return _missing(report, "win_rate")
    rows = [
        [rate.key or "Region", str(rate.won), str(rate.lost), _percent(rate.win_rate_bp)]
        for rate in [rates.total, *rates.by_team]
    ]
    return _table(("Team", "Won", "Lost", "Win rate"), rows, numeric={1, 2, 3})


def _forecast_html(report: RegionDashboard) -> str:
    forecast = report.forecast
    if forecast is None:
        return _missing(report, "forecast")
    rows = []
    for roll_up in forecast.units:
        for line in [roll_up.total, *roll_up.children]:
            if line is None:
                continue
            currencies: list[RollUpFigures | None] = list(line.figures) or [None]
            for figures in currencies:
                submitted = figures.forecast if figures else None
                rows.append(
                    [
                        line.name or line.org_unit_id or line.rep_id,
                        _money(line.revenue_target),
                        _money(submitted.commit if submitted else None),
                        _money(submitted.best_case if submitted else None),
                        _money(figures.weighted_pipeline if figures else None),
                        _money(figures.closed_won if figures else None),
                    ]
                )
    headers = ("Unit or rep", "Target", "Commit", "Best case", "Weighted pipeline", "Closed won")
    return _table(headers, rows, numeric={1, 2, 3, 4, 5})


def _cases_html(report: RegionDashboard) -> str:
    cases = report.overdue_cases
    if cases is None:
        return _missing(report, "overdue_cases")
    rows = [
        [
            c.case_id,
            c.subject,
            c.priority,
            c.status,
            c.assignee_id or "unassigned",
            c.due_time.isoformat() if c.due_time else "",
        ]
        for c in cases.cases
    ]
    headers = ("Case", "Subject", "Priority", "Status", "Assignee", "Due")
    return f"<p>{_e(cases.count)} overdue.</p>" + _table(headers, rows, numeric=set())


def _coverage_html(report: RegionDashboard) -> str:
    coverage = report.certification_coverage
    if coverage is None:
        return _missing(report, "certification_coverage")
    rows = [
        [c.product_line, str(c.certified_reps), str(c.reps), _percent(c.coverage_bp)]
        for c in coverage.coverage
    ]
    return _table(("Product line", "Certified reps", "Reps", "Coverage"), rows, numeric={1, 2, 3})


def _trend_html(report: RegionDashboard) -> str:
    trend = report.trend
    if trend is None:
        return _missing(report, "trend")
    currencies = sorted({m.currency for month in trend.months for m in month.won_value})
    charts = []
    for currency in currencies:
        points = [
            (
                month.period_code,
                sum(m.amount_minor for m in month.won_value if m.currency == currency),
            )
            for month in trend.months
        ]
        charts.append(line_chart(f"Won value per month ({currency})", points, f"{currency} minor"))
    rows = [
        [month.period_code, str(month.won), ", ".join(_money(m) for m in month.won_value) or NONE]
        for month in trend.months
    ]
    return "".join(charts) + _table(("Month", "Deals won", "Won value"), rows, numeric={1, 2})


_SECTIONS = (
    ("plan_vs_actual", "Plan versus actual", _plan_html),
    ("performers", "Top and bottom performers", _performers_html),
    ("funnel", "Funnel", _funnel_html),
    ("win_rate", "Win rate", _win_rate_html),
    ("forecast", "Forecast versus target", _forecast_html),
    ("trend", "Trend by month", _trend_html),
    ("overdue_cases", "Overdue service cases", _cases_html),
    ("certification_coverage", "Certification coverage", _coverage_html),
)


def render_html(report: RegionDashboard) -> str:
    """The report as one self-contained, printable HTML page."""
    title = f"Sales report {report.region} {report.period}"
    warning = ""
    if report.partial:
        items = "".join(
            f"<li>{_e(name)}: {_e(report.sections[name].status)}: "
            f"{_e(report.sections[name].detail)}</li>"
            for name in report.partial
        )
        warning = (
            '<div class="partial"><strong>Incomplete report.</strong> '
            f"These sections could not be filled:<ul>{items}</ul></div>"
        )
    body = "".join(
        f'<section id="{_e(name)}"><h2>{_e(heading)}</h2>{render(report)}</section>'
        for name, heading, render in _SECTIONS
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1>"
        f'<p class="meta">Region {_e(report.region)}, period {_e(report.period)}, generated '
        f"{_e(report.generated_at.isoformat(timespec='seconds'))}</p>"
        f"{warning}{body}</body></html>"
    )
