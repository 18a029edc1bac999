"""The IVR hand-off: the phone system redeems the code a caller typed and learns who is calling.

One plain HTTP call any IVR can make (``docs/api/ivr.md``), authenticated with an operator API
key from ``frontdesk ivr keys create``. The body is JSON or a form with ``number`` (the number
dialled), ``code`` (the digits entered) and ``caller_id``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, cast

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from frontdesk.actions.access_codes import redeem_access_code
from frontdesk.actions.operator_keys import KeyInfo, key_for
from frontdesk.errors import Unauthorized
from frontdesk.transports.error_docs import answers, error_responses
from frontdesk.transports.fields import request_fields

if TYPE_CHECKING:
    from frontdesk.app import Services

router = APIRouter(prefix="/api/ivr", tags=["ivr"])

_REDEEM_FIELDS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "number": {"type": "string", "description": "The number dialled, e.g. +12025550100."},
        "code": {"type": "string", "description": "The digits the caller entered."},
        "caller_id": {"type": "string", "description": "The caller's number; empty if withheld."},
    },
    "required": ["number", "code"],
}


class RedeemReply(BaseModel):
    """The visitor's context: form, userData, the pages they opened, and the call's state."""

    call: dict[str, Any] = Field(
        description="id, state, queue, language, number, caller_id, origin, visitor "
        "{name, phone_number, email}, form, user_data, pages [{url, title, at}], referrer, "
        "browser, created_at, expires_at, redeemed_at, taken_at, agent_id"
    )


def _services(request: Request) -> Services:
    return cast("Services", request.app.state.services)


@answers(401)
async def ivr_key(request: Request) -> KeyInfo:
    """FastAPI dependency: the operator key of scope ``ivr`` the request carries."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized("Send the operator API key as `Authorization: Bearer <key>`.")
    return await key_for(_services(request).database, key.strip(), scope="ivr")


@router.post(
    "/redeem",
    summary="Redeem an access code",
    responses={
        **error_responses(400, 413, 415),
        404: {"description": "Wrong, expired or already used: one answer for all three."},
        429: {"description": "Too many refused codes from this caller, for this code or number."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _REDEEM_FIELDS},
                "application/x-www-form-urlencoded": {"schema": _REDEEM_FIELDS},
            },
        }
    },
)
async def redeem(request: Request, key: Annotated[KeyInfo, Depends(ivr_key)]) -> RedeemReply:
    """Once per code: the call's visitor context; the agents' desks pop it up."""
    svc = _services(request)
    fields = await request_fields(request)
    view = await redeem_access_code(
        svc.database,
        svc.broker,
        svc.settings,
        dialled=fields.get("number", ""),
        code=fields.get("code", ""),
        caller_id=fields.get("caller_id", ""),
    )
    return RedeemReply(call=view.as_json())
