"""`/v1/improvement-actions`: the actions raised in period reviews, across reviews (ReviewService).

Status: open -> in_progress -> done, or open/in_progress -> dropped with a
reason; done and dropped are final. An action is overdue when neither and
past its due date. The owner changes the status; the unit's managers and the
region's directors also change the title, owner and due date.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import reviews_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import PageSize, PageToken, RegionFilter, page_request
from gateway.routes.reviews import (
    ACTION_STATUS,
    ActionStatusInput,
    ImprovementAction,
    ImprovementActionList,
)
from gateway.upstreams import OpenUpstreams

ACTIONS = "/v1/improvement-actions"
router = APIRouter(prefix=ACTIONS, tags=["reviews"], responses=PROBLEM_RESPONSES)

ActionId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The action's id.")
]


class ActionChange(BaseModel):
    """What changes; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    status: ActionStatusInput | None = None
    drop_reason: str = Field(default="", description="Required when the status becomes dropped.")
    title: str | None = None
    owner_id: str | None = None
    due_date: str | None = None
    version: int = Field(default=0, ge=0, description="0 skips the check; a stale one is 409.")


@router.patch("/{action_id}", summary="Change an improvement action")
async def update_action(
    action_id: ActionId, body: ActionChange, caller: WritingCaller, upstreams: OpenUpstreams
) -> ImprovementAction:
    """A status change that the state machine refuses is 422 naming the rule."""
    request = pb.UpdateImprovementActionRequest(
        action_id=action_id,
        version=body.version,
        status=pb.ImprovementActionStatus.ValueType(
            ACTION_STATUS.from_json(body.status) if body.status else 0
        ),
        drop_reason=body.drop_reason,
    )
    if body.title is not None:
        request.title = body.title
    if body.owner_id is not None:
        request.owner_id = body.owner_id
    if body.due_date is not None:
        request.due_date = body.due_date
    reply = await upstreams.call("planning", "UpdateImprovementAction", request, caller)
    return ImprovementAction.from_proto(reply.action)


@router.get("", summary="List improvement actions")
async def list_actions(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    org_unit_id: Annotated[str, Query(description="Only this unit's actions.")] = "",
    owner_id: Annotated[str, Query(description="Only the actions this rep owns.")] = "",
    status: Annotated[ActionStatusInput | None, Query(description="Only this status.")] = None,
    overdue_only: Annotated[bool, Query(description="Only overdue actions.")] = False,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> ImprovementActionList:
    """Actions in the caller's regions (a rep: their team's and their own), newest first."""
    request = pb.ListImprovementActionsRequest(
        org_unit_id=org_unit_id,
        owner_id=owner_id,
        status=pb.ImprovementActionStatus.ValueType(
            ACTION_STATUS.from_json(status) if status else 0
        ),
        overdue_only=overdue_only,
        region=region,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("planning", "ListImprovementActions", request, caller)
    return ImprovementActionList(
        actions=[ImprovementAction.from_proto(a) for a in reply.actions],
        next_page_token=reply.page.next_page_token,
    )
