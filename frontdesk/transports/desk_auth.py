"""Desk login and logout, the current agent, API tokens, and agent administration over HTTP."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.actions.agents import (
    AgentInfo,
    authenticate,
    close_session,
    create_agent,
    disable_agent,
    list_agents,
    open_session,
)
from frontdesk.transports.auth import (
    Caller,
    authenticated,
    client_ip,
    desk_cookie_name,
    presented_token,
    require_role,
    require_same_origin,
    services,
)
from frontdesk.transports.error_docs import error_responses
from frontdesk.transports.ids import RowId

DESK_SESSION_SECONDS = 12 * 60 * 60

router = APIRouter(tags=["desk"])

AnyAgent = Annotated[Caller, Depends(authenticated)]
Supervisor = Annotated[Caller, Depends(require_role("supervisor", "admin"))]
Admin = Annotated[Caller, Depends(require_role("admin"))]


class LoginBody(BaseModel):
    """An agent's email address and password."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class NewAgentBody(BaseModel):
    """A new agent account; the password needs 10 characters or more."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    display_name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)
    role: Literal["agent", "supervisor", "admin"] = "agent"


class AgentOut(BaseModel):
    """An agent account as the API shows it."""

    id: int
    email: str
    display_name: str
    role: str
    disabled: bool

    @classmethod
    def of(cls, agent: AgentInfo) -> AgentOut:
        """The public shape of an agent."""
        return cls(
            id=agent.id,
            email=agent.email,
            display_name=agent.display_name,
            role=agent.role,
            disabled=agent.disabled,
        )


class AgentReply(BaseModel):
    """One agent."""

    agent: AgentOut


class AgentsReply(BaseModel):
    """Every agent, oldest first."""

    agents: list[AgentOut]


class TokenReply(BaseModel):
    """A new API token."""

    token: str = Field(description="Send as `Authorization: Bearer <token>`; shown only once.")


@router.post(
    "/api/desk/login",
    summary="Log in to the desk (sets the desk cookie)",
    responses=error_responses(401, 403),
)
async def login(body: LoginBody, request: Request, response: Response) -> AgentReply:
    """Check the email address and password and start a 12-hour desk session."""
    # Login CSRF: a foreign page must not log the browser into someone else's account.
    require_same_origin(request, allow_missing=True)
    svc = services(request)
    agent = await authenticate(
        svc.database,
        svc.settings,
        email=body.email,
        password=body.password,
        client_ip=client_ip(request),
    )
    token = await open_session(
        svc.database, agent.id, kind="cookie", ttl_seconds=DESK_SESSION_SECONDS
    )
    response.set_cookie(
        desk_cookie_name(request),
        token,
        max_age=DESK_SESSION_SECONDS,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    response.headers["Cache-Control"] = "no-store"
    return AgentReply(agent=AgentOut.of(agent))


@router.post("/api/desk/logout", status_code=204, summary="End this desk session or API token")
async def logout(request: Request) -> Response:
    """End the presented session and clear the cookie; without one there is nothing to end."""
    presented = presented_token(request)
    if presented is not None:
        await close_session(services(request).database, presented[0])
    response = Response(status_code=204)
    response.delete_cookie(
        desk_cookie_name(request),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return response


@router.get("/api/desk/me", summary="The logged-in agent")
async def me(caller: AnyAgent) -> AgentReply:
    """The agent this session or token belongs to."""
    return AgentReply(agent=AgentOut.of(caller.agent))


@router.post("/api/agents/me/tokens", status_code=201, summary="Create an API token")
async def create_token(caller: AnyAgent, request: Request, response: Response) -> TokenReply:
    """A new bearer token for scripts acting as the caller; ends when the agent is disabled."""
    token = await open_session(
        services(request).database, caller.agent.id, kind="api", ttl_seconds=None
    )
    response.headers["Cache-Control"] = "no-store"
    return TokenReply(token=token)


@router.get("/api/agents", summary="List agents (supervisors and admins)")
async def get_agents(caller: Supervisor, request: Request) -> AgentsReply:
    """Every agent account."""
    agents = await list_agents(services(request).database)
    return AgentsReply(agents=[AgentOut.of(agent) for agent in agents])


@router.post("/api/agents", status_code=201, summary="Create an agent (admins)")
async def post_agent(body: NewAgentBody, caller: Admin, request: Request) -> AgentReply:
    """Create an agent account; a taken email address is a 409 ``conflict``."""
    agent = await create_agent(
        services(request).database,
        email=body.email,
        display_name=body.display_name,
        password=body.password,
        role=body.role,
    )
    return AgentReply(agent=AgentOut.of(agent))


@router.post("/api/agents/{agent_id}/disable", summary="Disable an agent (admins)")
async def post_disable_agent(agent_id: RowId, caller: Admin, request: Request) -> AgentReply:
    """Disable the account and end all of its sessions and API tokens at once."""
    agent = await disable_agent(services(request).database, agent_id)
    return AgentReply(agent=AgentOut.of(agent))
