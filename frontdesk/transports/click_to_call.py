"""Click-to-call for the widget: ask for a number, report pages while holding one, read the wait.

``POST /api/click-to-call`` takes what ClickToCallService posts to ``clicktocall.dataURL``: a
form with the protocol fields (``_customer_number``, ``_provide_code``, ...), the registration
form's fields and the flattened ``userData``. It answers ``_access_number``, ``_access_code``,
``_tel_url`` and ``_expiration_time`` (seconds, so the visitor's clock does not matter), and
``_status_key``, a sealed key with which that widget alone may ask whether the call came in.
Errors are the one envelope plus the ``exception``/``message`` pair that Genesys clients read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from frontdesk.actions.access_codes import CallRequest, record_page, request_access_code
from frontdesk.actions.call_views import estimated_wait, get_call
from frontdesk.actions.numbers import DEFAULT_QUEUE, checked_language, checked_queue
from frontdesk.errors import FrontdeskError, InvalidInput, InvalidToken, NotFound, OriginNotAllowed
from frontdesk.origins import log_refusal
from frontdesk.store.database import database_error
from frontdesk.transports.auth import client_ip
from frontdesk.transports.error_docs import error_responses
from frontdesk.transports.fields import request_fields

if TYPE_CHECKING:
    from frontdesk.app import Services

BASE = "/api/click-to-call"
# Registration-form fields kept as the visitor's form; every other plain field is userData.
FORM_FIELDS = ("firstname", "lastname", "email", "phonenumber", "subject")
# Page context the widget sends, as WebChatService does for chats.
PAGE_FIELDS = ("_genesys_url", "_genesys_pageTitle", "_genesys_referrer")
STATUS_PURPOSE = "click-to-call status"
# What the visitor may learn of their call: the IVR's and the desk's states are one to them.
VISITOR_STATUS = {
    "waiting": "waiting",
    "expired": "expired",
    "redeemed": "received",
    "taken": "received",
}

router = APIRouter(tags=["visitor: click-to-call"])

_REQUEST_FIELDS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "_customer_number": {"type": "string", "description": "The visitor's phone number."},
        "_call_direction": {"type": "string", "enum": ["USERORIGINATED"]},
        "_provide_code": {"type": "string", "enum": ["true", "false"], "default": "true"},
        "_language": {"type": "string", "description": "e.g. `de`; else Accept-Language."},
        "_genesys_url": {"type": "string"},
        "_genesys_pageTitle": {"type": "string"},
        "_genesys_referrer": {"type": "string"},
        "firstname": {"type": "string"},
        "lastname": {"type": "string"},
        "email": {"type": "string"},
        "phonenumber": {"type": "string"},
    },
    "required": ["_customer_number"],
    "additionalProperties": {"type": "string", "description": "userData"},
}


class IssuedReply(BaseModel):
    """The number to dial and the code to enter."""

    access_number: str = Field(alias="_access_number")
    access_code: str = Field(alias="_access_code", description="Empty without a code.")
    tel_url: str = Field(alias="_tel_url", description="`tel:` link, code as post-dial digits.")
    expiration_time: int = Field(alias="_expiration_time", description="Seconds from now.")
    status_key: str = Field(
        alias="_status_key", description="Sealed: ask `POST /api/click-to-call/status` with it."
    )


class StatusReply(BaseModel):
    """Whether the visitor's call came in: ``waiting``, ``received`` or ``expired``."""

    status: str


class WaitReply(BaseModel):
    """A queue's estimated wait."""

    queue: str
    estimated_wait_seconds: int


def _services(request: Request) -> Services:
    return cast("Services", request.app.state.services)


def genesys_error(error: FrontdeskError) -> JSONResponse:
    """The envelope, plus the ``exception`` and ``message`` a Genesys client shows."""
    body = {**error.envelope(), "exception": error.code, "message": error.message}
    retry = error.details.get("retry_after")
    headers = {"Retry-After": str(retry)} if retry is not None else None
    return JSONResponse(body, status_code=error.status, headers=headers)


def _language(fields: dict[str, str], request: Request) -> str:
    given = fields.get("_language")
    if given:
        return given
    first = request.headers.get("accept-language", "").split(",")[0].split(";")[0].strip()
    try:
        return checked_language(first)
    except InvalidInput:
        return ""  # a browser's odd header is no reason to refuse the visitor


def _call_request(fields: dict[str, str], request: Request) -> CallRequest:
    direction = fields.get("_call_direction", "USERORIGINATED")
    if direction != "USERORIGINATED":
        raise InvalidInput(
            "_call_direction must be USERORIGINATED.",
            fields=[{"field": "_call_direction", "problem": "only USERORIGINATED is offered"}],
        )
    plain = {name: value for name, value in fields.items() if not name.startswith("_")}
    return CallRequest(
        customer_number=fields.get("_customer_number") or plain.get("phonenumber", ""),
        form_data={name: plain[name] for name in FORM_FIELDS if plain.get(name)},
        user_data={name: value for name, value in plain.items() if name not in FORM_FIELDS},
        queue=request.query_params.get("queue") or fields.get("_queue") or DEFAULT_QUEUE,
        language=_language(fields, request),
        provide_code=fields.get("_provide_code", "true").lower() != "false",
        page_url=fields.get("_genesys_url") or request.headers.get("referer", ""),
        page_title=fields.get("_genesys_pageTitle", ""),
        referrer=fields.get("_genesys_referrer", ""),
        browser=request.headers.get("user-agent", ""),
    )


async def _allowed_site(request: Request, svc: Services) -> str:
    origin = request.headers.get("origin")
    if not svc.origins.allows(origin):
        raise OriginNotAllowed("This site may not use click-to-call here.", origin=origin)
    return cast(str, origin)


@router.post(
    BASE,
    summary="Ask for a number to call",
    response_model=IssuedReply,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": _REQUEST_FIELDS},
                "application/json": {"schema": _REQUEST_FIELDS},
            },
        },
        "parameters": [
            {"name": "queue", "in": "query", "schema": {"type": "string", "default": "default"}}
        ],
    },
    responses=error_responses(403, 415, 429, 503),
)
async def request_number(request: Request) -> Any:
    """A number of the queue (``?queue=``) in the visitor's language and a fresh access code."""
    svc = _services(request)
    try:
        origin = await _allowed_site(request, svc)
        await svc.rate_limits.check(svc.rate_limits.call_requests, client_ip(request))
        call_request = _call_request(await request_fields(request, nested="userData"), request)
        issued = await request_access_code(
            svc.database, svc.settings, origin=origin, request=call_request
        )
    except FrontdeskError as error:
        log_refusal(request, error)
        return genesys_error(error)
    except Exception as exc:
        refused = database_error(exc)
        if refused is None:
            raise
        return genesys_error(refused)
    return IssuedReply.model_validate(
        {
            "_access_number": issued.number,
            "_access_code": issued.access_code,
            "_tel_url": issued.tel_url,
            "_expiration_time": issued.expires_in,
            "_status_key": svc.keyring.seal(
                {"call": issued.call_id}, purpose=STATUS_PURPOSE, ttl_seconds=issued.expires_in
            ),
        }
    )


@router.post(
    f"{BASE}/pages",
    status_code=204,
    summary="Report a page the visitor opened",
    responses=error_responses(400, 403, 413, 415, 429),
)
async def report_page(request: Request) -> Response:
    """Add a page to the waiting call of ``_access_number`` + ``_access_code``.

    The answer is the same whether such a call exists or not, so it tells nobody anything.
    """
    svc = _services(request)
    await _allowed_site(request, svc)
    await svc.rate_limits.check(svc.rate_limits.call_pages, client_ip(request))
    fields = await request_fields(request)
    await record_page(
        svc.database,
        dialled=fields.get("_access_number", ""),
        code=fields.get("_access_code", ""),
        url=fields.get("_genesys_url", ""),
        title=fields.get("_genesys_pageTitle", ""),
    )
    return Response(status_code=204)


@router.post(
    f"{BASE}/status",
    summary="Whether the visitor's call came in",
    responses=error_responses(400, 401, 403, 413, 415, 429, 503),
)
async def call_status(request: Request) -> Any:
    """How the call of the widget's sealed ``_status_key`` stands, as its visitor sees it.

    The key names one call and is unreadable and unforgeable outside the server, so a widget learns
    about its own call only; a number and code would let anyone test guessed codes.
    """
    svc = _services(request)
    try:
        await _allowed_site(request, svc)
        await svc.rate_limits.check(svc.rate_limits.call_pages, client_ip(request))
        fields = await request_fields(request)
        sealed = svc.keyring.unseal(fields.get("_status_key", ""), purpose=STATUS_PURPOSE)
        call = await get_call(svc.database, str(sealed["call"]))
    except NotFound:
        return genesys_error(InvalidToken("The status key names no call.", reason="unknown"))
    except FrontdeskError as error:
        return genesys_error(error)
    except Exception as exc:
        refused = database_error(exc)
        if refused is None:
            raise
        return genesys_error(refused)
    return StatusReply(status=VISITOR_STATUS.get(call.status(), "expired"))


@router.get(f"{BASE}/wait", summary="A queue's estimated wait")
async def get_wait(request: Request, queue: str = DEFAULT_QUEUE) -> WaitReply:
    """Redeemed calls waiting for an agent, plus one, times the recent waits of the queue."""
    queue = checked_queue(queue)
    seconds = await estimated_wait(_services(request).database, queue)
    return WaitReply(queue=queue, estimated_wait_seconds=seconds)
