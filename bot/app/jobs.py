"""`retiree-bot jobs`: the periodic jobs and when each runs next."""

from __future__ import annotations

from bot.clock import SystemClock
from bot.config import Settings
from scheduler.jobs import job_table


def list_jobs(settings: Settings) -> list[dict[str, str]]:
    return job_table(SystemClock().now(), settings.tz)


def render(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "no periodic jobs"
    width = max(len(row["id"]) for row in rows)
    lines = [f"{'job':<{width}}  {'next run':<22}  schedule / what it does"]
    for row in rows:
        lines.append(f"{row['id']:<{width}}  {row['next_run']:<22}  {row['schedule']}: {row['description']}")
    return "\n".join(lines)
