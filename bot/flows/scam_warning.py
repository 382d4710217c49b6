"""A message that describes the usual fraud against pensioners gets a plain warning before anything else.

Callers pretending to be the social security office ("your pension will be stopped unless you transfer a
fee", "tell me the code we just sent") target exactly our users. The documents answer none of it, and a
near-miss answer about suspended payments would lend the caller credibility. The words below are the
scam's, not the procedures': no office asks for a transfer, a fee paid by phone, a verification code or
a password.
"""

from __future__ import annotations

import re

from bot.i18n import N_
from bot.knowledge.normalise import normalise

WARNING = N_(
    "⚠️ This sounds like a scam. The social security office and community staff never ask you to transfer "
    "money, pay a fee by phone, or give a verification code or password. Do not pay anything and hang up. "
    "If you have already paid, call the police (110) at once. Press “📞 Ask a person” to check with your "
    "community."
)

# Both are needed: something asked of the user, and someone (a call, a message, a stranger) asking it.
# "手机认证收不到验证码" and "认证要交钱吗" are questions about the procedure, not a scam. Matched against the
# normalised text (Simplified script, lower case), so Traditional needs no patterns.
_ASKED_FOR = re.compile(
    r"转账|转帐|汇款|打钱|交钱|手续费|保证金|解冻费|验证码|密码|安全账户|安全帐户|银行卡号"
    r"|\btransfer\b|\bwire\b|\bsend (the |some )?money\b|\bfee\b|\bverification code\b|\bpassword\b"
    r"|\bsafe account\b|\bcard number\b"
)
_SOMEONE_ASKING = re.compile(
    r"电话|短信|打来|自称|陌生|对方|有人|让我|要我|叫我|骗"
    r"|\bcall(ed|s|ing)?\b|\bphone(d)?\b|\btext(ed|s|ing)?\b|\bsms\b|\bsomeone\b|\bstranger\b"
    r"|\b(asked|asking|told|wants?) me\b|\basking for\b"
)


def looks_like_a_scam(text: str) -> bool:
    folded = normalise(text)
    return bool(_ASKED_FOR.search(folded) and _SOMEONE_ASKING.search(folded))
