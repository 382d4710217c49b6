"""A message that describes the usual fraud against pensioners gets a plain warning before anything else.

Callers pretending to be the social security office ("your pension will be stopped unless you transfer a
fee", "tell me the code we just sent") target exactly our users. The documents answer none of it, and a
near-miss answer about suspended payments would lend the caller credibility. The words below are the
scam's, not the procedures': no office asks for a transfer, a fee paid by phone, a verification code or
a password.
"""

from __future__ import annotations

import re
import unicodedata

from bot.i18n import N_

WARNING = N_(
    "⚠️ This sounds like a scam. The social security office and community staff never ask you to transfer "
    "money, pay a fee by phone, or give a verification code or password. Do not pay anything and hang up. "
    "If you have already paid, call the police (110) at once. Press “📞 Ask a person” to check with your "
    "community."
)

# Both are needed: something asked of the user, and someone (a call, a message, a stranger) asking it.
# "手机认证收不到验证码" and "认证要交钱吗" are questions about the procedure, not a scam.
_ASKED_FOR = re.compile(
    r"转账|轉賬|轉帳|汇款|匯款|打钱|打錢|交钱|交錢|手续费|手續費|保证金|保證金|解冻费|解凍費|验证码|驗證碼|密码|密碼"
    r"|安全账户|安全賬戶|安全帳戶|银行卡号|銀行卡號"
    r"|\btransfer\b|\bwire\b|\bsend (the |some )?money\b|\bfee\b|\bverification code\b|\bpassword\b"
    r"|\bsafe account\b|\bcard number\b"
)
_SOMEONE_ASKING = re.compile(
    r"电话|電話|短信|打来|打來|自称|自稱|陌生|对方|對方|有人|让我|讓我|要我|叫我|骗|騙"
    r"|\bcall(ed|s|ing)?\b|\bphone(d)?\b|\btext(ed|s|ing)?\b|\bsms\b|\bsomeone\b|\bstranger\b"
    r"|\b(asked|asking|told|wants?) me\b|\basking for\b"
)


def looks_like_a_scam(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return bool(_ASKED_FOR.search(folded) and _SOMEONE_ASKING.search(folded))
