"""Crash safety: a worker killed with SIGKILL in the middle of a 5,000-message batch, then restarted.

No message may be lost, and the repeats are bounded by what the worker had in flight: at most
DELIVERY_BATCH_SIZE messages (scheduler/delivery/__init__.py). The worker is the real
`retiree-bot worker` in a subprocess; the emulator, in this process, counts what arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import BinaryIO

import pytest
from sqlalchemy import func, select

from bot.domain.outbox import MessageCategory, OutboxMessage, OutboxStatus
from bot.emulator import Emulator
from bot.emulator.testing import running_emulator
from storage.models import OutboxRow
from tests.integration.delivery_support import TOKEN, delivered, sqlite_database
from tests.waiting import wait_until

MESSAGES = 5000
BATCH = 100
ROOT = Path(__file__).resolve().parents[2]


def _worker_env(emu: Emulator, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DELIVERY_", "BOT_", "QUIET_"))}
    env.update(
        BOT_TOKEN=TOKEN,
        BOT_FRAMEWORK="aiogram",
        TELEGRAM_API_BASE=emu.base_url,
        DATABASE_URL=database_url,
        DELIVERY_RATE="1000",
        DELIVERY_BATCH_SIZE=str(BATCH),
        DELIVERY_CONCURRENCY="16",
        DELIVERY_LEASE_SECONDS="2",
        DELIVERY_POLL_SECONDS="0.05",
        QUIET_HOURS="off",
        LOG_LEVEL="WARNING",
    )
    return env


async def _start_worker(env: dict[str, str], cwd: Path, log: BinaryIO) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.app.cli",
        "worker",
        "--no-jobs",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log,
    )


@pytest.mark.timeout(180)
async def test_kill_9_mid_batch_loses_nothing_and_repeats_at_most_the_batch(tmp_path: Path) -> None:
    with contextlib.ExitStack() as stack:
        await _scenario(tmp_path, stack)


async def _scenario(tmp_path: Path, stack: contextlib.ExitStack) -> None:
    async with sqlite_database(tmp_path) as database, running_emulator() as emu:
        users = range(100_001, 100_001 + MESSAGES)
        for user in users:
            emu.open_chat(user)
        async with database.uow() as uow:
            batch = await uow.outbox.create_batch("broadcast", "Crash test")
            messages = [
                OutboxMessage(
                    chat_id=user,
                    category=MessageCategory.BROADCAST,
                    dedupe_key=f"m-{user}",
                    text=f"Notice [m-{user}]",
                    batch_id=batch,
                )
                for user in users
            ]
            assert await uow.outbox.enqueue_many(messages) == MESSAGES
            await uow.commit()

        env = _worker_env(emu, str(database.engine.url))
        log = stack.enter_context((tmp_path / "worker.log").open("ab"))
        first = await _start_worker(env, tmp_path, log)
        try:
            await wait_until(lambda: len(emu.calls) >= MESSAGES // 3 or first.returncode is not None, 60)
        finally:
            if first.returncode is None:
                first.send_signal(signal.SIGKILL)
            await first.wait()
        assert first.returncode == -signal.SIGKILL, (tmp_path / "worker.log").read_text()
        killed_at = sum(delivered(emu).values())
        assert 0 < killed_at < MESSAGES, "the worker must die mid-way for this test to mean anything"

        second = await _start_worker(env, tmp_path, log)
        try:
            await wait_until(
                # Counting calls is cheap; only then look at which messages they were.
                lambda: (
                    (len(emu.calls) >= MESSAGES and len(delivered(emu)) >= MESSAGES)
                    or second.returncode is not None
                ),
                timeout=90,
            )
            # No pause for the last results: a stopping worker finishes its sends and records them all.
        finally:
            if second.returncode is None:
                second.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(second.wait(), 20)
        assert code == 0, (tmp_path / "worker.log").read_text()

        counts = delivered(emu)
        assert set(counts) == {m.dedupe_key for m in messages}  # nothing lost
        duplicates = sum(n - 1 for n in counts.values())
        assert duplicates <= BATCH, f"{duplicates} repeats, more than the in-flight bound {BATCH}"
        async with database.session() as session:
            sent = await session.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.status == OutboxStatus.SENT)
            )
        assert sent == MESSAGES
        print(f"killed after {killed_at} sends; {duplicates} repeated after the restart (bound {BATCH})")
