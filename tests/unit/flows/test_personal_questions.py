from __future__ import annotations

import pytest

from bot.flows.personal_questions import asks_own_certification


@pytest.mark.parametrize(
    "text",
    [
        "我认证过了吗",
        "今年年审做好了吗？",
        "我妈认证了没有",
        "怎么查我有没有认证",
        "我的认证状态",
        "認證結果什麼時候出來",
        "Have I been certified this year?",
        "Have I done my certification this year?",
        "我办过认证没有",
        "what is my certification status",
    ],
)
def test_asking_about_ones_own_certification(text: str) -> None:
    assert asks_own_certification(text)


@pytest.mark.parametrize(
    "text",
    [
        "怎么认证",
        "认证在哪里办",
        "养老金认证开始了吗",
        "认证截止了吗",
        "没收到认证表怎么办",
        "How do I get certified?",
    ],
)
def test_asking_about_the_procedure(text: str) -> None:
    assert not asks_own_certification(text)
