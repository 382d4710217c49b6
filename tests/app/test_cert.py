"""`retiree-bot cert import FILE`: data-comparison results certify quietly, never echoing ID numbers."""

from __future__ import annotations

import csv
from pathlib import Path

from .conftest import SAMPLES, CliRunner


def test_cert_import_certifies_the_listed_retirees_once(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("db", "upgrade").returncode == 0
    assert cli("import-units", str(SAMPLES / "units.csv")).returncode == 0
    assert cli("import-roster", str(SAMPLES / "roster.csv")).returncode == 0
    with (SAMPLES / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        numbers = [row["身份证号"] for row in csv.DictReader(handle)][:3]
    results = tmp_path / "比对结果.csv"
    results.write_text(
        "身份证号,备注\n" + "".join(f"{n},ok\n" for n in numbers) + "123,坏号码\n", encoding="gbk"
    )
    first = cli("cert", "import", str(results))
    assert first.returncode == 0, first.stderr
    assert "rows: 4, ID numbers: 3, newly certified: 3, rows without a valid ID number: 1" in first.stdout
    again = cli("cert", "import", str(results))
    assert "newly certified: 0" in again.stdout
    for number in numbers:
        assert number not in first.stdout + first.stderr


def test_cert_import_of_a_missing_file(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("db", "upgrade").returncode == 0
    missing = cli("cert", "import", str(tmp_path / "nothing.csv"))
    assert missing.returncode == 1
    assert "no such file" in missing.stderr


def test_cert_export_writes_every_list_on_the_server(cli: CliRunner, tmp_path: Path) -> None:
    assert cli("db", "upgrade").returncode == 0
    assert cli("import-units", str(SAMPLES / "units.csv")).returncode == 0
    assert cli("import-roster", str(SAMPLES / "roster.csv")).returncode == 0
    everyone = cli("cert", "export", "all.csv")
    assert everyone.returncode == 0, everyone.stderr
    assert everyone.stdout.strip() == "all.csv: 29 retirees"  # the deceased one is on no list
    rows = list(csv.reader((tmp_path / "all.csv").read_text("utf-8-sig").splitlines()))
    assert rows[0][:2] == ["姓名", "身份证号（部分隐藏）"]
    assert len(rows) == 30
    district = cli("cert", "export", "--unit", "210101", "district.xlsx")
    assert district.returncode == 0, district.stderr
    assert (tmp_path / "district.xlsx").read_bytes().startswith(b"PK")
    assert cli("cert", "export", "--unit", "nowhere", "x.csv").returncode == 1
    wrong = cli("cert", "export", "list.txt")
    assert (wrong.returncode, wrong.stderr.strip()) == (
        1,
        "retiree-bot: list.txt: the file's name must end in .csv or .xlsx",
    )
