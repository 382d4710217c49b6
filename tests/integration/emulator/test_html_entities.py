from __future__ import annotations

import pytest

from bot.emulator.html_entities import EntityParseError, parse_html


def test_tags_become_entities_with_utf16_offsets() -> None:
    text, entities = parse_html("😀 <b>粗体</b> &lt;<i>x</i>&gt; &#65;&#x42;")
    assert text == "😀 粗体 <x> AB"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 2},
        {"type": "italic", "offset": 7, "length": 1},
    ]


def test_link_pre_language_spoiler_and_blockquote() -> None:
    source = (
        '<a href="https://example.org/?a=1&amp;b=2">link</a> '
        '<pre><code class="language-python">x = 1</code></pre> '
        '<span class="tg-spoiler">s</span> <blockquote expandable>q</blockquote>'
    )
    text, entities = parse_html(source)
    assert text == "link x = 1 s q"
    assert {"type": "text_link", "url": "https://example.org/?a=1&b=2", "offset": 0, "length": 4} in entities
    assert {"type": "pre", "language": "python", "offset": 5, "length": 5} in entities
    assert {"type": "spoiler", "offset": 11, "length": 1} in entities
    assert {"type": "expandable_blockquote", "offset": 13, "length": 1} in entities


def test_nested_and_upper_case_tags() -> None:
    text, entities = parse_html("<B><i>a</i>b</B>")
    assert text == "ab"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 0, "length": 1},
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1 < 2 and 3 > 2", 'Unsupported start tag ""'),
        ("a <b", "Unclosed start tag"),
        ("Tom & Jerry", 'bare "&"'),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;"'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag"),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<span>x</span>", 'must have class "tg-spoiler"'),
        ("<tg-emoji>x</tg-emoji>", "emoji-id"),
    ],
)
def test_refused_html(source: str, message: str) -> None:
    with pytest.raises(EntityParseError, match=message.replace("(", r"\(")):
        parse_html(source)


def test_byte_offset_counts_utf8_bytes() -> None:
    with pytest.raises(EntityParseError, match="byte offset 7"):
        parse_html("你好 <x>")
