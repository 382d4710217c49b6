from __future__ import annotations

import pytest

from bot.flows.scam_warning import looks_like_a_scam


@pytest.mark.parametrize(
    "text",
    [
        "有人打电话说我的养老金要停了让我转账",
        "有人打電話說我的養老金要停了讓我轉賬",
        "社保局打电话让我交保证金",
        "对方要我告诉他验证码",
        "有人说认证要交手续费",
        "Someone called and asked me to transfer money to keep my pension",
        "They texted me asking for the verification code",
    ],
)
def test_the_usual_fraud_is_recognised(text: str) -> None:
    assert looks_like_a_scam(text)


@pytest.mark.parametrize(
    "text",
    [
        "手机认证收不到验证码",
        "手機認證收不到驗證碼",
        "认证要交钱吗",
        "养老金能转到别的银行卡吗",
        "银行卡密码忘了怎么办",
        "Is there a fee for certification?",
        "How do I call the office?",
    ],
)
def test_questions_about_the_procedure_are_not(text: str) -> None:
    assert not looks_like_a_scam(text)
