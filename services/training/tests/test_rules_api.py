"""AssignmentRuleService over real gRPC (both databases): validation, scope, versions."""

from __future__ import annotations

import grpc
import pytest
from salesops.training.v1 import rules_pb2 as pb
from salesops.training.v1 import rules_pb2_grpc

from services.kit.db import Database
from services.planning.tests.test_plans_api import bad_fields, failure
from services.training.models.rules import AssignmentRuleRecord
from services.training.tests.rules_support import channel, db
from services.training.tests.training_support import (
    ADMIN,
    APAC_DIRECTOR,
    DIRECTOR,
    MANAGER_A,
    REP_1,
    add_course,
    add_path,
)

__all__ = ["channel", "db"]

GAP = pb.ASSIGNMENT_TRIGGER_GAP_DETECTED
HIRED = pb.ASSIGNMENT_TRIGGER_REP_HIRED


@pytest.fixture
def rules(channel: grpc.Channel) -> rules_pb2_grpc.AssignmentRuleServiceStub:
    return rules_pb2_grpc.AssignmentRuleServiceStub(channel)


def count(db: Database) -> int:
    with db.transaction() as session:
        return session.query(AssignmentRuleRecord).count()


def test_rules_are_validated_all_at_once_and_nothing_is_written(
    rules: rules_pb2_grpc.AssignmentRuleServiceStub, db: Database
) -> None:
    course = add_course(db, "NEG-101")
    path = add_path(db, "ONB-REP", items=[(course, True)])
    error = failure(
        lambda: rules.CreateAssignmentRule(
            pb.CreateAssignmentRuleRequest(
                rule=pb.AssignmentRuleInput(
                    name="", course_id=course, learning_path_id=path, due_in_days=-1
                )
            ),
            metadata=ADMIN,
        )
    )
    assert bad_fields(error) == [
        "rule.course_id",
        "rule.due_in_days",
        "rule.name",
        "rule.trigger",
    ]
    missing = failure(
        lambda: rules.CreateAssignmentRule(
            pb.CreateAssignmentRuleRequest(
                rule=pb.AssignmentRuleInput(name="Gaps", trigger=GAP, course_id="nope")
            ),
            metadata=ADMIN,
        )
    )
    assert bad_fields(missing) == ["rule.course_id"]
    nothing = failure(
        lambda: rules.CreateAssignmentRule(
            pb.CreateAssignmentRuleRequest(rule=pb.AssignmentRuleInput(name="Gaps", trigger=GAP)),
            metadata=ADMIN,
        )
    )
    assert bad_fields(nothing) == ["rule.learning_path_id"]
    assert count(db) == 0


def test_admins_and_directors_write_managers_read_reps_see_nothing(
    rules: rules_pb2_grpc.AssignmentRuleServiceStub, db: Database
) -> None:
    course = add_course(db, "NEG-101")
    everywhere = rules.CreateAssignmentRule(
        pb.CreateAssignmentRuleRequest(
            rule=pb.AssignmentRuleInput(
                name="Negotiation gaps",
                trigger=GAP,
                match=" Negotiation ",
                course_id=course,
                enabled=True,
            )
        ),
        metadata=ADMIN,
    ).rule
    assert (everywhere.match, everywhere.region, everywhere.version) == ("negotiation", "", 1)
    assert everywhere.audit.created_by == "admin"
    # A director may not write a rule of every region, nor of another region.
    for metadata, region in ((DIRECTOR, ""), (APAC_DIRECTOR, "EMEA"), (MANAGER_A, "EMEA")):
        denied = failure(
            lambda m=metadata, r=region: rules.CreateAssignmentRule(
                pb.CreateAssignmentRuleRequest(
                    rule=pb.AssignmentRuleInput(name="x", trigger=GAP, course_id=course, region=r)
                ),
                metadata=m,
            )
        )
        assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    emea = rules.CreateAssignmentRule(
        pb.CreateAssignmentRuleRequest(
            rule=pb.AssignmentRuleInput(
                name="EMEA onboarding", trigger=HIRED, course_id=course, region="emea"
            )
        ),
        metadata=DIRECTOR,
    ).rule
    assert emea.region == "EMEA" and not emea.enabled

    listed = rules.ListAssignmentRules(pb.ListAssignmentRulesRequest(), metadata=MANAGER_A)
    assert [r.rule_id for r in listed.rules] == [emea.rule_id, everywhere.rule_id]
    apac = rules.ListAssignmentRules(pb.ListAssignmentRulesRequest(), metadata=APAC_DIRECTOR)
    assert [r.rule_id for r in apac.rules] == [everywhere.rule_id]
    only_gaps = rules.ListAssignmentRules(
        pb.ListAssignmentRulesRequest(trigger=GAP, enabled_only=True), metadata=ADMIN
    )
    assert [r.rule_id for r in only_gaps.rules] == [everywhere.rule_id]
    assert rules.ListAssignmentRules(pb.ListAssignmentRulesRequest(), metadata=REP_1).rules == []
    hidden = failure(
        lambda: rules.GetAssignmentRule(
            pb.GetAssignmentRuleRequest(rule_id=emea.rule_id), metadata=APAC_DIRECTOR
        )
    )
    assert hidden.code() == grpc.StatusCode.NOT_FOUND
    assert (
        rules.GetAssignmentRule(
            pb.GetAssignmentRuleRequest(rule_id=emea.rule_id), metadata=MANAGER_A
        ).rule.name
        == "EMEA onboarding"
    )


def test_updates_keep_the_trigger_check_the_version_and_the_region(
    rules: rules_pb2_grpc.AssignmentRuleServiceStub, db: Database
) -> None:
    course = add_course(db, "NEG-101")
    created = rules.CreateAssignmentRule(
        pb.CreateAssignmentRuleRequest(
            rule=pb.AssignmentRuleInput(
                name="Gaps", trigger=GAP, course_id=course, region="EMEA", enabled=True
            )
        ),
        metadata=DIRECTOR,
    ).rule
    updated = rules.UpdateAssignmentRule(
        pb.UpdateAssignmentRuleRequest(
            rule_id=created.rule_id,
            rule=pb.AssignmentRuleInput(
                name="Gaps (off)",
                trigger=HIRED,
                course_id=course,
                region="EMEA",
                due_in_days=14,
                enabled=False,
            ),
            version=1,
        ),
        metadata=DIRECTOR,
    ).rule
    assert (updated.trigger, updated.enabled, updated.due_in_days, updated.version) == (
        GAP,
        False,
        14,
        2,
    )
    stale = failure(
        lambda: rules.UpdateAssignmentRule(
            pb.UpdateAssignmentRuleRequest(
                rule_id=created.rule_id,
                rule=pb.AssignmentRuleInput(name="x", course_id=course, region="EMEA"),
                version=1,
            ),
            metadata=DIRECTOR,
        )
    )
    assert stale.code() == grpc.StatusCode.ABORTED
    moved = failure(
        lambda: rules.UpdateAssignmentRule(
            pb.UpdateAssignmentRuleRequest(
                rule_id=created.rule_id,
                rule=pb.AssignmentRuleInput(name="x", course_id=course, region=""),
            ),
            metadata=DIRECTOR,
        )
    )
    assert moved.code() == grpc.StatusCode.PERMISSION_DENIED
    unknown = failure(
        lambda: rules.UpdateAssignmentRule(
            pb.UpdateAssignmentRuleRequest(
                rule_id=created.rule_id,
                rule=pb.AssignmentRuleInput(name="x", course_id=course, region="EMEA"),
            ),
            metadata=APAC_DIRECTOR,
        )
    )
    assert unknown.code() == grpc.StatusCode.NOT_FOUND
