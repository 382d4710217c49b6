"""Translations (gettext via Babel) and locale-aware formatting.

The .po catalogs in locales/ are compiled in memory when first used, so there is no separate build step.
`python -m bot.i18n extract` re-extracts every msgid from bot/ and the templates and updates the catalogs.
"""

from __future__ import annotations

import argparse
import functools
import io
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.dates import format_skeleton as _format_skeleton
from babel.dates import format_time as _format_time
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_currency as _format_currency
from babel.numbers import format_decimal as _format_decimal
from babel.support import Translations

LOCALES: tuple[str, ...] = ("zh_Hans", "zh_Hant", "en")
DEFAULT_LOCALE = "zh_Hans"
DOMAIN = "messages"

ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = ROOT / "locales"

# Babel needs a territory to pick the right date and currency patterns for Chinese scripts.
BABEL_LOCALES: Mapping[str, str] = {"zh_Hans": "zh_Hans_CN", "zh_Hant": "zh_Hant_TW", "en": "en"}

# Names of each language in its own script, for the language buttons (never translated).
LANGUAGE_NAMES: Mapping[str, str] = {"zh_Hans": "简体中文", "zh_Hant": "繁體中文", "en": "English"}

# Keywords the extractor looks for; `N_` marks a string translated later (e.g. a button label constant).
KEYWORDS: Mapping[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
}
METHOD_MAP: list[tuple[str, str]] = [
    ("bot/**.py", "python"),
    ("bot/rendering/templates/**.j2", "jinja2"),
]
EXTRACT_OPTIONS: dict[str, dict[str, str]] = {
    "bot/rendering/templates/**.j2": {"trimmed": "true"},
}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def match_locale(language_code: str | None) -> str | None:
    """Our locale for a Telegram `language_code` (an IETF tag like "zh-hans" or "en-GB"), if we have one."""
    if not language_code:
        return None
    code = language_code.strip().lower().replace("_", "-")
    if code in {"zh-hant", "zh-tw", "zh-hk", "zh-mo"} or code.startswith("zh-hant-"):
        return "zh_Hant"
    if code in {"zh", "zh-hans", "zh-cn", "zh-sg"} or code.startswith("zh-hans-"):
        return "zh_Hans"
    if code == "en" or code.startswith("en-"):
        return "en"
    return None


def resolve_locale(language_code: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Like match_locale, falling back to `default` for a language we do not speak."""
    return match_locale(language_code) or default


@dataclass(frozen=True, slots=True)
class Translator:
    """Everything locale-specific for one user: their catalog and Babel formatting."""

    locale: str
    translations: Translations

    @property
    def babel_locale(self) -> Locale:
        return Locale.parse(BABEL_LOCALES[self.locale])

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def format_date(self, value: date, fmt: str = "long") -> str:
        return _formatted_date(value, fmt, BABEL_LOCALES[self.locale])

    def format_datetime(self, value: datetime, fmt: str = "medium", tzinfo: object | None = None) -> str:
        if value.tzinfo is None:
            raise ValueError("naive datetime: only timezone-aware datetimes are formatted")
        return _format_datetime(value, format=fmt, tzinfo=tzinfo, locale=self.babel_locale)  # type: ignore[arg-type]

    def format_day_and_time(self, value: datetime, tzinfo: tzinfo) -> str:
        """A moment as people say it when they make plans: the day with its weekday and the time to the
        minute, in `tzinfo` ("12月12日周六 09:00", "Sat, December 12, 9:00 AM")."""
        if value.tzinfo is None:
            raise ValueError("naive datetime: only timezone-aware datetimes are formatted")
        return _formatted_day_and_time(value.astimezone(tzinfo), BABEL_LOCALES[self.locale])

    def format_decimal(self, value: Decimal | int | float) -> str:
        return _format_decimal(value, locale=self.babel_locale)

    def format_currency(self, value: Decimal | int | float, currency: str = "CNY") -> str:
        return _format_currency(value, currency, locale=self.babel_locale)


# Replies name the same few days (a deadline, a suspension date) again and again: each formatted once.
@functools.lru_cache(maxsize=4096)
def _formatted_date(value: date, fmt: str, babel_locale: str) -> str:
    return _format_date(value, format=fmt, locale=babel_locale)


@functools.lru_cache(maxsize=4096)
def _formatted_day_and_time(local: datetime, babel_locale: str) -> str:
    day = _format_skeleton("MMMMEd", local, tzinfo=local.tzinfo, locale=babel_locale)
    time_of_day = _format_time(local, "short", tzinfo=local.tzinfo, locale=babel_locale)
    pattern: str = Locale.parse(babel_locale).datetime_formats["short"]
    return pattern.replace("{1}", day).replace("{0}", time_of_day)


def _compile(po_path: Path, locale: str) -> Translations:
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=BABEL_LOCALES[locale], domain=DOMAIN)
    buffer = io.BytesIO()
    # Fuzzy entries are guesses of the merge tool, not translations: leave them out as gettext does.
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


class I18n:
    """The loaded catalogs of every supported locale."""

    def __init__(self, locales_dir: Path = LOCALES_DIR, default_locale: str = DEFAULT_LOCALE) -> None:
        if default_locale not in LOCALES:
            raise ValueError(f"unsupported default locale {default_locale!r}")
        self.default_locale = default_locale
        self._translators = {
            locale: Translator(
                locale, _compile(locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po", locale)
            )
            for locale in LOCALES
        }

    def translator(self, locale: str | None) -> Translator:
        return self._translators.get(locale or "", self._translators[self.default_locale])

    def for_language_code(self, language_code: str | None) -> Translator:
        return self.translator(resolve_locale(language_code, self.default_locale))

    def all_translations(self, message: str) -> set[str]:
        """The message in every locale: to recognise a button label whatever language it was shown in."""
        return {t.gettext(message) for t in self._translators.values()}


# --- catalog maintenance -------------------------------------------------------------------------


def extract_messages(root: Path = ROOT) -> Catalog:
    """A template catalog of every msgid used in bot/ and its templates."""
    catalog = Catalog(project="retiree-bot", domain=DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        root,
        method_map=METHOD_MAP,
        options_map=EXTRACT_OPTIONS,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        location = (filename.replace("\\", "/"), lineno)
        catalog.add(message, None, [location], auto_comments=comments, context=context)
    return catalog


_DATES = re.compile(rb'"(POT-Creation-Date|PO-Revision-Date): [^"]*"')


def _write(catalog: Catalog, path: Path) -> None:
    """Write the catalog unless only its timestamps would change (no churn in version control). Locations
    name the file without the line: code moving inside a file leaves the catalogs as they are."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, omit_header=False, include_lineno=False)
    content = buffer.getvalue()
    if path.exists() and _DATES.sub(b"", path.read_bytes()) == _DATES.sub(b"", content):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def update_catalogs(root: Path = ROOT, locales_dir: Path = LOCALES_DIR) -> list[str]:
    """Write messages.pot and merge it into each locale's .po; return the msgids still untranslated."""
    template = extract_messages(root)
    _write(template, locales_dir / f"{DOMAIN}.pot")
    missing: list[str] = []
    for locale in LOCALES:
        po_path = locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po_path.exists():
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=BABEL_LOCALES[locale], domain=DOMAIN)
        else:
            catalog = Catalog(locale=BABEL_LOCALES[locale], domain=DOMAIN, project="retiree-bot")
        # No fuzzy matching: a guessed translation of a similar sentence is worse than none.
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False  # the header: translations here are reviewed, not machine guesses
        _write(catalog, po_path)
        missing.extend(f"{locale}: {m.id!r}" for m in catalog if m.id and (not m.string or m.fuzzy))
    return missing


def _main(argv: Iterable[str] | None = None, out: Callable[[str], object] = print) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.i18n", description=__doc__)
    parser.add_argument("command", choices=["extract"], help="extract msgids and update the catalogs")
    parser.add_argument("--locales-dir", type=Path, default=LOCALES_DIR, help="where the catalogs are")
    args = parser.parse_args(list(argv) if argv is not None else None)
    missing = update_catalogs(ROOT, args.locales_dir)
    for line in missing:
        out(f"untranslated: {line}")
    out(f"catalogs updated; {len(missing)} untranslated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(_main())
