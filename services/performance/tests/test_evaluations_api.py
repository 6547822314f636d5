"""Evaluations over gRPC: the status machine, who may do what, calibration and appeals."""

from __future__ import annotations

import grpc
import pytest
from salesops.performance.v1 import evaluations_pb2 as pb
from salesops.performance.v1 import evaluations_pb2_grpc, scorecards_pb2, scorecards_pb2_grpc

from services.kit.db import Database
from services.kit.errors import FailedPrecondition
from services.performance.domain.evaluations import EvaluationStatus, require_transition
from services.performance.tests.scorecards_support import (
    APAC_DIRECTOR,
    CLOSED,
    DIRECTOR,
    MANAGER_A,
    MANAGER_B,
    REP_1,
    REP_2,
    add_fact,
    bad_fields,
    channel,
    db,
    define_set,
    failure,
    kpi,
    rule_types,
)

__all__ = ["channel", "db"]


@pytest.fixture
def stub(channel: grpc.Channel, db: Database) -> evaluations_pb2_grpc.EvaluationServiceStub:
    define_set(db, [kpi("activities", "activity_volume", 10_000, target_value=10)])
    for n in range(10):
        add_fact(db, "activity", subject_id=f"a{n}")  # rep-1: 80 points
    return evaluations_pb2_grpc.EvaluationServiceStub(channel)


def create(
    stub: evaluations_pb2_grpc.EvaluationServiceStub,
    rep_id: str = "rep-1",
    rating: int = 3,
    metadata: list[tuple[str, str]] = MANAGER_A,
) -> pb.Evaluation:
    request = pb.CreateEvaluationRequest(
        rep_id=rep_id, period_code=CLOSED, rating=rating, comments="Solid quarter."
    )
    return stub.CreateEvaluation(request, metadata=metadata).evaluation


def state_rule(error: grpc.RpcError) -> str:
    assert rule_types(error) == ["STATE"]
    return str(error.details())


def test_an_evaluation_goes_from_draft_to_resolved_with_the_right_people(
    stub: evaluations_pb2_grpc.EvaluationServiceStub,
) -> None:
    draft = create(stub)
    assert (draft.status, draft.rating, draft.manager_id) == (
        pb.EVALUATION_STATUS_DRAFT,
        3,
        "mgr-a",
    )
    assert (draft.score_total, draft.score_total_points, draft.score_published) == (
        80,
        800_000,
        False,
    )
    key = draft.evaluation_id
    ident = pb.GetEvaluationRequest(evaluation_id=key)

    # A draft is the manager's: the rep does not see it yet.
    assert failure(lambda: stub.GetEvaluation(ident, metadata=REP_1)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    assert list(stub.ListEvaluations(pb.ListEvaluationsRequest(), metadata=REP_1).evaluations) == []
    ack = pb.AcknowledgeEvaluationRequest(evaluation_id=key)
    assert failure(lambda: stub.AcknowledgeEvaluation(ack, metadata=REP_1)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    resolve = pb.ResolveAppealRequest(
        evaluation_id=key, outcome=pb.APPEAL_OUTCOME_UPHELD, comment="Stands."
    )
    assert "a draft evaluation cannot become resolved" in state_rule(
        failure(lambda: stub.ResolveAppeal(resolve, metadata=DIRECTOR))
    )

    changed = stub.UpdateEvaluation(
        pb.UpdateEvaluationRequest(evaluation_id=key, rating=2, version=draft.version),
        metadata=MANAGER_A,
    ).evaluation
    assert (changed.rating, changed.comments, changed.version) == (2, "Solid quarter.", 2)
    stale = failure(
        lambda: stub.UpdateEvaluation(
            pb.UpdateEvaluationRequest(evaluation_id=key, rating=4, version=1), metadata=MANAGER_A
        )
    )
    assert stale.code() == grpc.StatusCode.ABORTED

    share = pb.ShareEvaluationRequest(evaluation_id=key)
    assert failure(lambda: stub.ShareEvaluation(share, metadata=REP_1)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    shared = stub.ShareEvaluation(share, metadata=MANAGER_A).evaluation
    assert shared.status == pb.EVALUATION_STATUS_SHARED
    assert "a shared evaluation cannot become shared" in state_rule(
        failure(lambda: stub.ShareEvaluation(share, metadata=MANAGER_A))
    )
    assert "only a draft is" in state_rule(
        failure(
            lambda: stub.UpdateEvaluation(
                pb.UpdateEvaluationRequest(evaluation_id=key, rating=4), metadata=MANAGER_A
            )
        )
    )

    assert stub.GetEvaluation(ident, metadata=REP_1).evaluation.rating == 2
    assert failure(lambda: stub.GetEvaluation(ident, metadata=REP_2)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    assert failure(lambda: stub.GetEvaluation(ident, metadata=MANAGER_B)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    assert failure(lambda: stub.AcknowledgeEvaluation(ack, metadata=MANAGER_A)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    acknowledged = stub.AcknowledgeEvaluation(ack, metadata=REP_1).evaluation
    assert acknowledged.status == pb.EVALUATION_STATUS_ACKNOWLEDGED
    assert acknowledged.HasField("acknowledged_time")
    assert "an acknowledged evaluation cannot become acknowledged" in state_rule(
        failure(lambda: stub.AcknowledgeEvaluation(ack, metadata=REP_1))
    )

    no_reason = failure(
        lambda: stub.AppealEvaluation(
            pb.AppealEvaluationRequest(evaluation_id=key, reason=" "), metadata=REP_1
        )
    )
    assert bad_fields(no_reason) == ["reason"]
    appealed = stub.AppealEvaluation(
        pb.AppealEvaluationRequest(evaluation_id=key, reason="My CSAT was excluded."),
        metadata=REP_1,
    ).evaluation
    assert (appealed.status, appealed.appeal_reason) == (
        pb.EVALUATION_STATUS_APPEALED,
        "My CSAT was excluded.",
    )

    assert failure(lambda: stub.ResolveAppeal(resolve, metadata=MANAGER_A)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert failure(lambda: stub.ResolveAppeal(resolve, metadata=APAC_DIRECTOR)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    missing_rating = failure(
        lambda: stub.ResolveAppeal(
            pb.ResolveAppealRequest(evaluation_id=key, outcome=pb.APPEAL_OUTCOME_CHANGED),
            metadata=DIRECTOR,
        )
    )
    assert bad_fields(missing_rating) == ["comment", "new_rating"]
    same = failure(
        lambda: stub.ResolveAppeal(
            pb.ResolveAppealRequest(
                evaluation_id=key, outcome=pb.APPEAL_OUTCOME_CHANGED, new_rating=2, comment="x"
            ),
            metadata=DIRECTOR,
        )
    )
    assert bad_fields(same) == ["new_rating"]
    resolved = stub.ResolveAppeal(
        pb.ResolveAppealRequest(
            evaluation_id=key,
            outcome=pb.APPEAL_OUTCOME_CHANGED,
            new_rating=3,
            comment="CSAT counted now.",
        ),
        metadata=DIRECTOR,
    ).evaluation
    assert (resolved.status, resolved.rating, resolved.rating_before_appeal) == (
        pb.EVALUATION_STATUS_RESOLVED,
        3,
        2,
    )
    assert (resolved.appeal_outcome, resolved.resolved_by) == (pb.APPEAL_OUTCOME_CHANGED, "dir-1")
    again = pb.AppealEvaluationRequest(evaluation_id=key, reason="Still unfair.")
    assert "a resolved evaluation cannot become appealed" in state_rule(
        failure(lambda: stub.AppealEvaluation(again, metadata=REP_1))
    )


def test_a_shared_evaluation_can_be_appealed_without_acknowledging_it(
    stub: evaluations_pb2_grpc.EvaluationServiceStub,
) -> None:
    key = create(stub, "rep-2", rating=1).evaluation_id
    stub.ShareEvaluation(pb.ShareEvaluationRequest(evaluation_id=key), metadata=MANAGER_A)
    appealed = stub.AppealEvaluation(
        pb.AppealEvaluationRequest(evaluation_id=key, reason="Too harsh."), metadata=REP_2
    ).evaluation
    assert appealed.status == pb.EVALUATION_STATUS_APPEALED
    assert not appealed.HasField("acknowledged_time")
    upheld = stub.ResolveAppeal(
        pb.ResolveAppealRequest(
            evaluation_id=key, outcome=pb.APPEAL_OUTCOME_UPHELD, comment="It stands."
        ),
        metadata=DIRECTOR,
    ).evaluation
    assert (upheld.rating, upheld.appeal_outcome, upheld.rating_before_appeal) == (
        1,
        pb.APPEAL_OUTCOME_UPHELD,
        0,
    )


def test_only_a_manager_above_the_rep_writes_one_evaluation_per_period(
    stub: evaluations_pb2_grpc.EvaluationServiceStub,
) -> None:
    assert failure(lambda: create(stub, metadata=MANAGER_B)).code() == grpc.StatusCode.NOT_FOUND
    assert failure(lambda: create(stub, metadata=DIRECTOR)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert failure(lambda: create(stub, metadata=REP_1)).code() == grpc.StatusCode.PERMISSION_DENIED
    assert bad_fields(failure(lambda: create(stub, rating=6))) == ["rating"]
    create(stub)
    assert failure(lambda: create(stub)).code() == grpc.StatusCode.ALREADY_EXISTS


def test_the_score_beside_the_rating_is_the_published_scorecard_once_there_is_one(
    stub: evaluations_pb2_grpc.EvaluationServiceStub, channel: grpc.Channel
) -> None:
    scorecards_pb2_grpc.ScorecardServiceStub(channel).PublishScorecards(
        scorecards_pb2.PublishScorecardsRequest(period_code=CLOSED, team_id="team-a"),
        metadata=DIRECTOR,
    )
    evaluation = create(stub)
    assert (evaluation.score_published, evaluation.score_total) == (True, 80)


def test_a_director_calibrates_a_teams_ratings_with_reasons(
    stub: evaluations_pb2_grpc.EvaluationServiceStub,
) -> None:
    first = create(stub, "rep-1", rating=3)
    second = create(stub, "rep-2", rating=3)

    def calibrate(
        adjustments: list[pb.CalibrationAdjustment], metadata: list[tuple[str, str]] = DIRECTOR
    ) -> pb.CalibrateTeamResponse:
        return stub.CalibrateTeam(
            pb.CalibrateTeamRequest(team_id="team-a", period_code=CLOSED, adjustments=adjustments),
            metadata=metadata,
        )

    shown = calibrate([])
    assert [(c.rating, c.count) for c in shown.distribution] == [
        (1, 0),
        (2, 0),
        (3, 2),
        (4, 0),
        (5, 0),
    ]
    raise_rep_2 = pb.CalibrationAdjustment(
        evaluation_id=second.evaluation_id, rating=4, reason="Carried the team's biggest deal."
    )
    assert failure(lambda: calibrate([raise_rep_2], MANAGER_A)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    no_reason = pb.CalibrationAdjustment(evaluation_id=second.evaluation_id, rating=9)
    assert bad_fields(failure(lambda: calibrate([no_reason]))) == [
        "adjustments[0].rating",
        "adjustments[0].reason",
    ]
    reply = calibrate([raise_rep_2])
    assert [(c.rating, c.count) for c in reply.distribution_before][2] == (3, 2)
    assert [(c.rating, c.count) for c in reply.distribution] == [
        (1, 0),
        (2, 0),
        (3, 1),
        (4, 1),
        (5, 0),
    ]
    calibrated = {e.rep_id: e for e in reply.evaluations}["rep-2"]
    assert (calibrated.rating, calibrated.rating_before_calibration) == (4, 3)
    assert (calibrated.calibration_reason, calibrated.calibrated_by) == (
        "Carried the team's biggest deal.",
        "dir-1",
    )

    # Once the rep has answered, calibration no longer changes the rating: every such one named.
    stub.ShareEvaluation(
        pb.ShareEvaluationRequest(evaluation_id=first.evaluation_id), metadata=MANAGER_A
    )
    stub.AcknowledgeEvaluation(
        pb.AcknowledgeEvaluationRequest(evaluation_id=first.evaluation_id), metadata=REP_1
    )
    late = pb.CalibrationAdjustment(evaluation_id=first.evaluation_id, rating=2, reason="Late.")
    assert rule_types(failure(lambda: calibrate([late, raise_rep_2]))) == ["STATE"]
    unknown = pb.CalibrationAdjustment(evaluation_id="nope", rating=2, reason="?")
    assert bad_fields(failure(lambda: calibrate([unknown]))) == ["adjustments[0].evaluation_id"]
    other_team = failure(
        lambda: stub.CalibrateTeam(
            pb.CalibrateTeamRequest(team_id="team-b", period_code=CLOSED), metadata=DIRECTOR
        )
    )
    assert other_team.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize(
    ("current", "target", "legal"),
    [
        (EvaluationStatus.DRAFT, EvaluationStatus.SHARED, True),
        (EvaluationStatus.SHARED, EvaluationStatus.ACKNOWLEDGED, True),
        (EvaluationStatus.SHARED, EvaluationStatus.APPEALED, True),
        (EvaluationStatus.ACKNOWLEDGED, EvaluationStatus.APPEALED, True),
        (EvaluationStatus.APPEALED, EvaluationStatus.RESOLVED, True),
        (EvaluationStatus.DRAFT, EvaluationStatus.ACKNOWLEDGED, False),
        (EvaluationStatus.DRAFT, EvaluationStatus.APPEALED, False),
        (EvaluationStatus.ACKNOWLEDGED, EvaluationStatus.SHARED, False),
        (EvaluationStatus.RESOLVED, EvaluationStatus.APPEALED, False),
        (EvaluationStatus.APPEALED, EvaluationStatus.ACKNOWLEDGED, False),
    ],
)
def test_the_status_machine(
    current: EvaluationStatus, target: EvaluationStatus, legal: bool
) -> None:
    if legal:
        require_transition("e-1", current, target)
        return
    with pytest.raises(FailedPrecondition) as caught:
        require_transition("e-1", current, target)
    [violation] = caught.value.violations
    assert violation.type == "STATE" and violation.subject == "evaluations/e-1"
    article = "an" if current.value[0] in "aeiou" else "a"
    assert f"{article} {current.value} evaluation cannot become {target.value}" in (
        violation.description
    )
