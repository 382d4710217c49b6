"""The engine's own sentences (translated through the bot's catalogs) and how sources are cited."""

from __future__ import annotations

from bot.i18n import N_

DONT_KNOW = N_(
    "Sorry, I am not sure about this. I would rather not guess: a person from your community office can "
    "answer it."
)
ASK_OFFICE = N_("(not published here: please ask %(office)s)")
DEFAULT_OFFICE = N_("your social insurance office")
ELSEWHERE_LABEL = N_("In %(region)s (%(year)s document):")
PASSAGE_LABEL = N_("From a notice:")

REGION_NAMES: dict[str, str] = {
    "liaoning": N_("Liaoning"),
    "jiangsu": N_("Jiangsu"),
    "county": N_("the county"),
}
