"""Regenerate the fictional sample files in this folder: `python samples/make_samples.py`.

Every place, person and number here is invented. The ID numbers are generated with valid check digits so that
they pass validation; they are fiction all the same, which is why the samples may live in the repository.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from bot.domain.resident_id import ResidentId

HERE = Path(__file__).resolve().parent
CITY = ("2101", "滨江市")
DISTRICTS = (("210101", "东湖区"), ("210102", "西岭区"))
STREET_NAMES = ("春晖街道", "松涛街道", "临溪街道", "望岳街道")
COMMUNITY_NAMES = (
    "杏花社区",
    "柳岸社区",
    "竹园社区",
    "枫林社区",
    "桂香社区",
    "荷塘社区",
    "梅岭社区",
    "兰亭社区",
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("秀英", "建国", "桂兰", "志强", "淑珍", "德明", "玉梅", "国华", "凤英", "长生", "丽华", "振东")
DATE_STYLES = ("{:%Y-%m-%d}", "{d.year}/{d.month}/{d.day}", "{d.year}年{d.month}月{d.day}日", "{:%Y%m%d}")


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    birth: date
    retired: date
    community: str
    phone: str
    lives_elsewhere: bool
    deceased: bool


def units() -> list[tuple[str, str, str, str]]:
    rows = [(CITY[0], CITY[1], "市", "")]
    street_names = iter(STREET_NAMES)
    community_names = iter(COMMUNITY_NAMES)
    for district_code, district_name in DISTRICTS:
        rows.append((district_code, district_name, "区", CITY[0]))
        for street in (1, 2):
            street_code = f"{district_code}{street:02d}"
            rows.append((street_code, next(street_names), "街道", district_code))
            for community in (1, 2):
                rows.append((f"{street_code}{community:02d}", next(community_names), "社区", street_code))
    return rows


def communities() -> list[str]:
    return [code for code, _, kind, _ in units() if kind == "社区"]


def people(count: int, offset: int) -> list[Person]:
    result = []
    all_communities = communities()
    for n in range(offset, offset + count):
        woman = n % 2 == 0
        birth = date(1936 + (n * 7) % 28, 1 + (n * 5) % 12, 1 + (n * 11) % 28)
        retirement_age = 50 if woman and n % 4 == 0 else 55 if woman else 60
        retired = birth.replace(year=birth.year + retirement_age)
        region = DISTRICTS[n % 2][0]
        sequence = 100 + 2 * n + (0 if woman else 1)  # odd for men, even for women
        result.append(
            Person(
                name=SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 5) % len(GIVEN)],
                id_number=ResidentId.build(region, birth, sequence).unmasked(),
                birth=birth,
                retired=retired,
                community=all_communities[n % len(all_communities)],
                phone=f"0411-5550-{1000 + n:04d}" if n % 3 else "",
                lives_elsewhere=n % 7 == 3,
                deceased=n == 11,
            )
        )
    return result


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _date_text(day: date, n: int) -> str:
    style = DATE_STYLES[n % len(DATE_STYLES)]
    return style.format(day, d=day)


def main() -> None:
    (HERE / "units.csv").write_text(
        _csv(["编码", "名称", "类型", "上级编码"], [list(row) for row in units()]), encoding="utf-8"
    )

    roster_header = ["姓名", "身份证号", "出生日期", "退休日期", "社区编码", "电话", "异地居住", "状态"]
    roster = [
        [
            p.name,
            p.id_number,
            _date_text(p.birth, n) if n % 5 else "",  # sometimes left for the ID number to supply
            _date_text(p.retired, n + 1),
            p.community,
            p.phone,
            "是" if p.lives_elsewhere else "否",
            "死亡" if p.deceased else "正常",
        ]
        for n, p in enumerate(people(30, 0))
    ]
    (HERE / "roster.csv").write_text(_csv(roster_header, roster), encoding="utf-8-sig")

    gbk = [[p.name, p.id_number, _date_text(p.retired, n), p.community] for n, p in enumerate(people(4, 30))]
    (HERE / "roster_gbk.csv").write_bytes(
        _csv(["姓名", "身份证号码", "退休日期", "社区编码"], gbk).encode("gbk")
    )

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "roster"
    sheet.append(["name", "id_number", "birth_date", "retirement_date", "community_code", "lives_elsewhere"])
    for p in people(3, 34):
        sheet.append(
            # Date cells, not text: the importer must read Excel's own dates.
            [p.name, p.id_number, p.birth, p.retired, p.community, 0]
        )
    workbook.save(HERE / "roster.xlsx")


if __name__ == "__main__":
    main()
