"""`python -m bot.app.bench.emulator --chats N`: the emulator in a process of its own for
`retiree-bot bench delivery`, with N private chats already open (user ids from --first-user).

In its own process the emulator does not share a CPU core and an event loop with the sender it measures.
It prints its base URL on the first line, then serves until SIGTERM; limits are set through the control API.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from bot.emulator import Emulator


async def _serve(first_user: int, chats: int) -> None:
    emulator = Emulator()
    for user in range(first_user, first_user + chats):
        emulator.open_chat(user)
    await emulator.start()
    print(emulator.base_url, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--first-user", type=int, default=1_000_000)
    parser.add_argument("--chats", type=int, default=10_000)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.first_user, args.chats))


if __name__ == "__main__":
    main()
