"""`/v1/coaching-sessions` and `/v1/coaching-actions`: coaching between a manager and a rep.

A manager above the rep, or a director of the rep's region, records a
session (date, focus skill, notes) with action items owned by the rep or by
the coach, each with a due date; adds actions
(`/v1/coaching-sessions/{id}/actions`) and changes the session. The rep reads
their own sessions and completes the actions they own
(`/v1/coaching-actions/{id}:complete`). An open action past its due date is
overdue; `overdue_only` lists the sessions that have one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.training.v1 import coaching_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    Audit,
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.routes.leads import EmptyBody
from gateway.upstreams import OpenUpstreams

COACHING_SESSIONS = "/v1/coaching-sessions"
sessions_router = APIRouter(prefix=COACHING_SESSIONS, tags=["coaching"])
actions_router = APIRouter(prefix="/v1/coaching-actions", tags=["coaching"])

OWNER = EnumJson(pb.CoachingActionOwner.DESCRIPTOR, "COACHING_ACTION_OWNER_")
OwnerInput = OWNER.filter_literal()
# Ids never contain ":", which separates a custom verb (`{action_id}:complete`).
SessionId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The session's id.")
]
ActionId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The action's id.")
]


class CoachingAction(ProtoModel):
    """An action item of a session."""

    action_id: str
    session_id: str
    description: str
    owner: OWNER.literal()  # type: ignore[valid-type]
    owner_id: str
    due_date: str
    completed: bool
    complete_time: datetime | None
    completed_by: str
    overdue: bool


class CoachingSession(ProtoModel):
    """A coaching session and its action items."""

    session_id: str
    rep_id: str
    coach_id: str
    region: str
    team_id: str
    session_date: str
    focus_skill: str
    notes: str
    actions: list[CoachingAction]
    open_actions: int
    overdue_actions: int
    audit: Audit | None
    version: int


class CoachingSessionList(BaseModel):
    """One page of sessions, newest first."""

    sessions: list[CoachingSession]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class CoachingActionBody(BaseModel):
    """An action item: what, who (rep or manager), by when (ISO 8601 date)."""

    model_config = ConfigDict(extra="forbid")

    description: str
    owner: OwnerInput  # type: ignore[valid-type]
    due_date: str

    def to_proto(self) -> pb.CoachingActionInput:
        return pb.CoachingActionInput(
            description=self.description,
            owner=pb.CoachingActionOwner.ValueType(OWNER.from_json(self.owner)),
            due_date=self.due_date,
        )


class CoachingSessionBody(BaseModel):
    """A session to record."""

    model_config = ConfigDict(extra="forbid")

    rep_id: str
    session_date: str
    focus_skill: str
    notes: str = ""
    actions: list[CoachingActionBody] = []


class CoachingSessionChange(BaseModel):
    """What to change; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    session_date: str = ""
    focus_skill: str = ""
    notes: str | None = None
    version: int = 0


class ActionAdded(BaseModel):
    """The session after the action was added, and the action."""

    session: CoachingSession
    action: CoachingAction


@sessions_router.post("", status_code=201, summary="Record a coaching session")
async def create_coaching_session(
    body: CoachingSessionBody, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> CoachingSession:
    request = pb.CreateCoachingSessionRequest(
        rep_id=body.rep_id,
        session_date=body.session_date,
        focus_skill=body.focus_skill,
        notes=body.notes,
        actions=[a.to_proto() for a in body.actions],
    )
    reply = await upstreams.call("training", "CreateCoachingSession", request, caller)
    session = CoachingSession.from_proto(reply.session)
    response.headers["Location"] = f"{COACHING_SESSIONS}/{session.session_id}"
    return session


@sessions_router.get("", summary="List coaching sessions")
async def list_coaching_sessions(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    rep_id: Annotated[str, Query(description="Only this rep's.")] = "",
    team_id: Annotated[str, Query(description="Only this team's.")] = "",
    focus_skill: Annotated[str, Query(description="Only sessions on this skill.")] = "",
    overdue_only: Annotated[
        bool, Query(description="Only sessions with an overdue action.")
    ] = False,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> CoachingSessionList:
    """Sessions the caller sees (a rep: their own), newest first."""
    request = pb.ListCoachingSessionsRequest(
        region=region,
        rep_id=rep_id,
        team_id=team_id,
        focus_skill=focus_skill,
        overdue_only=overdue_only,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("training", "ListCoachingSessions", request, caller)
    return CoachingSessionList(
        sessions=[CoachingSession.from_proto(s) for s in reply.sessions],
        next_page_token=reply.page.next_page_token,
    )


@sessions_router.get("/{session_id}", summary="Read a coaching session")
async def get_coaching_session(
    session_id: SessionId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> CoachingSession:
    request = pb.GetCoachingSessionRequest(session_id=session_id)
    reply = await upstreams.call("training", "GetCoachingSession", request, caller)
    return CoachingSession.from_proto(reply.session)


@sessions_router.patch("/{session_id}", summary="Change a coaching session")
async def update_coaching_session(
    session_id: SessionId,
    body: CoachingSessionChange,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> CoachingSession:
    request = pb.UpdateCoachingSessionRequest(
        session_id=session_id,
        session_date=body.session_date,
        focus_skill=body.focus_skill,
        notes=body.notes or "",
        update_notes=body.notes is not None,
        version=body.version,
    )
    reply = await upstreams.call("training", "UpdateCoachingSession", request, caller)
    return CoachingSession.from_proto(reply.session)


@sessions_router.post("/{session_id}/actions", status_code=201, summary="Add an action item")
async def add_coaching_action(
    session_id: SessionId,
    body: CoachingActionBody,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> ActionAdded:
    request = pb.AddCoachingActionRequest(session_id=session_id, action=body.to_proto())
    reply = await upstreams.call("training", "AddCoachingAction", request, caller)
    return ActionAdded(
        session=CoachingSession.from_proto(reply.session),
        action=CoachingAction.from_proto(reply.action),
    )


@actions_router.post("/{action_id}:complete", summary="Complete an action item")
async def complete_coaching_action(
    action_id: ActionId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> CoachingAction:
    """The rep completes the actions they own; the coach side any action of the session."""
    request = pb.CompleteCoachingActionRequest(action_id=action_id)
    reply = await upstreams.call("training", "CompleteCoachingAction", request, caller)
    return CoachingAction.from_proto(reply.action)


router = APIRouter(responses=PROBLEM_RESPONSES)
router.include_router(sessions_router)
router.include_router(actions_router)
