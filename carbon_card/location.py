"""Where training ran, as model cards write it, read into an electricity grid region.

Cards write the place in many ways: a cloud region id ("us-east-1", "europe-north1"), a
cloud provider's display name ("East US"), a city with its state and country ("Brooklyn,
NY, USA"), a country name or alias ("UK", "The Netherlands"), or an ISO code ("FR").
:func:`parse_location` reads such a string into the most specific region of the grid table
(``carbon_card/data/grid_intensity.csv``): a cloud region before a US state or a Canadian
province, and either before a country. Text it cannot place gives ``None``: carbon-card
never guesses a grid.

The table's regions, each with its carbon intensity in grams CO2e per kWh, its source and
its data year, are :func:`regions`; ``carbon_card/data/README.md`` describes the table.

A grid region is not a data centre: :func:`site_of` says what the same text tells of the
site (a cloud, a data centre of its own, or only a place), which is what the PUE depends on.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from typing import NamedTuple

from ._regex import lazy_compile
from .tables import load_table

__all__ = [
    "KINDS",
    "WORLD",
    "GridRegion",
    "LocationMatch",
    "Site",
    "regions",
    "parse_location",
    "site_of",
]

#: The kinds of region in the grid table.
KINDS = frozenset({"world", "country", "us-state", "ca-province", "aws", "gcp", "azure"})

#: The key of the world-average row.
WORLD = "WORLD"

_CLOUD_KINDS = ("aws", "gcp", "azure")
_CLOUD_LABELS = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure"}


# NamedTuples, not frozen dataclasses: `check` defines them at every start, and a dataclass costs five
# times as much to define (Python 3.11 compiles each method it generates).
class GridRegion(NamedTuple):
    """One row of the grid table: a region and the carbon intensity of its electricity."""

    key: str  # "FR", "US-CA", "CA-QC", "aws:us-east-1", "gcp:us-central1", "azure:eastus", "WORLD"
    kind: str  # one of KINDS
    name: str
    country: str  # ISO 3166-1 alpha-2 code of the region's country; "" for WORLD
    gco2_per_kwh: float  # grams CO2e per kWh, location-based
    source: str
    year: int  # the data year


class LocationMatch(NamedTuple):
    """A card's location text read into a grid region, with how it was read."""

    region: GridRegion
    text: str
    note: str | None = None


@functools.lru_cache(maxsize=None)
def _regions() -> dict[str, GridRegion]:
    return {
        row["key"]: GridRegion(
            key=row["key"],
            kind=row["kind"],
            name=row["name"],
            country=row["country"],
            gco2_per_kwh=float(row["gco2_per_kwh"]),
            source=row["source"],
            year=int(row["year"]),
        )
        for row in load_table("grid_intensity.csv")
    }


def regions() -> dict[str, GridRegion]:
    """Every region of the grid table by key (a fresh copy of a table read once)."""
    return dict(_regions())


# --- Text normalisation -------------------------------------------------------------------

_DROP = lazy_compile(r"[.'\u2019`]")  # "U.S.A." -> "USA", "Cote d'Ivoire" -> "Cote dIvoire"
_NON_WORD = lazy_compile(r"[^a-z0-9-]+")
_PART_SPLIT = lazy_compile(r"[,;/|()\[\]\n]+|\s+-\s+|\s+\u2013\s+")


def _fold(text: str) -> str:
    """Lower case, accents stripped ("Québec" -> "quebec")."""
    if text.isascii():  # most names: nothing to strip
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _norm(text: str) -> str:
    """A name or part of a location as lower-case words ("Côte d'Ivoire" -> "cote divoire")."""
    return " ".join(_NON_WORD.sub(" ", _DROP.sub("", _fold(text))).split())


def _parts(text: str) -> list[str]:
    """The comma- (or semicolon-, slash-, bracket-) separated parts of a location, stripped."""
    return [p.strip() for p in _PART_SPLIT.split(text) if p.strip()]


# --- Names --------------------------------------------------------------------------------

# Names cards use for a country that differ from the table's (Our World in Data's) names.
_COUNTRY_ALIASES = {
    "US": ["usa", "united states of america", "united states"],
    "GB": [
        "uk", "united kingdom", "great britain", "britain", "england", "scotland", "wales",
        "northern ireland", "united kingdom of great britain and northern ireland",
    ],
    "NL": ["holland", "nederland"],
    "DE": ["deutschland"],
    "RU": ["russian federation"],
    "KR": ["korea", "republic of korea"],
    "KP": ["dprk", "democratic peoples republic of korea", "korea north", "korea dpr"],
    "CZ": ["czech republic"],
    "TR": ["turkiye"],
    "CN": ["prc", "peoples republic of china", "mainland china"],
    "TW": ["chinese taipei"],
    "MO": ["macau"],
    "AE": ["uae", "emirates"],
    "SA": ["saudi", "ksa", "kingdom of saudi arabia"],
    "IR": ["islamic republic of iran"],
    "SY": ["syrian arab republic"],
    "VN": ["viet nam"],
    "LA": ["lao pdr", "lao peoples democratic republic"],
    "MM": ["burma"],
    "BN": ["brunei darussalam"],
    "MK": ["macedonia"],
    "MD": ["republic of moldova"],
    "BA": ["bosnia"],
    "CI": ["ivory coast"],
    "CD": ["drc", "dr congo", "democratic republic of the congo", "congo-kinshasa"],
    "CG": ["republic of the congo", "republic of congo", "congo-brazzaville"],
    "CV": ["cabo verde"],
    "TL": ["timor-leste", "timor leste"],
    "SZ": ["swaziland"],
    "PS": ["palestinian territories", "state of palestine"],
    "TZ": ["united republic of tanzania"],
    "BO": ["plurinational state of bolivia"],
    "VE": ["bolivarian republic of venezuela"],
    "TT": ["trinidad"],
    "KN": ["st kitts and nevis"],
    "LC": ["st lucia"],
    "VC": ["st vincent and the grenadines"],
    "RE": ["la reunion"],
}

# Names cards use for a state or province besides the table's name.
_SUBNATIONAL_ALIASES = {
    "US-DC": ["washington dc", "washington d c", "dc", "dist of columbia"],
    "CA-BC": ["colombie-britannique"],
    "CA-NL": ["newfoundland", "labrador", "terre-neuve-et-labrador"],
    "CA-NS": ["nouvelle-ecosse"],
    "CA-NB": ["nouveau-brunswick"],
    "CA-NT": ["northwest territory", "nwt"],
    "CA-PE": ["pei", "ile-du-prince-edouard"],
    "CA-YT": ["yukon territory"],
}

# Provider names, as a cloud_provider argument or as words in the text.
_PROVIDERS = {
    "aws": "aws", "amazon": "aws", "amazon web services": "aws", "ec2": "aws",
    "gcp": "gcp", "google": "gcp", "google cloud": "gcp", "google cloud platform": "gcp",
    "gce": "gcp",
    "azure": "azure", "microsoft": "azure", "microsoft azure": "azure",
}
_PROVIDER_IN_TEXT = lazy_compile(
    r"(?<![a-z0-9-])(amazon web services|aws|amazon|ec2|google cloud platform|google cloud|gcp|"
    r"google|gce|microsoft azure|azure|microsoft)(?![a-z0-9-])"
)
_FILLER = lazy_compile(
    r"(?<![a-z0-9-])(amazon web services|aws|amazon|ec2|google cloud platform|google cloud|gcp|"
    r"google|gce|microsoft azure|azure|microsoft|cloud|platform|region|regions|zone|"
    r"data ?cent(?:er|re)s?|in|the|at|on)(?![a-z0-9-])"
)

# Words that name a data centre of its own (not a place): "Jean Zay supercomputer", "the
# university's HPC cluster", "on-premise servers".
_SITE_WORDS = lazy_compile(
    r"(?<![a-z0-9-])(data ?cent(?:er|re)s?|datacent(?:er|re)s?|super ?computers?|supercomputing|clusters?|hpc|"
    r"comput(?:e|ing) cent(?:er|re)s?|server rooms?|on-?prem(?:ise|ises)?)(?![a-z0-9-])"
)

# A US country marker written in capitals: "US", "U.S.", "U.S.A." (lower-case "us" is a word).
_US_CAPS = lazy_compile(r"(?<![A-Za-z])U\.?S\.?(?:A\.?)?(?![A-Za-z])")
_TOKEN = lazy_compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_AWS_ZONE = lazy_compile(r"^([a-z]{2}(?:-gov)?-[a-z]+-\d)[a-z]$")  # "us-east-1a" -> "us-east-1"


# A NamedTuple, not a dataclass: a private record, made at import for a fifth of a frozen dataclass's cost.
class _Names(NamedTuple):
    longest: int  # the most words of any geographic name
    entries: dict  # normalised name -> tuple of (kind, key)
    us_codes: frozenset  # "NY", ...
    ca_codes: frozenset  # "QC", ...
    display: dict  # normalised cloud display name -> tuple of keys


@functools.lru_cache(maxsize=None)
def _names() -> _Names:
    table = _regions()
    entries: dict[str, list[tuple[str, str]]] = {}

    def add(name: str, kind: str, key: str) -> None:
        name = _norm(name)
        if name and (kind, key) not in entries.setdefault(name, []):
            entries[name].append((kind, key))

    for region in table.values():
        if region.kind in ("country", "us-state", "ca-province"):
            add(region.name, region.kind, region.key)
    for code, aliases in _COUNTRY_ALIASES.items():
        if code in table:
            for alias in aliases:
                add(alias, "country", code)
    for key, aliases in _SUBNATIONAL_ALIASES.items():
        if key in table:
            for alias in aliases:
                add(alias, table[key].kind, key)

    display: dict[str, list[str]] = {}
    for region in table.values():
        if region.kind in _CLOUD_KINDS:
            display.setdefault(_norm(region.name), []).append(region.key)
    return _Names(
        longest=max(name.count(" ") + 1 for name in entries),
        entries={name: tuple(found) for name, found in entries.items()},
        us_codes=frozenset(r.key[3:] for r in table.values() if r.kind == "us-state"),
        ca_codes=frozenset(r.key[3:] for r in table.values() if r.kind == "ca-province"),
        display={name: tuple(keys) for name, keys in display.items()},
    )


def _provider(name: str | None) -> str | None:
    if not isinstance(name, str):
        return None
    return _PROVIDERS.get(_norm(name))


# --- Parsing ------------------------------------------------------------------------------


def parse_location(text: str, cloud_provider: str | None = None) -> LocationMatch | None:
    """The grid region a card's location text names, or ``None`` when it names none.

    The most specific region wins: a cloud region (by id, "us-east-1", or, for Azure and
    AWS, by display name, "East US"), then a US state or Canadian province ("Brooklyn, NY,
    USA", "Quebec, Canada"), then a country (by name, alias or ISO alpha-2 code). The
    ``cloud_provider`` ("aws", "gcp"/"google", "azure"), when known, settles which
    provider's display names are meant. The match's ``note`` says how the text was read.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    if cloud_provider is None or isinstance(cloud_provider, str):
        return _parse_location(text.strip(), cloud_provider)
    return _parse_location.__wrapped__(text.strip(), cloud_provider)


# A card's place is read several times (the estimate, CC501's cross-check, CC405, the grid of hours summed over
# accelerators): once each is enough.
@functools.lru_cache(maxsize=256)
def _parse_location(text: str, cloud_provider: str | None) -> LocationMatch | None:
    table = _regions()
    mentioned = {_PROVIDERS[m] for m in _PROVIDER_IN_TEXT.findall(_norm(text))}
    # The provider: the argument, else the one provider the text names ("Google Cloud ...").
    provider = _provider(cloud_provider) or (mentioned.pop() if len(mentioned) == 1 else None)

    cloud = _cloud_by_id(_fold(text), provider)
    if cloud is not None:
        region, written = cloud
        return LocationMatch(
            region,
            text,
            f"{written} -> {region.key} ({_CLOUD_LABELS[region.kind]} region, {region.name})",
        )
    cloud = _cloud_by_display(text, provider)
    if cloud is not None:
        return LocationMatch(
            cloud,
            text,
            f"{cloud.name!r} is the display name of {_CLOUD_LABELS[cloud.kind]} region "
            f"{cloud.key.split(':', 1)[1]} -> {cloud.key}",
        )
    return _geographic(text, table)


def _cloud_by_id(folded: str, provider: str | None) -> tuple[GridRegion, str] | None:
    table = _regions()
    found: list[tuple[GridRegion, str]] = []
    for token in _TOKEN.findall(folded):
        candidates = [token]
        zone = _AWS_ZONE.match(token)
        if zone:
            candidates.append(zone.group(1))
        for candidate in candidates:
            for kind in _CLOUD_KINDS:
                region = table.get(f"{kind}:{candidate}")
                if region is not None:
                    found.append((region, token))
    if not found:
        return None
    for region, token in found:
        if region.kind == provider:
            return region, token
    return found[0]


def _cloud_by_display(text: str, wanted: str | None) -> GridRegion | None:
    names = _names()
    table = _regions()
    # The whole text, less provider words and filler, must be the display name ("East US",
    # "Azure East US region"), unless the provider is known: then it may sit inside the text.
    bare = " ".join(_FILLER.sub(" ", _norm(text)).split())
    keys = names.display.get(bare, ())
    if wanted is not None:
        keys = tuple(k for k in keys if table[k].kind == wanted)
    keys = tuple(k for k in keys if table[k].kind != "gcp")  # GCP names are places: "Iowa"
    if keys:
        # "Canada Central" is Azure's name; AWS writes "Canada (Central)": Azure first on a tie.
        return table[sorted(keys, key=lambda k: table[k].kind != "azure")[0]]
    if wanted in ("aws", "azure"):
        normed = _norm(text)
        for name in sorted(names.display, key=len, reverse=True):
            for key in names.display[name]:
                if table[key].kind == wanted and _has_word(normed, name):
                    return table[key]
    return None


_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _has_word(text: str, name: str) -> bool:
    """Whether `name` stands in `text` with no letter, digit or hyphen either side (what
    `(?<![a-z0-9-])name(?![a-z0-9-])` finds, without compiling a pattern per name)."""
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        if (start == 0 or text[start - 1] not in _WORD_CHARACTERS) and (
                end == len(text) or text[end] not in _WORD_CHARACTERS):
            return True
        start = text.find(name, start + 1)
    return False


def _names_in(normed: str, names: _Names) -> list[str]:
    """The geographic names in a normalised text, longest first at each word, left to right.

    A word-by-word lookup rather than one regular expression of all names: compiling that
    costs more than a one-card `check` spends on everything else.
    """
    words = normed.split()
    found, start = [], 0
    while start < len(words):
        for length in range(min(names.longest, len(words) - start), 0, -1):
            candidate = " ".join(words[start : start + length])
            if candidate in names.entries:
                found.append(candidate)
                start += length
                break
        else:
            start += 1
    return found


def _geographic(text: str, table: dict[str, GridRegion]) -> LocationMatch | None:
    names = _names()
    stripped = text.strip()
    if stripped == "NA":  # "not available" on cards; Namibia's code, but a card meaning it writes "Namibia"
        return None
    if re.fullmatch(r"[A-Z]{2}", stripped):  # "FR", "DE": an ISO 3166-1 alpha-2 code
        region = table.get(stripped)
        if region is not None and region.kind == "country":
            note = f"ISO 3166-1 code {stripped} -> {region.key} ({region.name})"
            return LocationMatch(region, text, note)

    parts = _parts(text)
    countries: list[str] = []  # country keys, in the order written
    subnational: list[tuple[int, str]] = []  # (index of the part, state or province key)
    state_or_country: list[tuple[int, str, str]] = []  # "Georgia": (index, state key, country key)
    codes: list[tuple[int, str]] = []  # parts that are two capital letters: "NY", "QC", "CA"
    recognised: set[int] = set()

    if _US_CAPS.search(text):  # "US", "U.S.", "U.S.A." in capitals
        countries.append("US")
    for index, part in enumerate(parts):
        if _US_CAPS.search(part):
            recognised.add(index)
        if re.fullmatch(r"[A-Z]{2}", part) and (
            part in table or part in names.us_codes or part in names.ca_codes
        ):
            recognised.add(index)
            codes.append((index, part))
            continue
        for name in _names_in(_norm(part), names):
            recognised.add(index)
            found = names.entries[name]
            country = next((key for kind, key in found if kind == "country"), None)
            other = next((key for kind, key in found if kind != "country"), None)
            if country and other:
                state_or_country.append((index, other, country))
            elif country:
                countries.append(country)
            else:
                subnational.append((index, other))

    # What the names say decides what a two-letter code or a name such as "Georgia" means:
    # "CA" is California with "USA" written, else Canada; "SK" is Saskatchewan with
    # "Canada" written, else Slovakia.
    context = set(countries) | {table[key].country for _, key in subnational}
    ambiguous: list[str] = []
    for index, code in codes:
        is_country = code in table and table[code].kind == "country"
        is_state = code in names.us_codes
        is_province = code in names.ca_codes
        if is_state and "US" in context:
            subnational.append((index, f"US-{code}"))
        elif is_province and "CA" in context:
            subnational.append((index, f"CA-{code}"))
        elif is_country:
            countries.append(code)
            if is_state or is_province:
                ambiguous.append(code)
        elif is_state:
            subnational.append((index, f"US-{code}"))
        elif is_province:
            subnational.append((index, f"CA-{code}"))
    for index, state, country in state_or_country:
        if "US" in context:
            subnational.append((index, state))
        else:
            countries.append(country)
            ambiguous.append(country)

    said = list(dict.fromkeys(countries))
    # The last state or province written wins: "Kansas City, Missouri", "Washington, D.C.".
    for _, key in sorted(subnational, reverse=True):
        region = table[key]
        if said and region.country not in said:
            continue  # a state of another country than the one written
        return LocationMatch(region, text, f"{text} -> {region.key} ({region.name})")

    if not said:
        return None
    code = said[0]
    region = table[code]
    leftover = ", ".join(p for i, p in enumerate(parts) if i not in recognised)
    level = {"US": "state", "CA": "province or territory"}.get(code)
    if len(said) > 1:
        named = ", ".join(said)
        note = f"several countries named ({named}); used the first, {code} ({region.name})"
    elif code in ambiguous:
        note = (
            f"{code} read as the country {region.name}; it also names a US state or Canadian "
            f"province (write the country too, e.g. '..., USA', to mean that)"
        )
    elif leftover and level:
        note = f"{level} not recognised in {leftover!r}; {region.name} country average ({code})"
    elif leftover:
        note = f"no sub-national grid data for {leftover!r}; {region.name} country average ({code})"
    elif level:
        note = f"no {level} given; {region.name} country average ({code})"
    else:
        note = f"{text} -> {code} ({region.name})"
    return LocationMatch(region, text, note)


class Site(enum.Enum):
    """What a card's location text says about the site (the data centre), as opposed to the grid."""

    CLOUD = "cloud"
    """A cloud region ("us-east-1", "East US") or a hyperscale provider's data centre ("Google
    Cloud, Iowa", "Azure")."""
    NAMED = "named"
    """A data centre, cluster or supercomputer of its own ("Jean Zay supercomputer, France")."""
    PLACE = "place"
    """A place only: a country, state or city ("United States", "Iowa", "Orsay, France") says where
    the grid is, nothing of the data centre."""


def site_of(text: str, cloud_provider: str | None = None) -> Site | None:
    """What `text` (a card's location) tells of the site, or None when it names nothing known.

    A cloud region, or a cloud provider named in the text or as `cloud_provider`, is `CLOUD`; site
    words ("data center", "cluster", "supercomputer", "HPC", "on-premise") are `NAMED`; a text
    that names only a region of the grid table is `PLACE`.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    normed = _norm(text)
    match = parse_location(text, cloud_provider)
    if _provider(cloud_provider) or _PROVIDER_IN_TEXT.search(normed) or (
        match is not None and match.region.kind in _CLOUD_KINDS
    ):
        return Site.CLOUD
    if _SITE_WORDS.search(normed):
        return Site.NAMED
    return Site.PLACE if match is not None else None
