from __future__ import annotations

from pathlib import Path

import pytest

from bot.regions import DEFAULT_PROFILE, PROFILES_DIR, RegionError, load_region_profile

PROFILE = """\
id: somewhere
name: {zh_Hans: "辽宁省", zh_Hant: "遼寧省", en: "Liaoning Province"}
"""


@pytest.mark.parametrize("path", sorted(PROFILES_DIR.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_shipped_profile_names_the_places_it_does_not_answer_for(path: Path) -> None:
    profile = load_region_profile(path)
    assert "北京" in profile.other_places_zh
    assert "beijing" in profile.other_places_en
    # The provinces whose documents the knowledge base holds are answered, whichever profile is chosen.
    assert not {"辽宁", "江苏"} & set(profile.other_places_zh)
    assert not {"liaoning", "jiangsu"} & set(profile.other_places_en)


def test_a_profile_without_other_places_names_none(tmp_path: Path) -> None:
    path = tmp_path / "region.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    profile = load_region_profile(path)
    assert (profile.other_places_zh, profile.other_places_en) == ((), ())
    assert load_region_profile(DEFAULT_PROFILE).other_places_zh


@pytest.mark.parametrize(
    ("places", "problem"),
    [
        ("other_places: [北京]", "other_places must be a mapping"),
        ("other_places: {zh: [北京], fr: [pékin]}", "other_places must be a mapping"),
        ("other_places: {zh: 北京}", "other_places.zh must be a list of names"),
        ("other_places: {en: [beijing, '']}", "other_places.en must be a list of names"),
        ("other_places: {zh: [北京, 上海, 北京]}", "'北京' is listed twice"),
        ("other_places: {en: [Beijing]}", "lower case"),
        ("other_places: {zh: [北京, 辽宁]}", "'辽宁' is this region's own name"),
        ("other_places: {en: [liaoning]}", "'liaoning' is this region's own name"),
    ],
)
def test_broken_other_places_fail_naming_the_file_and_key(tmp_path: Path, places: str, problem: str) -> None:
    path = tmp_path / "region.yaml"
    path.write_text(PROFILE + places + "\n", encoding="utf-8")
    with pytest.raises(RegionError) as caught:
        load_region_profile(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert problem in str(caught.value)
