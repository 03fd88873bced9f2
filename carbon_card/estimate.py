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
constant comes from `carbon_card/data/` with its source: the named constants of `priors.csv`,
three priors derived from the published runs of `published_models.csv` (the training tokens
of a model of a given size and era, tier T4; the utilisation of an accelerator generation,
tiers T3 and T4; what a run did with a watt, for an unknown accelerator), and two for
fine-tunes, derived from `published_finetunes.csv` and the Hub's measured AutoTrain runs of
`autotrain_finetunes.csv` (the tokens of a task group, the utilisation). The year the Hub
created a repository (the `created` fact) bounds the training's years, and so the token eras
and accelerator generations a prior spans; the pipeline tag (`task`) picks the fine-tuning
runs. `docs/estimator.md` explains the model. This module does no I/O beyond reading those
tables (once) and is a pure function of the facts.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import NamedTuple

from .facts import Fact, Facts
from .hardware import Accelerator, parse_hardware
from .location import Site, parse_location, regions, site_of
from .tables import load_table, normalise_task

__all__ = ["Assumption", "Estimate", "Interval", "PublishedRun", "autotrain_finetunes", "estimate", "finetune_group",
           "finetune_token_prior", "priors", "published_finetunes", "published_runs", "token_prior"]

_Z90 = 1.6448536269514722  # the 95th percentile of the standard normal


# NamedTuples, not frozen dataclasses: `check` defines them at every start, and a dataclass costs five
# times as much to define (Python 3.11 compiles each method it generates).
class Interval(NamedTuple):
    """A central value and its 90% interval."""

    central: float
    low: float
    high: float

    def scaled(self, factor: float) -> Interval:
        return Interval(self.central * factor, self.low * factor, self.high * factor)


class Assumption(NamedTuple):
    """One factor of an estimate: what it is, its value and range, and where it comes from."""

    name: str
    value: float | str
    unit: str
    low: float | None
    high: float | None
    source: str


class Estimate(NamedTuple):
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


class _Prior(NamedTuple):
    central: float
    low: float
    high: float
    unit: str
    source: str


# --- The published runs the derived priors come from ---------------------------------------


class PublishedRun(NamedTuple):
    """One row of `data/published_models.csv`: a published pre-training run."""

    model: str
    family: str
    """Models of one developer and recipe ("Llama", "Qwen"): they weigh as one in the priors, and
    an evaluation leaves a whole family out (`estimate(facts, held_out=...)`)."""
    params: float | None
    """None where the source does not give it (a fine-tune whose tokens are known)."""
    params_active: float | None
    """Parameters active per token, for mixture-of-experts; None for a dense model."""
    tokens: float
    year: int
    hardware: str
    accelerator_hours: float | None
    source: str
    task_group: str | None = None
    """For a fine-tuning run (`published_finetunes.csv`): "generation" or "classification"."""
    dataset: str | None = None
    """For a fine-tuning run: what it was trained on (runs on one dataset weigh as one)."""

    @property
    def compute_params(self) -> float | None:
        """The parameters a token's compute scales with: active ones for mixture-of-experts."""
        return self.params_active or self.params

    @property
    def effective_mfu(self) -> float | None:
        """6 N D / (accelerator-hours x peak): the utilisation the whole run reached, restarts,
        evaluation and downtime included; None without hardware and hours."""
        accelerator = _run_accelerator(self)
        if accelerator is None or not self.accelerator_hours or not self.compute_params or not _peak(accelerator):
            return None
        peak, _ = _peak(accelerator)
        return 6 * self.compute_params * self.tokens / (self.accelerator_hours * 3600 * peak * 1e12)

    @property
    def effective_flops_per_watt(self) -> float | None:
        """6 N D / (accelerator-hours x TDP), FLOP/s per watt of TDP: the effective utilisation times
        the accelerator's peak over its TDP, what a run did with each watt; None without them."""
        mfu = self.effective_mfu
        accelerator = _run_accelerator(self)
        if mfu is None or not accelerator.tdp_w:
            return None
        return mfu * _peak(accelerator)[0] * 1e12 / accelerator.tdp_w


def _run_accelerator(run: PublishedRun) -> Accelerator | None:
    return _named_accelerator(run.hardware) if run.hardware else None


@functools.lru_cache(maxsize=None)
def _named_accelerator(hardware: str) -> Accelerator | None:
    match = parse_hardware(hardware)
    return match.accelerator if match is not None else None


def _number(cell: str) -> float | None:
    return float(cell) if cell.strip() else None


@functools.lru_cache(maxsize=None)
def published_runs() -> tuple[PublishedRun, ...]:
    """The rows of `data/published_models.csv` (none of them is in the reference file that the
    accuracy benchmark measures against)."""
    return tuple(
        PublishedRun(row["model"], row["family"], float(row["params"]), _number(row["params_active"]),
                     float(row["tokens"]), int(row["year"]), row["hardware"].strip(),
                     _number(row["accelerator_hours"]), row["source"])
        for row in load_table("published_models.csv")
    )


@functools.lru_cache(maxsize=None)
def published_finetunes() -> tuple[PublishedRun, ...]:
    """The rows of `data/published_finetunes.csv`: published fine-tuning runs, with their task
    group and dataset."""
    return tuple(
        PublishedRun(row["model"], row["family"], _number(row["params"]), None, float(row["tokens"]), int(row["year"]),
                     row["hardware"].strip(), _number(row["accelerator_hours"]), row["source"],
                     row["task_group"], row["dataset"])
        for row in load_table("published_finetunes.csv")
    )


def _kept(held_out: frozenset[str]) -> tuple[PublishedRun, ...]:
    """The published runs outside the families `held_out`."""
    kept = tuple(r for r in published_runs() if r.family not in held_out)
    if not kept:
        raise ValueError(f"leaving out {sorted(held_out)} leaves no published run to derive the priors from")
    return kept


def _student_t95(dof: float) -> float:
    """The 95th percentile of Student's t with `dof` degrees of freedom (Cornish-Fisher series;
    within 1% of the exact value from 3 degrees of freedom)."""
    dof = max(dof, 1.0)
    z = _Z90
    return (z + (z**3 + z) / (4 * dof) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * dof**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * dof**3))


def _family_weights(runs: list[PublishedRun], key: str = "family") -> list[float]:
    """Each family (or other `key`) weighs 1 in all, shared by its runs: models of one recipe
    are one observation."""
    size: dict[str, int] = {}
    for run in runs:
        size[getattr(run, key)] = size.get(getattr(run, key), 0) + 1
    return [1 / size[getattr(run, key)] for run in runs]


def _lognormal(groups: dict, key: str = "family") -> tuple[float, float]:
    """Mean and 90% prediction half-width, in ln, of the values of `groups` ({group: [(run,
    value)]}): each group weighs equally, each `key` (family, dataset) equally within a group."""
    points: list[tuple[float, float]] = []
    for members in groups.values():
        distinct = len({getattr(r, key) for r, _ in members})
        for (_, value), weight in zip(members, _family_weights([r for r, _ in members], key), strict=True):
            points.append((math.log(value), weight / distinct / len(groups)))
    total = sum(w for _, w in points)
    n_eff = total**2 / sum(w * w for _, w in points) if points else 0.0
    if n_eff <= 2 or not all(groups.values()):
        raise ValueError(f"too few published runs for a prior over {sorted(groups)}")
    mean = sum(w * x for x, w in points) / total
    sigma = math.sqrt(sum(w * (x - mean) ** 2 for x, w in points) / total * n_eff / (n_eff - 1))
    return mean, _student_t95(n_eff - 1) * sigma * math.sqrt(1 + 1 / n_eff)


@functools.lru_cache(maxsize=None)
def _named() -> dict[str, _Prior]:
    """The named constants of `data/priors.csv`."""
    return {
        row["name"]: _Prior(float(row["central"]), float(row["low"]), float(row["high"]), row["unit"],
                            f"{row['source']} ({row['year']})")
        for row in load_table("priors.csv")
    }


def _stage(year: int, boundary: str) -> int:
    """1, 2 or 3: where `year` falls against the boundary years `{boundary}_2` and `{boundary}_3`
    of priors.csv."""
    named = _named()
    if year >= named[f"{boundary}_3"].central:
        return 3
    return 2 if year >= named[f"{boundary}_2"].central else 1


def _era(year: int) -> int:
    """1: up to 2021; 2: from Chinchilla (2022); 3: from Llama 3 (2024), small models trained
    far past compute-optimal."""
    return _stage(year, "tokens_era")


_ERA_NAMES = {1: "up to 2021", 2: "2022-2023", 3: "2024 on"}


@functools.lru_cache(maxsize=None)
def _token_fit(held_out: frozenset[str], eras: frozenset[int]) -> tuple[float, float, float, float, float, float, int]:
    """Weighted least squares of ln(tokens) on ln(parameters) over the published runs of `eras`:
    each era weighs equally, each family within an era equally. Returns (intercept, slope,
    residual sigma, mean ln N, weighted variance of ln N, effective number of runs, runs)."""
    runs = [r for r in _kept(held_out) if _era(r.year) in eras]
    by_era: dict[int, list[PublishedRun]] = {}
    for run in runs:
        by_era.setdefault(_era(run.year), []).append(run)
    points: list[tuple[float, float, float]] = []
    for members in by_era.values():
        families = len({r.family for r in members})
        for run, weight in zip(members, _family_weights(members), strict=True):
            points.append((math.log(run.compute_params), math.log(run.tokens), weight / families / len(by_era)))
    total = sum(w for _, _, w in points)
    n_eff = total**2 / sum(w * w for _, _, w in points)
    if n_eff <= 3:
        raise ValueError(f"too few published runs to fit the token prior ({len(points)})")
    mean_x = sum(w * x for x, _, w in points) / total
    mean_y = sum(w * y for _, y, w in points) / total
    var_x = sum(w * (x - mean_x) ** 2 for x, _, w in points) / total
    slope = sum(w * (x - mean_x) * (y - mean_y) for x, y, w in points) / total / var_x
    intercept = mean_y - slope * mean_x
    residual = sum(w * (y - intercept - slope * x) ** 2 for x, y, w in points) / total
    sigma = math.sqrt(residual * n_eff / (n_eff - 2))
    return intercept, slope, sigma, mean_x, var_x, n_eff, len(points)


def _eras(not_before: int | None, not_after: int | None) -> frozenset[int]:
    """The token eras a training between the years `not_before` and `not_after` (either None:
    unbounded) can fall in: those that had not ended by `not_before` and had begun by `not_after`."""
    named = _named()
    return frozenset(e for e in (1, 2, 3)
                     if (not_before is None or e == 3 or not_before < named[f"tokens_era_{e + 1}"].central)
                     and (not_after is None or e == 1 or not_after >= named[f"tokens_era_{e}"].central))


def token_prior(params: float, *, not_before: int | None = None, not_after: int | None = None,
                held_out: frozenset[str] = frozenset()) -> _Prior:
    """Training tokens of a pre-trained model of `params` (active) parameters, from the published
    runs: the weighted log-linear fit's value and its 90% prediction interval. `not_before` (a year,
    e.g. the release year of the hardware the card names) drops the eras that ended before it;
    `not_after` (e.g. the year the Hub's repository was created) those that began after it. Bounds
    that leave no era (`not_after` before `not_before`) are a contradiction: ValueError."""
    eras = _eras(not_before, not_after)
    if not eras:
        raise ValueError(f"no token era lies between {not_before} and {not_after}")
    intercept, slope, sigma, mean_x, var_x, n_eff, count = _token_fit(frozenset(held_out), eras)
    x = math.log(params)
    spread = _student_t95(n_eff - 2) * sigma * math.sqrt(1 + (1 + (x - mean_x) ** 2 / var_x) / n_eff)
    middle = intercept + slope * x

    def bounded(log_value: float) -> float:  # absurd sizes give huge, not infinite, tokens
        return math.exp(max(-700.0, min(700.0, log_value)))

    era_text = ", ".join(_ERA_NAMES[e] for e in sorted(eras))
    left = f"; families left out: {', '.join(sorted(held_out))}" if held_out else ""
    return _Prior(bounded(middle), bounded(middle - spread), bounded(middle + spread), "tokens",
                  f"fit of ln(tokens) on ln(parameters) over {count} published pre-training runs of "
                  f"data/published_models.csv ({era_text}; each era weighs equally, each family within an era "
                  f"equally): tokens ~ parameters^{slope:.2f}, residual sigma {sigma:.2f} (ln), 90% prediction "
                  f"interval{left}")


def _generation(release_year: int) -> int:
    """The accelerator generation of the utilisation prior: 1 before the A100 and TPU v4 (V100,
    TPU v3), 2 from them (2020), 3 from the H100 (2022)."""
    return _stage(release_year, "mfu_generation")


def _mfu_key(generations) -> str:
    return "mfu_pretraining_generation_" + "-".join(map(str, sorted(generations)))


def _per_watt_key(generations) -> str:
    return "flops_per_watt_pretraining_generation_" + "-".join(map(str, sorted(generations)))


def _generation_names() -> dict[int, str]:
    second, third = (int(_named()[f"mfu_generation_{g}"].central) for g in (2, 3))
    return {1: f"accelerators released before {second}", 2: f"accelerators released in {second}-{third - 1}",
            3: f"accelerators released in {third} or later"}


def _by_generation(generations: frozenset[int], held_out: frozenset[str], measure
                   ) -> tuple[dict[int, list[tuple[PublishedRun, float]]], str]:
    """The published runs (less the families `held_out`) on accelerators of `generations`, each
    with what `measure` says of it (runs it says nothing of are left out), by generation; and a
    label of the generations for the prior's source."""
    groups: dict[int, list[tuple[PublishedRun, float]]] = {g: [] for g in generations}
    for run in _kept(held_out):
        value = measure(run)
        generation = _generation(_run_accelerator(run).release_year) if value is not None else None
        if generation in groups:
            groups[generation].append((run, value))
    names = _generation_names()
    label = "all accelerators" if len(generations) == 3 else " and ".join(names[g] for g in sorted(generations))
    return groups, label


@functools.lru_cache(maxsize=None)
def _mfu_prior(generations: frozenset[int], held_out: frozenset[str]) -> _Prior:
    """The effective utilisation (6 N D / (accelerator-hours x peak)) of the published runs on
    accelerators of `generations` (each generation weighing equally, each family equally within
    it): weighted geometric mean and 90% prediction interval of a log-normal."""
    groups, label = _by_generation(generations, held_out, lambda run: run.effective_mfu)
    mean, spread = _lognormal(groups)
    runs_text = ", ".join(f"{run.model} {mfu:.0%}" for g in sorted(groups) for run, mfu in groups[g])
    left = f"; families left out: {', '.join(sorted(held_out))}" if held_out else ""
    return _Prior(math.exp(mean), math.exp(mean - spread), math.exp(mean + spread), "ratio",
                  f"effective model FLOPs utilisation, 6 x parameters x tokens / (accelerator-hours x dense peak), "
                  f"of the published runs on {label} in data/published_models.csv ({runs_text}); weighted geometric "
                  f"mean (each family weighs equally) and 90% prediction interval{left}")


@functools.lru_cache(maxsize=None)
def _per_watt_prior(generations: frozenset[int], held_out: frozenset[str]) -> _Prior:
    """What the published runs on accelerators of `generations` did with a watt of TDP, 6 N D /
    (accelerator-hours x TDP) in FLOP/s per W (each generation weighing equally, each family
    equally within it): for an unknown accelerator, throughput per watt and utilisation in one,
    as they go together (a V100 run reached 15% of 0.42 TFLOPS/W, an H100 run 25% of 1.41)."""
    groups, label = _by_generation(generations, held_out, lambda run: run.effective_flops_per_watt)
    mean, spread = _lognormal(groups)
    runs_text = ", ".join(f"{run.model} {value / 1e12:.3f}" for g in sorted(groups) for run, value in groups[g])
    left = f"; families left out: {', '.join(sorted(held_out))}" if held_out else ""
    return _Prior(math.exp(mean), math.exp(mean - spread), math.exp(mean + spread), "FLOP/s per W",
                  f"effective throughput per watt of TDP, 6 x parameters x tokens / (accelerator-hours x TDP), of the "
                  f"published runs on {label} in data/published_models.csv (TFLOP/s per W: {runs_text}); weighted "
                  f"geometric mean (each family weighs equally) and 90% prediction interval{left}")


# Hub pipeline tags by the group of published fine-tuning runs they resemble: fine-tunes that
# generate text (instruction and chat tuning, summarisation, translation) and fine-tunes that
# label their input (classes, tags, answer spans, images). Other tasks get both groups.
_FINETUNE_GROUPS = {
    **dict.fromkeys(("text-generation", "text2text-generation", "summarization", "translation", "conversational",
                     "image-text-to-text", "table-to-text"), "generation"),
    **dict.fromkeys(("text-classification", "token-classification", "question-answering", "multiple-choice",
                     "zero-shot-classification", "sentence-similarity", "fill-mask", "text-ranking",
                     "table-question-answering", "image-classification", "video-classification"), "classification"),
}


_GROUP_NAMES = {"generation": "generation (instruction, chat, summarisation, translation)",
                "classification": "classification (text, tokens, answer spans, images)"}


def finetune_group(task: object) -> str | None:
    """"generation" or "classification" for a card's pipeline tag; None when neither fits."""
    return _FINETUNE_GROUPS.get(normalise_task(task)) if isinstance(task, str) else None


@functools.lru_cache(maxsize=None)
def autotrain_finetunes() -> tuple[PublishedRun, ...]:
    """The rows of `data/autotrain_finetunes.csv`: fine-tunes AutoTrain ran for the Hub's users,
    whose cards give the emissions CodeCarbon measured (Castaño et al. 2023). Their cards do not
    state their tokens: a run's tokens are those that give its measured emissions through the
    estimator's central values for an unknown accelerator and site (`_tier3` itself), so
    their spread also holds the spread of the hardware and grids AutoTrain used."""
    # Grams per FLOP of a fine-tune on an unknown accelerator at an unknown site, from the
    # estimator's own chain (stated FLOPs, tier T3): the implied tokens follow its constants.
    flops = 1e21
    unknown_site = Facts((Fact("train_flops", flops, "", "flag", "train_flops"),
                          Fact("training_type", "fine-tuning", "", "flag", "training_type")))
    grams_per_flop = _tier3(unknown_site, _pretraining_table(frozenset())).emissions_g.central / flops
    runs, groups = [], {}
    for row in load_table("autotrain_finetunes.csv"):
        task = row["task"]
        group = groups[task] if task in groups else groups.setdefault(task, finetune_group(task))  # a dozen tasks, 1,300 rows
        if group is None:
            continue
        params = float(row["params"])
        runs.append(PublishedRun(row["model_id"], f"AutoTrain {row['task']}", params, None,
                                 float(row["emissions_g"]) / (6 * params * grams_per_flop), int(row["year"]), "",
                                 None, row["source"], group, row["model_id"]))
    return tuple(runs)


@functools.lru_cache(maxsize=None)
def finetune_token_prior(group: str | None = None, held_out: frozenset[str] = frozenset()) -> _Prior:
    """Training tokens of a fine-tune of `group` ("generation", "classification"; None: both,
    weighing equally), from two kinds of runs weighing equally: the published fine-tuning runs
    (papers and official examples; each dataset weighs as one, as a fine-tune's tokens are its
    dataset's times its epochs, whatever the model's size) and the Hub's AutoTrain fine-tunes
    (each run weighs as one: every user brought their own dataset). `held_out`: families left
    out ("AutoTrain summarization" leaves out that task's AutoTrain runs)."""
    groups: dict[tuple[str, str], list[tuple[PublishedRun, float]]] = {}
    for name in (group,) if group else _GROUP_NAMES:
        for kind, runs in (("published", published_finetunes()), ("AutoTrain", autotrain_finetunes())):
            groups[(name, kind)] = [(r, r.tokens) for r in runs if r.task_group == name and r.family not in held_out]
    mean, spread = _lognormal(groups, key="dataset")
    published = [run for (_, kind), members in groups.items() if kind == "published" for run, _ in members]
    autotrain = sum(len(members) for (_, kind), members in groups.items() if kind == "AutoTrain")
    label = " and ".join(_GROUP_NAMES[name] for name in dict.fromkeys(name for name, _ in groups))
    left = f"; left out: {', '.join(sorted(held_out))}" if held_out else ""
    return _Prior(math.exp(mean), math.exp(mean - spread), math.exp(mean + spread), "tokens",
                  f"training tokens of {label} fine-tunes: {len(published)} published runs of "
                  f"data/published_finetunes.csv on {len({r.dataset for r in published})} datasets (each dataset "
                  f"weighs equally) and {autotrain} AutoTrain runs of data/autotrain_finetunes.csv (Castaño et al. "
                  f"2023; tokens implied by their measured emissions), the two weighing equally; weighted geometric "
                  f"mean and 90% prediction interval{left}")


@functools.lru_cache(maxsize=None)
def _finetune_mfu_prior() -> _Prior:
    """The effective utilisation of the published fine-tuning runs that give hardware and hours."""
    found = [(run, run.effective_mfu) for run in published_finetunes() if run.effective_mfu is not None]
    mean, spread = _lognormal({"fine-tuning": found})
    by_family: dict[str, list[float]] = {}
    for run, mfu in found:
        by_family.setdefault(run.family, []).append(mfu)
    runs_text = ", ".join(f"{family} {min(v):.0%}" + (f"-{max(v):.0%} ({len(v)} runs)" if len(v) > 1 else "")
                          for family, v in by_family.items())
    return _Prior(math.exp(mean), math.exp(mean - spread), math.exp(mean + spread), "ratio",
                  f"effective model FLOPs utilisation, 6 x parameters x tokens / (accelerator-hours x dense peak), "
                  f"of the {len(found)} published fine-tuning runs with hardware and hours in "
                  f"data/published_finetunes.csv ({runs_text}); weighted geometric mean (each family weighs "
                  f"equally) and 90% prediction interval")


def priors(held_out: frozenset[str] = frozenset()) -> dict[str, _Prior]:
    """The named constants of `data/priors.csv`, plus the priors derived from
    `data/published_models.csv` (without the families `held_out`): the pre-training token prior
    at the median size of the runs, the utilisation of each accelerator generation; and from
    the fine-tuning runs the token priors of each task group and the utilisation."""
    table = _pretraining_table(held_out).complete()
    table["tokens_finetuning"] = finetune_token_prior(held_out=held_out)
    for group in _GROUP_NAMES:
        table[f"tokens_finetuning_{group}"] = finetune_token_prior(group, held_out)
    table["mfu_finetuning"] = _finetune_mfu_prior()
    return table


@functools.lru_cache(maxsize=None)
def _pretraining_table(held_out: frozenset[str]) -> _Priors:
    """What every estimate may use; the fine-tuning priors (1,300 runs to read) are derived only
    when a fine-tune is estimated."""

    def tokens() -> _Prior:
        median = sorted(r.compute_params for r in published_runs())[len(published_runs()) // 2]
        return token_prior(median, held_out=held_out)

    derived: dict[str, Callable[[], _Prior]] = {"tokens_pretraining": tokens}
    for generation in (1, 2, 3):
        derived[_mfu_key({generation})] = functools.partial(_mfu_prior, frozenset({generation}), held_out)
    for generations in ({1}, {1, 2}, {1, 2, 3}):
        derived[_per_watt_key(generations)] = functools.partial(_per_watt_prior, frozenset(generations), held_out)
    return _Priors(_named(), derived)


class _Priors(dict):
    """The named priors, and the derived ones made when first looked up: a card that states its
    energy never needs the utilisation of the published runs (a one-card check's start-up)."""

    def __init__(self, named: dict[str, _Prior], derived: dict[str, Callable[[], _Prior]]) -> None:
        super().__init__(named)
        self._derived = derived

    def __missing__(self, name: str) -> _Prior:
        if name not in self._derived:
            raise KeyError(name)
        value = self[name] = self._derived[name]()
        return value

    def complete(self) -> dict[str, _Prior]:
        """Every prior, the named ones first."""
        return {name: self[name] for name in [*(n for n in self if n not in self._derived), *self._derived]}


class _Product:
    """A product of log-normal factors, with the assumptions behind it."""

    def __init__(self, table: dict[str, _Prior]) -> None:
        self.table = table
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

    def prior(self, name: str, power: float = 1.0, label: str | None = None, why: str = "") -> None:
        """Multiply by a prior of the table; `why` (why this prior) goes before its source."""
        self.use(self.table[name], label or name, power, why)

    def use(self, p: _Prior, label: str, power: float = 1.0, why: str = "") -> None:
        self.times(label, p.central, p.low, p.high, p.unit, f"{why}; {p.source}" if why else p.source, power)

    def fact(self, name: str, value: float, unit: str, where: str, power: float = 1.0) -> None:
        self.times(name, value, value, value, unit, f"stated: {where}", power)

    def interval(self) -> Interval:
        spread = math.exp(_Z90 * math.sqrt(self.variance))
        return Interval(self.central, self.central / spread, self.central * spread)


def estimate(facts: Facts, *, held_out: frozenset[str] = frozenset()) -> Estimate:
    """The best estimate the facts support (a pure function of the facts and the data tables).

    `held_out` names families of `data/published_models.csv` to leave out of the derived priors,
    so that a model can be estimated without its own family's runs (the accuracy benchmark's
    leave-family-out evaluation); carbon-card itself uses every run."""
    table = _pretraining_table(frozenset(held_out))
    lower = _best_below_t1(facts, table, frozenset(held_out))
    stated = facts.best("emissions")
    if stated is not None and stated.value > 0 and math.isfinite(stated.value):
        product = _Product(table)
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


def _best_below_t1(facts: Facts, table: dict[str, _Prior], held_out: frozenset[str]) -> Estimate | None:
    years = _training_years(facts)
    return _tier2(facts, table) or _tier3(facts, table, years=years) or _tier4(facts, table, held_out, years)


class _Years(NamedTuple):
    """The years the training can have taken place in, as the facts bound them."""

    not_before: int | None = None
    """The release year of the accelerator the card names."""
    not_after: int | None = None
    """The year the Hub's repository was created: a model is trained before it is published."""
    note: Assumption | None = None
    """The bounds and where they come from, for an estimate whose priors they pick."""


def _training_years(facts: Facts) -> _Years:
    """The training's years: from the release of the card's hardware to the creation of the Hub's
    repository. The card wins a contradiction: a repository created before the hardware the card
    names was released held other weights before this model's (repositories are reused), so its
    creation year bounds nothing."""
    accelerator = _accelerator(facts)
    not_before = accelerator.release_year if accelerator is not None else None
    hardware = f"the card's hardware ({accelerator.name}) was released in {not_before}" if not_before else ""
    created = facts.best("created")
    year = created.value if created is not None else None
    if not isinstance(year, int) or isinstance(year, bool):
        return _Years(not_before, None, _year_note(not_before, None, hardware) if not_before else None)
    said = f"the repository was created in {year} ({created.provenance()})"
    if not_before is not None and year < not_before:
        return _Years(not_before, None, _year_note(not_before, None, f"{hardware}; {said}, before that: the repository "
                                                   "held other weights first, so its creation year is not used"))
    reason = f"{said}, and a model is trained before it is published"
    return _Years(not_before, year, _year_note(not_before, year, f"{hardware}; {reason}" if hardware else reason))


def _year_note(not_before: int | None, not_after: int | None, source: str) -> Assumption:
    if not_before is not None and not_after is not None:
        value = f"{not_before}-{not_after}" if not_after > not_before else str(not_after)
    else:
        value = f"{not_after} or before" if not_after is not None else f"{not_before} or later"
    return Assumption("training year", value, "year", None, None, source)


def _tier2(facts: Facts, table: dict[str, _Prior]) -> Estimate | None:
    energy = facts.best("energy")
    product = _Product(table)
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


def _tier3(facts: Facts, table: dict[str, _Prior], tokens_prior: _Prior | None = None,
           years: _Years = _Years(), why_tokens: Assumption | None = None) -> Estimate | None:
    """Tier T3, or T4 with `tokens_prior` (what picked it: `why_tokens`); `years` bound the
    training's years (the generations an unknown accelerator can be of)."""
    product = _Product(table)
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
            _note(product, why_tokens)
            product.use(tokens_prior, "training tokens (prior)")
            method = "6 x parameters x tokens from a prior"
    else:
        return None
    flops = product.interval()
    accelerator = _accelerator(facts)
    fine_tuning = facts.value("training_type") == "fine-tuning"
    per_time = "(peak x utilisation) x power"
    if accelerator is not None and accelerator.tdp_w and _peak(accelerator):
        peak, precision = _peak(accelerator)
        product.times(f"peak dense throughput ({precision})", peak * 1e12, peak * 1e12, peak * 1e12, "FLOP/s",
                      f"{accelerator.name}: {accelerator.source} ({accelerator.year})", power=-1)
        _utilisation(product, fine_tuning, accelerator)
        accelerator_hours = product.central / 3600
        product.times("seconds to hours", 1 / 3600, 1 / 3600, 1 / 3600, "h/s", "unit conversion")
        _power(product, facts)
    elif fine_tuning:
        p = table["unknown_accelerator_tflops_per_watt"]
        product.times("throughput per watt (unknown accelerator)", p.central * 1e12, p.low * 1e12, p.high * 1e12,
                      "FLOP/s per W", p.source, power=-1)
        _utilisation(product, fine_tuning, accelerator)
        accelerator_hours = None
        product.times("seconds to hours", 1 / 3600, 1 / 3600, 1 / 3600, "h/s", "unit conversion")
        product.prior("power_fraction_gpu", label="power fraction (unknown accelerator, taken as a GPU)")
    else:
        # An unknown accelerator of pre-training: what the published runs did with a watt, on the
        # accelerators released by the training's last possible year (every one without a year).
        per_time = "effective throughput per watt x power fraction"
        generations = {g for g in (1, 2, 3) if years.not_after is None or _generation(years.not_after) >= g}
        _note(product, years.note)
        product.prior(_per_watt_key(generations), power=-1,
                      label="effective throughput per watt (pre-training, unknown accelerator"
                      + (f" released by {years.not_after})" if len(generations) < 3 else ")"))
        accelerator_hours = None
        product.times("seconds to hours", 1 / 3600, 1 / 3600, 1 / 3600, "h/s", "unit conversion")
        product.prior("power_fraction_gpu", label="power fraction (unknown accelerator, taken as a GPU)")
    _pue(product, facts)
    product.times("W to kW", 1e-3, 1e-3, 1e-3, "kW/W", "unit conversion")
    energy_kwh = product.interval()
    _grid(product, facts)
    emissions = product.interval()
    tier = "T3" if tokens_prior is None else "T4"
    return Estimate(tier, f"{method} / {per_time} x PUE x grid intensity", emissions, energy_kwh,
                    flops, accelerator_hours, _atci(emissions, flops), tuple(product.assumptions),
                    tuple(_missing(facts, tier)))


def _utilisation(product: _Product, fine_tuning: bool, accelerator: Accelerator | None) -> None:
    """Divide by the model FLOPs utilisation: fine-tuning's, or pre-training's for the generation
    of the accelerator."""
    if fine_tuning:
        product.use(_finetune_mfu_prior(), "model FLOPs utilisation (fine-tuning)", power=-1)
        return
    generation = _generation(accelerator.release_year)
    product.prior(_mfu_key({generation}), power=-1,
                  label=f"model FLOPs utilisation (pre-training, {_generation_names()[generation]})")


def _note(product: _Product, note: Assumption | None) -> None:
    """List what picked a prior (the training's years, the task group) among the assumptions, once."""
    if note is not None and note not in product.assumptions:
        product.assumptions.append(note)


def _tier4(facts: Facts, table: dict[str, _Prior], held_out: frozenset[str], years: _Years) -> Estimate | None:
    params = facts.best("params_active") or facts.best("params")
    if params is None or not params.value > 0 or not math.isfinite(params.value):
        return None
    if facts.value("training_type") == "fine-tuning":
        task = facts.best("task")
        group = finetune_group(task.value if task is not None else None)
        return _tier3(facts, table, finetune_token_prior(group, held_out), why_tokens=_task_note(task, group))
    # The training's years keep the token eras it can fall in: hardware released in year Y rules
    # out the eras that had ended before Y, a repository created in year Y those that began after.
    prior = token_prior(params.value, not_before=years.not_before, not_after=years.not_after, held_out=held_out)
    return _tier3(facts, table, prior, years, years.note)


def _task_note(task: Fact | None, group: str | None) -> Assumption:
    """Which fine-tuning runs the token prior comes from, and why: the card's or the Hub's task."""
    if task is None:
        return Assumption("task group", "generation and classification", "", None, None,
                          "no pipeline tag: the two groups of fine-tuning runs weigh equally")
    if group is None:
        return Assumption("task group", "generation and classification", "", None, None,
                          f"the pipeline tag {task.value!r} ({task.provenance()}) is of neither group: the two weigh "
                          "equally")
    return Assumption("task group", group, "", None, None, f"the pipeline tag {task.value!r} ({task.provenance()})")


def _accelerator_hours(facts: Facts) -> tuple[float | None, str]:
    stated = facts.best("accelerator_hours")
    if stated is not None and stated.value > 0:
        return stated.value, stated.provenance()
    hours = facts.best("wall_hours")
    count = facts.best("accelerator_count")
    if hours is not None and hours.value > 0:
        hardware = _hardware_match(facts)
        number = count.value if count is not None else None
        if number is None and hardware is not None:
            number = hardware.count
        elif number is not None and hardware is not None and (chips := hardware.chips(number)) != number:
            return hours.value * chips, (f"{chips:g} {hardware.accelerator.name} chips ({number:g} as counted beside "
                                         f"{hardware.text}) x {hours.value:g} h ({hours.provenance()})")
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
    """Times the average power per accelerator: its TDP times the power fraction of its kind."""
    accelerator = _accelerator(facts)
    if accelerator is not None and accelerator.tdp_w:
        product.times(f"{accelerator.name} board power", accelerator.tdp_w, accelerator.tdp_w, accelerator.tdp_w,
                      "W", f"{accelerator.source} ({accelerator.year})")
        product.prior(f"power_fraction_{accelerator.kind}", label=f"power fraction ({accelerator.kind.upper()})")
    else:
        product.prior("unknown_accelerator_watts", label="board power (unknown accelerator)")
        product.prior("power_fraction_gpu", label="power fraction (unknown accelerator, taken as a GPU)")


def _pue(product: _Product, facts: Facts) -> None:
    stated = facts.best("pue")
    if stated is not None and 1 <= stated.value < 3:
        product.fact("PUE", stated.value, "ratio", stated.provenance())
        return
    # Only what names the site moves the PUE: a cloud, or a data centre of its own. A country, a
    # state or a city says where the grid is, not which data centre (Site.PLACE): unknown site.
    cloud = facts.value("cloud_provider")
    location = facts.value("location")
    # "none" says the run was not on a cloud (an on-premise site); "n/a" or "-" say nothing.
    stated_cloud = str(cloud).strip().lower() if isinstance(cloud, str) else ""
    on_premise = stated_cloud in ("none", "no", "on-premise", "on-premises", "local")
    if on_premise or stated_cloud in ("", "n/a", "na", "-", "unknown"):
        stated_cloud = None
    site = site_of(location, stated_cloud) if isinstance(location, str) else None
    if stated_cloud or site is Site.CLOUD:
        product.prior("pue_hyperscale", label="PUE (cloud)")
    elif site is Site.NAMED or on_premise:
        product.prior("pue_typical", label="PUE (typical data centre)")
    else:
        product.prior("pue_unknown", label="PUE (unknown data centre)",
                      why=f"the location {location!r} names a place, not a data centre" if site is Site.PLACE else "")


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
        product.prior("grid_unknown_region", label="grid intensity (region unknown: world data centres)")


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
