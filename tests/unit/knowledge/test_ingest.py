from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.ingest import read_document, split_document


def test_passages_carry_title_and_nearest_heading() -> None:
    text = (
        "关于养老金发放的通知\n一、发放时间\n每月十日前发放到账。\n（二）补发\n认证后补发停发期间的养老金。\n"
    )
    passages = split_document(text, "fallback")
    assert passages[0].title == "关于养老金发放的通知"
    assert passages[0].section.startswith("一、发放时间")
    assert "补发" in passages[-1].section


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig", "utf-16"])
def test_office_encodings_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes("新通知\n第一条 认证改在六月。\n".encode(encoding))
    (passage,) = read_document(path)
    assert passage.section.startswith("第一条")
    assert "六月" in passage.text
