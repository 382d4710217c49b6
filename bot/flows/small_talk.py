"""Greetings, thanks, "OK" and goodbyes typed where a question is expected, answered in kind.

Older users write "您好" before asking, "谢谢" after an answer and "好的" when they have understood. Taken
as questions, these found nothing in the knowledge base, were offered to staff and were logged as
unanswered. Only a message made of such words alone is small talk: "您好，请问养老金几号发" is a question.
"""

from __future__ import annotations

from enum import Enum

from bot.flows.buttons import normalise_label
from bot.i18n import N_


class Kind(Enum):
    GOODBYE = N_("Goodbye, and take good care of yourself!")
    THANKS = N_("You're welcome! If there is anything else, just write to me.")
    GREETING = N_("Hello! How can I help you? Type your question, or press a button below.")
    OK = N_("All right. If you have another question, just type it.")


# Compared as button labels are: without spaces, punctuation or emoji, case-folded (normalise_label).
_WORDS: dict[Kind, tuple[str, ...]] = {
    Kind.GOODBYE: ("再见", "再見", "拜拜", "回头见", "回頭見", "bye", "goodbye", "byebye", "seeyou"),
    Kind.THANKS: (
        "谢谢", "謝謝", "多谢", "多謝", "感谢", "感謝", "谢了", "謝了", "辛苦了", "麻烦了", "麻煩了",
        "thanks", "thankyou", "thx", "manythanks",
    ),
    Kind.GREETING: (
        "你好", "您好", "大家好", "在吗", "在嗎", "在不在", "早上好", "上午好", "中午好", "下午好", "晚上好",
        "早", "hello", "hi", "hey", "goodmorning", "goodafternoon", "goodevening",
    ),
    Kind.OK: (
        "好的", "好", "好吧", "行", "可以", "知道了", "明白了", "明白", "懂了", "收到",
        "嗯", "嗯嗯", "哦", "噢", "ok", "okay", "fine", "gotit",
    ),
}  # fmt: skip

# Words that may come with them and change nothing: "谢谢您啊", "老师您好", "ok thanks".
_FILLERS = (
    "你", "您", "啊", "呀", "啦", "哈", "呢", "吧", "了", "的", "很", "非常", "太",
    "老师", "老師", "同志", "师傅", "師傅", "领导", "領導", "小姑娘", "小伙子",
    "very", "much", "so", "you", "and", "a", "lot",
)  # fmt: skip

_TOKENS: list[tuple[str, Kind | None]] = sorted(
    [(word, kind) for kind, words in _WORDS.items() for word in words]
    + [(filler, None) for filler in _FILLERS],
    key=lambda token: -len(token[0]),
)


def reply_to(text: str) -> str | None:
    """The reply (a message id to translate) when `text` is small talk alone; None for anything else."""
    rest = normalise_label(text)
    kinds: set[Kind] = set()
    while rest:
        match = next(((word, kind) for word, kind in _TOKENS if rest.startswith(word)), None)
        if match is None:
            return None
        word, kind = match
        rest = rest[len(word) :]
        if kind is not None:
            kinds.add(kind)
    # "好的，谢谢" is thanks, "谢谢，再见" a goodbye: the order of Kind says which wins.
    return next((kind.value for kind in Kind if kind in kinds), None)
