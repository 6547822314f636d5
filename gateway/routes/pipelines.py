"""`/v1/pipelines`: sales processes and their ordered stages (OpportunityService).

Reading is for every business role; creating and changing pipelines is for
admins (of the pipeline's region, or of every region for a global one).
Each stage has a default win probability in basis points and a forecast
category; open stages come first, then one won and one lost stage.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.pipeline.v1 import opportunities_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.routes.opportunities import FORECAST_CATEGORY, ForecastCategoryName
from gateway.upstreams import OpenUpstreams

STAGE_KIND = EnumJson(pb.StageKind.DESCRIPTOR, "STAGE_KIND_")
StageKindName = STAGE_KIND.literal()
StageKindInput = STAGE_KIND.filter_literal()
ForecastCategoryInput = FORECAST_CATEGORY.filter_literal()

router = APIRouter(prefix="/v1/pipelines", tags=["pipelines"], responses=PROBLEM_RESPONSES)

PipelineId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The pipeline's id.")
]


class Stage(ProtoModel):
    """One step of a pipeline."""

    stage_id: str
    pipeline_id: str
    name: str
    position: int
    probability_bp: int = Field(description="Default win probability; 10000 = 100%.")
    forecast_category: ForecastCategoryName
    kind: StageKindName  # type: ignore[valid-type]


class Pipeline(ProtoModel):
    """A sales process: its ordered stages."""

    pipeline_id: str
    name: str
    kind: str = Field(examples=["new_business"])
    region: str = Field(description="Empty: the pipeline applies to every region.")
    stages: list[Stage]
    create_time: datetime | None


class PipelineList(BaseModel):
    """One page of pipelines."""

    pipelines: list[Pipeline]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class StageList(BaseModel):
    """A pipeline's stages in order."""

    stages: list[Stage]


class StageInput(BaseModel):
    """A stage; positions follow the list order. Leave stage_id out for a new stage."""

    model_config = ConfigDict(extra="forbid")

    stage_id: str = ""
    name: str = Field(examples=["Discovery"])
    probability_bp: int = Field(default=0, examples=[2000])
    forecast_category: ForecastCategoryInput | None = None  # type: ignore[valid-type]
    kind: StageKindInput | None = Field(default=None, description="Defaults to open.")  # type: ignore[valid-type]

    def to_proto(self) -> pb.StageInput:
        return pb.StageInput(
            stage_id=self.stage_id,
            name=self.name,
            probability_bp=self.probability_bp,
            forecast_category=pb.ForecastCategory.ValueType(
                FORECAST_CATEGORY.from_json(self.forecast_category) if self.forecast_category else 0
            ),
            kind=pb.StageKind.ValueType(STAGE_KIND.from_json(self.kind) if self.kind else 0),
        )


class CreatePipelineRequest(BaseModel):
    """A new pipeline with its stages."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(examples=["Partner deals"])
    kind: str = Field(examples=["partner"])
    region: str = Field(
        default="", description="Empty for every region (needs an all-regions admin)."
    )
    stages: list[StageInput]


class UpdatePipelineRequest(BaseModel):
    """A new name and/or the complete new list of stages (left out: unchanged)."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    stages: list[StageInput] = []


@router.post("", status_code=201, summary="Create a pipeline")
async def create_pipeline(
    body: CreatePipelineRequest, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Pipeline:
    """Admins only; `Location` points at the new pipeline."""
    request = pb.CreatePipelineRequest(
        name=body.name,
        kind=body.kind,
        region=body.region,
        stages=[stage.to_proto() for stage in body.stages],
    )
    answer = await upstreams.call("pipeline", "CreatePipeline", request, caller)
    pipeline = Pipeline.from_proto(answer.pipeline)
    response.headers["Location"] = f"{router.prefix}/{pipeline.pipeline_id}"
    return pipeline


@router.get("", summary="List pipelines")
async def list_pipelines(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> PipelineList:
    """Pipelines that apply to the caller's regions (global ones included)."""
    request = pb.ListPipelinesRequest(region=region, page=page_request(page_size, page_token))
    response = await upstreams.call("pipeline", "ListPipelines", request, caller)
    return PipelineList(
        pipelines=[Pipeline.from_proto(p) for p in response.pipelines],
        next_page_token=response.page.next_page_token,
    )


async def _get(pipeline_id: str, caller: ReadingCaller, upstreams: OpenUpstreams) -> Pipeline:
    request = pb.GetPipelineRequest(pipeline_id=pipeline_id)
    response = await upstreams.call("pipeline", "GetPipeline", request, caller)
    return Pipeline.from_proto(response.pipeline)


@router.get("/{pipeline_id}", summary="Read a pipeline")
async def get_pipeline(
    pipeline_id: PipelineId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Pipeline:
    """A pipeline with its stages."""
    return await _get(pipeline_id, caller, upstreams)


@router.get("/{pipeline_id}/stages", summary="A pipeline's stages")
async def list_stages(
    pipeline_id: PipelineId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> StageList:
    """The stages in order, with their probability and forecast category."""
    return StageList(stages=(await _get(pipeline_id, caller, upstreams)).stages)


@router.patch("/{pipeline_id}", summary="Change a pipeline")
async def update_pipeline(
    pipeline_id: PipelineId,
    body: UpdatePipelineRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Pipeline:
    """Admins only. A stage left out of `stages` is removed, unless deals are or were in it."""
    request = pb.UpdatePipelineRequest(
        pipeline_id=pipeline_id,
        name=body.name,
        stages=[stage.to_proto() for stage in body.stages],
    )
    response = await upstreams.call("pipeline", "UpdatePipeline", request, caller)
    return Pipeline.from_proto(response.pipeline)
