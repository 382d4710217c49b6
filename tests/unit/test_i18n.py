"""The catalogs are complete and consistent with the code, and locales are chosen and formatted right."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.i18n import (
    BABEL_LOCALES,
    LOCALES,
    LOCALES_DIR,
    I18n,
    _main,
    extract_messages,
    match_locale,
    resolve_locale,
)

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Telegram's HTML subset, as far as our catalogs may use it.
ALLOWED_TAG = re.compile(r"</?(b|i|u|s|code|pre|blockquote)>")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _po(locale: str) -> Catalog:
    return _read(LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po", BABEL_LOCALES[locale])


def _key(message: Message) -> str:
    return str(message.id[0] if isinstance(message.id, tuple) else message.id)


def _strings(value: object) -> tuple[str, ...]:
    """A message's id or string as a tuple of texts, whether it is singular or plural."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (tuple, list)):
        return tuple(str(v) for v in value)
    return ("",)


def _entries(catalog: Catalog) -> Iterator[Message]:
    return (m for m in catalog if m.id)


@pytest.fixture(scope="module")
def used() -> set[str]:
    return {_key(m) for m in _entries(extract_messages())}


def test_every_msgid_in_use_is_in_the_template(used: set[str]) -> None:
    template = {_key(m) for m in _entries(_read(LOCALES_DIR / "messages.pot"))}
    assert used - template == set(), "run `python -m bot.i18n extract`"


def test_the_code_uses_enough_messages_for_this_check_to_mean_something(used: set[str]) -> None:
    assert len(used) > 50
    assert "Staff will never ask for SMS codes, passwords or money transfers." in used


@pytest.mark.parametrize("locale", LOCALES)
def test_every_msgid_in_use_has_a_reviewed_translation(locale: str, used: set[str]) -> None:
    catalog = _po(locale)
    translated = set()
    for message in _entries(catalog):
        strings = _strings(message.string)
        if not message.fuzzy and all(s.strip() for s in strings):
            translated.add(_key(message))
    assert used - translated == set()


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match_between_msgid_and_translation(locale: str) -> None:
    for message in _entries(_po(locale)):
        ids = _strings(message.id)
        strings = _strings(message.string)
        expected = set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, (locale, ids[0], string)


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_are_valid_telegram_html(locale: str) -> None:
    for message in _entries(_po(locale)):
        for string in _strings(message.string):
            bare = ALLOWED_TAG.sub("", string)
            assert not set("<>&") & set(bare), (locale, string)


def test_chinese_translations_are_in_the_right_script() -> None:
    # A few characters that differ between the scripts catch a catalog pasted into the wrong locale.
    simplified = "".join(m.string for m in _entries(_po("zh_Hans")) if isinstance(m.string, str))
    traditional = "".join(m.string for m in _entries(_po("zh_Hant")) if isinstance(m.string, str))
    assert "请" in simplified
    assert "請" not in simplified
    assert "請" in traditional
    assert "请" not in traditional
    assert "证" not in traditional
    assert "单" not in traditional


def test_fuzzy_translations_are_not_used(tmp_path: Path) -> None:
    for locale in LOCALES:
        target = tmp_path / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        text = (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
        text = text.replace('msgid "Welcome!"', '#, fuzzy\nmsgid "Welcome!"')
        (target / "messages.po").write_text(text, encoding="utf-8")
    assert I18n(tmp_path).translator("zh_Hans").gettext("Welcome!") == "Welcome!"
    assert I18n().translator("zh_Hans").gettext("Welcome!") == "欢迎您！"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh-hans", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("zh-hant", "zh_Hant"),
        ("zh-TW", "zh_Hant"),
        ("zh-hk", "zh_Hant"),
        ("en", "en"),
        ("en-GB", "en"),
        ("de", None),
        ("", None),
        (None, None),
    ],
)
def test_telegram_language_codes_map_to_our_locales(code: str | None, expected: str | None) -> None:
    assert match_locale(code) == expected
    assert resolve_locale(code, "zh_Hant") == (expected or "zh_Hant")


def test_unknown_locale_falls_back_to_the_default() -> None:
    i18n = I18n(default_locale="en")
    assert i18n.translator("fr").locale == "en"
    assert i18n.for_language_code("ru").locale == "en"
    with pytest.raises(ValueError, match="unsupported"):
        I18n(default_locale="fr")


def test_formatting_follows_the_locale() -> None:
    i18n = I18n()
    day = date(2025, 3, 5)
    assert i18n.translator("zh_Hans").format_date(day) == "2025年3月5日"
    assert i18n.translator("en").format_date(day) == "March 5, 2025"
    assert "1,234.5" in i18n.translator("en").format_decimal(Decimal("1234.5"))
    assert i18n.translator("zh_Hans").format_currency(Decimal("1234.5")) == "¥1,234.50"
    assert "2025" in i18n.translator("zh_Hant").format_datetime(datetime(2025, 3, 5, 8, tzinfo=UTC))
    with pytest.raises(ValueError, match="naive"):
        i18n.translator("en").format_datetime(datetime(2025, 3, 5, 8))  # noqa: DTZ001


def test_plural_forms() -> None:
    i18n = I18n()
    one, many = "You can try %(num)d more time this hour.", "You can try %(num)d more times this hour."
    assert i18n.translator("en").ngettext(one, many, 1) == one
    assert i18n.translator("en").ngettext(one, many, 3) == many
    assert "次" in i18n.translator("zh_Hant").ngettext(one, many, 3)


def test_extract_command_leaves_up_to_date_catalogs_unchanged(tmp_path: Path) -> None:
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, copy)
    before = {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*.po*")}
    lines: list[str] = []
    assert _main(["extract", "--locales-dir", str(copy)], out=lines.append) == 0
    after = {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*.po*")}
    assert lines[-1] == "catalogs updated; 0 untranslated"
    assert before == after


def test_extract_command_reports_a_new_msgid_as_untranslated(tmp_path: Path) -> None:
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, copy)
    po = copy / "zh_Hant" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8").replace('msgstr "歡迎您！"', 'msgstr ""')
    po.write_text(text, encoding="utf-8")
    lines: list[str] = []
    assert _main(["extract", "--locales-dir", str(copy)], out=lines.append) == 1
    assert lines[0] == "untranslated: zh_Hant: 'Welcome!'"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh_Hans", "12月12日周六 09:00"),
        ("zh_Hant", "12月12日週六\u2009上午9:00"),
        ("en", "Sat, December 12, 9:00\u202fAM"),
    ],
)
def test_a_planned_moment_reads_as_day_weekday_and_minute_in_the_given_zone(
    locale: str, expected: str
) -> None:
    moment = datetime(2026, 12, 12, 1, 0, 59, tzinfo=UTC)  # 09:00:59 in Beijing: seconds are not shown
    assert I18n().translator(locale).format_day_and_time(moment, ZoneInfo("Asia/Shanghai")) == expected
