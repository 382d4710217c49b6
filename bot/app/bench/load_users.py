"""The emulator and the simulated people of `retiree-bot bench load`, in a process of their own so that the
bots measured have the machine's cores to themselves as far as can be.

`python -m bot.app.bench.load_users BOT_ID` speaks JSON lines. Once listening it prints {"base_url": ...};
then for each request {"users": [...], "seconds": s, "warmup": w, "seed": n} read from stdin it waits until
`w` people got an answer (the bot is up), then lets every person act for `s` seconds: press one of the
reply-keyboard buttons the bot last showed them (or a main-menu button) or write a question, wait for the
bot's answer (up to REPLY_TIMEOUT_S), think 1-5 s, act again. It prints {"updates", "latencies_ms",
"unanswered", "violations"}; a latency runs from the person's message reaching the emulator to the bot's
first message in that chat.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from typing import Any

from bot.emulator import Emulator, RecordedCall, ReplyWatch
from bot.flows import buttons

REPLY_TIMEOUT_S = 30.0
THINK_S = (1.0, 5.0)
MENU = (buttons.HELP, buttons.POLICY, buttons.CERTIFICATION, buttons.ACTIVITIES, buttons.DEATH_BENEFIT)
QUESTIONS = (
    "How much is the funeral grant?",
    "养老金资格认证什么时候开始？",
    "What documents do I need after a death in the family?",
    "我的养老金什么时候发？",
    "Is there an activity this week?",
)


def _is_answer(call: RecordedCall) -> bool:
    """A new message or an edited one (a card updated in place) both answer the person."""
    return call.method.startswith(("send", "edit"))


def _action(emulator: Emulator, user: int, rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(QUESTIONS)
    keyboard = emulator.last_reply_keyboard(user) or {}
    texts = [
        str(button["text"] if isinstance(button, dict) else button)
        for row in keyboard.get("keyboard", [])
        for button in row
    ]
    return rng.choice(texts or list(MENU))


async def measure(
    emulator: Emulator, bot_id: int, users: list[int], seconds: float, warmup: int, seed: int
) -> dict[str, Any]:
    answers = ReplyWatch(emulator, _is_answer)
    latencies: list[float] = []
    unanswered = 0
    updates = 0

    async def act(user: int, text: str, timeout: float) -> bool:  # noqa: ASYNC109
        nonlocal unanswered, updates
        reply = answers.expect(user)
        sent = time.monotonic()
        await emulator.send_text(user, text, language_code="en", bot_id=bot_id)
        updates += 1
        try:
            replied = await asyncio.wait_for(reply, timeout)
        except TimeoutError:
            answers.forget(user)
            unanswered += 1
            return False
        latencies.append((replied - sent) * 1000)
        return True

    async with answers.reading():
        for user in users[:warmup]:  # the bot is up (and has loaded what it loads lazily)
            if not await act(user, buttons.HELP, 180.0):
                raise RuntimeError("the bot did not answer the warm-up")
        latencies.clear()
        updates = unanswered = 0
        deadline = time.monotonic() + seconds

        async def person(user: int) -> None:
            rng = random.Random(seed * 1_000_003 + user)
            await asyncio.sleep(rng.uniform(0.0, THINK_S[1]))  # people do not all start at once
            while time.monotonic() < deadline:
                await act(user, _action(emulator, user, rng), REPLY_TIMEOUT_S)
                await asyncio.sleep(rng.uniform(*THINK_S))

        started = time.monotonic()
        await asyncio.gather(*(person(user) for user in users))
        elapsed = time.monotonic() - started
    return {
        "updates": updates,
        "seconds": round(elapsed, 1),
        "latencies_ms": latencies,
        "unanswered": unanswered,
        "violations": len(emulator.violations),
    }


async def _serve(bot_id: int) -> None:
    emulator = Emulator()
    await emulator.start()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    _say({"base_url": emulator.base_url})
    try:
        while line := await reader.readline():
            request = json.loads(line)
            _say(
                await measure(
                    emulator,
                    bot_id,
                    list(request["users"]),
                    float(request["seconds"]),
                    int(request["warmup"]),
                    int(request["seed"]),
                )
            )
    finally:
        await emulator.stop()


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":  # pragma: no cover - run by bot.app.bench.load
    asyncio.run(_serve(int(sys.argv[1])))
