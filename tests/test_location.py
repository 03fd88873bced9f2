import re

import pytest

from carbon_card import location, tables
from carbon_card.location import GridRegion, LocationMatch, Site, parse_location, regions, site_of

US_STATES = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
    "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
    "VA", "WA", "WV", "WI", "WY", "DC",
}
KEY_PATTERNS = {
    "world": r"WORLD",
    "country": r"[A-Z]{2}",
    "us-state": r"US-[A-Z]{2}",
    "ca-province": r"CA-[A-Z]{2}",
    "aws": r"aws:[a-z]{2}(-gov)?-[a-z]+-\d",
    "gcp": r"gcp:[a-z]+-[a-z]+\d+",
    "azure": r"azure:[a-z0-9]+",
}


def rows():
    return tables.load_table("grid_intensity.csv")


@pytest.mark.parametrize(
    "text, key",
    [
        ("Quebec, Canada", "CA-QC"),
        ("East US", "azure:eastus"),
        ("us-east-1", "aws:us-east-1"),
        ("europe-north1", "gcp:europe-north1"),
        ("France", "FR"),
        ("Brooklyn, NY, USA", "US-NY"),
        ("United States of America", "US"),
        ("Germany", "DE"),
        ("Singapore", "SG"),
        ("Eemshaven, Netherlands, Europe", "NL"),
        ("Oregon, USA", "US-OR"),
        ("Leiden, The Netherlands", "NL"),
        ("West Java, Indonesia", "ID"),
        ("Iowa, USA", "US-IA"),
        ("Finland", "FI"),
        ("us-central1", "gcp:us-central1"),
        ("Taiwan", "TW"),
        ("USA", "US"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("FR", "FR"),
        ("DE", "DE"),
        ("Google Cloud europe-west4", "gcp:europe-west4"),
    ],
)
def test_examples(text, key):
    match = parse_location(text)
    assert isinstance(match, LocationMatch)
    assert match.region.key == key
    assert match.text == text
    assert match.note


@pytest.mark.parametrize(
    "text, key",
    [
        ("  Quebec, Canada \n", "CA-QC"),
        ("Montréal, Québec", "CA-QC"),
        ("Toronto, ON", "CA-ON"),
        ("Saskatoon, SK, Canada", "CA-SK"),  # SK is Slovakia's code too
        ("Mountain View, CA, USA", "US-CA"),
        ("Austin, TX", "US-TX"),
        ("Kansas City, Missouri", "US-MO"),
        ("Washington, D.C.", "US-DC"),
        ("Northern Virginia", "US-VA"),
        ("New Mexico", "US-NM"),
        ("Atlanta, Georgia, USA", "US-GA"),
        ("Georgia", "GE"),
        ("U.S.", "US"),
        ("Côte d'Ivoire", "CI"),
        ("South Korea", "KR"),
        ("Russia", "RU"),
        ("Papua New Guinea", "PG"),
        ("us-east-1a", "aws:us-east-1"),
        ("AWS us-west-2 (Oregon)", "aws:us-west-2"),
        ("Azure East US 2 region", "azure:eastus2"),
        ("westeurope", "azure:westeurope"),
    ],
)
def test_more_ways_of_writing(text, key):
    assert parse_location(text).region.key == key


@pytest.mark.parametrize(
    "text",
    [
        "unavailable", "my basement", "N/A", "NA", "", "   ", "Unknown", "South America", "us", "in",
        None, 42,
    ],
)
def test_unknown_is_none(text):
    assert parse_location(text) is None


@pytest.mark.parametrize(
    "text, cloud_provider, site",
    [
        # A country, a state or a city is where the grid is, not a data centre (issue 15).
        ("United States", None, Site.PLACE),
        ("Iowa", None, Site.PLACE),
        ("France", None, Site.PLACE),
        ("Orsay, France", None, Site.PLACE),
        ("Eemshaven, Netherlands, Europe", None, Site.PLACE),
        ("Jean Zay supercomputer, France", None, Site.NAMED),
        ("our university's HPC cluster", None, Site.NAMED),
        ("Austin, Texas, USA (Jupiter cluster, powered by Austin Energy)", None, Site.NAMED),
        ("on-premise servers, Frankfurt", None, Site.NAMED),
        ("us-east-1", None, Site.CLOUD),
        ("East US", None, Site.CLOUD),
        ("Google Cloud, Iowa", None, Site.CLOUD),
        ("Iowa", "gcp", Site.CLOUD),
        ("Not Specified", None, None),
        ("NA", None, None),
        ("", None, None),
    ],
)
def test_site_is_what_the_text_says_of_the_data_centre(text, cloud_provider, site):
    assert site_of(text, cloud_provider) is site


def test_cloud_region_is_preferred_over_its_state():
    # us-central1 is in Iowa; the cloud region's own factor wins over the state's.
    assert parse_location("us-central1 (Iowa, USA)").region.key == "gcp:us-central1"


def test_state_is_preferred_over_its_country():
    assert parse_location("Oregon, United States").region.key == "US-OR"


def test_notes_say_how_the_text_was_read():
    assert parse_location("Quebec, Canada").note == "Quebec, Canada -> CA-QC (Quebec)"
    note = parse_location("East US").note
    assert "display name" in note and "Azure" in note and "azure:eastus" in note
    assert "country average" in parse_location("West Java, Indonesia").note
    assert "no state given" in parse_location("USA").note
    assert "state not recognised" in parse_location("Springfield, USA").note


def test_cloud_provider_settles_display_names():
    assert parse_location("East US", cloud_provider="azure").region.key == "azure:eastus"
    assert parse_location("Canada Central").region.key == "azure:canadacentral"
    assert parse_location("Canada Central", cloud_provider="aws").region.key == "aws:ca-central-1"
    # With the provider known, its display name may sit inside longer text.
    match = parse_location("our West Europe cluster", cloud_provider="Azure")
    assert match.region.key == "azure:westeurope"
    # GCP's names are places ("Iowa"), never read as the cloud region.
    assert parse_location("Iowa", cloud_provider="gcp").region.key == "US-IA"


def test_ambiguous_code_is_the_country_unless_the_us_is_written():
    match = parse_location("Berlin, DE")
    assert match.region.key == "DE"
    assert "US state" in match.note


def test_regions_are_grid_regions():
    table = regions()
    assert table["FR"] == GridRegion(**table["FR"]._asdict())
    region = table["CA-QC"]
    assert region.kind == "ca-province" and region.country == "CA"
    assert isinstance(region.gco2_per_kwh, float) and isinstance(region.year, int)
    table.clear()  # a copy: the module's table is untouched
    assert "FR" in regions()


def test_every_row_has_a_source_and_a_four_digit_year():
    assert rows()
    for row in rows():
        assert row["source"].strip(), row
        assert re.fullmatch(r"\d{4}", row["year"]), row


def test_values_are_plausible():
    for row in rows():
        assert 0 < float(row["gco2_per_kwh"]) < 1300, row


def test_keys_are_unique():
    keys = [row["key"] for row in rows()]
    assert len(keys) == len(set(keys))


def test_kinds_and_keys_are_as_documented():
    assert location.KINDS == set(KEY_PATTERNS)
    for row in rows():
        assert row["kind"] in KEY_PATTERNS, row
        assert re.fullmatch(KEY_PATTERNS[row["kind"]], row["key"]), row
        if row["kind"] == "world":
            assert row["country"] == ""
        else:
            assert re.fullmatch(r"[A-Z]{2}", row["country"]), row
        if row["kind"] == "country":
            assert row["country"] == row["key"]
        if row["kind"] == "us-state":
            assert row["country"] == "US"
        if row["kind"] == "ca-province":
            assert row["country"] == "CA"


def test_all_us_states_and_dc_present():
    states = {row["key"][3:] for row in rows() if row["kind"] == "us-state"}
    assert states == US_STATES


def test_canadian_provinces_and_territories_present():
    provinces = {row["key"][3:] for row in rows() if row["kind"] == "ca-province"}
    assert provinces == {
        "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
    }


def test_world_row_present():
    world = regions()[location.WORLD]
    assert world.kind == "world"
    assert 400 < world.gco2_per_kwh < 550  # Ember/IEA world averages of recent years


def test_at_least_150_countries():
    assert sum(row["kind"] == "country" for row in rows()) >= 150


def test_every_kind_is_present():
    assert {row["kind"] for row in rows()} == location.KINDS


def test_cloud_and_state_countries_have_a_country_row():
    table = regions()
    for region in table.values():
        if region.kind not in ("world", "country"):
            assert region.country in table, region
