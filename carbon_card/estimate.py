"""The Estimate stage: training emissions from the best evidence a card gives, with an interval.

Tiers, after "Hugging Carbon" (Wang et al., arXiv 2605.01549), best first:

- T1 reported emissions, taken as stated;
- T2 energy: a stated kWh, or accelerators x hours x power x PUE; times the grid intensity;
- T3 compute: stated FLOPs, or 6 x parameters x tokens (active parameters for mixture-of-
  experts), turned into energy through peak throughput x utilisation; then as T2;
- T4 model metadata: parameters alone, training tokens from a prior;
- none: nothing to go on.

Every factor is a central value with a 90% range, read as a log-normal whose 5th and 95th
percentiles are the range's ends; a product of factors is log-normal too, so the interval of
an estimate is its median times exp(+-1.645 sigma), sigma adding up in quadrature. Every
constant comes from `carbon_card/data/` with its source. This module does no I/O beyond
reading those tables (once) and is a pure function of the facts.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from .facts import Facts
from .hardware import Accelerator, parse_hardware
from .location import parse_location, regions
from .tables import load_table

__all__ = ["Assumption", "Estimate", "Interval", "estimate", "priors"]

_Z90 = 1.6448536269514722  # the 95th percentile of the standard normal


@dataclass(frozen=True)
class Interval:
    """A central value and its 90% interval."""

    central: float
    low: float
    high: float

    def scaled(self, factor: float) -> Interval:
        return Interval(self.central * factor, self.low * factor, self.high * factor)


@dataclass(frozen=True)
class Assumption:
    """One factor of an estimate: what it is, its value and range, and where it comes from."""

    name: str
    value: float | str
    unit: str
    low: float | None
    high: float | None
    source: str


@dataclass(frozen=True)
class Estimate:
    """The training emissions of a model, as well as carbon-card can tell."""

    tier: str
    """`T1`, `T2`, `T3`, `T4` or `none`."""
    method: str
    """How the figure was obtained, in words."""
    emissions_g: Interval | None
    energy_kwh: Interval | None
    flops: Interval | None
    """Training compute, FLOP."""
    accelerator_hours: float | None
    atci: Interval | None
    """AI training carbon intensity: tCO2e per 10^21 FLOP."""
    assumptions: tuple[Assumption, ...]
    missing: tuple[str, ...]
    """Why a better tier was not possible: the facts that would unlock it."""
    cross_check: Interval | None = None
    """For T1: the emissions the best lower tier gives, to compare with the stated figure."""


@dataclass(frozen=True)
class _Prior:
    central: float
    low: float
    high: float
    unit: str
    source: str


@functools.lru_cache(maxsize=None)
def priors() -> dict[str, _Prior]:
    """The named constants of `data/priors.csv`, plus the token priors derived from
    `data/published_models.csv` (geometric mean, and the smallest and largest model)."""
    table = {
        row["name"]: _Prior(float(row["central"]), float(row["low"]), float(row["high"]), row["unit"],
                            f"{row['source']} ({row['year']})")
        for row in load_table("priors.csv")
    }
    tokens = [float(row["tokens"]) for row in load_table("published_models.csv")]
    geometric = math.exp(sum(map(math.log, tokens)) / len(tokens))
    names = ", ".join(row["model"] for row in load_table("published_models.csv"))
    table["tokens_pretraining"] = _Prior(geometric, min(tokens), max(tokens), "tokens",
                                         f"geometric mean and range of published pre-training runs ({names}); "
                                         "see data/published_models.csv")
    table["tokens_finetuning"] = _Prior(3e7, 1e6, 1e9, "tokens",
                                        "carbon-card assumption: instruction and task fine-tuning sets of 10^3 to "
                                        "10^6 examples (e.g. Alpaca's 52K instructions, GLUE tasks), a few epochs")
    return table


@functools.lru_cache(maxsize=None)
def _world_range() -> tuple[float, float, float, str]:
    """(central, 5th percentile, 95th percentile, source) of country grid intensities."""
    table = regions()
    countries = sorted(r.gco2_per_kwh for r in table.values() if r.kind == "country")
    world = table["WORLD"]
    return (world.gco2_per_kwh, countries[int(0.05 * (len(countries) - 1))],
            countries[int(0.95 * (len(countries) - 1))],
            f"{world.source} ({world.year}); range: 5th to 95th percentile of the countries of grid_intensity.csv")


class _Product:
    """A product of log-normal factors, with the assumptions behind it."""

    def __init__(self) -> None:
        self.central = 1.0
        self.variance = 0.0
        self.assumptions: list[Assumption] = []

    def times(self, name: str, central: float, low: float, high: float, unit: str, source: str,
              power: float = 1.0) -> None:
        """Multiply by a factor (raised to `power`: -1 divides)."""
        self.central *= central ** power
        if high > low > 0:
            self.variance += (math.log(high / low) / (2 * _Z90)) ** 2
        self.assumptions.append(Assumption(name, central, unit, low, high, source))

    def prior(self, name: str, power: float = 1.0, label: str | None = None) -> None:
        p = priors()[name]
        self.times(label or name, p.central, p.low, p.high, p.unit, p.source, power)

    def fact(self, name: str, value: float, unit: str, where: str, power: float = 1.0) -> None:
        self.times(name, value, value, value, unit, f"stated: {where}", power)

    def interval(self) -> Interval:
        spread = math.exp(_Z90 * math.sqrt(self.variance))
        return Interval(self.central, self.central / spread, self.central * spread)


def estimate(facts: Facts) -> Estimate:
    """The best estimate the facts support (a pure function of the facts and the data tables)."""
    lower = _best_below_t1(facts)
    stated = facts.best("emissions")
    if stated is not None and stated.value > 0 and math.isfinite(stated.value):
        product = _Product()
        product.fact("reported emissions", stated.value, "g", stated.provenance())
        product.prior("stated_emissions_spread")
        emissions = product.interval()
        flops = lower.flops if lower else None
        return Estimate("T1", f"reported emissions ({stated.provenance()})", emissions,
                        lower.energy_kwh if lower else None, flops, lower.accelerator_hours if lower else None,
                        _atci(emissions, flops), tuple(product.assumptions), (),
                        lower.emissions_g if lower else None)
    if lower is not None:
        return lower
    return Estimate("none", "nothing to estimate from", None, None, None, None, None, (),
                    tuple(_missing(facts, "none")))


def _best_below_t1(facts: Facts) -> Estimate | None:
    for tier in (_tier2, _tier3, _tier4):
        found = tier(facts)
        if found is not None:
            return found
    return None


def _tier2(facts: Facts) -> Estimate | None:
    energy = facts.best("energy")
    product = _Product()
    accelerator_hours = None
    if energy is not None and energy.value > 0:
        product.fact("stated energy", energy.value, "kWh", energy.provenance())
        product.prior("stated_energy_spread")
        method = f"stated energy ({energy.provenance()}) x grid intensity"
    else:
        accelerator_hours, where = _accelerator_hours(facts)
        if accelerator_hours is None:
            return None
        product.fact("accelerator-hours", accelerator_hours, "h", where)
        _power(product, facts)
        _pue(product, facts)
        product.times("W to kW", 1e-3, 1e-3, 1e-3, "kW/W", "unit conversion")
        method = "accelerator-hours x power x PUE x grid intensity"
    energy_kwh = product.interval()
    _grid(product, facts)
    emissions, flops = product.interval(), _stated_flops(facts)
    return Estimate("T2", method, emissions, energy_kwh, flops, accelerator_hours, _atci(emissions, flops),
                    tuple(product.assumptions), tuple(_missing(facts, "T2")))


def _tier3(facts: Facts, tokens_prior: str | None = None) -> Estimate | None:
    product = _Product()
    flops_fact = facts.best("train_flops")
    params = facts.best("params_active") or facts.best("params")
    tokens = facts.best("train_tokens")
    if flops_fact is not None and flops_fact.value > 0:
        product.fact("training compute", flops_fact.value, "FLOP", flops_fact.provenance())
        method = "stated FLOPs"
    elif params is not None and params.value > 0 and (tokens is not None or tokens_prior):
        product.times("FLOP per parameter per token", 6, 6, 6, "FLOP", "Kaplan et al. 2020, arXiv 2001.08361: "
                      "training a dense transformer costs about 6 FLOP per parameter per token")
        product.fact("parameters" + (" (active)" if params.quantity == "params_active" else ""), params.value,
                     "parameters", params.provenance())
        if tokens is not None and tokens.value > 0:
            product.fact("training tokens", tokens.value, "tokens", tokens.provenance())
            method = "6 x parameters x tokens"
        else:
            product.prior(tokens_prior, label="training tokens (prior)")
            method = "6 x parameters x tokens from a prior"
    else:
        return None
    flops = product.interval()
    accelerator = _accelerator(facts)
    fine_tuning = facts.value("training_type") == "fine-tuning"
    mfu = "mfu_finetuning" if fine_tuning else "mfu_pretraining"
    if accelerator is not None and accelerator.tdp_w and _peak(accelerator):
        peak, precision = _peak(accelerator)
        product.times(f"peak dense throughput ({precision})", peak * 1e12, peak * 1e12, peak * 1e12, "FLOP/s",
                      f"{accelerator.name}: {accelerator.source} ({accelerator.year})", power=-1)
        product.prior(mfu, power=-1)
        accelerator_hours = product.central / 3600
        product.times("seconds to hours", 1 / 3600, 1 / 3600, 1 / 3600, "h/s", "unit conversion")
        _power(product, facts)
    else:
        p = priors()["unknown_accelerator_tflops_per_watt"]
        product.times("throughput per watt (unknown accelerator)", p.central * 1e12, p.low * 1e12, p.high * 1e12,
                      "FLOP/s per W", p.source, power=-1)
        product.prior(mfu, power=-1)
        accelerator_hours = None
        product.times("seconds to hours", 1 / 3600, 1 / 3600, 1 / 3600, "h/s", "unit conversion")
        product.prior("power_fraction")
    _pue(product, facts)
    product.times("W to kW", 1e-3, 1e-3, 1e-3, "kW/W", "unit conversion")
    energy_kwh = product.interval()
    _grid(product, facts)
    emissions = product.interval()
    tier = "T3" if tokens_prior is None else "T4"
    return Estimate(tier, f"{method} / (peak x utilisation) x power x PUE x grid intensity", emissions, energy_kwh,
                    flops, accelerator_hours, _atci(emissions, flops), tuple(product.assumptions),
                    tuple(_missing(facts, tier)))


def _tier4(facts: Facts) -> Estimate | None:
    if facts.best("params") is None and facts.best("params_active") is None:
        return None
    fine_tuning = facts.value("training_type") == "fine-tuning"
    return _tier3(facts, "tokens_finetuning" if fine_tuning else "tokens_pretraining")


def _accelerator_hours(facts: Facts) -> tuple[float | None, str]:
    stated = facts.best("accelerator_hours")
    if stated is not None and stated.value > 0:
        return stated.value, stated.provenance()
    hours = facts.best("wall_hours")
    count = facts.best("accelerator_count")
    if hours is not None and hours.value > 0:
        number = count.value if count is not None else None
        if number is None and (hardware := _hardware_match(facts)) is not None:
            number = hardware.count
        if number:
            return hours.value * number, f"{number} accelerators x {hours.value:g} h ({hours.provenance()})"
    return None, ""


def _hardware_match(facts: Facts):
    hardware = facts.best("hardware")
    return parse_hardware(hardware.value) if hardware is not None else None


def _accelerator(facts: Facts) -> Accelerator | None:
    match = _hardware_match(facts)
    return match.accelerator if match is not None else None


def _peak(accelerator: Accelerator) -> tuple[float, str] | None:
    # Training runs in 16-bit where the hardware has it (bf16 since Ampere, fp16 on V100/T4).
    for precision in ("bf16", "fp16", "fp32"):
        value = accelerator.peak_tflops(precision)
        if value:
            return value, precision
    return None


def _power(product: _Product, facts: Facts) -> None:
    accelerator = _accelerator(facts)
    if accelerator is not None and accelerator.tdp_w:
        product.times(f"{accelerator.name} board power", accelerator.tdp_w, accelerator.tdp_w, accelerator.tdp_w,
                      "W", f"{accelerator.source} ({accelerator.year})")
    else:
        product.prior("unknown_accelerator_watts", label="board power (unknown accelerator)")
    product.prior("power_fraction")


def _pue(product: _Product, facts: Facts) -> None:
    stated = facts.best("pue")
    if stated is not None and 1 <= stated.value < 3:
        product.fact("PUE", stated.value, "ratio", stated.provenance())
        return
    cloud = facts.value("cloud_provider")
    location = facts.value("location")
    on_cloud = bool(cloud) and str(cloud).strip().lower() not in ("none", "no", "n/a", "-")
    region = _region(facts)
    if on_cloud or (region is not None and region.kind in ("aws", "gcp", "azure")):
        product.prior("pue_hyperscale", label="PUE (cloud)")
    elif location or cloud:
        product.prior("pue_typical", label="PUE (typical data centre)")
    else:
        product.prior("pue_unknown", label="PUE (unknown data centre)")


def _region(facts: Facts):
    location = facts.best("location")
    if location is None:
        return None
    match = parse_location(str(location.value), facts.value("cloud_provider"))
    return match.region if match is not None else None


def _grid(product: _Product, facts: Facts) -> None:
    region = _region(facts)
    if region is not None:
        spread = _subregion_range(region.key) if region.kind == "country" else None
        if spread is not None:
            # A country whose states or provinces differ widely (Quebec's hydro, Alberta's gas):
            # the range of its sub-regions, not the national average's spread.
            product.times(f"grid intensity ({region.name}, region within it unknown)", region.gco2_per_kwh,
                          spread[0], spread[1], "gCO2e/kWh",
                          f"{region.source} ({region.year}); range: 5th to 95th percentile of its states or "
                          "provinces in grid_intensity.csv")
            return
        product.times(f"grid intensity ({region.name})", region.gco2_per_kwh, region.gco2_per_kwh,
                      region.gco2_per_kwh, "gCO2e/kWh", f"{region.source} ({region.year})")
        product.prior("grid_region_spread")
    else:
        central, low, high, source = _world_range()
        product.times("grid intensity (region unknown: world)", central, low, high, "gCO2e/kWh", source)


@functools.lru_cache(maxsize=None)
def _subregion_range(country: str) -> tuple[float, float] | None:
    values = sorted(r.gco2_per_kwh for r in regions().values()
                    if r.country == country and r.kind in ("us-state", "ca-province"))
    if len(values) < 5:
        return None
    return values[int(0.05 * (len(values) - 1))], values[int(0.95 * (len(values) - 1))]


def _stated_flops(facts: Facts) -> Interval | None:
    flops = facts.best("train_flops")
    return Interval(flops.value, flops.value, flops.value) if flops is not None and flops.value > 0 else None


def _atci(emissions: Interval | None, flops: Interval | None) -> Interval | None:
    """tCO2e per 10^21 FLOP."""
    if emissions is None or flops is None or flops.central <= 0:
        return None
    per = 1e-6 / (flops.central / 1e21)
    return emissions.scaled(per)


def _missing(facts: Facts, tier: str) -> list[str]:
    """What a better tier would need."""
    needs = []
    if tier != "T1":
        needs.append("T1: state `co2_eq_emissions.emissions` (grams), e.g. measured with CodeCarbon")
    if tier in ("T3", "T4", "none"):
        needs.append("T2: state the energy in kWh (`energy_consumed`), or the hardware with its count and hours")
    if tier in ("T4", "none"):
        needs.append("T3: state the training FLOPs, or the parameters and training tokens")
    if tier == "none":
        needs.append("T4: state the number of parameters (or ship the safetensors weights beside the card)")
    return needs
