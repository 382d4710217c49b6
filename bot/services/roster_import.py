"""Import the org-unit tree and the retiree roster from CSV or XLSX files.

Files: whatever bot.tables reads (CSV in UTF-8, UTF-16 or GBK/GB18030, delimiter sniffed; XLSX, first
sheet), streamed. The first non-empty row names the columns, in Chinese or
English (case and spaces do not matter); unknown columns are ignored. Line numbers in reports are the lines a
user sees in the file: the header is line 1.

Org units (`import_units`):
    code         编码, 单位编码, 代码            required, unique in the file
    name         名称, 单位名称                  required
    kind         类型, 级别, 层级                required: 市/city, 区/县/区县/district/county,
                                                街道/镇/乡/street/town, 社区/村/居委会/community/village
    parent_code  上级编码, 上级单位编码, 上级, parent    empty for the top unit; may name a unit defined
                                                earlier or later in the same file, or already imported

Retirees (`import_roster`):
    name             姓名                                   required
    id_number        身份证号, 身份证号码, 公民身份号码, 身份证, id   required, 18 or legacy 15 digits
    birth_date       出生日期, 出生年月日                    optional: taken from the ID number, must agree
    retirement_date  退休日期, 退休时间                      required
    community_code   社区编码, 社区代码, 所属社区编码          required, an imported community
    phone            电话, 联系电话, 手机, 手机号              optional
    lives_elsewhere  异地居住, 是否异地居住                  是/否, yes/no, 1/0 (empty: no)
    status           状态, 人员状态                         正常/alive or 死亡/已故/deceased (empty: alive)

Dates: 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, or an Excel date (cell or serial number).

One transaction per file: every row is checked first; if any row is wrong nothing is imported and the report
lists every wrong row with its line and reason. Importing the same file again changes nothing. The plain ID
number only lives in memory while its row is checked: only its keyed hash and masked form are stored, and no
report or log ever shows it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Final

from bot.domain.records import RetireeRecord, UnitKind
from bot.domain.resident_id import InvalidReason, InvalidResidentId, ResidentId, china_today
from bot.ports import UnitOfWork, UnitOfWorkFactory
from bot.tables import Cell, Row, Table, UnreadableError, cell_text, open_table


class Problem(StrEnum):
    UNREADABLE_FILE = "unreadable_file"
    MISSING_COLUMN = "missing_column"  # detail: the column
    MISSING_VALUE = "missing_value"  # detail: the column
    TOO_LONG = "too_long"  # detail: the column
    DUPLICATE_CODE = "duplicate_code"  # detail: line of the first occurrence
    UNKNOWN_KIND = "unknown_kind"  # detail: the value
    UNKNOWN_PARENT = "unknown_parent"  # detail: the parent code
    PARENT_CYCLE = "parent_cycle"  # detail: the codes in the cycle
    WRONG_PARENT_KIND = "wrong_parent_kind"  # detail: "<parent kind> > <kind>"
    ID_LENGTH = "id_length"
    ID_CHARACTERS = "id_characters"
    ID_CHECK_DIGIT = "id_check_digit"
    ID_BIRTH_DATE = "id_birth_date"
    DUPLICATE_ID = "duplicate_id"  # detail: line of the first occurrence
    BAD_DATE = "bad_date"  # detail: the column
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"
    DATE_IN_FUTURE = "date_in_future"  # detail: the column
    RETIREMENT_BEFORE_BIRTH = "retirement_before_birth"
    RETIREMENT_TOO_YOUNG = "retirement_too_young"  # before the minimum age
    UNKNOWN_COMMUNITY = "unknown_community"  # detail: the code
    NOT_A_COMMUNITY = "not_a_community"  # detail: the code
    BAD_YES_NO = "bad_yes_no"  # detail: the column
    BAD_STATUS = "bad_status"
    BAD_PHONE = "bad_phone"


_ID_PROBLEMS: Final = {
    InvalidReason.LENGTH: Problem.ID_LENGTH,
    InvalidReason.CHARACTERS: Problem.ID_CHARACTERS,
    InvalidReason.CHECK_DIGIT: Problem.ID_CHECK_DIGIT,
    InvalidReason.BIRTH_DATE: Problem.ID_BIRTH_DATE,
}


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # 0 for the file as a whole, 1 for the header
    problem: Problem
    detail: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}: {self.problem.value}" + (f" ({self.detail})" if self.detail else "")


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


MIN_RETIREMENT_AGE: Final = 40
MAX_LENGTHS: Final = {"code": 32, "name": 100, "community_code": 32, "phone": 32}

UNIT_COLUMNS: Final = {
    "code": ("code", "编码", "单位编码", "代码"),
    "name": ("name", "名称", "单位名称"),
    "kind": ("kind", "类型", "级别", "层级", "type"),
    "parent_code": ("parent_code", "parent", "上级编码", "上级单位编码", "上级"),
}
UNIT_REQUIRED: Final = ("code", "name", "kind")

ROSTER_COLUMNS: Final = {
    "name": ("name", "姓名"),
    "id_number": ("id_number", "id", "id_no", "身份证号", "身份证号码", "公民身份号码", "身份证"),
    "birth_date": ("birth_date", "出生日期", "出生年月日"),
    "retirement_date": ("retirement_date", "退休日期", "退休时间"),
    "community_code": ("community_code", "社区编码", "社区代码", "所属社区编码"),
    "phone": ("phone", "电话", "联系电话", "手机", "手机号"),
    "lives_elsewhere": ("lives_elsewhere", "异地居住", "是否异地居住"),
    "status": ("status", "状态", "人员状态"),
}
ROSTER_REQUIRED: Final = ("name", "id_number", "retirement_date", "community_code")

KINDS: Final = {
    **dict.fromkeys(("市", "地级市", "city"), UnitKind.CITY),
    **dict.fromkeys(("区", "县", "区县", "县级市", "district", "county"), UnitKind.DISTRICT),
    **dict.fromkeys(("街道", "镇", "乡", "街道办事处", "street", "town", "township"), UnitKind.STREET),
    **dict.fromkeys(("社区", "村", "居委会", "社区居委会", "community", "village"), UnitKind.COMMUNITY),
}
_KIND_RANK: Final = {UnitKind.CITY: 0, UnitKind.DISTRICT: 1, UnitKind.STREET: 2, UnitKind.COMMUNITY: 3}
_YES: Final = frozenset({"是", "有", "y", "yes", "true", "1", "√", "✓"})
_NO: Final = frozenset({"", "否", "无", "n", "no", "false", "0"})
_ALIVE: Final = frozenset({"", "正常", "在世", "健在", "alive", "living", "normal"})
_DECEASED: Final = frozenset({"死亡", "已故", "去世", "亡故", "deceased", "dead"})
_PHONE: Final = re.compile(r"^\+?[0-9][0-9 ()\-]*$")
_DATE_PARTS: Final = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE: Final = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_SERIAL: Final = re.compile(r"^(\d{1,5})(?:\.0+)?$")
# Excel's day 0 is 1899-12-30 once its fictitious 1900-02-29 is accounted for.
_EXCEL_EPOCH: Final = date(1899, 12, 30)


# ----------------------------------------------------------------------------------------------- values


def parse_date(cell: Cell) -> date | None:
    """A forgiving date: None for an empty cell, ValueError when it cannot be a date."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, bool):
        raise ValueError("not a date")
    text = cell_text(cell)
    if not text:
        return None
    for pattern in (_DATE_PARTS, _COMPACT_DATE):
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    serial = _EXCEL_SERIAL.match(text)
    if serial and int(serial.group(1)) > 0:
        return _EXCEL_EPOCH + timedelta(days=int(serial.group(1)))
    raise ValueError("not a date")


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _Row:
    """One data row: cells by field name, and the problems found so far."""

    def __init__(self, row: Row, columns: Mapping[str, int]) -> None:
        self.line = row.line
        self._row = row
        self._columns = columns
        self.errors: list[RowError] = []

    def cell(self, name: str) -> Cell:
        return self._row.get(self._columns.get(name))

    def text(self, name: str) -> str:
        return cell_text(self.cell(name))

    def fail(self, problem: Problem, detail: str = "") -> None:
        self.errors.append(RowError(self.line, problem, detail))

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            self.fail(Problem.MISSING_VALUE, name)
        elif len(value) > MAX_LENGTHS.get(name, len(value)):
            self.fail(Problem.TOO_LONG, name)
        return value

    def date(self, name: str) -> date | None:
        try:
            return parse_date(self.cell(name))
        except ValueError:
            self.fail(Problem.BAD_DATE, name)
            return None


def _missing_columns(table: Table, required: Sequence[str]) -> list[RowError]:
    return [RowError(1, Problem.MISSING_COLUMN, name) for name in table.missing(required)]


def _unreadable(error: UnreadableError) -> ImportReport:
    return ImportReport(errors=[RowError(0, Problem.UNREADABLE_FILE, str(error))])


# ----------------------------------------------------------------------------------------------- units


@dataclass(frozen=True, slots=True)
class _UnitRow:
    line: int
    code: str
    name: str
    kind: UnitKind
    parent_code: str | None


def _check_unit_rows(table: Table) -> tuple[dict[str, _UnitRow], list[RowError]]:
    units: dict[str, _UnitRow] = {}
    errors: list[RowError] = []
    for data in table.rows:
        row = _Row(data, table.columns)
        code = row.required("code")
        name = row.required("name")
        kind_text = row.required("kind")
        kind = KINDS.get(kind_text.lower())
        if kind_text and kind is None:
            row.fail(Problem.UNKNOWN_KIND, kind_text)
        parent_code = row.text("parent_code") or None
        if code and code in units:
            row.fail(Problem.DUPLICATE_CODE, str(units[code].line))
        elif code and parent_code == code:
            row.fail(Problem.PARENT_CYCLE, code)
        if row.errors:
            errors.extend(row.errors)
        elif kind is not None:
            units[code] = _UnitRow(row.line, code, name, kind, parent_code)
    return units, errors


class _UnitTree:
    """The tree as it will be after the import: the file's units over those already stored."""

    def __init__(self, uow: UnitOfWork, units: Mapping[str, _UnitRow]) -> None:
        self._uow = uow
        self._units = units
        self._stored: dict[str, tuple[UnitKind, str | None] | None] = {}

    async def _stored_unit(self, code: str) -> tuple[UnitKind, str | None] | None:
        if code not in self._stored:
            unit = await self._uow.units.get_by_code(code)
            parent = (
                None if unit is None or unit.parent_id is None else await self._uow.units.get(unit.parent_id)
            )
            self._stored[code] = (
                None if unit is None else (unit.kind, None if parent is None else parent.code)
            )
        return self._stored[code]

    async def node(self, code: str) -> tuple[UnitKind, str | None] | None:
        """(kind, parent code) of a unit, or None when it exists neither in the file nor in storage."""
        if code in self._units:
            unit = self._units[code]
            return unit.kind, unit.parent_code
        return await self._stored_unit(code)

    async def cycle_from(self, code: str) -> list[str] | None:
        chain = [code]
        current = self._units[code].parent_code
        while current is not None:
            if current in chain:
                return chain[chain.index(current) :]
            chain.append(current)
            node = await self.node(current)
            current = None if node is None else node[1]
        return None


def _depth(code: str, units: Mapping[str, _UnitRow]) -> int:
    depth, parent = 0, units[code].parent_code
    while parent is not None and parent in units:
        depth, parent = depth + 1, units[parent].parent_code
    return depth


async def _check_unit_tree(uow: UnitOfWork, units: Mapping[str, _UnitRow]) -> list[RowError]:
    tree = _UnitTree(uow, units)
    errors: list[RowError] = []
    for unit in units.values():
        if unit.parent_code is None:
            continue
        parent = await tree.node(unit.parent_code)
        if parent is None:
            errors.append(RowError(unit.line, Problem.UNKNOWN_PARENT, unit.parent_code))
            continue
        cycle = await tree.cycle_from(unit.code)
        if cycle is not None:
            errors.append(RowError(unit.line, Problem.PARENT_CYCLE, " > ".join(cycle)))
        elif _KIND_RANK[parent[0]] >= _KIND_RANK[unit.kind]:
            errors.append(
                RowError(unit.line, Problem.WRONG_PARENT_KIND, f"{parent[0].value} > {unit.kind.value}")
            )
    return errors


async def import_units(path: Path | str, uow_factory: UnitOfWorkFactory) -> ImportReport:
    try:
        with open_table(Path(path), UNIT_COLUMNS) as table:
            if missing := _missing_columns(table, UNIT_REQUIRED):
                return ImportReport(errors=missing)
            units, errors = _check_unit_rows(table)
    except UnreadableError as error:
        return _unreadable(error)
    async with uow_factory() as uow:
        errors += await _check_unit_tree(uow, units)
        if errors:
            return ImportReport(errors=sorted(errors, key=lambda error: error.line))
        report = ImportReport()
        # Parents first, whatever order the file lists them in.
        for unit in sorted(units.values(), key=lambda unit: (_depth(unit.code, units), unit.line)):
            existed = await uow.units.get_by_code(unit.code) is not None
            changed = await uow.units.upsert(unit.code, unit.name, unit.kind, unit.parent_code)
            _count(report, existed=existed, changed=changed)
        await _audit(uow, "import_units", Path(path), report)
        await uow.commit()
    return report


# ----------------------------------------------------------------------------------------------- roster


def _count(report: ImportReport, *, existed: bool, changed: bool) -> None:
    if not existed:
        report.created += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1


async def _audit(uow: UnitOfWork, action: str, path: Path, report: ImportReport) -> None:
    details = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
    await uow.audit.record(None, action, path.name, details, datetime.now(UTC))


def _flag(row: _Row, name: str, yes: frozenset[str], no: frozenset[str], problem: Problem) -> bool:
    value = row.text(name).lower()
    if value in yes:
        return True
    if value not in no:
        row.fail(problem, name)
    return False


class _RosterChecker:
    def __init__(self, uow: UnitOfWork, id_hash_key: bytes, today: date) -> None:
        self._uow = uow
        self._key = id_hash_key
        self._today = today
        self._communities: dict[str, Problem | None] = {}
        self._first_line_of: dict[str, int] = {}

    async def _community_problem(self, code: str) -> Problem | None:
        if code not in self._communities:
            unit = await self._uow.units.get_by_code(code)
            self._communities[code] = (
                Problem.UNKNOWN_COMMUNITY
                if unit is None
                else None
                if unit.kind is UnitKind.COMMUNITY
                else Problem.NOT_A_COMMUNITY
            )
        return self._communities[code]

    def _resident_id(self, row: _Row) -> ResidentId | None:
        text = row.text("id_number")
        if not text:
            row.fail(Problem.MISSING_VALUE, "id_number")
            return None
        try:
            return ResidentId.parse(text, today=self._today)
        except InvalidResidentId as exc:
            row.fail(_ID_PROBLEMS[exc.reason])
            return None

    def _dates(self, row: _Row, resident_id: ResidentId | None) -> tuple[date, date] | None:
        birth_column = row.date("birth_date")
        retirement = row.date("retirement_date")
        if retirement is None and not row.text("retirement_date"):
            row.fail(Problem.MISSING_VALUE, "retirement_date")
        if resident_id is None:
            return None
        born = resident_id.birth_date
        if birth_column is not None and birth_column != born:
            row.fail(Problem.BIRTH_DATE_MISMATCH)
        if retirement is None:
            return None
        if retirement > self._today:
            row.fail(Problem.DATE_IN_FUTURE, "retirement_date")
        elif retirement < born:
            row.fail(Problem.RETIREMENT_BEFORE_BIRTH)
        elif retirement < _add_years(born, MIN_RETIREMENT_AGE):
            row.fail(Problem.RETIREMENT_TOO_YOUNG, str(MIN_RETIREMENT_AGE))
        return born, retirement

    async def check(self, row: _Row) -> RetireeRecord | None:
        name = row.required("name")
        resident_id = self._resident_id(row)
        id_hash = None
        if resident_id is not None:
            id_hash = resident_id.keyed_hash(self._key)
            first = self._first_line_of.setdefault(id_hash, row.line)
            if first != row.line:
                row.fail(Problem.DUPLICATE_ID, str(first))
        dates = self._dates(row, resident_id)
        community_code = row.required("community_code")
        if community_code and (problem := await self._community_problem(community_code)):
            row.fail(problem, community_code)
        phone = row.text("phone") or None
        if phone is not None and (len(phone) > MAX_LENGTHS["phone"] or not _PHONE.match(phone)):
            row.fail(Problem.BAD_PHONE)
        lives_elsewhere = _flag(row, "lives_elsewhere", _YES, _NO, Problem.BAD_YES_NO)
        deceased = _flag(row, "status", _DECEASED, _ALIVE, Problem.BAD_STATUS)
        if row.errors or resident_id is None or id_hash is None or dates is None:
            return None
        return RetireeRecord(
            name=name,
            id_hash=id_hash,
            id_masked=resident_id.masked,
            birth_date=dates[0],
            retirement_date=dates[1],
            community_code=community_code,
            phone=phone,
            lives_elsewhere=lives_elsewhere,
            deceased=deceased,
        )


async def import_roster(
    path: Path | str,
    uow_factory: UnitOfWorkFactory,
    id_hash_key: bytes,
    *,
    today: date | None = None,
) -> ImportReport:
    if not id_hash_key:
        raise ValueError("an ID hash key is required")
    async with uow_factory() as uow:
        checker = _RosterChecker(uow, id_hash_key, today or china_today())
        records: list[RetireeRecord] = []
        errors: list[RowError] = []
        try:
            with open_table(Path(path), ROSTER_COLUMNS) as table:
                if missing := _missing_columns(table, ROSTER_REQUIRED):
                    return ImportReport(errors=missing)
                for data in table.rows:
                    row = _Row(data, table.columns)
                    record = await checker.check(row)
                    errors.extend(row.errors)
                    if record is not None:
                        records.append(record)
        except UnreadableError as error:
            return _unreadable(error)
        if errors:
            return ImportReport(errors=errors)
        report = ImportReport()
        for record in records:
            existed = await uow.retirees.find_by_id_hash(record.id_hash) is not None
            changed = await uow.retirees.upsert(record)
            _count(report, existed=existed, changed=changed)
        await _audit(uow, "import_roster", Path(path), report)
        await uow.commit()
    return report
