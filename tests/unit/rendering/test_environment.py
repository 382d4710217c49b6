"""Templates produce Telegram HTML in which whatever a user typed is escaped."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from jinja2 import UndefinedError

from bot.domain.outbox import UnreachableAccount
from bot.i18n import LOCALES, Translator
from bot.rendering import Renderer, clip, html_message
from bot.rendering.environment import TEMPLATES_DIR
from tests.parts import shared_i18n
from tests.unit.rendering.activity_contexts import activity_contexts
from tests.unit.rendering.cert_contexts import cert_contexts

TELEGRAM_TAGS = re.compile(r"</?(b|i|u|s|code|pre|blockquote)>|<a href=\"[^\"<>]*\">|</a>")
NASTY = "<b>x</b> & co"


@pytest.fixture
def renderer() -> Renderer:
    return Renderer(shared_i18n())


def test_user_text_is_escaped_in_templates(renderer: Renderer) -> None:
    html = renderer.render(shared_i18n().translator("en"), "registered.html.j2", name=NASTY)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; co" in html
    assert "<b>x</b>" not in html


def test_user_text_is_escaped_in_short_messages() -> None:
    t = shared_i18n().translator("zh_Hans")
    html = html_message(t, "How are you related to %(name)s? Please press a button.", name=NASTY)
    assert html == "您和&lt;b&gt;x&lt;/b&gt; &amp; co是什么关系？请按按钮选择。"


def test_translated_markup_is_kept(renderer: Renderer) -> None:
    html = renderer.render(shared_i18n().translator("zh_Hant"), "registered.html.j2", name="王")
    assert html.startswith("<b>歡迎您，王！</b>")


def test_missing_variables_fail_loudly(renderer: Renderer) -> None:
    with pytest.raises(UndefinedError):
        renderer.render(shared_i18n().translator("en"), "registered.html.j2")


def test_long_user_text_is_clipped_before_it_is_echoed(renderer: Renderer) -> None:
    html = renderer.render(
        shared_i18n().translator("en"), "id_prompt.html.j2", name="x" * 5000, for_family=False
    )
    assert len(html) < 600
    assert clip("a  b\nc") == "a b c"
    assert clip("y" * 100, 10) == "y" * 9 + "…"


def _context_for(name: str) -> dict[str, object]:
    fake_retiree = type("R", (), {"name": NASTY, "id_masked": "2101**********123X"})()
    contexts: dict[str, dict[str, object]] = {
        "contact.html.j2": {"community": NASTY, "role": "retiree"},
        "family_linked.html.j2": {"name": NASTY, "relation": NASTY},
        "help.html.j2": {"main_menu": NASTY, "ask_person": NASTY},
        "id_prompt.html.j2": {"name": NASTY, "for_family": True},
        "menu.html.j2": {},
        "policy_answer.html.j2": {"answer": NASTY, "source": NASTY, "missing": True},
        "policy_dont_know.html.j2": {"text": NASTY},
        "question_for_staff.html.j2": {
            "name": NASTY,
            "community": NASTY,
            "question": NASTY,
            "escalated": True,
            "asked_at": NASTY,
        },
        "staff_answer.html.j2": {"question": NASTY, "answer": NASTY},
        "unanswered_list.html.j2": {"items": [(NASTY, NASTY)], "page": 1, "pages": 2},
        "prepared.html.j2": {"feature": NASTY, "community": NASTY},
        "registered.html.j2": {"name": NASTY},
        "staff_menu.html.j2": {"units": [(NASTY, NASTY)]},
        "staff_deliveries.html.j2": {
            "batches": [
                {
                    "title": NASTY,
                    "when": NASTY,
                    "sent": 1,
                    "queued": 2,
                    "quiet": 3,
                    "failed": 4,
                    "unreachable": 5,
                }
            ],
            "unreachable": [UnreachableAccount(1, 2, NASTY, NASTY, NASTY, family=True)],
            "total": 3,
            "more": 2,
        },
        "staff_welcome.html.j2": {"unit": NASTY, "role": NASTY},
        "claim_notice.html.j2": {
            "kind": "status",
            "name": NASTY,
            "masked": NASTY,
            "reference": NASTY,
            "status": "returned",
            "amount": NASTY,
            "note": NASTY,
            "days": 3,
        },
        "claim_list.html.j2": {
            "title": NASTY,
            "offset": 8,
            "items": [
                {
                    "name": NASTY,
                    "masked": NASTY,
                    "reference": NASTY,
                    "status": NASTY,
                    "to_confirm": True,
                    "reported": NASTY,
                }
            ],
        },
        "claim_card.html.j2": {
            "reference": NASTY,
            "status": NASTY,
            "report": NASTY,
            "name": NASTY,
            "masked": NASTY,
            "died_on": NASTY,
            "reported": NASTY,
            "relation": NASTY,
            "phone": NASTY,
            "recipient": False,
            "documents": [{"name": NASTY, "present": True}, {"name": NASTY, "present": False}],
            "estimate": NASTY,
            "funeral": NASTY,
            "survivor": NASTY,
            "overpaid_months": 2,
            "overpaid_amount": NASTY,
            "amount": NASTY,
            "note": NASTY,
        },
        "welcome.html.j2": {},
        "whoami.html.j2": {
            "retiree": fake_retiree,
            "family": [(NASTY, NASTY)],
            "staff": [(NASTY, NASTY)],
            "community": NASTY,
        },
        **cert_contexts(NASTY),
        **activity_contexts(NASTY),
    }
    return contexts[name]


@pytest.mark.parametrize("template", sorted(p.name for p in Path(TEMPLATES_DIR).glob("*.j2")))
@pytest.mark.parametrize("locale", LOCALES)
def test_every_template_renders_only_telegram_html(renderer: Renderer, template: str, locale: str) -> None:
    html = renderer.render(shared_i18n().translator(locale), template, **_context_for(template))
    bare = TELEGRAM_TAGS.sub("", html)
    assert "<" not in bare
    assert ">" not in bare
    assert "<br" not in html
    assert "\n\n\n" not in html
    assert 0 < len(html) <= 4096


@pytest.fixture
def rendered(renderer: Renderer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates the renderer actually renders (not served from its kept pages)."""
    log: list[str] = []
    render = renderer._render

    def counting(t: Translator, template: str, context: dict[str, Any]) -> str:
        log.append(template)
        return render(t, template, context)

    monkeypatch.setattr(renderer, "_render", counting)
    return log


def test_a_page_is_rendered_once_per_locale_and_values(renderer: Renderer, rendered: list[str]) -> None:
    en, zh = shared_i18n().translator("en"), shared_i18n().translator("zh_Hans")
    first = renderer.render(en, "registered.html.j2", name="Wang")
    assert renderer.render(en, "registered.html.j2", name="Wang") == first
    assert len(rendered) == 1
    assert "Li" in renderer.render(en, "registered.html.j2", name="Li")
    assert renderer.render(zh, "registered.html.j2", name="Wang") != first
    # Equal keys that print differently are different pages.
    assert "1" in renderer.render(en, "registered.html.j2", name=1)
    assert "True" in renderer.render(en, "registered.html.j2", name=True)
    assert len(rendered) == 5


def test_unhashable_values_are_rendered_every_time(renderer: Renderer, rendered: list[str]) -> None:
    en = shared_i18n().translator("en")
    units: list[tuple[str, str]] = [("Pine community", "staff")]
    staff = renderer.render(en, "staff_menu.html.j2", units=units)
    units.append(("Oak community", "staff"))
    assert "Oak community" in renderer.render(en, "staff_menu.html.j2", units=units)
    assert "Oak community" not in staff
    assert rendered == ["staff_menu.html.j2", "staff_menu.html.j2"]


@pytest.mark.parametrize(
    ("locale", "named", "anonymous"),
    [
        ("zh_Hans", "您之前开始告诉我们王芳的事", "报告一位亲人离世"),
        ("zh_Hant", "您之前開始告訴我們王芳的事", "報告一位親人離世"),
        ("en", "You began telling us about 王芳", "You began telling us of a death"),
    ],
)
def test_the_unfinished_report_reminder_names_the_retiree_when_known(
    renderer: Renderer, locale: str, named: str, anonymous: str
) -> None:
    t = shared_i18n().translator(locale)
    with_name = renderer.render(t, "claim_notice.html.j2", kind="unfinished", name="王芳")
    without = renderer.render(t, "claim_notice.html.j2", kind="unfinished", name="")
    assert with_name.startswith(named)
    assert anonymous in without
    assert "🕯" in with_name
    assert "🕯" in without
