from __future__ import annotations

import pytest

from bot.flows.small_talk import Kind, reply_to


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("你好", Kind.GREETING),
        ("老师您好！", Kind.GREETING),
        ("在吗？", Kind.GREETING),
        ("Good morning", Kind.GREETING),
        ("谢谢", Kind.THANKS),
        ("謝謝您啊～", Kind.THANKS),
        ("好的，谢谢", Kind.THANKS),
        ("明白了 辛苦了", Kind.THANKS),
        ("Thank you very much!", Kind.THANKS),
        ("谢谢，再见", Kind.GOODBYE),
        ("拜拜", Kind.GOODBYE),
        ("好的", Kind.OK),
        ("收到👍", Kind.OK),
        ("ＯＫ", Kind.OK),
    ],
)
def test_small_talk_alone_is_recognised(text: str, kind: Kind) -> None:
    assert reply_to(text) == kind.value


@pytest.mark.parametrize(
    "text",
    ["您好，请问养老金几号发", "可以吗", "养老金", "history", "王秀英", "你", "", "👍", "好的我想问一下认证"],
)
def test_anything_more_is_not_small_talk(text: str) -> None:
    assert reply_to(text) is None
