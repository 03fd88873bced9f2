"""Numbers and units as model cards write them, parsed at the edge into program units.

Inside carbon-card emissions are grams of CO2e. Cards write "12 g", "0.5 kg CO2eq",
"1.2 tCO2e", "1,234.5", "24_700_000": these helpers turn such strings into grams, and
say so when a unit is unknown instead of guessing.
"""

from __future__ import annotations

import math
import re

__all__ = ["UnitError", "parse_number", "parse_mass_grams", "format_grams"]


class UnitError(ValueError):
    """A string that holds no number, or a number with a unit carbon-card does not know."""


# Grams per unit. "ton"/"tons" are read as metric tonnes: carbon reporting (Meta's cards,
# the ML CO2 Impact calculator) uses them that way.
_GRAMS_PER_UNIT = {
    "mg": 1e-3,
    "g": 1.0,
    "gr": 1.0,
    "gram": 1.0,
    "grams": 1.0,
    "gramme": 1.0,
    "grammes": 1.0,
    "kg": 1e3,
    "kgs": 1e3,
    "kilo": 1e3,
    "kilos": 1e3,
    "kilogram": 1e3,
    "kilograms": 1e3,
    "kilogramme": 1e3,
    "kilogrammes": 1e3,
    "t": 1e6,
    "ton": 1e6,
    "tons": 1e6,
    "tonne": 1e6,
    "tonnes": 1e6,
    "metric ton": 1e6,
    "metric tons": 1e6,
    "lb": 453.59237,
    "lbs": 453.59237,
    "pound": 453.59237,
    "pounds": 453.59237,
}

# A plain number: digits with optional thousands separators (1,234,567) or underscores
# (24_700_000), an optional fraction and exponent. "1,5" (a decimal comma) does not match:
# it is ambiguous and reported rather than guessed.
_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)?(?:\.\d+)?(?:[eE][+-]?\d+)?"
_NUMBER_RE = re.compile(rf"\s*({_NUMBER})\s*")
# The greenhouse-gas suffix after a mass unit: CO2, CO2e, CO2eq, CO2-eq, CO₂, CO_2 eq., "of CO2".
_GAS = r"(?:\s*(?:of\s+)?(?:co2|co₂|co_2|carbon(?:\s+dioxide)?)(?:\s*[-_]?\s*(?:eq|e|equivalent)\b\.?)?)?"
_MASS_RE = re.compile(rf"\s*({_NUMBER})\s*([a-z]+(?: tons?)?)?{_GAS}\s*", re.IGNORECASE)


def parse_number(text: str) -> float:
    """Read a plain number written as cards write it: "1,234.5", "24_700_000", "3.1e5".

    >>> parse_number("1,234.5")
    1234.5
    """
    match = _NUMBER_RE.fullmatch(text)
    if not match or not re.search(r"\d", match.group(1)):
        raise UnitError(f"not a number: {text!r}")
    return float(match.group(1).replace(",", "").replace("_", ""))


def parse_mass_grams(text: str) -> float:
    """Read a mass of CO2e ("12 g", "0.5 kg CO2eq", "1.2 tCO2e") and return grams.

    A bare number is taken as grams, the unit of the Hub's `co2_eq_emissions` field.

    >>> parse_mass_grams("0.5 kg CO2eq")
    500.0
    >>> parse_mass_grams("12")
    12.0
    """
    match = _MASS_RE.fullmatch(text)
    if not match or not re.search(r"\d", match.group(1)):
        raise UnitError(f"not a mass of CO2e: {text!r}")
    value = float(match.group(1).replace(",", "").replace("_", ""))
    unit = (match.group(2) or "g").lower()
    if unit not in _GRAMS_PER_UNIT:
        raise UnitError(f"unknown unit {match.group(2)!r} in {text!r}")
    return value * _GRAMS_PER_UNIT[unit]


def format_grams(grams: float) -> str:
    """A number of grams as a YAML-ready literal: integers without ".0", else up to 6 significant digits."""
    if not math.isfinite(grams):
        return repr(grams)
    if grams == int(grams) and abs(grams) < 1e15:
        return str(int(grams))
    return f"{grams:.6g}"
