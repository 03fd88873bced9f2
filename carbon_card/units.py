"""Numbers and units as model cards write them, parsed at the edge into program units.

Inside carbon-card emissions are grams of CO2e. Cards write "12 g", "0.5 kg CO2eq",
"1.2 tCO2e", "1,234.5", "24_700_000": these helpers turn such strings into grams, and
say so when a unit is unknown instead of guessing.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import re
from collections.abc import Iterator

from ._regex import lazy_compile

__all__ = [
    "BOARD_CORES",
    "CJK_DIGITS",
    "COMMA_FRACTION",
    "FIGURE",
    "GEFORCE_NUMBER",
    "NODES_OF",
    "NUMBER_WORDS",
    "THOUSANDS",
    "UnitError",
    "parse_number",
    "parse_count",
    "parse_mass_grams",
    "parse_energy_kwh",
    "parse_duration_hours",
    "parse_accelerator_count",
    "cjk_counted",
    "counted",
    "format_grams",
    "format_mass",
]


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
# (24_700_000), an optional fraction and exponent; or a decimal comma where it cannot be a
# thousands separator ("43,24", "0,1069": not three digits after it, or a zero before). "1,234" stays 1234.
THOUSANDS = r"[1-9]\d{0,2}(?:(?:,\d{3})+|(?:\.\d{3}){2,})(?!\d)"
"""A number with thousands separators, whole groups of three ("1,234", not the "1,234" of "1,2345"); or dots, twice at
least, where a decimal point cannot be ("13.444.287": a number has one decimal point; "1.234" stays 1.234)."""
COMMA_FRACTION = r"(?:,(?:\d{1,2}|\d{4,})|(?<=(?<!\d)0),\d+)(?![\d,.])"
"""After a number's digits, a fraction behind a decimal comma where the comma cannot separate thousands:
"43,24", "0,0078", "0,007" (no number's thousands start with a zero)."""
FIGURE = rf"(?:{THOUSANDS}(?:\.\d+)?|\d+(?:{COMMA_FRACTION}|(?:\.\d+)?))"
"""A figure as a text writes it, to search for: "1,234.5", "43,24", "0.000" (no sign, exponent or underscore)."""
_NUMBER = rf"[+-]?(?:{THOUSANDS}(?:\.\d+)?|\d+(?:{COMMA_FRACTION}|(?:_\d+)*(?:\.\d+)?)|\.\d+)(?:[eE][+-]?\d+)?"
_DECIMAL_COMMA_RE = lazy_compile(rf"[+-]?\d+{COMMA_FRACTION}(?:[eE][+-]?\d+)?")
_NUMBER_RE = lazy_compile(rf"\s*({_NUMBER})\s*")
# The greenhouse-gas suffix after a mass unit: CO2, CO2e, CO2eq, CO2-eq, CO₂, CO_2 eq., "of CO2", "C02" (a zero for the O).
_GAS = (
    r"(?:\s*(?:eq\.?\s*)?(?:(?:of|de)\s+)?(?:co2|co₂|co_2|c02|carbon(?:\s+dioxide)?)"
    r"(?:\s*[-_]?\s*(?:eq|e|equivalent)\b\.?)?)?"
)
# "28.53 in grams of CO2": the unit may follow "in".
_MASS_RE = lazy_compile(rf"\s*({_NUMBER})\s*(?:in\s+)?([a-z]+(?: tons?)?)?{_GAS}\s*", re.IGNORECASE)


def _scaled(pattern, text: str, what: str, units: dict[str, float], default_unit: str, unit_kind: str) -> float:
    """A number followed by a unit of `units`, as matched by `pattern` (groups: number, unit)."""
    match = pattern.fullmatch(text)
    if not match:
        raise UnitError(f"not {what}: {text!r}")
    unit = (match.group(2) or default_unit).lower()
    if unit not in units:
        raise UnitError(f"unknown {unit_kind} {match.group(2)!r} in {text!r}")
    return _float(match.group(1)) * units[unit]


_ONE_GROUP_RE = lazy_compile(r"[+-]?\d{1,3},\d{3}")  # one comma before three digits: a thousands' or a decimal's
# A decimal comma no thousands separator can be ("345,25 kg", "PUE 1,47": `\d+,\d{1,2}` not within a word or a number),
# and a thousands separator no decimal comma can be ("1,234,567", "12,345.6"). The first is looked for from its comma:
# a pattern that starts with the digits before it (behind a look-behind) is tried at every character of the text.
_DECIMAL_COMMA_TAIL_RE = lazy_compile(r",\d{1,2}(?![\w,])")
_UNAMBIGUOUS_THOUSANDS_RE = lazy_compile(r"\d,\d{3}(?:,\d{3}|\.\d)")


def writes_decimal_commas(text: str) -> bool:
    """Whether a text writes its decimals with commas: twice where no thousands separator can be ("271,7 h (PUE 1,4)"),
    and never a comma that only thousands can be."""
    if "," not in text:
        return False
    decimals = 0
    for tail in _DECIMAL_COMMA_TAIL_RE.finditer(text):
        start = comma = tail.start()
        while start and text[start - 1].isdecimal():  # the digits before the comma (`\d`)
            start -= 1
        if start == comma or start and (text[start - 1].isalnum() or text[start - 1] in "_.,"):
            continue  # no digit before the comma, or the digits end a word or a number ("v1,2", "1.5,25")
        decimals += 1
        if decimals == 2:
            return _UNAMBIGUOUS_THOUSANDS_RE.search(text) is None
    return False


class _Convention:
    """How the text being read writes its numbers, looked at only when a number could be read either way (most
    texts hold none: a pass over the text for each would cost as much as reading it)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._decimal: bool | None = None

    @property
    def decimal_commas(self) -> bool:
        if self._decimal is None:
            self._decimal = writes_decimal_commas(self.text)
        return self._decimal


_CONVENTION: contextvars.ContextVar[_Convention | None] = contextvars.ContextVar("number_convention", default=None)


@contextlib.contextmanager
def numbers_as_written_in(text: str) -> Iterator[None]:
    """Numbers read inside read "447,327" as 447.327 when `text` writes its decimals with commas
    (`writes_decimal_commas`). Several groups ("1,234,567") are thousands whatever the text."""
    token = _CONVENTION.set(_Convention(text))
    try:
        yield
    finally:
        _CONVENTION.reset(token)


def _float(number: str) -> float:
    if number.count(".") > 1:
        number = number.replace(".", "")  # "13.444.287": thousands separated by dots (THOUSANDS)
    if _DECIMAL_COMMA_RE.fullmatch(number) or "," in number and _ONE_GROUP_RE.fullmatch(number) and (
            (convention := _CONVENTION.get()) is not None and convention.decimal_commas):
        return float(number.replace(",", "."))
    return float(number.replace(",", "").replace("_", ""))


def parse_number(text: str) -> float:
    """Read a plain number written as cards write it: "1,234.5", "24_700_000", "3.1e5".

    >>> parse_number("1,234.5")
    1234.5
    """
    match = _NUMBER_RE.fullmatch(text)
    if not match:
        raise UnitError(f"not a number: {text!r}")
    return _float(match.group(1))


def parse_mass_grams(text: str) -> float:
    """Read a mass of CO2e ("12 g", "0.5 kg CO2eq", "1.2 tCO2e") and return grams.

    A bare number is taken as grams, the unit of the Hub's `co2_eq_emissions` field.

    >>> parse_mass_grams("0.5 kg CO2eq")
    500.0
    >>> parse_mass_grams("12")
    12.0
    """
    return _scaled(_MASS_RE, text, "a mass of CO2e", _GRAMS_PER_UNIT, "g", "unit")


# Multipliers of counts as cards write them: "7B" parameters, "2T" tokens, "1.3M" GPU hours.
_SCALE = {
    "": 1.0,
    "k": 1e3, "thousand": 1e3,
    "m": 1e6, "mn": 1e6, "million": 1e6, "millions": 1e6,
    "b": 1e9, "bn": 1e9, "g": 1e9, "billion": 1e9, "billions": 1e9,
    "t": 1e12, "tn": 1e12, "trillion": 1e12, "trillions": 1e12,
    "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8,  # Chinese and Japanese: "2.75亿" parameters is 275M
    "억": 1e8, "조": 1e12,  # Korean: "140억 개의 파라메터" is 14B
    "тыс": 1e3, "млн": 1e6, "млрд": 1e9, "трлн": 1e12,  # Russian: "125 млн параметров" is 125M
}
SCALE_CHARACTERS = "万萬亿億억조"
"""The scales of `_SCALE` written as one character (Chinese, Japanese and Korean), for the readers' patterns."""
RUSSIAN_SCALES = "тыс|млн|млрд|трлн"
"""The Russian scales of `_SCALE`, as a pattern's alternatives."""
_COUNT_RE = lazy_compile(rf"\s*~?\s*({_NUMBER})\s*([a-z]*|[{SCALE_CHARACTERS}]|(?:{RUSSIAN_SCALES})(?=\.?\s*$))\.?\s*", re.IGNORECASE)


def parse_count(text: str) -> float:
    """Read a count with an optional scale: "7B", "2T", "1.3M", "370k", "15 trillion", "124,441,344".

    >>> parse_count("1.3M")
    1300000.0
    """
    return _scaled(_COUNT_RE, text, "a count", _SCALE, "", "scale")


_KWH_PER_UNIT = {"wh": 1e-3, "kwh": 1.0, "mwh": 1e3, "gwh": 1e6}
_ENERGY_RE = lazy_compile(rf"\s*~?\s*({_NUMBER})\s*([a-z]+)\s*", re.IGNORECASE)


def parse_energy_kwh(text: str) -> float:
    """Read an energy ("0.52 kWh", "11,749 kWh", "7.5 MWh") and return kWh."""
    return _scaled(_ENERGY_RE, text, "an energy", _KWH_PER_UNIT, "kwh", "energy unit")


_HOURS_PER_UNIT = {
    "s": 1 / 3600, "sec": 1 / 3600, "secs": 1 / 3600, "second": 1 / 3600, "seconds": 1 / 3600,
    "m": 1 / 60, "min": 1 / 60, "mins": 1 / 60, "minute": 1 / 60, "minutes": 1 / 60,
    "h": 1.0, "hr": 1.0, "hrs": 1.0, "hour": 1.0, "hours": 1.0,
    "d": 24.0, "day": 24.0, "days": 24.0,
    "w": 168.0, "wk": 168.0, "week": 168.0, "weeks": 168.0,
    "month": 720.0, "months": 720.0,  # "took two months": 30 days each, as a reader counts them
}
_DURATION_PART_RE = lazy_compile(
    rf"({_NUMBER})\s*((?-i:[kKMBT])(?![a-z]))?\s*(?:(gpu|tpu|accelerator|chip|device|node)[- ]?)?([a-z]+)?", re.IGNORECASE
)


# Signs of "about" before a figure: the tilde, the full-width tilde and wave dash of Chinese and Japanese text ("～30
# minutes"), "≈".
APPROXIMATELY = "~～〜≈"


def parse_duration_hours(text: str) -> tuple[float, bool]:
    """Read a duration and return (hours, is_accelerator_hours).

    "18h 19min 13s", "~ 845 hours", "3 days", "1.3M GPU hours", "36" (a bare number is hours).
    Accelerator-hours ("GPU hours", "chip-hours") are a sum over accelerators, not wall-clock.

    >>> round(parse_duration_hours("18h 19min 13s")[0], 4)
    18.3203
    >>> parse_duration_hours("1.3M GPU hours")
    (1300000.0, True)
    """
    cleaned = text.strip().lstrip(APPROXIMATELY).strip()
    total, accelerator, position, named = 0.0, False, 0, None  # named: the unit the previous part wrote
    for match in _DURATION_PART_RE.finditer(cleaned):
        # Parts apart by spaces, commas or "and"; by a colon only after a unit ("0H:23M", not a clock's "1:30").
        if cleaned[position : match.start()].strip(" ,and&" + (":" if named else "")) or not re.search(r"\d", match.group(1)):
            raise UnitError(f"not a duration: {text!r}")
        if match.group(1)[0] in "+-":  # "8-12 hours" is a range; and no duration is negative
            raise UnitError(f"not one duration: {text!r}")
        number = _float(match.group(1))
        if named and not match.group(2) and not match.group(4):
            raise UnitError(f"not a duration: {text!r}")  # "3h:20", "2 hours 30": a unit the reader must guess
        if _HOURS_PER_UNIT.get(named) == 1.0 and match.group(2) == "M" and not match.group(4):
            unit = "min"  # "1h30M", "0H:23M": after the hours, an M is minutes, not millions
        else:
            number *= _SCALE[(match.group(2) or "").lower()]  # "1.3M GPU hours"
            unit = (match.group(4) or "h").lower()
        named = unit if match.group(4) or unit == "min" else None
        if unit not in _HOURS_PER_UNIT:
            raise UnitError(f"unknown time unit {match.group(4)!r} in {text!r}")
        accelerator = accelerator or bool(match.group(3))
        total += number * _HOURS_PER_UNIT[unit]
        position = match.end()
    if position == 0 or cleaned[position:].strip():
        raise UnitError(f"not a duration: {text!r}")
    return total, accelerator


GEFORCE_NUMBER = r"[1-5]0[5-9]0"
"""A GeForce card's number, 1050 to 5090 ("4090", "3090 Ti"): a product's, never a count of accelerators."""
# "8 x A100", "8 A100", "32xA100-40G" (no space: a letter after the x); not a GeForce card's number ("4090 x 2": two).
_COUNT_FIRST_RE = lazy_compile(rf"^\s*(?!{GEFORCE_NUMBER}(?:\s?ti)?\b)(\d{{1,6}})\s*(?:(?:x|×|\*)?\s+(?=\S)|[x×*](?=[a-z]))",
                               re.IGNORECASE)
# An alternative of counts is no one count: "8 A100-80GB or 16 V100" (not "8 A100 (80GB or 40GB)", memories).
_OR_ANOTHER_COUNT_RE = lazy_compile(r"\bor\s+\d{1,5}\s*[x×*]?\s*(?!(?:GB|G|TB|MB)\b)[a-z]", re.IGNORECASE)
_COUNT_LAST_RE = lazy_compile(r"(?:\bx|×|\*)\s*(\d{1,6})\s*\)?\s*$", re.IGNORECASE)  # "RTX 3090 x2", "Tesla T4 (x2)"
# "32 x 8 x A100", "4 x 8 A100 GPUs": counts multiplied, each followed by a separator (not "8 x 80GB").
_COUNT_PRODUCT_RE = lazy_compile(r"^\s*(\d{1,6}(?:\s*[x×*]\s*\d{1,6})+)(?:\s*[x×*]\s*|\s+)(?=[^\d\s])", re.IGNORECASE)
# "512 nodes of 6xV100", "4 nodes with 8 A100", "2 machines x 8 H100": nodes times the accelerators of each.
NODES_OF = (r"(?:(?:gpu|compute|computing)\s+)?(?:nodes?|machines?|servers?|instances?|hosts?)\s*,?\s*"
            r"(?:(?:each(?:\s+one)?\s+)?(?:with|of|having|x|×|\*)|each\s+of\s+which\s+(?:has|had|holds|contains))")
"""Nodes and what joins them to the accelerators of each ("nodes of", "GPU nodes each with", "nodes each of which
has"), after a count."""
_NODES_PRODUCT_RE = lazy_compile(rf"^\s*(\d{{1,5}})\s+{NODES_OF}\s*(\d{{1,5}})\s*(?:x|×|\*)?\s*(?=[a-z])", re.IGNORECASE)
# The digits of a product name are never a count: "Quadro RTX 8000 GPUs", "GeForce RTX 4090", "Tesla T4",
# "Nvidia 3090 GPUs" (a vendor's name before digits names its product).
_PRODUCT_NAME_RE = lazy_compile(r"\b(?:rtx|gtx|quadro|titan|radeon|instinct|mi|rx|arc|tesla|geforce|nvidia|amd|intel"
                                r"|[avhltpkm])[\s-]*$",
                                re.IGNORECASE)
# "8 GPUs", "(1 GPU)": the singular only for one ("80GB GPU" has a unit between).
_COUNT_OF_RE = lazy_compile(r"\b(\d{1,6})\s*(?:x\s*)?(?:gpus|tpus|chips|accelerators|cards|devices|(?<=\b1 )(?:gpu|tpu|card))\b",
                            re.IGNORECASE)
# "NVIDIA A100x4", "T4x2": a count glued after the model number (not "1920x1080").
_GLUED_COUNT = r"\b[a-z]{1,3}[ -]?\d{1,4}x(\d{1,3})"
_COUNT_GLUED_RE = lazy_compile(rf"{_GLUED_COUNT}(?![\w.])", re.IGNORECASE)
# "We utilized an A100x8 * 4 for training": four nodes of A100x8.
_GLUED_TIMES_RE = lazy_compile(rf"{_GLUED_COUNT}\s*[x×*]\s*(\d{{1,4}})(?![\w.]|\s*(?:GB|G\b))", re.IGNORECASE)
# "Desktop device (1 x NVIDIA GeForce RTX 3060 + 32GB RAM)": a count first inside parentheses.
_COUNT_IN_PARENTHESES_RE = lazy_compile(r"\(\s*(\d{1,6})\s*[x×*]\s*(?=[a-z])", re.IGNORECASE)
# "NVIDIA A100-SXM4-80GB (single GPU)": one, said in a bracket after the name.
ONE_IN_PARENTHESES_RE = lazy_compile(r"[ \t]*\(\s*(?:an?\s+|one\s+)?single[\s-]+(?:gpu|tpu|card|device|accelerator)\b", re.IGNORECASE)
# "NVIDIA 2xH200 (E2E TIR platform)": a count glued to the accelerator after its vendor's name.
_COUNT_AFTER_VENDOR_RE = lazy_compile(r"^\s*(?:nvidia|amd|google|intel)\s+(\d{1,6})\s*[x×*]\s*(?=[a-z])", re.IGNORECASE)
# A processor or an accelerator, either: "CPU / GPU", "GPU or CPU".
_CPU_OR_GPU_RE = lazy_compile(r"\bcpus?\s*(?:/|\bor\b)\s*gpus?\b|\bgpus?\s*(?:/|\bor\b)\s*cpus?\b", re.IGNORECASE)
BOARD_CORES = 8
"""The most cores of one TPU board ("TPU v3-8" is one device; a slice of more, "v3-256", a pod's)."""
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_DEVICE_WORDS = {"dual": 2, "twin": 2, "quad": 4}
# "Single NVIDIA RTX 3060 (12 GB VRAM)", "Dual RTX 3090": a count in a word before the accelerator
# (not "Single node with 8 A100", "one DGX pod").
_COUNT_WORD_FIRST_RE = lazy_compile(
    rf"^\s*(?:an?\s+)?(single|{'|'.join(word for word in [*NUMBER_WORDS, *_DEVICE_WORDS] if len(word) > 2)})[\s-]+"
    r"(?!(?:nodes?|machines?|servers?|instances?|clusters?|pods?|hosts?|dgx|gpu-?hours?)\b)(?=\S)", re.IGNORECASE)
# A TPU board alone: "TPU v3-8", "Cloud TPU v2-8" (a slice of more cores is a pod's: no one count).
_ONE_BOARD_RE = lazy_compile(r"\s*(?:(?:google|cloud)\s+)*tpu\s?v\d[a-z]?-(\d{1,4})\s*", re.IGNORECASE)


CJK_DIGITS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cjk_counted(number: str) -> int | None:
    """A count in digits or Chinese numerals up to 99: "8" 8, "两" 2, "十六" 16, "三十二" 32; None for what is
    no such number ("二四")."""
    if number[:1].isdigit():
        return int(number)
    tens, ten, ones = number.partition("十")
    if not ten:
        return CJK_DIGITS.get(number)
    if len(tens) > 1 or len(ones) > 1 or any(d not in CJK_DIGITS for d in tens + ones):
        return None
    return CJK_DIGITS.get(tens, 1) * 10 + CJK_DIGITS.get(ones, 0)


def counted(word: str) -> int:
    """How many a count's digits or word say: "1,024" 1024, "dual" 2, "four" 4, "a single" 1."""
    if word[:1].isdigit():
        return int(word.replace(",", ""))
    word = word.lower()
    return _DEVICE_WORDS.get(word) or NUMBER_WORDS.get(word, 1)


def parse_accelerator_count(text: str) -> int | None:
    """The number of accelerators in a hardware string, or None when it says none.

    "8 x A100", "A100 80GB x 8", "8 v100 GPUs", "16 NVIDIA A100-SXM4-80GB", "1 x Tesla T4".
    """
    if ("cpu" in text or "CPU" in text) and _CPU_OR_GPU_RE.search(text):
        return None  # "Single CPU / GPU": one device, which may be no accelerator
    if " or " in text.lower() and _OR_ANOTHER_COUNT_RE.search(text):
        return None  # "8 A100-80GB or 16 V100": either
    nodes = _NODES_PRODUCT_RE.match(text)
    if nodes:  # "512 nodes of 6xV100": 3,072
        return int(nodes.group(1)) * int(nodes.group(2)) or None
    product = _COUNT_PRODUCT_RE.match(text)
    if product:  # "32 x 8 x A100": 32 nodes of 8
        count = math.prod(int(n) for n in re.findall(r"\d+", product.group(1)))
        return count if count > 0 else None
    vendor = _COUNT_AFTER_VENDOR_RE.match(text)  # the vendor's name before a count is no product's ("NVIDIA 3090")
    if vendor and int(vendor.group(1)) > 0:
        return int(vendor.group(1))
    times = _GLUED_TIMES_RE.search(text)
    if times and int(times.group(1)) * int(times.group(2)) > 0:
        return int(times.group(1)) * int(times.group(2))
    for pattern in (_COUNT_FIRST_RE, _COUNT_LAST_RE, _COUNT_GLUED_RE, _COUNT_IN_PARENTHESES_RE, _COUNT_OF_RE):
        match = pattern.search(text)
        if match and int(match.group(1)) > 0 and not _PRODUCT_NAME_RE.search(text, 0, match.start(1)):
            return int(match.group(1))
    word = _COUNT_WORD_FIRST_RE.match(text)
    if word:
        return counted(word.group(1))
    if ONE_IN_PARENTHESES_RE.search(text):
        return 1
    board = _ONE_BOARD_RE.fullmatch(text)
    return 1 if board and 0 < int(board.group(1)) <= BOARD_CORES else None  # "TPU v3-8": one board


def format_mass(grams: float) -> str:
    """Grams in human units for people to read: "1.81 kg", "390 t", "58,100 t", "12 g" (3 significant
    digits; thousands of tonnes with separators, not "5.81e+04 t")."""
    if abs(grams) >= 1e9:
        return f"{float(f'{grams / 1e6:.3g}'):,.0f} t"
    for unit, size in (("t", 1e6), ("kg", 1e3)):
        if abs(grams) >= size:
            return f"{grams / size:.3g} {unit}"
    return f"{grams:.3g} g"


def format_grams(grams: float) -> str:
    """A number of grams as a YAML-ready literal: integers without ".0", else up to 6 significant digits."""
    if not math.isfinite(grams):
        return repr(grams)
    if grams == int(grams) and abs(grams) < 1e15:
        return str(int(grams))
    return f"{grams:.6g}"
