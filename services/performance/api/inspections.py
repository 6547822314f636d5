"""InspectionService: compliance inspection runs, region rules, violations and reports.

The rules and the run are in `domain.inspections` and
`models.inspections.run_inspection` (the worker's daily timer runs the same
code, `handlers/inspections_timer.py`). Who does what:

- a director (or admin) of the region runs an inspection and sets its rules;
- a director of the region dismisses a violation, with a reason;
- violations are read as rewards and penalties are (`api.incentives.scope_of`):
  a rep their own, a manager their team's, directors, executives and admins
  their regions'; the report counts only what the caller sees;
- runs are region-level records: managers and above of the region read them,
  a rep does not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.performance.v1 import inspections_pb2 as pb
from salesops.performance.v1 import inspections_pb2_grpc
from sqlalchemy.orm import Session

from services.kit import metrics
from services.kit.concurrency import check_expected_version
from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.errors import InvalidArgument, NotFound, PermissionDenied, Validator
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller, current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import timestamp
from services.kit.records import load_visible, where_equal
from services.performance.api.incentives import restrict_to_scope, scope_of
from services.performance.domain import inspections as domain
from services.performance.domain.inspections import (
    RuleCode,
    RuleSettings,
    Severity,
    StatusCount,
    Trigger,
    ViolationKind,
    ViolationStatus,
)
from services.performance.models.inspections import (
    InspectionRecord,
    InspectionRuleRecord,
    ViolationRecord,
    region_rules,
    run_inspection,
)

RULE_TO_PROTO = {
    RuleCode.STALE_OPPORTUNITY: pb.INSPECTION_RULE_CODE_STALE_OPPORTUNITY,
    RuleCode.LEAD_SLA_BREACH: pb.INSPECTION_RULE_CODE_LEAD_SLA_BREACH,
    RuleCode.DISCOUNT_ABOVE_AUTHORITY: pb.INSPECTION_RULE_CODE_DISCOUNT_ABOVE_AUTHORITY,
    RuleCode.WON_WITHOUT_CONTRACT: pb.INSPECTION_RULE_CODE_WON_WITHOUT_CONTRACT,
}
RULE_FROM_PROTO = {value: key for key, value in RULE_TO_PROTO.items()}
SEVERITY_TO_PROTO = {
    Severity.LOW: pb.VIOLATION_SEVERITY_LOW,
    Severity.MEDIUM: pb.VIOLATION_SEVERITY_MEDIUM,
    Severity.HIGH: pb.VIOLATION_SEVERITY_HIGH,
}
SEVERITY_FROM_PROTO = {value: key for key, value in SEVERITY_TO_PROTO.items()}
KIND_TO_PROTO = {
    ViolationKind.CONDUCT: pb.VIOLATION_KIND_CONDUCT,
    ViolationKind.PROCESS: pb.VIOLATION_KIND_PROCESS,
}
STATUS_TO_PROTO = {
    ViolationStatus.OPEN: pb.VIOLATION_STATUS_OPEN,
    ViolationStatus.DISMISSED: pb.VIOLATION_STATUS_DISMISSED,
    ViolationStatus.PENALISED: pb.VIOLATION_STATUS_PENALISED,
}
STATUS_FROM_PROTO = {value: key for key, value in STATUS_TO_PROTO.items()}
TRIGGER_TO_PROTO = {
    Trigger.ON_DEMAND: pb.INSPECTION_TRIGGER_ON_DEMAND,
    Trigger.SCHEDULED: pb.INSPECTION_TRIGGER_SCHEDULED,
}
TRIGGER_FROM_PROTO = {value: key for key, value in TRIGGER_TO_PROTO.items()}
# Who runs inspections and sets their rules in a region.
INSPECTOR_ROLES = frozenset({"director", "admin"})


def inspection_to_proto(record: InspectionRecord) -> pb.Inspection:
    return pb.Inspection(
        inspection_id=record.inspection_id,
        region=record.region,
        period_code=record.period_code,
        trigger=TRIGGER_TO_PROTO[Trigger(record.trigger)],
        as_of_time=timestamp(record.as_of),
        outcomes=[
            pb.RuleOutcome(
                rule=RULE_TO_PROTO[RuleCode(item["rule"])],
                findings=item["findings"],
                recorded=item["recorded"],
            )
            for item in json.loads(record.outcomes)
        ],
        findings=record.findings,
        recorded=record.recorded,
        started_by=record.started_by,
        create_time=timestamp(record.created_at),
    )


def violation_to_proto(record: ViolationRecord) -> pb.Violation:
    return pb.Violation(
        violation_id=record.violation_id,
        rule=RULE_TO_PROTO[RuleCode(record.rule)],
        kind=KIND_TO_PROTO[ViolationKind(record.kind)],
        severity=SEVERITY_TO_PROTO[Severity(record.severity)],
        region=record.region,
        period_code=record.period_code,
        rep_id=record.rep_id,
        team_id=record.team_id,
        subject_id=record.subject_id,
        summary=record.summary,
        evidence=[
            pb.EvidenceItem(
                source=item.source,
                record_id=item.record_id,
                event_id=item.event_id,
                figures=list(item.figures),
            )
            for item in record.evidence_items()
        ],
        status=STATUS_TO_PROTO[ViolationStatus(record.status)],
        dismissal_reason=record.dismissal_reason,
        penalty_id=record.penalty_id,
        inspection_id=record.inspection_id,
        decided_by=record.decided_by,
        decided_time=timestamp(record.decided_at),
        create_time=timestamp(record.created_at),
        version=record.version,
    )


def rule_to_proto(
    settings: RuleSettings, region: str, row: InspectionRuleRecord | None
) -> pb.InspectionRule:
    return pb.InspectionRule(
        rule=RULE_TO_PROTO[settings.rule],
        region=region,
        enabled=settings.enabled,
        severity=SEVERITY_TO_PROTO[settings.severity],
        kind=KIND_TO_PROTO[settings.kind],
        stale_days=settings.stale_days if settings.rule is RuleCode.STALE_OPPORTUNITY else 0,
        authorities=(
            [
                pb.RoleAuthority(role=role, max_discount_bp=bp or 0, unlimited=bp is None)
                for role, bp in sorted(settings.authorities.items())
            ]
            if settings.rule is RuleCode.DISCOUNT_ABOVE_AUTHORITY
            else []
        ),
        configured=settings.configured,
        updated_by=row.updated_by if row else "",
        update_time=timestamp(row.updated_at) if row else None,
    )


def count_to_proto(count: StatusCount) -> pb.ViolationCount:
    return pb.ViolationCount(
        key=count.key,
        total=count.total,
        open=count.open,
        dismissed=count.dismissed,
        penalised=count.penalised,
    )


def _require_inspector(caller: Caller, region: str) -> None:
    caller.require_writer(region)
    if not caller.roles & INSPECTOR_ROLES:
        raise PermissionDenied("only a director or an admin of the region runs inspections")


def _region(v: Validator, value: str) -> str:
    region = value.strip().upper()
    v.require("region", region, 32)
    return region


def _rules(v: Validator, values: Iterable[int]) -> list[RuleCode]:
    rules: list[RuleCode] = []
    for index, value in enumerate(values):
        rule = RULE_FROM_PROTO.get(pb.InspectionRuleCode.ValueType(value))
        if rule is None:
            v.add(f"rules[{index}]", "is not an inspection rule")
        elif rule not in rules:
            rules.append(rule)
    return rules


def _runs_visible(caller: Caller) -> bool:
    """Runs are region-level: managers and above of the region read them, a rep does not."""
    caller.require_reader()
    return not caller.own_records_only


class InspectionServicer(inspections_pb2_grpc.InspectionServiceServicer):
    """Inspections, their rules, violations and reports."""

    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or FiscalCalendar(Settings.from_env().fiscal_year_start_month)

    def _period(self, v: Validator, code: str, *, required: bool) -> FiscalPeriod | None:
        if not code.strip():
            if required:
                v.add("period_code", "is required")
            return None
        try:
            return self.calendar.period(code, "period_code")
        except InvalidArgument as error:
            v.violations.extend(error.violations)
            return None

    def RunInspection(
        self, request: pb.RunInspectionRequest, context: grpc.ServicerContext
    ) -> pb.RunInspectionResponse:
        caller = current_caller()
        v = Validator()
        region = _region(v, request.region)
        period = self._period(v, request.period_code, required=True)
        rules = _rules(v, request.rules)
        v.raise_if_any()
        assert period is not None
        _require_inspector(caller, region)
        with self.db.transaction() as session:
            result = run_inspection(
                session,
                region=region,
                period=period,
                rules=rules,
                trigger=Trigger.ON_DEMAND,
                started_by=caller.subject,
                now=utcnow(),
                caller=caller,
            )
            return pb.RunInspectionResponse(
                inspection=inspection_to_proto(result.inspection),
                recorded=[violation_to_proto(r) for r in result.recorded],
            )

    def GetInspection(
        self, request: pb.GetInspectionRequest, context: grpc.ServicerContext
    ) -> pb.GetInspectionResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            visible = _runs_visible(caller)
            record = load_visible(
                session,
                InspectionRecord,
                request.inspection_id,
                kind="inspection",
                field_name="inspection_id",
                visible=lambda r: visible and caller.can_read(r.region),
            )
            query = restrict_to_scope(
                sa.select(ViolationRecord).where(
                    ViolationRecord.inspection_id == record.inspection_id
                ),
                scope_of(session, caller),
                ViolationRecord.region,
                ViolationRecord.rep_id,
                "",
            ).order_by(ViolationRecord.rule, ViolationRecord.subject_id)
            return pb.GetInspectionResponse(
                inspection=inspection_to_proto(record),
                recorded=[violation_to_proto(r) for r in session.scalars(query)],
            )

    def ListInspections(
        self, request: pb.ListInspectionsRequest, context: grpc.ServicerContext
    ) -> pb.ListInspectionsResponse:
        caller = current_caller()
        v = Validator()
        period = self._period(v, request.period_code, required=False)
        trigger = TRIGGER_FROM_PROTO.get(request.trigger) if request.trigger else None
        if request.trigger and trigger is None:
            v.add("trigger", "is not on_demand or scheduled")
        v.raise_if_any()
        region = request.region.strip().upper()
        regions = caller.readable_regions(region)
        period_code = period.code if period else ""
        query = where_equal(
            sa.select(InspectionRecord),
            [
                (InspectionRecord.period_code, period_code),
                (InspectionRecord.trigger, trigger.value if trigger else ""),
            ],
        )
        if regions is not None:
            query = query.where(InspectionRecord.region.in_(sorted(regions)))
        if not _runs_visible(caller):
            query = query.where(sa.false())
        with self.db.transaction() as session:
            records, next_token = keyset_page(
                session,
                query,
                created=InspectionRecord.created_at,
                key=InspectionRecord.inspection_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "region": region,
                    "period": period_code,
                    "trigger": trigger.value if trigger else "",
                },
                cursor_of=lambda r: Cursor(r.created_at, r.inspection_id),
            )
            return pb.ListInspectionsResponse(
                inspections=[inspection_to_proto(r) for r in records],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def ListInspectionRules(
        self, request: pb.ListInspectionRulesRequest, context: grpc.ServicerContext
    ) -> pb.ListInspectionRulesResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        region = _region(v, request.region)
        v.raise_if_any()
        if not caller.has_region(region):
            raise NotFound("region", region)
        with self.db.transaction() as session:
            return pb.ListInspectionRulesResponse(rules=self._rules_of(session, region))

    def _rules_of(self, session: Session, region: str) -> list[pb.InspectionRule]:
        rows = {
            row.rule: row
            for row in session.scalars(
                sa.select(InspectionRuleRecord).where(InspectionRuleRecord.region == region)
            )
        }
        return [
            rule_to_proto(settings, region, rows.get(settings.rule.value))
            for settings in region_rules(session, region)
        ]

    def SetInspectionRule(
        self, request: pb.SetInspectionRuleRequest, context: grpc.ServicerContext
    ) -> pb.SetInspectionRuleResponse:
        caller = current_caller()
        v = Validator()
        region = _region(v, request.region)
        severity = SEVERITY_FROM_PROTO.get(request.severity) if request.severity else None
        if request.severity and severity is None:
            v.add("severity", "is not low, medium or high")
        v.raise_if_any()
        settings = domain.check_settings(
            RULE_FROM_PROTO.get(request.rule),
            enabled=request.enabled,
            severity=severity,
            stale_days=request.stale_days,
            authorities=[(a.role, a.max_discount_bp, a.unlimited) for a in request.authorities],
        )
        _require_inspector(caller, region)
        now = utcnow()
        with self.db.transaction() as session:
            row = session.get(
                InspectionRuleRecord, (region, settings.rule.value), with_for_update=True
            )
            # A rule's settings keep no version, so no If-Match can name one.
            check_expected_version(None, f"inspection-rules/{region}/{settings.rule.value}")
            if row is None:
                row = InspectionRuleRecord(region=region, rule=settings.rule.value)
                session.add(row)
            row.enabled = settings.enabled
            row.severity = settings.severity.value
            row.stale_days = settings.stale_days
            row.authorities = json.dumps(dict(settings.authorities), sort_keys=True)
            row.updated_by = caller.subject
            row.updated_at = now
            session.flush()
            return pb.SetInspectionRuleResponse(rule=rule_to_proto(row.settings(), region, row))

    def _load_violation(
        self, session: Session, caller: Caller, violation_id: str, *, for_update: bool
    ) -> ViolationRecord:
        scope = scope_of(session, caller)
        return load_visible(
            session,
            ViolationRecord,
            violation_id,
            kind="violation",
            field_name="violation_id",
            visible=lambda r: scope.sees(r.region, r.rep_id),
            for_update=for_update,
        )

    def GetViolation(
        self, request: pb.GetViolationRequest, context: grpc.ServicerContext
    ) -> pb.GetViolationResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            record = self._load_violation(session, caller, request.violation_id, for_update=False)
            return pb.GetViolationResponse(violation=violation_to_proto(record))

    def ListViolations(
        self, request: pb.ListViolationsRequest, context: grpc.ServicerContext
    ) -> pb.ListViolationsResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        period = self._period(v, request.period_code, required=False)
        rule = RULE_FROM_PROTO.get(request.rule) if request.rule else None
        if request.rule and rule is None:
            v.add("rule", "is not an inspection rule")
        status = STATUS_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            v.add("status", "is not a violation status")
        v.raise_if_any()
        region = request.region.strip().upper()
        rep_id = request.rep_id.strip()
        inspection_id = request.inspection_id.strip()
        period_code = period.code if period else ""
        query = where_equal(
            sa.select(ViolationRecord),
            [
                (ViolationRecord.period_code, period_code),
                (ViolationRecord.rule, rule.value if rule else ""),
                (ViolationRecord.status, status.value if status else ""),
                (ViolationRecord.rep_id, rep_id),
                (ViolationRecord.inspection_id, inspection_id),
            ],
        )
        with self.db.transaction() as session:
            query = restrict_to_scope(
                query,
                scope_of(session, caller),
                ViolationRecord.region,
                ViolationRecord.rep_id,
                region,
            )
            records, next_token = keyset_page(
                session,
                query,
                created=ViolationRecord.created_at,
                key=ViolationRecord.violation_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "region": region,
                    "period": period_code,
                    "rule": rule.value if rule else "",
                    "status": status.value if status else "",
                    "rep_id": rep_id,
                    "inspection_id": inspection_id,
                },
                cursor_of=lambda r: Cursor(r.created_at, r.violation_id),
            )
            return pb.ListViolationsResponse(
                violations=[violation_to_proto(r) for r in records],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def DismissViolation(
        self, request: pb.DismissViolationRequest, context: grpc.ServicerContext
    ) -> pb.DismissViolationResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            record = self._load_violation(session, caller, request.violation_id, for_update=True)
            caller.require_writer(record.region)
            if "director" not in caller.roles:
                raise PermissionDenied("only a director of the region dismisses a violation")
            reason = domain.check_dismissal(
                record.violation_id, ViolationStatus(record.status), request.reason
            )
            record.status = ViolationStatus.DISMISSED.value
            record.dismissal_reason = reason
            record.decided_by = caller.subject
            record.decided_at = now
            record.updated_at = now
            record.version += 1
            session.flush()
            return pb.DismissViolationResponse(violation=violation_to_proto(record))

    def GetInspectionReport(
        self, request: pb.GetInspectionReportRequest, context: grpc.ServicerContext
    ) -> pb.GetInspectionReportResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        region = _region(v, request.region)
        period = self._period(v, request.period_code, required=True)
        v.raise_if_any()
        assert period is not None
        if not caller.has_region(region):
            raise NotFound("region", region)
        with self.db.transaction() as session:
            query = restrict_to_scope(
                sa.select(ViolationRecord).where(ViolationRecord.period_code == period.code),
                scope_of(session, caller),
                ViolationRecord.region,
                ViolationRecord.rep_id,
                region,
            )
            violations = list(session.scalars(query))
            runs = (
                list(
                    session.scalars(
                        sa.select(InspectionRecord)
                        .where(
                            InspectionRecord.region == region,
                            InspectionRecord.period_code == period.code,
                        )
                        .order_by(
                            InspectionRecord.created_at.desc(),
                            InspectionRecord.inspection_id.desc(),
                        )
                    )
                )
                if _runs_visible(caller)
                else []
            )
        statuses = [ViolationStatus(r.status) for r in violations]
        [totals] = domain.count_by(("", s) for s in statuses) or [domain.StatusCount("")]
        return pb.GetInspectionReportResponse(
            region=region,
            period_code=period.code,
            totals=count_to_proto(totals),
            by_rule=[
                count_to_proto(c)
                for c in domain.count_by(
                    (r.rule, s) for r, s in zip(violations, statuses, strict=True)
                )
            ],
            by_rep=[
                count_to_proto(c)
                for c in domain.count_by(
                    (r.rep_id, s) for r, s in zip(violations, statuses, strict=True)
                )
            ],
            by_team=[
                count_to_proto(c)
                for c in domain.count_by(
                    (r.team_id, s) for r, s in zip(violations, statuses, strict=True)
                )
            ],
            inspections=[inspection_to_proto(r) for r in runs],
        )


def _open_violations(db: Database) -> Iterable[tuple[tuple[str, ...], float]]:
    with db.transaction() as session:
        rows = session.execute(
            sa.select(ViolationRecord.region, ViolationRecord.rule, sa.func.count())
            .where(ViolationRecord.status == ViolationStatus.OPEN.value)
            .group_by(ViolationRecord.region, ViolationRecord.rule)
        )
        return [((region, rule), float(n)) for region, rule, n in rows]


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the InspectionService to `server`; return its full name."""
    inspections_pb2_grpc.add_InspectionServiceServicer_to_server(InspectionServicer(db), server)
    metrics.register_query_gauge(
        "salesops_violations_open",
        "Compliance violations recorded by inspections and neither dismissed nor penalised, "
        "by region and rule.",
        ["region", "rule"],
        lambda: _open_violations(db),
    )
    return [pb.DESCRIPTOR.services_by_name["InspectionService"].full_name]
