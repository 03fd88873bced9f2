"""The accelerators training ran on, as model cards write them, read into the accelerator table.

Cards name hardware in many ways: a marketing name with a count ("8 V100 GPUs", "4x RTX
4090"), an ``nvidia-smi`` device name ("NVIDIA A100-SXM4-80GB", "16 NVIDIA H100 80GB
HBM3"), a count after the name ("A100 80GB x 8"), or a Cloud TPU accelerator type
("TPUv3-8", "Google Cloud TPU v4-128", "v5litepod-16"). :func:`parse_hardware` reads such a
string into a row of the accelerator table (``carbon_card/data/accelerators.csv``) and the
number of chips it states. Hardware the table does not have gives ``None``: carbon-card
never presents a guess as fact. When the text names a family but not its variant ("A100",
"V100", "H100"), the most common training variant is assumed, ``exact`` is ``False`` and
``note`` says what was assumed.

Counts are of chips (devices): a Cloud TPU type such as ``v3-8`` counts TensorCores for
v2, v3, v4 and v5p (two per chip, so ``v3-8`` is 4 chips) and chips for v5e (one
TensorCore per chip), as Google's Cloud TPU documentation describes its accelerator types.
``carbon_card/data/README.md`` describes the table and its sources.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ._regex import lazy_compile
from .tables import load_table

__all__ = ["KINDS", "PRECISIONS", "Accelerator", "HardwareMatch", "accelerators", "names_an_accelerator", "other_devices",
           "parse_hardware"]

#: The kinds of accelerator in the table.
KINDS = frozenset({"gpu", "tpu", "cpu"})

#: The precisions of the table's peak-throughput columns (``<precision>_tflops``).
PRECISIONS = ("fp32", "tf32", "bf16", "fp16", "fp8")


@dataclass(frozen=True)
class Accelerator:
    """One row of the accelerator table: a chip, its board power and its peak dense throughput."""

    key: str  # "a100_80gb_sxm", "tpu_v3", "cpu", ...
    vendor: str
    name: str
    kind: str  # one of KINDS
    memory_gb: float | None  # per chip (the K80 row: per two-GPU board)
    tdp_w: float | None  # max board power (TPUs: see the row's source); None if unsourced
    tflops: dict[str, float | None] = field(hash=False, repr=False)  # PRECISIONS -> dense peak
    release_year: int
    source: str
    year: int  # the year of the source

    def peak_tflops(self, precision: str) -> float | None:
        """Peak dense TFLOPS at ``precision`` (one of PRECISIONS); None where not given."""
        if precision not in PRECISIONS:
            raise ValueError(f"unknown precision {precision!r}; expected one of {PRECISIONS}")
        return self.tflops[precision]


@dataclass(frozen=True)
class HardwareMatch:
    """A card's hardware text read into an accelerator, with how it was read."""

    accelerator: Accelerator
    count: int | None  # chips (devices) stated; None when the text states none
    text: str  # the part of the text that was matched
    note: str | None = None  # what was assumed or converted
    exact: bool = True  # False when a variant was assumed
    slice_chips: int | None = None  # the chips of one TPU slice the text names by its type ("v3-8": 4)

    def chips(self, count: float) -> float:
        """A count a card states beside this hardware, as chips (what the table's power is per). Beside a TPU type a
        card counts slices ("a TPU v3-8": 1) or the slice's cores ("num_devices: 8") as often as chips."""
        if not self.slice_chips:
            return count
        cores = self.slice_chips * _CORES_PER_CHIP.get(self.accelerator.key, 1)
        # One slice, its cores or its chips; another count may be of slices or of chips (from another statement than
        # the type's): left as it is.
        return self.slice_chips if count in (1, cores, self.slice_chips) else count


def _number(cell: str) -> float | None:
    return float(cell) if cell.strip() else None


@functools.lru_cache(maxsize=None)
def _accelerators() -> dict[str, Accelerator]:
    return {
        row["key"]: Accelerator(
            key=row["key"],
            vendor=row["vendor"],
            name=row["name"],
            kind=row["kind"],
            memory_gb=_number(row["memory_gb"]),
            tdp_w=_number(row["tdp_w"]),
            tflops={p: _number(row[f"{p}_tflops"]) for p in PRECISIONS},
            release_year=int(row["release_year"]),
            source=row["source"],
            year=int(row["year"]),
        )
        for row in load_table("accelerators.csv")
    }


def accelerators() -> dict[str, Accelerator]:
    """Every accelerator of the table, by key (a fresh dict; the rows are loaded once)."""
    return dict(_accelerators())


# --- GPUs ----------------------------------------------------------------------------------

# A desktop card's name must not run on into another part's: a "Ti" or "Super" is another card, and a laptop,
# mobile or Max-Q part has other power, so "RTX 3060 Laptop" is left unmatched rather than read as the desktop row.
_NOT_MOBILE = r"(?![\s-]*(?:laptop|mobile|max[\s-]*q)(?![a-z]))"
_DESKTOP = r"(?![\s-]*(?:ti|super|laptop|mobile|max[\s-]*q)(?![a-z]))"

# Family name -> how cards write it ("V-100", "P-100" too). Longer names come first, so "a100" wins over "a10",
# "l40s" over "l4", "rtx 3090 ti" over "rtx 3090" and "a4000" over "a40". GeForce cards need "RTX": a bare "3090"
# is as likely a step count.
_FAMILIES = {
    "rtx_a6000": rf"(?:rtx[\s-]*)?a6000{_DESKTOP}",
    "rtx_a4000": rf"(?:rtx[\s-]*)?a4000{_DESKTOP}",
    "rtx_6000_ada": r"rtx[\s-]*6000[\s-]*ada(?:[\s-]*generation)?",  # "Quadro RTX 6000" is Turing: not this
    "rtx_5090": rf"rtx[\s-]*5090{_DESKTOP}",
    "rtx_4090": rf"rtx[\s-]*4090{_DESKTOP}",
    "rtx_4080": rf"rtx[\s-]*4080{_DESKTOP}",
    "rtx_4070": rf"rtx[\s-]*4070{_DESKTOP}",
    "rtx_3090_ti": rf"rtx[\s-]*3090[\s-]*ti{_DESKTOP}",
    "rtx_3090": rf"rtx[\s-]*3090{_DESKTOP}",
    "rtx_3080": rf"rtx[\s-]*3080{_DESKTOP}",
    "rtx_3070": rf"rtx[\s-]*3070{_DESKTOP}",
    "rtx_3060": rf"rtx[\s-]*3060{_DESKTOP}",
    "rtx_2080_ti": rf"rtx[\s-]*2080[\s-]*ti{_DESKTOP}",
    "rtx_2080": rf"rtx[\s-]*2080{_DESKTOP}",
    "rtx_2060": rf"rtx[\s-]*2060{_DESKTOP}",
    "gtx_1660_super": rf"gtx[\s-]*1660[\s-]*super{_NOT_MOBILE}",
    "gtx_1080": rf"gtx[\s-]*1080{_DESKTOP}",
    "gtx_1070": rf"gtx[\s-]*1070{_DESKTOP}",
    # The active workstation boards; a "passive" server board has other power. A bare "RTX 6000" may be the Ada card.
    "quadro_rtx_8000": r"(?:quadro[\s-]*)?rtx[\s-]*8000(?![\s-]*passive)",
    "quadro_rtx_6000": r"quadro[\s-]*rtx[\s-]*6000(?![\s-]*(?:passive|ada))",
    "titan_rtx": r"titan[\s-]*rtx",
    "titan_v": r"titan[\s-]*v",
    "mi250x": r"mi[\s-]*250[\s-]*x",
    "mi300x": r"mi[\s-]*300[\s-]*x",
    "mi100": r"mi[\s-]*100",
    "h100": r"h-?100",
    "h200": r"h200",
    "h800": r"h800",
    "b200": r"b200",
    "a100": r"a-?100",
    "a800": r"a800",
    "a10g": r"a10g",
    "a10": r"a10",
    "a40": r"a40",
    "l40s": r"l40s",
    "l4": r"l4",
    "t4": r"t4",
    "v100": r"v-?100",
    "p100": r"p-?100",
    "k80": r"k80",
}
# Which family a matched name is: one pattern of a group per family, tried in the table's order (one
# compiled pattern, not one per family: a start compiles it once).
_FAMILY_RE = lazy_compile("|".join(f"(?P<{name}>{rx})" for name, rx in _FAMILIES.items()), re.IGNORECASE)

_COUNT = r"(?P<count>\d{1,3}(?:,\d{3})+|\d{1,6})"
_GPU = lazy_compile(
    r"(?<![\w.])"
    rf"(?:{_COUNT}\s*(?:[x×*]\s*)?)?"  # "8 ", "8x", "1 x ", "1,024 "
    r"(?:(?:nvidia|amd|tesla|geforce|instinct|quadro)[\s_-]+)*"  # "NVIDIA_TESLA_A100": a cloud's name
    r"(?:(?P<mem>\d{2,3})\s*gi?b?[\s-]+)?"  # "8 16GB V100"
    rf"(?P<model>{'|'.join(_FAMILIES.values())})"
    r"s?(?:(?=[x×*]\s*\d)|(?![a-z\d]))",  # a plural "s", then no more letters ("t4g", "l40")
    re.IGNORECASE,
)
# What follows the name, up to the next list separator: "-SXM4-80GB", " PCIe", " (80 GB) x 8".
_TAIL_END = lazy_compile(r"[,;+]|\band\b|\bor\b|\bvs\.?\b", re.IGNORECASE)
_FORM = lazy_compile(r"sxm\d?|nvlink|nvl|pci-?e|pci express|hbm3", re.IGNORECASE)
_MEMORY = lazy_compile(r"(?<!\d)(\d{1,3})\s*g(?:i?b)?(?![a-z])", re.IGNORECASE)  # "80GB", "8 GB"
_TRAILING_COUNT = lazy_compile(r"(?<![a-z])[x×*]\s*(\d{1,6})(?!\d)", re.IGNORECASE)

_A100_NOTE = (
    "form factor not stated: A100 SXM assumed (DGX/HGX A100, AWS p4d, Google Cloud A2 and "
    "Azure ND A100 v4 training clusters use the SXM part)"
)
_MEMORY_NOTE = (
    "memory not stated: A100 40GB vs 80GB assumed 40GB SXM, the launch part; the 40GB and "
    "80GB SXM parts have the same board power (400 W) and peak throughput"
)
_PCIE_MEMORY_NOTE = "memory not stated: A100 40GB (250 W) vs 80GB (300 W) PCIe assumed 40GB"


def _form(m: re.Match | None) -> str | None:
    """The form factor a _FORM match names: "sxm", "pcie", "nvl", "nvlink" or "hbm3"."""
    if not m:
        return None
    word = m.group(0).lower()
    if word.startswith("sxm"):
        return "sxm"
    if word.startswith("pci"):
        return "pcie"
    return word  # "nvlink", "nvl", "hbm3"


_Resolved = tuple[str, bool, "str | None"]  # (table key, exact, note)

# The memory of a GeForce variant that the table's row is not (the rows hold the launch part).
_OTHER_MEMORY = {"rtx_3080": 12, "rtx_3060": 8, "rtx_4080": 12, "rtx_2060": 12}


def _resolve_gpu(family: str, form: str | None, memory: int | None) -> _Resolved | None:
    """The table key for a GPU family and what the card said of it; None if not in the table."""
    if family == "a100":
        pcie = form == "pcie"
        size = memory if memory in (40, 80) else None
        key = f"a100_{size or 40}gb_{'pcie' if pcie else 'sxm'}"
        notes = [] if form in ("sxm", "pcie", "nvlink") else [_A100_NOTE]
        if size is None:
            notes.append(_PCIE_MEMORY_NOTE if pcie else _MEMORY_NOTE)
        return key, not notes, "; ".join(notes) or None
    if family == "v100":
        if form in ("sxm", "nvlink"):
            return "v100_sxm2", True, None
        if form == "pcie":
            return "v100_pcie", True, None
        return "v100_sxm2", False, (
            "form factor not stated: V100 PCIe (250 W) vs SXM2 (300 W) assumed SXM2, the part "
            "in DGX-1, AWS p3 and most V100 training clusters"
        )
    if family == "h100":
        if form == "nvl" or memory == 94:
            return "h100_nvl", True, None
        if form == "pcie":
            return "h100_pcie", True, None
        if form == "sxm":
            return "h100_sxm", True, None
        if form == "hbm3":
            return "h100_sxm", True, "'H100 80GB HBM3' is the nvidia-smi name of the H100 SXM"
        return "h100_sxm", False, (
            "form factor not stated: H100 SXM, PCIe or NVL assumed SXM (HGX/DGX H100, the usual "
            "training part; the 'H100-80GB' of Llama cards is the SXM)"
        )
    # A GeForce sold with another memory size is another card with other power ("RTX 3080 12GB" is 350 W).
    if memory is not None and memory == _OTHER_MEMORY.get(family):
        return None
    # Families with one row. The table holds the SXM part of the H200, H800 and A800 and the
    # PCIe part of the P100; the other form factor has other power, so it is not in the table.
    only = {"h200": "sxm", "h800": "sxm", "a800": "sxm", "p100": "pcie"}
    key = {"p100": "p100_pcie"}.get(family, family)
    if family in only:
        stated = {"nvlink": "sxm", "hbm3": None}.get(form, form)
        if stated is None:
            part = f"{family.upper()} {'PCIe' if only[family] == 'pcie' else 'SXM'}"
            return key, False, f"form factor not stated: {part} assumed, the table's only part"
        return (key, True, None) if stated == only[family] else None
    return key, True, None


def _gpu_matches(text: str):
    for m in _GPU.finditer(text):
        family = _FAMILY_RE.fullmatch(m.group("model")).lastgroup
        tail = text[m.end() : m.end() + 40]
        cut = _TAIL_END.search(tail)
        tail = tail[: cut.start()] if cut else tail
        form, memory_after = _FORM.search(tail), _MEMORY.search(tail)
        memory = m.group("mem") or (memory_after.group(1) if memory_after else None)
        resolved = _resolve_gpu(family, _form(form), int(memory) if memory else None)
        if resolved is None:
            continue  # a variant the table does not have: never substitute another
        key, exact, note = resolved
        trailing = None if m.group("count") else _TRAILING_COUNT.search(tail)
        if m.group("count"):
            count: int | None = int(m.group("count").replace(",", ""))
        else:
            count = int(trailing.group(1)) if trailing else None
        count = count or None  # "0 A100" counts nothing: no count stated
        if key == "k80":
            note = "the K80 row is the whole two-GPU board; clouds count each of its GPUs as one"
        # The matched text runs on to the last detail read after the name ("-SXM4-80GB", "x 8").
        used = max((x.end() for x in (form, memory_after, trailing) if x), default=0)
        matched = text[m.start() : m.end() + used].strip()
        yield m.start(), HardwareMatch(_accelerators()[key], count, matched, note, exact)


# --- Cloud TPUs ----------------------------------------------------------------------------

# "TPU v3-8", "TPUv3-8", "Cloud TPU v4-128", "v5litepod-16", "v5e-8", "v5p-128", "TPU v3", "TPU Pod V3-8" (a
# v3-8 is one board whatever it is called), "TPUv4s" (a plural).
_TPU = lazy_compile(
    r"(?<![\w.])"
    rf"(?:{_COUNT}\s*(?:[x×*]\s*)?)?"
    r"(?:google\s+)?(?:cloud\s+)?(?P<tpu>tpus?[\s-]*(?:pods?[\s-]*)?)?"
    r"v(?P<gen>[2-5])(?P<var>[\s-]*lite(?:pod)?|e|p)?"  # "TPU v5 lite" is JAX's name of a v5e chip
    r"(?:-(?P<size>\d{1,5}))?s?(?![\w])",
    re.IGNORECASE,
)
_TPU_UNIT = lazy_compile(r"\s*(?:tpus?\s*)?(chips?|tensor\s*cores?|cores?)\b", re.IGNORECASE)
# Google's accelerator types (v3-8, v4-128, v5p-128) count TensorCores, two per chip, for
# v2, v3, v4 and v5p; v5e types (v5litepod-16) count chips, one TensorCore each.
_CORES_PER_CHIP = {"tpu_v2": 2, "tpu_v3": 2, "tpu_v4": 2, "tpu_v5p": 2, "tpu_v5e": 1}


_INSTANCE_OF_TPU = lazy_compile(r"\s+instance\s+of\s+(?:Google\s+)?(?:Cloud\s+)?TPU", re.IGNORECASE)  # "v3-8 instance of Cloud TPUs"


def _tpu_key(gen: str, var: str | None) -> str | None:
    if gen != "5":
        return f"tpu_v{gen}"
    if var is None:
        return None  # "TPU v5": v5e or v5p, which differ in peak throughput and memory
    return "tpu_v5p" if var.lower() == "p" else "tpu_v5e"  # "TPU v5 lite" is JAX's name of a v5e chip


def _tpu_matches(text: str):
    for m in _TPU.finditer(text):
        var = m.group("var") and m.group("var").lstrip(" \t\n-")
        # A bare "v3" is a TPU only next to the word TPU ("TPU v3-8", "v3-8 TPU") or as a v5e type.
        near = text[m.end() : m.end() + 8].lower()
        if not (m.group("tpu") or "tpu" in near or _INSTANCE_OF_TPU.match(text, m.end())
                or (var and var.lower().startswith("lite") and var == m.group("var"))):  # "v5litepod", not "v5 lite"
            continue
        key = _tpu_key(m.group("gen"), var)
        if key is None:
            continue
        per_chip = _CORES_PER_CHIP[key]
        name = "TPU " + key.removeprefix("tpu_")  # "TPU v3", "TPU v5e"
        slices = int(m.group("count").replace(",", "")) if m.group("count") else None
        unit = _TPU_UNIT.match(text, m.end())  # "64 TPU v3 chips", "128 TPU v3 cores"
        count, note = slices, None
        if m.group("size"):  # an accelerator type: "v3-8", "v5litepod-16"
            size = int(m.group("size"))
            chips = size // per_chip
            if per_chip == 2:
                note = f"{name}-{size} is {size} TensorCores = {chips} chips"
            else:
                note = f"{name}-{size} is {chips} chips: v5e types count chips (1 TensorCore each)"
            if slices and slices > 1:
                note += f"; {slices} slices = {slices * chips} chips"
            count = chips * (slices or 1)
        elif slices is not None and unit and "core" in unit.group(1).lower():
            count = slices // per_chip
            if per_chip == 2:
                note = f"{slices} {name} TensorCores = {count} chips"
        elif slices is not None and not unit:
            note = f"unit not stated: {slices} read as chips"
        matched = text[m.start() : unit.end() if unit else m.end()].strip()
        yield m.start(), HardwareMatch(_accelerators()[key], count, matched, note, True,
                                       size // per_chip if m.group("size") else None)


# --- CPUs ----------------------------------------------------------------------------------

_CPU = lazy_compile(r"\b(?:(?:intel\s+)?xeon|(?:amd\s+)?epyc|cpus?)\b", re.IGNORECASE)
_NOT_SERVER = lazy_compile(r"\b(?:apple|macbook|mac|laptop|m[1-4])\b", re.IGNORECASE)
_CPU_NOTE = "generic CPU fallback: one server socket modelled as an AMD EPYC 7742 (225 W)"


def parse_hardware(text: str) -> HardwareMatch | None:
    """The accelerator a card's hardware text names, with the chips it states; None if unknown.

    The first accelerator named in the text is read. A server CPU ("Intel Xeon", "AMD EPYC",
    "CPU") gives the generic ``cpu`` row, never exact, only when no GPU or TPU is named.
    """
    if not isinstance(text, str):
        return None
    return _parse_hardware(text)


# A card's hardware is read several times (the estimate, CC501's cross-check, the rules): once each is enough.
@functools.lru_cache(maxsize=256)
def _parse_hardware(text: str) -> HardwareMatch | None:
    found = [next(gen, None) for gen in (_gpu_matches(text), _tpu_matches(text))]
    found = [f for f in found if f is not None]
    if found:
        return min(found, key=lambda f: f[0])[1]
    cpu = _CPU.search(text)
    if cpu and not _NOT_SERVER.search(text):
        return HardwareMatch(_accelerators()["cpu"], None, cpu.group(0), _CPU_NOTE, False)
    return None


def names_an_accelerator(text: str) -> bool:
    """Whether a hardware text names an accelerator this table knows ("Tesla T4 GPU"), not only a generic one ("Kaggle
    GPU", "CPU/GPU")."""
    match = parse_hardware(text)
    return bool(match) and match.accelerator.vendor != "generic"


def other_devices(one: str, other: str) -> bool:
    """Whether two accelerators' names are of two devices, whatever their memory, form factor or slice ("NVIDIA
    A100-SXM4-80GB" and "A100" are one, "TPU v3-8" and "v3-32 TPU" one). A name the table does not know is another
    device only when its series differs ("GTX 1080 Ti" is no P100; "GTX 1090 Ti", a slip, may be the GTX 1080)."""
    known = [parse_hardware(one), parse_hardware(other)]
    if all(known):
        return len({_DEVICE_VARIANT_RE.sub("", found.accelerator.key) for found in known}) == 2
    series = [_SERIES_RE.match(_NOT_A_DEVICE_WORD_RE.sub("", name.lower())) for name in (one, other)]
    return all(series) and series[0].group(1) != series[1].group(1)


_DEVICE_VARIANT_RE = lazy_compile(r"_(?:\d+gb|sxm\d?|pcie|nvl)(?:_.*)?$")  # a table key's memory and form: "_80gb_sxm"
_NOT_A_DEVICE_WORD_RE = lazy_compile(r"nvidia|tesla|geforce|amd|google|cloud|\d+\s*gb|[^a-z\d]")
_SERIES_RE = lazy_compile(r"([a-z]+)\d")  # a product's letters before its number: "gtx" of "gtx1080ti", "p" of "p100"
