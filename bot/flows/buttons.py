"""Button labels (translated when shown) and recognising a pressed reply button in any language."""

from __future__ import annotations

import unicodedata

from bot.domain.family import Relation
from bot.i18n import N_

BACK = N_("⬅ Back")
MAIN_MENU = N_("🏠 Main menu")
ASK_PERSON = N_("📞 Ask a person")
HELP = N_("❓ Help")
SETTINGS = N_("⚙️ Settings")
LANGUAGE = N_("🌐 Language / 语言")

I_AM_RETIREE = N_("👴 I am a retiree")
I_AM_FAMILY = N_("👪 I am a family member")

POLICY = N_("📖 Policy questions")
CERTIFICATION = N_("✅ Certification")
DEATH_BENEFIT = N_("🕯 Death-benefit claim")
ACTIVITIES = N_("🎉 Community activities")

WHO_AM_I = N_("👤 Who am I")
UNLINK = N_("🔓 Unlink my account")
ADD_RETIREE = N_("➕ Add a retiree I look after")
NOTICES_ON = N_("🔔 Activity notices: on")
NOTICES_OFF = N_("🔕 Activity notices: off")

STAFF_UNIT = N_("🏢 My unit")
STAFF_NOTICES = N_("📢 Send a notice")
STAFF_CERTIFICATION = N_("✅ Certification tasks")
STAFF_CLAIMS = N_("🕯 Claim reviews")

RELATIONS: dict[Relation, str] = {
    Relation.SPOUSE: N_("Spouse"),
    Relation.SON: N_("Son"),
    Relation.DAUGHTER: N_("Daughter"),
    Relation.SON_IN_LAW: N_("Son-in-law"),
    Relation.DAUGHTER_IN_LAW: N_("Daughter-in-law"),
    Relation.GRANDCHILD: N_("Grandchild"),
    Relation.OTHER: N_("Other relative"),
}

# Every label, for checks that they fit Telegram and do not collide.
ALL_LABELS: tuple[str, ...] = (
    BACK,
    MAIN_MENU,
    ASK_PERSON,
    HELP,
    SETTINGS,
    LANGUAGE,
    I_AM_RETIREE,
    I_AM_FAMILY,
    POLICY,
    CERTIFICATION,
    DEATH_BENEFIT,
    ACTIVITIES,
    WHO_AM_I,
    UNLINK,
    ADD_RETIREE,
    NOTICES_ON,
    NOTICES_OFF,
    STAFF_UNIT,
    STAFF_NOTICES,
    STAFF_CERTIFICATION,
    STAFF_CLAIMS,
    *RELATIONS.values(),
)


def normalise_label(text: str) -> str:
    """Letters and digits only, case-folded: "❓ Help", "help" and "ＨＥＬＰ" all become "help".

    Emoji and their variation selectors differ between keyboards and copies; ignoring them lets a user
    type a button's words instead of pressing it.
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if ch.isalnum()).casefold()
