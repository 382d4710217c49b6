"""The bot's command list, as Telegram shows it in the menu button beside the input field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.i18n import N_, I18n

COMMANDS: tuple[tuple[str, str], ...] = (
    ("menu", N_("Main menu")),
    ("help", N_("Help and contacts")),
    ("cancel", N_("Stop and go back to the menu")),
    ("language", N_("Change the language")),
    ("start", N_("Start again")),
)

# setMyCommands takes two-letter language codes only, so Simplified and Traditional Chinese cannot be told
# apart there: "zh" gets the default Chinese script, "" (everyone else) the default locale.
_TELEGRAM_LANGUAGES = {"en": "en", "zh": "zh_Hans"}


def command_menu(i18n: I18n, default_locale: str) -> Mapping[str, Sequence[tuple[str, str]]]:
    """(command, description) lists keyed by Telegram language code, "" being the default list."""
    languages = {"": default_locale, **_TELEGRAM_LANGUAGES}
    if default_locale.startswith("zh_"):
        languages["zh"] = default_locale
    return {
        code: [(command, i18n.translator(locale).gettext(description)) for command, description in COMMANDS]
        for code, locale in languages.items()
    }
