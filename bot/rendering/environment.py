"""The Jinja2 environment: one per locale, autoescaped, strict, with gettext installed.

Templates produce Telegram HTML. Telegram accepts only <b>, <i>, <u>, <s>, <code>, <pre>, <a href>,
<blockquote> (and a few more); there is no <br>: newlines in the text are line breaks.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from bot.i18n import I18n, Translator

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# Users may paste a novel; what we quote back of it stays short.
ECHO_LIMIT = 60
# Rendered pages kept for reuse (see Renderer.render); a page is a few hundred characters.
PAGE_CACHE_SIZE = 2048


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """Shorten user text before quoting it back (escaping happens later, in the template)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def html_message(t: Translator, message: str, /, **values: Any) -> str:
    """A short translated message as Telegram HTML, its %(name)s placeholders filled with escaped values.

    Catalog strings are ours and trusted (they may hold <b>); the values are escaped by Markup's `%`.
    """
    translated = Markup(t.gettext(message))
    # Always format, even without values, so that "%%" means "%" here as in the templates.
    return str(translated % values)


class Renderer:
    def __init__(self, i18n: I18n, templates_dir: Path = TEMPLATES_DIR) -> None:
        self._i18n = i18n
        self._loader = FileSystemLoader(str(templates_dir))
        self._envs: dict[str, Environment] = {}
        self._cached_page = functools.lru_cache(maxsize=PAGE_CACHE_SIZE)(self._page)

    def _env(self, t: Translator) -> Environment:
        env = self._envs.get(t.locale)
        if env is None:
            env = Environment(
                loader=self._loader,
                autoescape=True,
                undefined=StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=False,
                # Templates ship with the code: no need to stat their files on every render.
                auto_reload=False,
            )
            env.install_gettext_translations(t.translations, newstyle=True)  # type: ignore[attr-defined]
            env.globals["t"] = t
            env.filters["clip"] = clip
            self._envs[t.locale] = env
        return env

    def render(self, t: Translator, template: str, /, **context: Any) -> str:
        """The template filled with `context`, as Telegram HTML.

        A template is a pure function of its locale and values, and most replies are the same few pages
        (the menu, help, a status) with the same values, so a page is rendered once and kept. Values are
        keyed with their type (1, 1.0 and True are equal keys but print differently); a context holding
        something unhashable (a list) is rendered afresh every time."""
        # Names are unique, so sorting never compares the values.
        values = tuple(sorted((name, type(value), value) for name, value in context.items()))
        try:
            hash(values)
        except TypeError:
            return self._render(t, template, context)
        return self._cached_page(t, template, values)

    def _page(self, t: Translator, template: str, values: tuple[tuple[str, type, Hashable], ...]) -> str:
        return self._render(t, template, {name: value for name, _, value in values})

    def _render(self, t: Translator, template: str, context: dict[str, Any]) -> str:
        return self._env(t).get_template(template).render(**context).strip()

    @staticmethod
    def escape(text: str) -> str:
        return str(escape(text))
