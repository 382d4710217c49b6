"""Import the org-unit tree and the retiree roster from CSV or XLSX files.

Files: whatever bot.tables reads (CSV in UTF-8, UTF-16 or GBK/GB18030, delimiter sniffed; XLSX, first
sheet), streamed. The first non-empty row names the columns, in Chinese or English (case and spaces do not
matter; the names each column may have are in vocabulary.yaml); unknown columns are ignored. Line numbers
in reports are the lines a user sees in the file: the header is line 1.

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

from bot.services.roster_import.fields import parse_date
from bot.services.roster_import.report import ImportReport, Problem, RowError, RowErrors
from bot.services.roster_import.roster import import_roster
from bot.services.roster_import.units import import_units

__all__ = ["ImportReport", "Problem", "RowError", "RowErrors", "import_roster", "import_units", "parse_date"]
