"""The death-benefit claim in `retiree-bot demo`: the family reports the death of the retiree they
registered for and sends documents with `/photo` and `/pdf`; staff see it in their queue and approve it;
the family is told. And the check that the demo's staff unit covers the family's retiree."""

from __future__ import annotations

import re

import pytest

from bot.app.demo.claims import check_staff_covers, covers, unit_parents
from bot.app.demo.runner import DEMO_STAFF_UNIT, sample_people

from .conftest import SAMPLES, CliRunner

# Typed by the person at the terminal; a number presses the button shown with it, a label types it.
WALK = """/clock 2027-01-11 10:00
/as family
/start
2
{name}
{id_number}
儿子
🕯 丧葬抚恤金申领
昨天
儿子
/contact
是，我本人
✅ 发送
⬜ 火化证明
/photo
⬜ 安葬证明
/pdf
📋 核对并提交
✅ 提交申领
/as staff
🕯 申领审核
1
6
5637元
/as family
🕯 丧葬抚恤金申领
/quit
"""


def test_the_family_reports_a_death_with_documents_and_staff_approve_it_in_the_demo(cli: CliRunner) -> None:
    _, (name, id_number) = sample_people(2)
    done = cli("demo", stdin=WALK.format(name=name, id_number=id_number))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Traceback" not in done.stderr
    # Inline buttons are pressed by number: the only claim in the list, then approve on its card.
    assert "[1] 1. " + name in out
    assert "[6] 💰 核准并填写金额" in out
    reference = re.search(r"您的编号是 ([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})", out)
    assert reference, out
    ref = reference.group(1)
    assert "谢谢，火化证明已保存" in out  # the photo
    assert "谢谢，安葬证明已保存" in out  # the PDF
    assert re.search(rf"1\. {name} \(\S+\) · {ref} · 已提交", out)  # the staff's queue
    staff_at = out.index("-- you are now the staff --")
    family_notice = out.index("-- in the family's chat --", staff_at)
    told = out[family_notice : out.index("-- you are now the family --", family_notice)]
    assert ref in told
    assert "申领已批准：5637.00元" in told
    assert out.rstrip().count("已批准") >= 2  # the family's status, asked again, says approved


def test_the_demo_staff_unit_covers_the_retiree_the_family_registers_for() -> None:
    _, (_, id_number) = sample_people(2)
    check_staff_covers(SAMPLES, DEMO_STAFF_UNIT, id_number)


def test_a_unit_covers_its_subtree_and_nothing_else() -> None:
    parents = unit_parents(SAMPLES / "units.csv")
    assert covers(parents, "21010101", "2101010102")
    assert covers(parents, "2101", "2101020202")
    assert covers(parents, "2101010102", "2101010102")
    assert not covers(parents, "21010101", "2101010201")
    assert not covers(parents, "21010101", "9999")


def test_a_retiree_outside_the_staff_unit_is_refused() -> None:
    with pytest.raises(RuntimeError, match="does not cover community 2101010201"):
        check_staff_covers(SAMPLES, DEMO_STAFF_UNIT, "210101195011231044")
