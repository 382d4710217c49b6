"""The activity walk of `retiree-bot demo`: staff publish an activity with two places, the retiree and the
family member take them, the neighbour waits and is offered the place the retiree gives up, and moving the
clock to the day before brings the reminder."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app.demo.activities import sample_neighbour
from bot.app.demo.runner import DEMO_STAFF_UNIT, sample_people

from .conftest import SAMPLES, CliRunner

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the demo's time zone when none is configured


def _walk() -> str:
    (retiree, retiree_id), (relative, relative_id) = sample_people(2)
    neighbour, neighbour_id = sample_neighbour(
        Path(SAMPLES / "roster.csv"), DEMO_STAFF_UNIT, (retiree_id, relative_id)
    )
    today = datetime.now(SHANGHAI).date()
    start, day = today + timedelta(days=30), today + timedelta(days=35)
    eve = day - timedelta(days=1)
    lines = [
        f"/clock {start.isoformat()} 09:30",  # in the daytime, out of the quiet hours
        "/start",
        "👴 我是退休人员",
        retiree,
        retiree_id,
        "/as family",
        "/start",
        "👪 我是家属",
        relative,
        relative_id,
        "儿子",
        "/as neighbour",
        "/start",
        "👴 我是退休人员",
        neighbour,
        neighbour_id,
        "/as staff",
        "📢 发布通知",
        "🎉 新建活动",
        "太极拳",
        f"{day.isoformat()} 09:30",
        "社区活动室",
        "'2",  # the number of places as text: a bare 2 would press button 2
        "活动前一天",
        "退休人员和家属",
        "不可以",
        "周六上午太极拳，请带水。",
        "10",  # 📤 发送
        "/as retiree",
        "1",  # ✅ 报名 under the notice
        "/as family",
        "1",
        "/as neighbour",
        "1",
        "/as retiree",
        "🎉 社区活动",
        "1",  # ❌ 取消 · 太极拳
        "/as neighbour",
        "1",  # ✅ 好的，我来
        f"/clock {eve.isoformat()} 10:30",
        "/quit",
    ]
    return "\n".join(lines) + "\n"


def test_the_demo_fills_an_activity_waitlists_the_third_promotes_them_and_reminds(cli: CliRunner) -> None:
    done = cli("demo", stdin=_walk())
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Traceback" not in done.stderr
    assert "将发给 3 人" in out  # the retiree, the family member and the neighbour
    assert "通知：已全部发出" in out  # the progress message, brought up to date
    assert out.count("您已报名 太极拳") == 2
    assert "您在候补名单上排第 1 位" in out
    assert "有空位给您：太极拳" in out  # offered to the neighbour when the retiree cancels
    assert "名额是您的了" in out
    reminders = out[out.rindex("(clock:") :]
    # The family member and the neighbour are reminded; the retiree gave the place up.
    assert reminders.count("提醒：太极拳 就在明天") == 2
