"""Bulk reads for a commission run, and the payable gauge's query.

A run covers up to every rep of a region at once, so each input is read in
one query for all the reps (grouped by rep in Python) rather than one query
per rep: the reps, their credits in the period (and the days the credits
reversed by them were credited), their revenue quotas, their existing
statements and the calculation each last stored, and the recoverable draw
each still owes. The per-rep reads of `fact_store` (`credits_for`,
`quota_for`) answer the same questions for one rep; these answer them for a
set of reps with the same rules (credited_on in [starts, ends); the most
recently allocated quota wins).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.db import Database
from services.performance.models.commissions import (
    CommissionLineRecord,
    CommissionStatementRecord,
    CommissionStatementVersionRecord,
)
from services.performance.models.facts import CreditRecord, QuotaRecord, RepRecord


@dataclass(frozen=True)
class RepRow:
    rep_id: str
    region: str
    team_id: str
    manager_id: str
    role: str
    status: str


# (credit_id, amount_minor, credited_on, kind, product_line, reverses_credit_id, currency):
# plain tuples, because a run reads a million of them.
CreditRow = tuple[str, int, date, str, str, str | None, str]


def _rep_filter(column: Any, region: str, rep_ids: Collection[str] | None) -> Any:
    """Rows of the given reps, or of every rep of `region` when `rep_ids` is None."""
    if rep_ids is not None:
        return column.in_(sorted(rep_ids))
    return column.in_(sa.select(RepRecord.rep_id).where(RepRecord.region == region))


def reps(session: Session, region: str, rep_ids: Collection[str] | None) -> list[RepRow]:
    """The reps of a run: the given ones, or every rep of `region`."""
    query = sa.select(
        RepRecord.rep_id,
        RepRecord.region,
        RepRecord.team_id,
        RepRecord.manager_id,
        RepRecord.role,
        RepRecord.status,
    )
    if rep_ids is not None:
        query = query.where(RepRecord.rep_id.in_(sorted(rep_ids)))
    else:
        query = query.where(RepRecord.region == region)
    return [RepRow(*row) for row in session.execute(query.order_by(RepRecord.rep_id))]


def _tuples(session: Session, query: sa.Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of `query` as plain tuples.

    On PostgreSQL straight from the driver's cursor: SQLAlchemy's result rows
    cost a few microseconds each, which over a run's million credits is
    seconds; psycopg returns typed values already. Elsewhere through
    SQLAlchemy, which converts SQLite's stored text to dates.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return [tuple(row) for row in session.execute(query)]
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    cursor = connection.connection.cursor()
    try:
        cursor.execute(compiled.string, compiled.construct_params())
        return list(cursor.fetchall())
    finally:
        cursor.close()


def credits_by_rep(
    session: Session,
    region: str,
    rep_ids: Collection[str] | None,
    starts_on: date,
    ends_on: date,
) -> dict[str, list[CreditRow]]:
    """Each rep's credits (direct, overlay, reversals) credited in [starts_on, ends_on)."""
    query = sa.select(
        CreditRecord.credit_id,
        CreditRecord.amount_minor,
        CreditRecord.credited_on,
        CreditRecord.kind,
        CreditRecord.product_line,
        CreditRecord.reverses_credit_id,
        CreditRecord.currency,
        CreditRecord.rep_id,
    ).where(
        CreditRecord.credited_on >= starts_on,
        CreditRecord.credited_on < ends_on,
        _rep_filter(CreditRecord.rep_id, region, rep_ids),
    )
    grouped: dict[str, list[CreditRow]] = defaultdict(list)
    for row in _tuples(session, query):
        grouped[row[7]].append(row[:7])
    return grouped


def credited_days(session: Session, credit_ids: Iterable[str]) -> dict[str, date]:
    """The day each of `credit_ids` was credited (to tell a clawback from a netting reversal)."""
    ids = sorted(set(credit_ids))
    days: dict[str, date] = {}
    for start in range(0, len(ids), 5000):
        for credit_id, day in session.execute(
            sa.select(CreditRecord.credit_id, CreditRecord.credited_on).where(
                CreditRecord.credit_id.in_(ids[start : start + 5000])
            )
        ):
            days[credit_id] = day
    return days


def revenue_quotas(
    session: Session, region: str, rep_ids: Collection[str] | None, period_code: str
) -> dict[str, tuple[int, str]]:
    """Each rep's revenue quota (all product lines) for the period: (amount, currency)."""
    query = (
        sa.select(QuotaRecord.rep_id, QuotaRecord.amount_minor, QuotaRecord.currency)
        .where(
            QuotaRecord.period_code == period_code,
            QuotaRecord.metric == "revenue",
            QuotaRecord.product_line == "",
            _rep_filter(QuotaRecord.rep_id, region, rep_ids),
        )
        .order_by(QuotaRecord.source_occurred_at, QuotaRecord.target_id.desc())
    )
    # Ascending, so the most recently allocated quota is written last and wins.
    return {rep_id: (amount, currency) for rep_id, amount, currency in session.execute(query)}


def statements_for(
    session: Session, region: str, rep_ids: Collection[str] | None, period_code: str
) -> dict[str, CommissionStatementRecord]:
    """The existing statements of the period, by rep (locked for the recalculation)."""
    query = (
        sa.select(CommissionStatementRecord)
        .where(
            CommissionStatementRecord.period_code == period_code,
            _rep_filter(CommissionStatementRecord.rep_id, region, rep_ids),
        )
        .with_for_update()
    )
    return {record.rep_id: record for record in session.scalars(query)}


def latest_computed(
    session: Session, statements: Iterable[CommissionStatementRecord]
) -> dict[str, list[tuple[str, int]]]:
    """Each statement's last stored calculation, by rule: statement id -> [(key, amount)]."""
    wanted = {s.statement_id: s.version for s in statements}
    out: dict[str, list[tuple[str, int]]] = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for statement_id, version, text in session.execute(
            sa.select(
                CommissionStatementVersionRecord.statement_id,
                CommissionStatementVersionRecord.version,
                CommissionStatementVersionRecord.computed_json,
            ).where(CommissionStatementVersionRecord.statement_id.in_(chunk))
        ):
            if version == wanted[statement_id]:
                out[statement_id] = [(str(k), int(a)) for k, a in json.loads(text)]
    return out


def last_sequences(session: Session, statement_ids: Collection[str]) -> dict[str, int]:
    """The highest line sequence of each statement."""
    ids = sorted(statement_ids)
    out: dict[str, int] = {}
    for start in range(0, len(ids), 5000):
        for statement_id, sequence in session.execute(
            sa.select(CommissionLineRecord.statement_id, sa.func.max(CommissionLineRecord.sequence))
            .where(CommissionLineRecord.statement_id.in_(ids[start : start + 5000]))
            .group_by(CommissionLineRecord.statement_id)
        ):
            out[statement_id] = int(sequence or 0)
    return out


def draw_balances(
    session: Session, region: str, rep_ids: Collection[str] | None, before: date
) -> dict[str, int]:
    """The recoverable draw each rep still owes after their latest period ending by `before`."""
    query = (
        sa.select(
            CommissionStatementRecord.rep_id,
            CommissionStatementRecord.draw_balance_minor,
        )
        .where(
            CommissionStatementRecord.period_ends_on <= before,
            _rep_filter(CommissionStatementRecord.rep_id, region, rep_ids),
        )
        .order_by(CommissionStatementRecord.period_ends_on)
    )
    return {rep_id: balance for rep_id, balance in session.execute(query)}


def bulk_insert(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table` in the session's transaction.

    On PostgreSQL with COPY: psycopg's executemany sends one INSERT per row,
    which for a run's tens of thousands of lines is most of its time; COPY
    streams them in one command. Elsewhere an executemany. Values must be
    what the columns store (aware UTC datetimes, dates, ints, text).
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    statement = "COPY {} ({}) FROM STDIN".format(
        table.name, ", ".join(f'"{name}"' for name in columns)
    )
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])
    except psycopg.IntegrityError as exc:
        # As SQLAlchemy reports it for an INSERT, so callers handle one kind of conflict.
        raise sa.exc.IntegrityError(statement, None, exc) from exc
    finally:
        cursor.close()


def payable_by_region(db: Database) -> list[tuple[tuple[str, str], float]]:
    """Σ statement totals by (region, currency): the commission payable gauge's samples."""
    with db.transaction() as session:
        rows = session.execute(
            sa.select(
                CommissionStatementRecord.region,
                CommissionStatementRecord.currency,
                sa.func.sum(CommissionStatementRecord.total_minor),
            ).group_by(CommissionStatementRecord.region, CommissionStatementRecord.currency)
        ).all()
    return [((region, currency), float(total or 0)) for region, currency, total in rows]
