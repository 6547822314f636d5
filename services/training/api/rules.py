"""AssignmentRuleService: the rules that assign training from planning's and performance's events.

Admins, and directors of the rule's region, write rules (a rule of every
region, region "", needs a caller of every region); managers and above of
the region read them; a rep does not. The worker applies them
(`handlers/assignment_rules.py`); `domain.rules` says what a match means.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.training.v1 import rules_pb2 as pb
from salesops.training.v1 import rules_pb2_grpc
from sqlalchemy.orm import Session

from services.kit.db import Database, utcnow
from services.kit.errors import Aborted, InvalidArgument, PermissionDenied, Validator
from services.kit.identity import ALL_REGIONS, Caller, current_caller
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info
from services.kit.records import load_visible
from services.training.domain import rules as domain
from services.training.domain.rules import RuleInput, Trigger
from services.training.models.catalog import LearningPathRecord
from services.training.models.core import CourseRecord
from services.training.models.rules import AssignmentRuleRecord

TRIGGER_TO_PROTO = {
    Trigger.REP_HIRED: pb.ASSIGNMENT_TRIGGER_REP_HIRED,
    Trigger.GAP_DETECTED: pb.ASSIGNMENT_TRIGGER_GAP_DETECTED,
    Trigger.VIOLATION_RECORDED: pb.ASSIGNMENT_TRIGGER_VIOLATION_RECORDED,
    Trigger.CERTIFICATION_EXPIRING: pb.ASSIGNMENT_TRIGGER_CERTIFICATION_EXPIRING,
}
TRIGGER_FROM_PROTO = {value: key for key, value in TRIGGER_TO_PROTO.items()}
# Who writes rules (in their regions).
RULE_WRITER_ROLES = frozenset({"director", "admin"})


def rule_to_proto(record: AssignmentRuleRecord) -> pb.AssignmentRule:
    return pb.AssignmentRule(
        rule_id=record.rule_id,
        name=record.name,
        trigger=TRIGGER_TO_PROTO[Trigger(record.trigger)],
        match=record.match,
        learning_path_id=record.learning_path_id,
        course_id=record.course_id,
        due_in_days=record.due_in_days,
        region=record.region,
        enabled=record.enabled,
        audit=audit_info(
            record.created_at, record.created_by, record.updated_at, record.updated_by
        ),
        version=record.version,
    )


def _input(message: pb.AssignmentRuleInput, trigger: int) -> RuleInput:
    return RuleInput(
        name=message.name,
        trigger=TRIGGER_FROM_PROTO.get(pb.AssignmentTrigger.ValueType(trigger)),
        match=message.match,
        learning_path_id=message.learning_path_id,
        course_id=message.course_id,
        due_in_days=message.due_in_days,
        region=message.region,
        enabled=message.enabled,
    )


def _require_rule_writer(caller: Caller, region: str) -> None:
    # A rule of every region ("") needs a caller of every region.
    caller.require_writer(region or ALL_REGIONS)
    if not caller.roles & RULE_WRITER_ROLES:
        raise PermissionDenied("only an admin or a director of the region writes assignment rules")


def _readable(caller: Caller, record: AssignmentRuleRecord) -> bool:
    caller.require_reader()
    if caller.own_records_only:
        return False
    return not record.region or caller.has_region(record.region)


def _check_targets(session: Session, rule: RuleInput) -> None:
    """The path or course a rule names exists and is active (InvalidArgument naming the field)."""
    v = Validator()
    if rule.learning_path_id:
        path = session.get(LearningPathRecord, rule.learning_path_id)
        v.check(
            path is not None and path.status == "active",
            "rule.learning_path_id",
            "is not an active learning path",
        )
    if rule.course_id:
        course = session.get(CourseRecord, rule.course_id)
        v.check(
            course is not None and course.status == "active",
            "rule.course_id",
            "is not an active course",
        )
    v.raise_if_any()


class AssignmentRuleServicer(rules_pb2_grpc.AssignmentRuleServiceServicer):
    """Assignment rules: create, read, list, update."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def CreateAssignmentRule(
        self, request: pb.CreateAssignmentRuleRequest, context: grpc.ServicerContext
    ) -> pb.CreateAssignmentRuleResponse:
        caller = current_caller()
        rule = domain.check_rule(_input(request.rule, request.rule.trigger))
        _require_rule_writer(caller, rule.region)
        assert rule.trigger is not None
        now = utcnow()
        with self.db.transaction() as session:
            _check_targets(session, rule)
            record = AssignmentRuleRecord(
                rule_id=str(uuid.uuid4()),
                name=rule.name,
                trigger=rule.trigger.value,
                match=rule.match,
                learning_path_id=rule.learning_path_id,
                course_id=rule.course_id,
                due_in_days=rule.due_in_days,
                region=rule.region,
                enabled=rule.enabled,
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(record)
            session.flush()
            return pb.CreateAssignmentRuleResponse(rule=rule_to_proto(record))

    def GetAssignmentRule(
        self, request: pb.GetAssignmentRuleRequest, context: grpc.ServicerContext
    ) -> pb.GetAssignmentRuleResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            record = load_visible(
                session,
                AssignmentRuleRecord,
                request.rule_id,
                kind="assignment rule",
                field_name="rule_id",
                visible=lambda r: _readable(caller, r),
            )
            return pb.GetAssignmentRuleResponse(rule=rule_to_proto(record))

    def ListAssignmentRules(
        self, request: pb.ListAssignmentRulesRequest, context: grpc.ServicerContext
    ) -> pb.ListAssignmentRulesResponse:
        caller = current_caller()
        caller.require_reader()
        trigger = TRIGGER_FROM_PROTO.get(request.trigger) if request.trigger else None
        if request.trigger and trigger is None:
            raise InvalidArgument.of("trigger", "is not an assignment trigger")
        region = request.region.strip().upper()
        query = sa.select(AssignmentRuleRecord)
        if trigger is not None:
            query = query.where(AssignmentRuleRecord.trigger == trigger.value)
        if request.enabled_only:
            query = query.where(AssignmentRuleRecord.enabled.is_(True))
        regions = caller.readable_regions(region)
        if regions is not None:
            # Rules of every region ("") apply in each of the caller's regions.
            query = query.where(AssignmentRuleRecord.region.in_(["", *sorted(regions)]))
        if caller.own_records_only:
            query = query.where(sa.false())
        with self.db.transaction() as session:
            records, next_token = keyset_page(
                session,
                query,
                created=AssignmentRuleRecord.created_at,
                key=AssignmentRuleRecord.rule_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "trigger": trigger.value if trigger else "",
                    "region": region,
                    "enabled_only": str(request.enabled_only),
                },
                cursor_of=lambda r: Cursor(r.created_at, r.rule_id),
            )
            return pb.ListAssignmentRulesResponse(
                rules=[rule_to_proto(r) for r in records],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def UpdateAssignmentRule(
        self, request: pb.UpdateAssignmentRuleRequest, context: grpc.ServicerContext
    ) -> pb.UpdateAssignmentRuleResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            record = load_visible(
                session,
                AssignmentRuleRecord,
                request.rule_id,
                kind="assignment rule",
                field_name="rule_id",
                visible=lambda r: _readable(caller, r),
                for_update=True,
            )
            trigger = TRIGGER_TO_PROTO[Trigger(record.trigger)]
            rule = domain.check_rule(_input(request.rule, trigger))
            # Both the region it was in and the one it moves to must be the caller's.
            _require_rule_writer(caller, record.region)
            _require_rule_writer(caller, rule.region)
            if request.version and request.version != record.version:
                raise Aborted(
                    f"assignment rule {record.rule_id} is at version {record.version}, "
                    f"not {request.version}: read it again"
                )
            _check_targets(session, rule)
            record.name = rule.name
            record.match = rule.match
            record.learning_path_id = rule.learning_path_id
            record.course_id = rule.course_id
            record.due_in_days = rule.due_in_days
            record.region = rule.region
            record.enabled = rule.enabled
            record.updated_at = utcnow()
            record.updated_by = caller.subject
            record.version += 1
            session.flush()
            return pb.UpdateAssignmentRuleResponse(rule=rule_to_proto(record))


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the AssignmentRuleService to `server`; return its full name."""
    rules_pb2_grpc.add_AssignmentRuleServiceServicer_to_server(AssignmentRuleServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["AssignmentRuleService"].full_name]
