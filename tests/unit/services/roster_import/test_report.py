"""What an import reports: each wrong row with its line and reason, kept compact however many."""

from __future__ import annotations

from bot.services.roster_import import Problem, RowError, RowErrors


def test_row_errors_read_well_in_a_terminal() -> None:
    assert str(RowError(3, Problem.UNKNOWN_COMMUNITY, "C9")) == "line 3: unknown_community (C9)"
    assert str(RowError(0, Problem.UNREADABLE_FILE)) == "file: unreadable_file"


def test_row_errors_are_kept_compact_and_read_back_as_they_were() -> None:
    errors = [
        RowError(2, Problem.UNKNOWN_COMMUNITY, "2101010101"),
        RowError(3, Problem.UNKNOWN_COMMUNITY, "0101"),
        RowError(3, Problem.TOO_LONG, "9" * 40),
        RowError(4, Problem.ID_CHECK_DIGIT),
        RowError(70_000, Problem.DUPLICATE_ID, "12"),
    ]
    kept = RowErrors(errors)
    assert kept == errors
    assert list(kept) == errors
    assert (len(kept), kept[-1], kept[1:3]) == (5, errors[-1], errors[1:3])
    assert kept.merged([RowError(3, Problem.DUPLICATE_ID, "2"), RowError(9, Problem.DUPLICATE_ID, "4")]) == [
        *errors[:3],
        RowError(3, Problem.DUPLICATE_ID, "2"),
        errors[3],
        RowError(9, Problem.DUPLICATE_ID, "4"),
        errors[4],
    ]
