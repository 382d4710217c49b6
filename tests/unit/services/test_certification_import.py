from __future__ import annotations

from datetime import date

from bot.domain.resident_id import ResidentId
from bot.services.certification_import import ImportResult, id_hashes

KEY = b"k"


def test_the_first_valid_id_of_each_row_counts_and_headers_are_skipped() -> None:
    one = ResidentId.build("210102", date(1950, 1, 2), 11)
    two = ResidentId.build("210102", date(1951, 1, 2), 12)
    rows = [
        ["姓名", "身份证号"],
        ["甲", one.unmasked()],
        [],
        [two.unmasked().lower(), "乙"],  # a lowercase x and the number first: still found
        ["丙", "21010219500102001"],  # 17 digits: not a number
    ]
    result = ImportResult()
    hashes = list(id_hashes(rows, KEY, result))
    assert hashes == [one.keyed_hash(KEY), two.keyed_hash(KEY)]
    assert (result.rows, result.ids, result.not_found) == (3, 2, 1)


def test_a_file_without_a_header_counts_every_row() -> None:
    one = ResidentId.build("210102", date(1950, 1, 2), 11)
    result = ImportResult()
    assert len(list(id_hashes([[one.unmasked()], ["x"]], KEY, result))) == 1
    assert (result.rows, result.not_found) == (2, 1)
