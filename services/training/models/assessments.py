"""Assessment tables: assessments, their questions (with the answer key) and scored attempts.

- `AssessmentRecord` (`assessments`): a quiz of a course, its pass mark (bp of
  the total points) and attempt limit (0 = unlimited).
- `AssessmentQuestionRecord` (`assessment_questions`): a question, its options
  and points, and the answer key (`correct_options`, comma-separated option
  indexes) that only authors ever read.
- `AssessmentAttemptRecord` (`assessment_attempts`): one scored submission;
  (assessment_id, rep_id, attempt_number) is unique, so two concurrent
  submissions cannot both be the last allowed attempt.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.kit.db import UTCDateTime
from services.training.domain.assessments import QuestionSpec
from services.training.models.base import Base


class AssessmentRecord(Base):
    __tablename__ = "assessments"

    assessment_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    course_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    pass_mark_bp: Mapped[int] = mapped_column(sa.Integer)
    max_attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)


class AssessmentQuestionRecord(Base):
    __tablename__ = "assessment_questions"

    question_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    assessment_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    text: Mapped[str] = mapped_column(sa.Text)
    # single_choice or multiple_choice
    kind: Mapped[str] = mapped_column(sa.String(16))
    # The options as a JSON list of strings.
    options: Mapped[list[str]] = mapped_column(sa.JSON)
    points: Mapped[int] = mapped_column(sa.Integer)
    # The answer key: option indexes, comma-separated. Never sent to a rep.
    correct_options: Mapped[str] = mapped_column(sa.String(200))

    def spec(self) -> QuestionSpec:
        return QuestionSpec(
            text=self.text,
            kind=self.kind,
            options=tuple(self.options),
            points=self.points,
            correct=frozenset(int(i) for i in self.correct_options.split(",") if i),
        )


class AssessmentAttemptRecord(Base):
    __tablename__ = "assessment_attempts"

    attempt_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    assessment_id: Mapped[str] = mapped_column(sa.String(36))
    course_id: Mapped[str] = mapped_column(sa.String(36))
    rep_id: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str] = mapped_column(sa.String(32))
    team_id: Mapped[str] = mapped_column(sa.String(100), default="")
    enrollment_id: Mapped[str] = mapped_column(sa.String(36))
    attempt_number: Mapped[int] = mapped_column(sa.Integer)
    score_points: Mapped[int] = mapped_column(sa.Integer)
    total_points: Mapped[int] = mapped_column(sa.Integer)
    score_bp: Mapped[int] = mapped_column(sa.Integer)
    pass_mark_bp: Mapped[int] = mapped_column(sa.Integer)
    passed: Mapped[bool] = mapped_column(sa.Boolean)
    completed_course: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # [{"question_id", "chosen", "correct", "points"}] per question, in order.
    results: Mapped[list[dict[str, object]]] = mapped_column(sa.JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint(
            "assessment_id", "rep_id", "attempt_number", name="uq_assessment_attempts_number"
        ),
        sa.Index("ix_assessment_attempts_rep", "rep_id", "assessment_id"),
        sa.Index("ix_assessment_attempts_region", "region", "submitted_at"),
    )


def questions_of(session: Session, assessment_id: str) -> list[AssessmentQuestionRecord]:
    """An assessment's questions in order."""
    return list(
        session.scalars(
            sa.select(AssessmentQuestionRecord)
            .where(AssessmentQuestionRecord.assessment_id == assessment_id)
            .order_by(AssessmentQuestionRecord.position)
        )
    )


def attempts_used(session: Session, assessment_id: str, rep_id: str) -> int:
    """How many attempts the rep has made at the assessment."""
    return int(
        session.scalar(
            sa.select(sa.func.count())
            .select_from(AssessmentAttemptRecord)
            .where(
                AssessmentAttemptRecord.assessment_id == assessment_id,
                AssessmentAttemptRecord.rep_id == rep_id,
            )
        )
        or 0
    )
