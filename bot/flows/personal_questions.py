"""Questions about the asker's own records, which the bot answers from them rather than from the documents.

"我认证过了吗" is not "what is certification": the documents can only explain the procedure, while the
bot knows this retiree's status for the year. Only clear wordings are taken; anything else is a question
for the knowledge base as before.
"""

from __future__ import annotations

import re

from bot.knowledge.normalise import normalise

# Matched against the normalised text (Simplified script, lower case), so Traditional needs no patterns.
_CERT = r"(认证|年审|生存认证)"
_OWN_CERTIFICATION = [
    # 我认证过了吗 / 认证了没有 / 年审做好了吗 / 认证成功了没
    re.compile(_CERT + r"(做|办)?(过|好|完|成功)?了(吗|么|没)"),
    # 我有没有认证 / 是否已经认证
    re.compile(r"(有没有|是否|是不是)(已经)?(做|办)?(过)?" + _CERT),
    # 认证状态 / 我的认证情况 / 认证结果
    re.compile(_CERT + r"(的)?(状态|情况|结果|进度)"),
    # 我办过认证没有 / 今年做过年审吗
    re.compile(r"(做|办)过" + _CERT + r"(没|吗|了)"),
    # 查一下认证 / 怎么查我认证没
    re.compile(r"查.{0,6}" + _CERT),
    re.compile(r"\b(am i|have i been|was i|did i get)\b.{0,20}\bcertified\b"),
    re.compile(
        r"\b(have|did) i (done|do|finish|finished|complete|completed|pass|passed)\b.{0,20}"
        r"\b(certification|yearly check|annual check|proof of life)\b"
    ),
    re.compile(r"\b(my )?certification status\b"),
]


def asks_own_certification(text: str) -> bool:
    """Whether `text` asks whether the asker (or the retiree they look after) has certified this year."""
    folded = normalise(text)
    compact = folded.replace(" ", "")
    return any(pattern.search(compact) or pattern.search(folded) for pattern in _OWN_CERTIFICATION)
