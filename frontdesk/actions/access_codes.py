"""Access codes: a visitor asks to call and gets a number and a short code for a while; the IVR
redeems the code once and learns who is calling; the agents see the call pop up.

Codes are random digits from ``secrets``, unique among the active (unredeemed, unexpired) codes
of their number: issuing locks the number's row (the whole database on SQLite), reads the
number's active codes and picks one outside them. At most one code in ``MAX_SHARE_IN_USE`` of a
number's code space is active at once, so a guess is right at most that often; on top, redeems
are counted per caller id, per code and per dialled number before the code is checked
(``actions.attempts``), past the limits every redeem is refused for a while, and a redeem that
succeeds is not counted. A wrong, an expired and a used code get the same answer, so nobody
learns which it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
import uuid
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actions.attempts import Rule, locked_subjects, refund, reserve
from frontdesk.actions.call_views import CallView, get_call
from frontdesk.actions.chat import checked_user_data, invalid
from frontdesk.actions.chat_views import DESK_CHANNEL
from frontdesk.actions.numbers import (
    DEFAULT_QUEUE,
    checked_language,
    checked_phone,
    checked_queue,
    digits_of,
    tel_link,
)
from frontdesk.broker import Broker
from frontdesk.errors import NotFound, Unavailable
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.models import Call, CallNumber, utcnow

MAX_SHARE_IN_USE = 100
MAX_CODE_LENGTH = 12
MAX_FORM_FIELDS = 50
MAX_FIELD_LENGTH = 1000
MAX_PAGES = 50
# The one answer for a wrong, an expired and a used code (and a number that is not ours).
NO_MATCH = "No active access code matches."

_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_CODE = re.compile(rf"[0-9]{{0,{MAX_CODE_LENGTH}}}")


@dataclasses.dataclass(frozen=True, slots=True)
class CallRequest:
    """What a visitor sends to get a number: their phone number, the form, where they are."""

    customer_number: str
    form_data: dict[str, str] = dataclasses.field(default_factory=dict)
    user_data: dict[str, Any] = dataclasses.field(default_factory=dict)
    queue: str = DEFAULT_QUEUE
    language: str = ""
    provide_code: bool = True
    page_url: str = ""
    page_title: str = ""
    referrer: str = ""
    browser: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class IssuedCode:
    """The number to dial and the code to enter, valid for ``expires_in`` seconds."""

    call_id: str
    number: str
    access_code: str
    tel_url: str
    expires_in: int


async def request_access_code(
    db: Database,
    settings: Settings,
    *,
    origin: str,
    request: CallRequest,
    now: dt.datetime | None = None,
) -> IssuedCode:
    """Give the visitor a number of the queue in their language and a fresh access code."""
    now = now or utcnow()
    phone = checked_phone(request.customer_number, "_customer_number", min_digits=6)
    queue = checked_queue(request.queue)
    language = checked_language(request.language)
    form = _checked_form(request.form_data)
    email = form.get("email", "").strip().lower()
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        raise invalid("email", "must be an email address such as dana@example.com")
    values: dict[str, Any] = dict(
        queue=queue,
        language=language,
        state="waiting",
        origin=origin[:255],
        customer_number=digits_of(phone),
        email=email,
        form_data=form,
        user_data=checked_user_data(request.user_data),
        pages=[_page(request.page_url, request.page_title, now)] if request.page_url else [],
        referrer=request.referrer[:2048],
        browser=request.browser[:500],
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.access_code_ttl_seconds),
        redeemed_at=None,
        caller_id="",
        taken_at=None,
        agent_id=None,
    )
    candidates = await _candidates(db, queue, language, now)
    if not candidates:
        raise Unavailable(
            "No phone number is set up for this queue and language.", queue=queue, reason="none"
        )
    for number_id in candidates:
        issued = await _issue_on(db, settings, number_id, values, request.provide_code, now)
        if issued is not None:
            return issued
    raise Unavailable(
        "Every number of this queue is busy; try again in a few minutes.",
        queue=queue,
        reason="busy",
    )


async def redeem_access_code(
    db: Database,
    broker: Broker,
    settings: Settings,
    *,
    dialled: str,
    code: str,
    caller_id: str,
    now: dt.datetime | None = None,
) -> CallView:
    """The IVR's hand-off: the call for a dialled number and entered code, once; then the desk."""
    now = now or utcnow()
    digits = digits_of(checked_phone(dialled, "number"))
    code = checked_code(code)
    caller = digits_of(caller_id) if isinstance(caller_id, str) else ""
    by_caller, by_code, by_number = redeem_rules(settings)
    # Withheld (or nonsense) caller ids get no counter of their own: shared, one guesser would
    # lock every anonymous caller out. The code's and the number's limits still hold for them.
    limits = [(by_code, f"{digits}:{code}"), (by_number, digits)]
    if 3 <= len(caller) <= 20:
        limits.append((by_caller, caller))
    else:
        caller = ""
    held = await reserve(db, limits, now)
    async with db.session() as session, session.begin():
        # One conditional UPDATE: of two redeems of one code, exactly one gets the row.
        call_id = await session.scalar(
            update(Call)
            .where(
                Call.number_id == _number_id(digits),
                Call.access_code == code,
                Call.state == "waiting",
                Call.expires_at > now,
            )
            .values(state="redeemed", redeemed_at=now, caller_id=caller)
            .returning(Call.id)
        )
    if call_id is None:
        raise NotFound(NO_MATCH)
    await refund(db, held)
    view = await get_call(db, call_id)
    await broker.publish(DESK_CHANNEL, view.event())
    return view


def redeem_rules(settings: Settings) -> tuple[Rule, Rule, Rule]:
    """The limits on code checks: per caller id, per code of a number, per dialled number."""
    window = settings.redeem_window_seconds
    refusal = "Too many refused access codes; try again later."
    return (
        Rule("redeem-caller", settings.redeem_attempts_per_caller, window, refusal),
        Rule("redeem-code", settings.redeem_attempts_per_code, window, refusal),
        Rule("redeem-number", settings.redeem_attempts_per_number, window, refusal),
    )


async def record_page(
    db: Database, *, dialled: str, code: str, url: str, title: str, now: dt.datetime | None = None
) -> None:
    """Add a page the visitor opened to their waiting call; no such call changes nothing."""
    now = now or utcnow()
    digits = digits_of(checked_phone(dialled, "_access_number"))
    code = checked_code(code)
    if not url.startswith(("http://", "https://")) or len(url) > 2048:
        raise invalid("url", "must be an http(s) URL of at most 2048 characters")
    async with db.session() as session, session.begin():
        # A no-op UPDATE takes the row's lock before reading it (see chat.take_index).
        call_id = await session.scalar(
            update(Call)
            .where(
                Call.number_id == _number_id(digits),
                Call.access_code == code,
                Call.state == "waiting",
                Call.expires_at > now,
            )
            .values(state=Call.state)
            .returning(Call.id)
        )
        row = None if call_id is None else await session.get(Call, call_id)
        if row is None or (row.pages and row.pages[-1].get("url") == url):
            return
        row.pages = [*row.pages, _page(url, title, now)][-MAX_PAGES:]


def checked_code(raw: object) -> str:
    """An access code as typed on a keypad: digits, spaces and a final ``#`` dropped."""
    text = raw.replace(" ", "").removesuffix("#") if isinstance(raw, str) else None
    if text is None or not _CODE.fullmatch(text):
        raise invalid("code", f"must be at most {MAX_CODE_LENGTH} digits")
    return text


def _page(url: str, title: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "url": url[:2048],
        "title": title[:500],
        "at": now.isoformat().replace("+00:00", "Z"),
    }


def _checked_form(form: dict[str, str]) -> dict[str, str]:
    if len(form) > MAX_FORM_FIELDS:
        raise invalid("form", f"may have at most {MAX_FORM_FIELDS} fields")
    for key, value in form.items():
        if not isinstance(value, str) or len(key) > 100 or len(value) > MAX_FIELD_LENGTH:
            raise invalid(key[:100], f"must be text of at most {MAX_FIELD_LENGTH} characters")
    return {key: value.strip() for key, value in form.items()}


def _number_id(digits: str) -> Any:
    return select(CallNumber.id).where(CallNumber.digits == digits).scalar_subquery()


def _language_rank(offered: str, wanted: str) -> int | None:
    """How well a number's language fits the visitor's: lower is better; None does not fit."""
    if offered == wanted:
        return 0
    if not offered:
        return 2
    if wanted and offered.split("-")[0] == wanted.split("-")[0]:
        return 1
    return None if wanted else 3


async def _candidates(db: Database, queue: str, language: str, now: dt.datetime) -> list[int]:
    """The queue's numbers that fit the language, best fit first, then least busy."""
    async with db.session() as session:
        numbers = (
            await session.execute(
                select(CallNumber.id, CallNumber.language).where(
                    CallNumber.queue == queue, CallNumber.removed_at.is_(None)
                )
            )
        ).all()
        load = dict(
            (
                await session.execute(
                    select(Call.number_id, func.count())
                    .where(Call.state == "waiting", Call.expires_at > now)
                    .group_by(Call.number_id)
                )
            ).all()
        )
    ranked = []
    for number_id, offered in numbers:
        rank = _language_rank(offered, language)
        if rank is not None:
            ranked.append((rank, load.get(number_id, 0), number_id))
    return [number_id for *_, number_id in sorted(ranked)]


async def _issue_on(
    db: Database,
    settings: Settings,
    number_id: int,
    values: dict[str, Any],
    with_code: bool,
    now: dt.datetime,
) -> IssuedCode | None:
    """Issue on one number; None when it is full (or was removed meanwhile)."""
    digits_count = settings.access_code_digits
    async with db.session() as session, session.begin():
        # Locks the number: issuing on it waits here, so two requests never pick one code.
        locked = (
            await session.execute(
                update(CallNumber)
                .where(CallNumber.id == number_id, CallNumber.removed_at.is_(None))
                .values(digits=CallNumber.digits)
                .returning(CallNumber.digits, CallNumber.number, CallNumber.post_dial)
            )
        ).one_or_none()
        if locked is None:
            return None
        digits, number, post_dial = locked
        active = set(
            await session.scalars(
                select(Call.access_code).where(
                    Call.number_id == number_id, Call.state == "waiting", Call.expires_at > now
                )
            )
        )
        if not with_code:
            # Without a code the number itself says who calls: nobody else may hold it now.
            code = None if active else ""
        elif "" in active or len(active) >= max(1, 10**digits_count // MAX_SHARE_IN_USE):
            code = None
        else:
            blocked = await _blocked_codes(session, settings, digits, now)
            code = _fresh_code(digits_count, active | blocked)
        if code is None:
            return None
        row = Call(**values, id=str(uuid.uuid4()), number_id=number_id, access_code=code)
        session.add(row)
    return IssuedCode(
        call_id=row.id,
        number=number,
        access_code=code,
        tel_url=tel_link(number, post_dial, code),
        expires_in=settings.access_code_ttl_seconds,
    )


def _fresh_code(length: int, taken: set[str]) -> str | None:
    """A random code of ``length`` digits outside ``taken`` (which is far from full)."""
    for _ in range(1000):
        code = f"{secrets.randbelow(10**length):0{length}d}"
        if code not in taken:
            return code
    return None


async def _blocked_codes(
    session: AsyncSession, settings: Settings, digits: str, now: dt.datetime
) -> set[str]:
    """Codes of this number locked out by refused redeems: a new visitor must not get one."""
    _, by_code, _ = redeem_rules(settings)
    prefix = f"{digits}:"
    return {
        subject.removeprefix(prefix)
        for subject in await locked_subjects(session, by_code, prefix, now)
    }
