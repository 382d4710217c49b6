"""The control API over HTTP, for the demo and benchmarks running in another process or thread.

Every endpoint takes a JSON object (POST body, or query string for GET) and answers
{"ok": true, "result": ...} or {"ok": false, "description": ...} with status 400.
The endpoints are listed in the package docstring (bot/emulator/__init__.py).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from bot.emulator.emulator import Emulator

Action = Callable[["Emulator", dict[str, Any]], Awaitable[Any]]
_MAX_WAIT = 30.0


def _int(args: dict[str, Any], key: str) -> int:
    try:
        return int(args[key])
    except KeyError:
        raise ValueError(f"{key} is required") from None
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be an integer") from None


def _opt_int(args: dict[str, Any], key: str) -> int | None:
    return None if args.get(key) in (None, "") else _int(args, key)


def _opt_float(args: dict[str, Any], key: str, default: float | None) -> float | None:
    value = args.get(key)
    return default if value in (None, "") else float(value)


def _content(args: dict[str, Any], default: bytes) -> bytes:
    encoded = args.get("content_base64")
    if encoded is None:
        return default
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise ValueError("content_base64 is not valid base64") from None


async def _send_text(emu: Emulator, a: dict[str, Any]) -> Any:
    return await emu.send_text(
        _int(a, "user_id"),
        str(a["text"]),
        language_code=a.get("language_code"),
        first_name=a.get("first_name"),
        chat_id=_opt_int(a, "chat_id"),
    )


async def _press_button(emu: Emulator, a: dict[str, Any]) -> Any:
    return await emu.press_button(
        _int(a, "user_id"),
        _int(a, "message_id"),
        str(a.get("callback_data", a.get("data", ""))),
        chat_id=_opt_int(a, "chat_id"),
    )


async def _send_photo(emu: Emulator, a: dict[str, Any]) -> Any:
    return await emu.send_photo(
        _int(a, "user_id"),
        a.get("caption"),
        content=_content(a, b"\xff\xd8\xff\xe0JFIF"),
        chat_id=_opt_int(a, "chat_id"),
    )


async def _send_document(emu: Emulator, a: dict[str, Any]) -> Any:
    return await emu.send_document(
        _int(a, "user_id"),
        file_name=str(a.get("file_name", "document.pdf")),
        content=_content(a, b"%PDF-1.4\n"),
        mime_type=str(a.get("mime_type", "application/pdf")),
        caption=a.get("caption"),
        chat_id=_opt_int(a, "chat_id"),
    )


async def _send_voice(emu: Emulator, a: dict[str, Any]) -> Any:
    return await emu.send_voice(_int(a, "user_id"), chat_id=_opt_int(a, "chat_id"))


async def _send_video(emu: Emulator, a: dict[str, Any]) -> Any:
    return await emu.send_video(_int(a, "user_id"), a.get("caption"), chat_id=_opt_int(a, "chat_id"))


async def _send_sticker(emu: Emulator, a: dict[str, Any]) -> Any:
    return await emu.send_sticker(_int(a, "user_id"), chat_id=_opt_int(a, "chat_id"))


async def _send_contact(emu: Emulator, a: dict[str, Any]) -> Any:
    return await emu.send_contact(_int(a, "user_id"), str(a["phone_number"]), chat_id=_opt_int(a, "chat_id"))


async def _user_says(emu: Emulator, a: dict[str, Any]) -> Any:
    calls = await emu.user_says(
        _int(a, "user_id"),
        str(a["text"]),
        timeout=_opt_float(a, "timeout", 5.0) or 5.0,
        quiet=_opt_float(a, "quiet", None),
        **{k: a[k] for k in ("language_code", "first_name") if a.get(k) is not None},
        **({"chat_id": _int(a, "chat_id")} if a.get("chat_id") is not None else {}),
    )
    return [c.to_json() for c in calls]


async def _user_presses(emu: Emulator, a: dict[str, Any]) -> Any:
    calls = await emu.user_presses(
        _int(a, "user_id"),
        _int(a, "message_id"),
        str(a.get("callback_data", a.get("data", ""))),
        timeout=_opt_float(a, "timeout", 5.0) or 5.0,
        quiet=_opt_float(a, "quiet", None),
        chat_id=_opt_int(a, "chat_id"),
    )
    return [c.to_json() for c in calls]


async def _open_chat(emu: Emulator, a: dict[str, Any]) -> Any:
    emu.open_chat(_int(a, "user_id"), first_name=a.get("first_name"), language_code=a.get("language_code"))
    return True


async def _create_group(emu: Emulator, a: dict[str, Any]) -> Any:
    emu.create_group(_int(a, "chat_id"), str(a.get("title", "Community group")))
    return True


async def _wait_quiet(emu: Emulator, a: dict[str, Any]) -> Any:
    await emu.wait_quiet(
        _opt_int(a, "chat_id"), _opt_float(a, "quiet", None), _opt_float(a, "timeout", 5.0) or 5.0
    )
    return True


async def _calls(emu: Emulator, a: dict[str, Any]) -> Any:
    """Calls with seq >= since (optionally to one chat); with wait>0, long-polls for the first."""
    since = _opt_int(a, "since") or 0
    chat_id = _opt_int(a, "chat_id")
    wait = min(_opt_float(a, "wait", 0.0) or 0.0, _MAX_WAIT)

    def found() -> list[Any]:
        return [c for c in emu.calls[since:] if chat_id is None or c.chat_id == chat_id]

    if wait > 0:
        with contextlib.suppress(TimeoutError):
            await emu.wait_for(lambda: bool(found()), wait)
    return [c.to_json() for c in found()]


async def _messages(emu: Emulator, a: dict[str, Any]) -> Any:
    return [m.to_json() for m in emu.messages(_int(a, "chat_id"))]


async def _transcript(emu: Emulator, a: dict[str, Any]) -> Any:
    return [m.to_json() for m in emu.transcript(_int(a, "chat_id"))]


async def _reply_keyboard(emu: Emulator, a: dict[str, Any]) -> Any:
    return emu.last_reply_keyboard(_int(a, "chat_id"))


async def _violations(emu: Emulator, a: dict[str, Any]) -> Any:
    return [v.to_json() for v in emu.violations]


async def _limit_breaches(emu: Emulator, a: dict[str, Any]) -> Any:
    return [b.to_json() for b in emu.limit_breaches]


async def _fault(emu: Emulator, a: dict[str, Any]) -> Any:
    emu.inject_fault(
        str(a["kind"]),
        method=a.get("method"),
        chat_id=_opt_int(a, "chat_id"),
        times=_opt_int(a, "times") or 1,
        retry_after=_opt_int(a, "retry_after") or 1,
        delay=_opt_float(a, "delay", 0.0) or 0.0,
    )
    return True


async def _clear_faults(emu: Emulator, a: dict[str, Any]) -> Any:
    emu.clear_faults()
    return True


async def _block_user(emu: Emulator, a: dict[str, Any]) -> Any:
    emu.block_user(_int(a, "user_id"))
    return True


async def _unblock_user(emu: Emulator, a: dict[str, Any]) -> Any:
    emu.unblock_user(_int(a, "user_id"))
    return True


async def _limits(emu: Emulator, a: dict[str, Any]) -> Any:
    emu.set_limits(
        _opt_int(a, "global_per_s"), _opt_int(a, "per_chat_per_s"), _opt_int(a, "per_group_per_min")
    )
    return True


async def _stats(emu: Emulator, a: dict[str, Any]) -> Any:
    return emu.stats()


ACTIONS: dict[str, Action] = {
    "send_text": _send_text,
    "press_button": _press_button,
    "send_photo": _send_photo,
    "send_document": _send_document,
    "send_voice": _send_voice,
    "send_video": _send_video,
    "send_sticker": _send_sticker,
    "send_contact": _send_contact,
    "user_says": _user_says,
    "user_presses": _user_presses,
    "open_chat": _open_chat,
    "create_group": _create_group,
    "wait_quiet": _wait_quiet,
    "calls": _calls,
    "messages": _messages,
    "transcript": _transcript,
    "reply_keyboard": _reply_keyboard,
    "violations": _violations,
    "limit_breaches": _limit_breaches,
    "fault": _fault,
    "clear_faults": _clear_faults,
    "block_user": _block_user,
    "unblock_user": _unblock_user,
    "limits": _limits,
    "stats": _stats,
}


def control_routes(app: web.Application, emulator: Emulator) -> None:
    async def handle(request: web.Request) -> web.Response:
        action = ACTIONS.get(request.match_info["action"])
        if action is None:
            return _answer(
                {"ok": False, "description": f"unknown control action; one of {sorted(ACTIONS)}"}, 404
            )
        args: dict[str, Any] = dict(request.query)
        if request.body_exists:
            try:
                body = json.loads(await request.text() or "{}")
            except ValueError:
                return _answer({"ok": False, "description": "body must be JSON"}, 400)
            if not isinstance(body, dict):
                return _answer({"ok": False, "description": "body must be a JSON object"}, 400)
            args.update(body)
        try:
            result = await action(emulator, args)
        except (ValueError, KeyError, TypeError) as exc:
            return _answer({"ok": False, "description": f"{type(exc).__name__}: {exc}"}, 400)
        except TimeoutError as exc:
            return _answer({"ok": False, "description": str(exc)}, 408)
        return _answer({"ok": True, "result": result})

    app.router.add_route("*", "/control/{action}", handle)


def _answer(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False, default=str), status=status, content_type="application/json"
    )
