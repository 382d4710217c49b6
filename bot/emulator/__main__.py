"""`python -m bot.emulator [--host H] [--port P]`: run the emulator until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from bot.emulator.emulator import Emulator


async def _serve(host: str, port: int) -> None:
    emulator = Emulator()
    await emulator.start(host=host, port=port)
    print(f"Bot API emulator listening on {emulator.base_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Background processes ignore SIGINT, so SIGTERM must also end the server cleanly.
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Local Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port))


if __name__ == "__main__":
    main()
