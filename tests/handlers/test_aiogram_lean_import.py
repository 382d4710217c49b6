"""aiogram imported lean builds each validator on first use, the same validator the stock import builds."""

from __future__ import annotations

import json
import subprocess
import sys

LEAN = "import handlers.aiogram_adapter\n"
STOCK = "import aiogram\n"

REPORT = """
import json
from pydantic import BaseModel
from aiogram import methods, types
from bot.memory import peak_rss_mb

deferred = not types.Message.__pydantic_complete__
update = types.Update.model_validate({
    "update_id": 7,
    "callback_query": {
        "id": "c1", "chat_instance": "i", "data": "menu:status",
        "from": {"id": 5, "is_bot": False, "first_name": "Wang", "language_code": "zh-hans"},
        "message": {
            "message_id": 3, "date": 1700000000, "chat": {"id": 5, "type": "private"}, "text": "Menu",
            "entities": [{"type": "bold", "offset": 0, "length": 4}],
            "reply_markup": {"inline_keyboard": [[{"text": "Status", "callback_data": "menu:status"}]]},
        },
    },
})
send = methods.SendMessage(
    chat_id=5, text="<b>x</b>",
    reply_markup=types.ReplyKeyboardMarkup(keyboard=[[types.KeyboardButton(text="Ask a person")]]),
)
unbuilt = []
for module in (types, methods):
    for name in module.__all__:
        model = getattr(module, name)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        if model.__pydantic_generic_metadata__["parameters"]:
            continue  # built per parameter (Response[Message], ...)
        model.model_rebuild()
        if not model.__pydantic_complete__:
            unbuilt.append(name)
print(json.dumps({
    "deferred": deferred,
    "update": update.model_dump(mode="json"),
    "send": send.model_dump(exclude_none=True),
    "unbuilt": unbuilt,
    "import_rss_mb": IMPORT_RSS,
}, default=repr))
"""


def _report(preamble: str) -> dict[str, object]:
    code = f"{preamble}from bot.memory import peak_rss_mb\nIMPORT_RSS = peak_rss_mb()\n{REPORT}"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    result: dict[str, object] = json.loads(out)
    return result


def test_lean_aiogram_defers_the_build_and_builds_what_the_stock_import_builds() -> None:
    lean, stock = _report(LEAN), _report(STOCK)

    assert lean["deferred"] is True
    assert stock["deferred"] is False
    assert lean["unbuilt"] == []
    assert lean["update"] == stock["update"]
    assert lean["send"] == stock["send"]


def test_lean_aiogram_starts_in_far_less_memory() -> None:
    lean, stock = _report(LEAN), _report(STOCK)

    assert isinstance(lean["import_rss_mb"], float)
    assert isinstance(stock["import_rss_mb"], float)
    assert lean["import_rss_mb"] < 0.7 * stock["import_rss_mb"]
