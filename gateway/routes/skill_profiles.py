"""`/v1/skill-profiles`: the skills and levels (1-5) a role needs (CatalogService).

One row per role, region ("" = every region) and skill: `PUT` sets its
level (creating the row), `DELETE` removes it. Admins write every row,
directors their regions'; everyone signed in reads them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from salesops.training.v1 import catalog_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import PageSize, PageToken, ProtoModel, page_request
from gateway.upstreams import OpenUpstreams

PROFILES = "/v1/skill-profiles"
router = APIRouter(prefix=PROFILES, tags=["skill-profiles"], responses=PROBLEM_RESPONSES)

ProfileId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The row's id.")
]


class SkillProfile(ProtoModel):
    """A skill a role needs at a level."""

    profile_id: str
    role: str
    region: str = Field(description="Empty: every region.")
    skill: str
    level: int
    version: int
    update_time: datetime | None
    updated_by: str


class SkillProfileList(BaseModel):
    profiles: list[SkillProfile]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class SkillLevel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str = Field(examples=["rep"])
    region: str = ""
    skill: str = Field(examples=["negotiation"])
    level: int = Field(examples=[3])


@router.put("", summary="Set a role's skill level")
async def set_skill_profile(
    body: SkillLevel, caller: WritingCaller, upstreams: OpenUpstreams
) -> SkillProfile:
    request = pb.SetSkillProfileRequest(
        role=body.role, region=body.region, skill=body.skill, level=body.level
    )
    reply = await upstreams.call("training", "SetSkillProfile", request, caller)
    return SkillProfile.from_proto(reply.profile)


@router.get("", summary="List role skill profiles")
async def list_skill_profiles(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    role: Annotated[str, Query(description="Only this role's skills.")] = "",
    region: Annotated[str, Query(description="This region's rows and every region's.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> SkillProfileList:
    request = pb.ListSkillProfilesRequest(
        role=role, region=region, page=page_request(page_size, page_token)
    )
    reply = await upstreams.call("training", "ListSkillProfiles", request, caller)
    return SkillProfileList(
        profiles=[SkillProfile.from_proto(p) for p in reply.profiles],
        next_page_token=reply.page.next_page_token,
    )


@router.delete("/{profile_id}", status_code=204, summary="Remove a skill from a role's profile")
async def delete_skill_profile(
    profile_id: ProfileId, caller: WritingCaller, upstreams: OpenUpstreams
) -> None:
    request = pb.DeleteSkillProfileRequest(profile_id=profile_id)
    await upstreams.call("training", "DeleteSkillProfile", request, caller)
