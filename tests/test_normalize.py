"""Unit tests of ``extractor.normalize``: cell text -> the canonical values of FACTS.md."""

from __future__ import annotations

import pytest

from extractor.normalize import (
    canonical_model,
    canonical_region,
    canonical_tier,
    canonical_version,
    clean_space,
    deployment_type_from_path,
    deployment_types,
    find_date,
    is_empty_value,
    is_region,
    is_version_like,
    iso_date,
    kebab,
    month_year,
    parse_date,
    parse_quantity,
    split_br,
    split_models,
    split_regions,
    strip_markup,
)

# --- cleaning ------------------------------------------------------------------------------------------


def test_clean_space_folds_nbsp_narrow_nbsp_tabs_and_zero_width() -> None:
    assert clean_space("East\u00a0US\u202f2\t\u200b ") == "East US 2"
    assert clean_space("a\u200bb") == "ab"


def test_strip_markup() -> None:
    assert strip_markup("**`gpt-4o`** <sup>1</sup>") == "gpt-4o"
    assert strip_markup("[o1-preview and o1-mini](#o1-preview-and-o1-mini)") == "o1-preview and o1-mini"
    assert strip_markup("East US 2 <br> West US 3<br/>") == "East US 2 West US 3"
    assert strip_markup("a \\| b") == "a | b"


def test_split_br() -> None:
    assert split_br("East US 2 <br> West US 3 <br>") == ["East US 2", "West US 3"]
    assert split_br("a<br/><br/>b") == ["a", "b"]


@pytest.mark.parametrize("text", ["", "-", "N/A", "n/a", "NA", "—", "–", " - "])
def test_empty_values(text: str) -> None:
    assert is_empty_value(text)


@pytest.mark.parametrize("text", ["0", "1 K", "✅"])
def test_values_that_are_not_empty(text: str) -> None:
    assert not is_empty_value(text)


# --- models and versions -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "model"), [
    ("`GPT-4.1 mini`", "gpt-4.1-mini"),
    ("gpt-4.1 mini", "gpt-4.1-mini"),
    ("**gpt-4o**", "gpt-4o"),
    ("`gpt-4o` <sup>**1**</sup>", "gpt-4o"),
    ("[gpt-4.5](./models.md#gpt-45)", "gpt-4.5"),
    ("GPT-4 series", "gpt-4-series"),
    ("GPT 3.5 Turbo Series", "gpt-3.5-turbo-series"),
    ("All models", "all-models"),
    ("gpt-4o - mini", "gpt-4o-mini"),
])
def test_canonical_model(text: str, model: str) -> None:
    assert canonical_model(text) == model


def test_names_are_not_merged_beyond_the_canonical_form() -> None:
    assert canonical_model("gpt-4.5") != canonical_model("gpt-4.5-preview")
    assert canonical_model("dalle-3") != canonical_model("dall-e-3")


@pytest.mark.parametrize(("text", "version"), [
    ("1106-Preview", "1106-preview"), ("(2024-11-20)", "2024-11-20"), ("Version: 2024-12-17", "2024-12-17"),
    ("0613", "0613"), ("", None), ("-", None), ("N/A", None), (None, None),
])
def test_canonical_version(text: str | None, version: str | None) -> None:
    assert canonical_version(text) == version


@pytest.mark.parametrize(("text", "expected"), [
    ("0613", True), ("1106-Preview", True), ("2024-05-13", True), ("1", True), ("2024-12-17-preview", True),
    ("o1", False), ("gpt-4", False), ("turbo-2024-04-09", False), ("4o", False),
])
def test_is_version_like(text: str, expected: bool) -> None:
    assert is_version_like(text) is expected


@pytest.mark.parametrize(("cell", "pairs"), [
    ("`gpt-35-turbo`<br>`gpt-35-turbo-16k`", [("gpt-35-turbo", None), ("gpt-35-turbo-16k", None)]),
    ("`o1` & `o1-preview`", [("o1", None), ("o1-preview", None)]),
    ("`gpt-4` (0314)", [("gpt-4", "0314")]),
    ("`gpt-4o` (2024-08-06, 2024-05-13)", [("gpt-4o", "2024-08-06"), ("gpt-4o", "2024-05-13")]),
    ("`gpt-35-turbo` - 0301", [("gpt-35-turbo", "0301")]),
    ("`o1` <br>(Version: 2024-12-17)", [("o1", "2024-12-17")]),
    ("`gpt-4o` (2024-11-20) <br> **GPT-4o (Omni)**", [("gpt-4o", "2024-11-20")]),
    ("`gpt-4 (1106)`", [("gpt-4", "1106")]),
    ("`gpt-4o` <sup>**1**</sup> (2024-08-06)", [("gpt-4o", "2024-08-06")]),
    ("code-search-babbage-code-001", [("code-search-babbage-code-001", None)]),
    ("[o1-preview and o1-mini](#o1-preview-and-o1-mini)", [("o1-preview", None), ("o1-mini", None)]),
    ("gpt-4o (2024-08-06)", [("gpt-4o", "2024-08-06")]),
    ("**gpt-4o**, **2024-05-13**", [("gpt-4o", "2024-05-13")]),
    ("**text-embedding-3-large**, **1**", [("text-embedding-3-large", "1")]),
    ("gpt-35-turbo - 0301", [("gpt-35-turbo", "0301")]),
    ("Command R+", [("command-r+", None)]),
    ("`o3` & `o3` ", [("o3", None)]),
    ("", []),
])
def test_split_models(cell: str, pairs: list[tuple[str, str | None]]) -> None:
    assert split_models(cell) == pairs


def test_split_models_trailing_version_forms() -> None:
    """Bugs fixed: a trailing ``- 2024-10-01`` gave version ``2024``; a backticked trailing
    version was read as a model; a trailing version did not scope the models before it."""
    assert split_models("`x` - 2024-10-01") == [("x", "2024-10-01")]
    assert split_models("`gpt-4o-realtime-preview` - `2024-10-01`") == [("gpt-4o-realtime-preview", "2024-10-01")]
    assert split_models("`gpt-4`<br>`gpt-4-32k` - 0314") == [("gpt-4", "0314"), ("gpt-4-32k", "0314")]
    # a model with a version of its own keeps it
    assert split_models("`a` - 0301 <br> `b` - 0613") == [("a", "0301"), ("b", "0613")]
    assert split_models("`a` (0301) <br> `b` - 0613") == [("a", "0301"), ("b", "0613")]


# --- regions -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["East US 2", "East US2", "eastus2", "`eastus2`", "* `eastus2`", "**East US 2**"])
def test_canonical_region(text: str) -> None:
    assert canonical_region(text) == "eastus2"


def test_split_regions_with_deployment_type_suffixes() -> None:
    assert split_regions("East US2 (Global Standard) <br> Sweden Central (Global Standard)") == [
        ("eastus2", "global-standard"), ("swedencentral", "global-standard")]
    assert split_regions("East US 2 <br> West US 3 <br>") == [("eastus2", None), ("westus3", None)]
    assert split_regions("eastus, westus3 (Data Zone Standard)") == [("eastus", None), ("westus3", "data-zone-standard")]
    assert split_regions("See [models page](../concepts/models.md#gpt-4o)") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("eastus2", True), ("East US 2", True), ("USGovArizona", True), ("usgovvirginia", True), ("taiwannorth", True),
    ("Chile Central", True), ("The web search tool", False), ("gpt-4o", False), ("", False),
])
def test_is_region(text: str, expected: bool) -> None:
    assert is_region(text) is expected


# --- deployment types --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "types"), [
    ("GPT-4o global standard, data zone standard, & standard",
     ["global-standard", "data-zone-standard", "standard"]),
    ("o-series global standard", ["global-standard"]),
    ("Global batch", ["global-batch"]),
    ("Data zone batch", ["data-zone-batch"]),
    ("Global provisioned managed", ["global-provisioned"]),
    ("Data Zone Provisioned Managed", ["data-zone-provisioned"]),
    ("Provisioned managed", ["provisioned"]),
    ("GlobalStandard", ["global-standard"]),
    ("Global-Batch", ["global-batch"]),
    ("DataZoneStandard", ["data-zone-standard"]),
    ("Developer", ["developer"]),
    ("gpt-4o audio", []),
])
def test_deployment_types(text: str, types: list[str]) -> None:
    assert deployment_types(text) == types


@pytest.mark.parametrize(("name", "dtype"), [
    ("standard-global.md", "global-standard"),
    ("datazone-standard.md", "data-zone-standard"),
    ("provisioned-global.md", "global-provisioned"),
    ("datazone-provisioned-managed.md", "data-zone-provisioned"),
    ("provisioned-models.md", "provisioned"),
    ("global-batch.md", "global-batch"),
    ("global-batch-datazone.md", "data-zone-batch"),
    ("standard-gpt-35-turbo.md", "standard"),
    ("standard-models.md", "standard"),
    ("quota.md", None),
])
def test_deployment_type_from_include_file_name(name: str, dtype: str | None) -> None:
    assert deployment_type_from_path("articles/ai-services/openai/includes/model-matrix/" + name) == dtype


# --- tiers ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "tier"), [
    ("Enterprise agreement", "enterprise"), ("Enterprise Tier", "enterprise"), ("Default", "default"),
    ("Monthly credit card based subscriptions <sup>1</sup>", "credit-card"), ("MSDN subscriptions", "msdn"),
    ("Azure for Students", "azure-for-students"), ("Free Trials", "free-trial"), ("Tier 3", "tier-3"),
    ("Cloud Solution Provider (CSP) subscriptions", "cloud-solution-provider-csp-subscriptions"), ("", None),
])
def test_canonical_tier(text: str, tier: str | None) -> None:
    assert canonical_tier(text) == tier


def test_kebab() -> None:
    assert kebab("Visual Studio  Enterprise!") == "visual-studio-enterprise"


# --- quantities ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("10 M", 10_000_000), ("1.6 K", 1600), ("15B", 15_000_000_000), ("90k", 90_000), ("100,000", 100_000),
    ("0", 0), ("250", 250), ("1.35 M", 1_350_000), ("5 B", 5_000_000_000), ("8 Billion tokens", 8_000_000_000),
    ("**30 M**", 30_000_000), ("1 K (all models)", 1000), ("512 MB", 512), ("128,000", 128_000),
])
def test_parse_quantity(text: str, value: int) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize(("text", "value"), [
    ("512 MB", 536_870_912), ("100 GB", 107_374_182_400), ("2 GiB", 2 * 1024 ** 3), ("100 bytes", 100),
    ("200.000", 200_000), ("1.5", 2), ("10,000 when using the API", 10_000), ("15 M", 15_000_000), ("8 B", 8 * 10 ** 9),
])
def test_parse_quantity_with_sizes(text: str, value: int) -> None:
    # a cell that may hold a size (a service limit): binary units, and dots between thousands
    assert parse_quantity(text, sizes=True) == value


@pytest.mark.parametrize("text", ["N/A", "-", "", "Unlimited", "See note"])
def test_parse_quantity_without_a_value(text: str) -> None:
    assert parse_quantity(text) is None


# --- dates ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "month"), [
    ("Oct 2023", "2023-10"), ("September 2021", "2021-09"), ("Sept. 2021", "2021-09"), ("sep, 2021", "2021-09"),
    (" June 2024 ", "2024-06"), ("Octo 2023", None), ("Up to Oct 2023", None), ("May 31, 2024", None), ("2023-10", None),
])
def test_month_year(text: str, month: str | None) -> None:
    assert month_year(text) == month


@pytest.mark.parametrize(("text", "iso", "qualifier"), [
    ("June 6, 2025", "2025-06-06", None),
    ("Jun 6, 2025", "2025-06-06", None),
    ("2025-06-06", "2025-06-06", None),
    ("06/06/2025", "2025-06-06", None),
    ("April 02, 2025", "2025-04-02", None),
    ("April, 30, 2025", "2025-04-30", None),
    ("Sept. 5, 2025", "2025-09-05", None),
    ("5 June 2025", "2025-06-05", None),
    ("No earlier than March 26, 2025", "2025-03-26", "no-earlier-than"),
    ("starting no sooner than April 17, 2025", "2025-04-17", "no-earlier-than"),
    ("September 26, 2025, or later", "2025-09-26", "no-earlier-than"),
    ("**No earlier than** Feb 22, 2025 <sup>1</sup>", "2025-02-22", "no-earlier-than"),
    ("TBD", None, None),
    ("", None, None),
])
def test_parse_date(text: str, iso: str | None, qualifier: str | None) -> None:
    assert parse_date(text) == (iso, qualifier)


def test_find_date_ignores_dates_inside_versions_and_words() -> None:
    """Bug fixed: the ISO pattern matched inside ``turbo-2024-04-09``; month names matched
    inside words (``summary 5, 2025`` read as March 5)."""
    assert find_date("turbo-2024-04-09") == (None, -1)
    assert find_date("gpt-4o-2024-05-13 retires on June 6, 2025") == ("2025-06-06", 29)
    assert find_date("2024-12-17-preview") == (None, -1)
    assert find_date("summary 5, 2025") == (None, -1)
    assert find_date("Retirement date:2025-04-09") == ("2025-04-09", 16)


def test_find_date_takes_the_first_real_date() -> None:
    assert find_date("2025-13-40 or 2025-01-02") == ("2025-01-02", 14)
    assert find_date("January 27, 2025 then 2025-02-01") == ("2025-01-27", 0)


def test_iso_date() -> None:
    import datetime as dt

    assert iso_date("2025-02-08") == "2025-02-08"
    assert iso_date(dt.date(2025, 2, 8)) == "2025-02-08"
    assert iso_date(dt.datetime(2025, 2, 8, 10, 0)) == "2025-02-08"
    with pytest.raises(ValueError):
        iso_date("someday")
