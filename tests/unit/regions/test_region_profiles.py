"""Region profiles: the shipped ones load, and a broken `death_benefits:` section fails naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.death_benefits import CountyRule, National2021Rule
from bot.regions import PROFILES_DIR, RegionError, load_region_profile


def test_the_county_uses_its_own_formula_with_every_figure_unpublished() -> None:
    assert load_region_profile().death_benefits == CountyRule(None, None, None)


@pytest.mark.parametrize("name", ["liaoning", "jiangsu"])
def test_the_provinces_use_the_national_rule_without_a_base_we_could_vouch_for(name: str) -> None:
    assert load_region_profile(PROFILES_DIR / f"{name}.yaml").death_benefits == National2021Rule()


def test_every_shipped_profile_names_a_formula() -> None:
    for path in sorted(PROFILES_DIR.glob("*.yaml")):
        assert load_region_profile(path).death_benefits is not None, path.name


def test_a_profile_without_the_section_names_no_formula(tmp_path: Path) -> None:
    path = tmp_path / "bare.yaml"
    path.write_text("id: bare\n", encoding="utf-8")
    assert load_region_profile(path).death_benefits is None


def test_published_figures_are_read_exactly(tmp_path: Path) -> None:
    path = tmp_path / "published.yaml"
    path.write_text(
        "id: published\ndeath_benefits: {rule: national-2021, base: {2025: 2818.5, 2026: null}}\n",
        encoding="utf-8",
    )
    rule = load_region_profile(path).death_benefits
    assert isinstance(rule, National2021Rule)
    assert str(rule.bases[2025]) == "2818.5"


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ("{rule: provincial}", "death_benefits.rule must be one of national-2021, county"),
        ("{rule: county, funeral_fee: -3000}", "death_benefits.funeral_fee: cannot be negative"),
        ("{rule: national-2021, base: {2025: -1}}", "death_benefits.base.2025: cannot be negative"),
        ("{rule: county, months: 6}", "unknown keys months"),
        ("county", "must be a mapping"),
    ],
)
def test_a_broken_section_fails_naming_the_file_and_the_key(tmp_path: Path, section: str, named: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(f"id: broken\ndeath_benefits: {section}\n", encoding="utf-8")
    with pytest.raises(RegionError) as raised:
        load_region_profile(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert named in str(raised.value)
