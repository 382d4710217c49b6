"""Telegram HTML from Jinja2 templates and translated strings, with everything a user typed escaped."""

from bot.rendering.environment import Renderer, clip, html_message

__all__ = ["Renderer", "clip", "html_message"]
