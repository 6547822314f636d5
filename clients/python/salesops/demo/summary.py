"""The demo's closing summary, read back from the gateway (never from what the demo counted).

Per region: revenue attainment of the region unit, commission payable, NPS,
training readiness and compliance violations; across regions: the top reps by
attainment from each region's dashboard. `format_summary` prints it as tables
with the URLs to look at next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salesops.client import Client


@dataclass(frozen=True)
class RegionFigures:
    region: str
    target_minor: int
    actual_minor: int
    percent_bp: int
    commission_minor: int
    nps_bp: int
    nps_responses: int
    readiness_bp: int
    training_completion_bp: int
    violations: int
    partial: tuple[str, ...]  # dashboard sections a service could not fill


@dataclass(frozen=True)
class TopRep:
    rep_id: str
    region: str
    percent_bp: int
    actual_minor: int


@dataclass(frozen=True)
class Summary:
    period: str
    currency: str
    regions: tuple[RegionFigures, ...]
    top_reps: tuple[TopRep, ...]


def _minor(money: Any) -> int:
    return int(money["amount_minor"]) if money else 0


def _revenue_line(lines: list[Any]) -> dict[str, Any]:
    for line in lines:
        if line["metric"] == "revenue" and not line.get("product_line"):
            return dict(line)
    return {}


def read_region(client: Client, region: str, unit_id: str, period: str) -> RegionFigures:
    """One region's figures for `period`, from planning, performance, customers and training."""
    attainment = _revenue_line(client.attainment.get(org_unit=unit_id, period=period)["lines"])
    commission = sum(
        _minor(statement.get("total"))
        for statement in client.commission_statements.list_all(region=region, period=period)
    )
    nps: dict[str, Any] = dict(client.nps.get(period=period, region=region)["total"])
    readiness: dict[str, Any] = dict(client.readiness.get(region=region).get("figures") or {})
    violations = sum(1 for _ in client.violations.list_all(region=region))
    dashboard = client.regions.region_dashboard(region, period=period)
    return RegionFigures(
        region=region,
        target_minor=_minor(attainment.get("target")),
        actual_minor=_minor(attainment.get("actual")),
        percent_bp=int(attainment.get("percent_bp", 0)),
        commission_minor=commission,
        nps_bp=int(nps.get("nps_bp", 0)),
        nps_responses=int(nps.get("nps_responses", 0)),
        readiness_bp=int(readiness.get("average_readiness_index_bp", 0)),
        training_completion_bp=int(readiness.get("completion_rate_bp", 0)),
        violations=violations,
        partial=tuple(dashboard.get("partial", ())),
    )


def read_top_reps(client: Client, regions: list[str], period: str, count: int = 5) -> list[TopRep]:
    """The best reps by revenue attainment across `regions` (each region's dashboard ranking)."""
    ranked: list[TopRep] = []
    for region in regions:
        performers = client.regions.region_dashboard(region, period=period).get("performers")
        for performer in performers["ranking"] if performers else []:
            ranked.append(
                TopRep(
                    performer["rep_id"],
                    region,
                    int(performer["percent_bp"]),
                    _minor(performer.get("actual")),
                )
            )
    ranked.sort(key=lambda rep: (-rep.percent_bp, rep.rep_id))
    return ranked[:count]


def read_summary(client: Client, units: dict[str, str], period: str, currency: str) -> Summary:
    """The whole summary; `units` maps each region to its region org unit's id."""
    regions = tuple(read_region(client, region, unit, period) for region, unit in units.items())
    return Summary(period, currency, regions, tuple(read_top_reps(client, list(units), period)))


def money(minor: int, currency: str) -> str:
    """12,500.00 EUR."""
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100:,}.{abs(minor) % 100:02d} {currency}"


def percent(bp: int) -> str:
    """Basis points as a percentage: 10,250 -> 102.5 %."""
    return f"{bp / 100:.1f} %"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    return [line(header), line(["-" * w for w in widths]), *(line(row) for row in rows)]


def format_summary(summary: Summary, base_url: str) -> str:
    """The summary as text: a table per topic and where to look next."""
    c = summary.currency
    lines = [f"Quarter {summary.period}, read back from the gateway", ""]
    lines += _table(
        [
            "region",
            "target",
            "actual",
            "attainment",
            "commission payable",
            "NPS",
            "answers",
            "readiness",
            "training done",
            "violations",
        ],
        [
            [
                r.region,
                money(r.target_minor, c),
                money(r.actual_minor, c),
                percent(r.percent_bp),
                money(r.commission_minor, c),
                f"{r.nps_bp / 100:+.0f}",
                str(r.nps_responses),
                percent(r.readiness_bp),
                percent(r.training_completion_bp),
                str(r.violations),
            ]
            for r in summary.regions
        ],
    )
    lines += ["", "Top reps by revenue attainment", ""]
    lines += _table(
        ["rep", "region", "attainment", "booked"],
        [
            [t.rep_id, t.region, percent(t.percent_bp), money(t.actual_minor, c)]
            for t in summary.top_reps
        ],
    )
    partial = [f"{r.region}: {', '.join(r.partial)}" for r in summary.regions if r.partial]
    if partial:
        lines += [
            "",
            "Incomplete dashboard sections (a service did not answer): " + "; ".join(partial),
        ]
    first = summary.regions[0].region if summary.regions else "EMEA"
    lines += [
        "",
        "Where to look next (any token of a manager or above in the region):",
        f"  dashboard  {base_url}/v1/regions/{first}/dashboard?period={summary.period}",
        f"  report     {base_url}/v1/regions/{first}/report?period={summary.period}&format=html",
        f"  a rep      {base_url}/v1/reps/<rep_id>/overview?period={summary.period}",
        f"  API docs   {base_url}/docs",
        f"  metrics    {base_url}/metrics",
        f"  token      .venv/bin/salesops token --subject me --roles director --regions {first}",
    ]
    return "\n".join(lines)
