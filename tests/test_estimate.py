"""The Estimate stage: tiers, intervals, assumptions, ATCI, and the `estimate` command."""

import json
import math

import pytest

from conftest import CORPUS, ROOT, run_cli
from carbon_card.estimate import (autotrain_finetunes, estimate, finetune_group, finetune_token_prior, priors,
                                  published_finetunes, published_runs, token_prior)
from carbon_card.facts import Fact, Facts, gather
from carbon_card.card import parse_card, read_card
from carbon_card.location import regions


def facts(**values):
    return Facts(tuple(Fact(quantity, value, str(value), "flag", quantity) for quantity, value in values.items()))


def covers(interval, value):
    return interval.low <= value <= interval.high


def test_t1_takes_reported_emissions_and_cross_checks():
    found = estimate(facts(emissions=2000.0, energy=6.3, location="Iowa, USA"))
    assert found.tier == "T1"
    assert found.emissions_g.central == 2000
    assert covers(found.emissions_g, 2000) and found.emissions_g.high / found.emissions_g.low < 1.3
    # The cross-check is the T2 figure: 6.3 kWh x Iowa's grid (287.6 g/kWh, eGRID2023).
    assert found.cross_check.central == pytest.approx(6.3 * 287.6)


def test_t2_from_accelerator_hours_bloom():
    # BLOOM: 1,082,990 A100-80GB hours in France, PUE 1.2; published 24.69 t without PUE (Luccioni et
    # al. 2022), 30 t with it (Groeneveld et al. 2024, Table 6).
    found = estimate(facts(accelerator_hours=1_082_990.0, hardware="A100 80GB SXM", location="France", pue=1.2))
    assert found.tier == "T2"
    assert abs(math.log10(found.emissions_g.central / 30e6)) < 0.05
    assert covers(found.emissions_g, 24.69e6) and covers(found.emissions_g, 30e6)
    names = [a.name for a in found.assumptions]
    assert "accelerator-hours" in names and "power fraction (GPU)" in names and "PUE" in names
    assert all(a.source for a in found.assumptions)


def test_t2_count_times_wall_hours_and_stated_energy():
    by_count = estimate(facts(hardware="8 x A100", wall_hours=10.0, location="FR"))
    assert by_count.accelerator_hours == 80
    by_energy = estimate(facts(energy=100.0, location="FR"))
    assert by_energy.tier == "T2" and by_energy.energy_kwh.central == 100
    assert by_energy.emissions_g.central == pytest.approx(100 * 56.039, rel=1e-3)


def test_a_tpu_type_s_slice_and_its_cores_count_as_its_chips():
    # The table's TPU power is per chip. "a TPU v3-8" (1, as a card counts it) is one slice of 4 chips; its 8 cores
    # ("num_devices: 8") are the same 4 chips; "TPU v3-256" counted as 256 is 128 chips.
    one_slice = estimate(facts(hardware="TPU v3-8", accelerator_count=1.0, wall_hours=72.0))
    assert one_slice.accelerator_hours == 4 * 72
    assert estimate(facts(hardware="TPU v3-8", accelerator_count=8.0, wall_hours=72.0)).accelerator_hours == 4 * 72
    assert estimate(facts(hardware="TPU v3-256", accelerator_count=256.0, wall_hours=10.0)).accelerator_hours == 1280
    # Another count is left as the card gives it (slices or chips, from another statement than the type's).
    assert estimate(facts(hardware="TPU v3-8", accelerator_count=16.0, wall_hours=10.0)).accelerator_hours == 160
    assert estimate(facts(hardware="8 x A100", accelerator_count=8.0, wall_hours=10.0)).accelerator_hours == 80
    # dalle-mini's card: "Hardware Type: TPU v3-8", "Hours used: 72 hours (3 days)" (a gold card).
    card_facts = gather(read_card(CORPUS / "gold" / "cards" / "dalle-mini__dalle-mini.md"), None, "dalle-mini/dalle-mini")
    assert estimate(card_facts).accelerator_hours == 4 * 72


def test_t3_from_parameters_and_tokens_and_atci():
    found = estimate(facts(params=7e9, train_tokens=2e12, hardware="A100-80GB", location="US"))
    assert found.tier == "T3"
    assert found.flops.central == pytest.approx(6 * 7e9 * 2e12)
    # An A100 (2020) runs at the utilisation of the published runs on accelerators of 2020-2021.
    mfu = priors()["mfu_pretraining_generation_2"].central
    assert found.accelerator_hours == pytest.approx(6 * 7e9 * 2e12 / (312e12 * mfu) / 3600)
    atci = found.atci.central
    assert atci == pytest.approx(found.emissions_g.central / 1e6 / (found.flops.central / 1e21))


def test_t3_uses_active_parameters_of_mixture_of_experts():
    dense = estimate(facts(params=47e9, train_tokens=1e12, hardware="H100"))
    moe = estimate(facts(params=47e9, params_active=13e9, train_tokens=1e12, hardware="H100"))
    assert moe.flops.central == pytest.approx(6 * 13e9 * 1e12)
    assert moe.emissions_g.central < dense.emissions_g.central


def test_t4_priors_differ_for_fine_tuning():
    pretrained = estimate(facts(params=1e9))
    fine_tuned = estimate(facts(params=1e9, training_type="fine-tuning"))
    assert pretrained.tier == fine_tuned.tier == "T4"
    assert fine_tuned.emissions_g.central < pretrained.emissions_g.central / 1000
    assert any("prior" in a.name for a in pretrained.assumptions)


def test_fine_tuning_priors_follow_the_task_group():
    def prior(task=None):
        values = {"params": 1.1e8, "training_type": "fine-tuning"}
        if task:
            values["task"] = task
        found = estimate(facts(**values))
        return next(a for a in found.assumptions if a.name == "training tokens (prior)")

    generation, classification, unknown = prior("text-generation"), prior("Text_Classification"), prior("robotics")
    assert finetune_group("summarization") == "generation" and finetune_group("image-classification") == "classification"
    assert finetune_group(None) is None and finetune_group(["text-generation"]) is None
    # Instruction and summarisation runs see more tokens than classification runs; an unknown
    # task gets both groups, weighing equally.
    assert classification.value < unknown.value < generation.value
    assert "generation" in generation.source and "classification" not in generation.source
    assert "generation" in unknown.source and "classification" in unknown.source
    assert "published runs" in classification.source and "AutoTrain runs" in classification.source


def test_fine_tuning_runs_are_sourced():
    runs = [r for r in published_finetunes() if r.task_group in ("generation", "classification")]
    assert len(runs) >= 100 and len({r.dataset for r in runs}) >= 40
    for run in runs:
        assert run.source and run.dataset and 2015 <= run.year <= 2030 and run.tokens > 0, run.model
        assert run.effective_mfu is None or 0.03 < run.effective_mfu < 0.5, run.model
    utilisation = priors()["mfu_finetuning"]
    assert "published_finetunes.csv" in utilisation.source and "BERT 6%-28% (14 runs)" in utilisation.source
    assert 0.05 < utilisation.central < 0.3


def test_autotrain_runs_match_the_study_and_their_tokens_give_their_emissions():
    import csv
    import io

    from castano import write_autotrain_runs

    regenerated = io.StringIO()
    write_autotrain_runs(regenerated)
    shipped = (ROOT / "carbon_card" / "data" / "autotrain_finetunes.csv").read_text(encoding="utf-8")
    assert shipped == regenerated.getvalue()
    grams = {row["model_id"]: float(row["emissions_g"]) for row in csv.DictReader(io.StringIO(shipped))}
    runs = autotrain_finetunes()
    assert len(runs) > 1000
    # A run's implied tokens, through the estimator itself (unknown accelerator and site), give
    # back the grams its card states.
    for run in runs[:: len(runs) // 7]:
        found = estimate(facts(params=run.params, train_tokens=run.tokens, training_type="fine-tuning"))
        assert found.tier == "T3" and found.emissions_g.central == pytest.approx(grams[run.model], rel=1e-9)


def test_fine_tuning_prior_leaves_out_a_task():
    everything = finetune_token_prior("generation")
    without = finetune_token_prior("generation", frozenset({"AutoTrain summarization"}))
    assert without.central != everything.central and "left out: AutoTrain summarization" in without.source


def test_wider_tiers_give_wider_intervals():
    width = lambda e: e.emissions_g.high / e.emissions_g.low  # noqa: E731
    t2 = estimate(facts(accelerator_hours=1e5, hardware="A100", location="FR"))
    t3 = estimate(facts(params=7e9, train_tokens=2e12, hardware="A100", location="FR"))
    t4 = estimate(facts(params=7e9))
    assert width(t2) < width(t3) < width(t4)


def test_unknown_region_means_the_world_range():
    known = estimate(facts(accelerator_hours=1e4, hardware="A100", location="France"))
    unknown = estimate(facts(accelerator_hours=1e4, hardware="A100"))
    grid = [a for a in unknown.assumptions if a.name.startswith("grid intensity")][0]
    assert "world" in grid.name and grid.low < 60 < 600 < grid.high
    # The range is that of the countries of the grid table (the data file says so; hold it to it).
    countries = sorted(r.gco2_per_kwh for r in regions().values() if r.kind == "country")
    p5, p95 = countries[int(0.05 * (len(countries) - 1))], countries[int(0.95 * (len(countries) - 1))]
    assert round(grid.low) == round(p5) and round(grid.high) == round(p95)
    assert min(countries) < grid.value < max(countries)
    assert unknown.emissions_g.high / unknown.emissions_g.low > known.emissions_g.high / known.emissions_g.low


def test_unknown_hardware_is_a_wider_prior_not_a_guess():
    found = estimate(facts(accelerator_hours=1e4, hardware="a toaster", location="FR"))
    power = [a for a in found.assumptions if "board power" in a.name][0]
    assert "unknown accelerator" in power.name and power.low < power.high


def test_none_says_what_would_unlock_each_tier():
    found = estimate(facts(location="France"))
    assert found.tier == "none" and found.emissions_g is None
    assert [reason.split(":")[0] for reason in found.missing] == ["T1", "T2", "T3", "T4"]


def test_every_prior_has_a_source():
    for name, prior in priors().items():
        assert prior.source and prior.low <= prior.central <= prior.high, name


def test_power_fraction_follows_the_kind_of_accelerator():
    def fraction(hardware):
        found = estimate(facts(accelerator_hours=1e4, hardware=hardware, location="FR"))
        return next(a for a in found.assumptions if a.name.startswith("power fraction"))

    gpu, tpu = fraction("8 x A100"), fraction("TPU v3-8")
    assert gpu.name == "power fraction (GPU)" and gpu.value == priors()["power_fraction_gpu"].central
    assert tpu.name == "power fraction (TPU)" and tpu.value == priors()["power_fraction_tpu"].central
    # Patterson et al. 2021 measured TPUs well below their TDP, GPUs about at it.
    assert tpu.value < 0.8 < gpu.value
    assert "unknown accelerator" in fraction("a toaster").name


def test_utilisation_follows_the_accelerator_generation():
    def mfu(hardware=None):
        values = {"params": 7e9, "train_tokens": 2e12, "location": "FR"}
        if hardware:
            values["hardware"] = hardware
        found = estimate(facts(**values))
        return next(a for a in found.assumptions if a.name.startswith("model FLOPs utilisation"))

    v100, a100, h100 = mfu("V100"), mfu("A100"), mfu("H100")
    assert "before 2020" in v100.name and "2020-2021" in a100.name and "2022 or later" in h100.name
    # Published runs on V100 and TPU v3 reach less of their peak than those on A100 and TPU v4;
    # H100/H800 runs less than A100 runs too (the H100's peak grew faster than training on it).
    assert v100.value < h100.value < a100.value
    # An unknown accelerator has no utilisation of its own but what runs did with a watt.
    unknown = estimate(facts(params=7e9, train_tokens=2e12, location="FR"))
    assert not any(a.name.startswith("model FLOPs utilisation") for a in unknown.assumptions)
    assert any(a.name.startswith("effective throughput per watt") for a in unknown.assumptions)
    assert "Megatron-LM 8.3B" in v100.source and "Gopher 280B" in v100.source
    assert "Llama 3 70B" in h100.source and "MPT-7B" in a100.source and "MPT-7B" not in h100.source


def test_published_runs_are_sourced_and_held_out_from_the_reference():
    import csv

    from conftest import CORPUS

    with open(CORPUS / "reference" / "published_training_emissions.csv", newline="", encoding="utf-8") as handle:
        reference = {row["model"].split(" (")[0].lower() for row in csv.DictReader(handle)}
    runs = published_runs()
    assert len(runs) >= 50 and len({r.family for r in runs}) >= 25
    for run in runs:
        assert run.model.lower() not in reference, run.model
        assert run.source and run.family and 2015 <= run.year <= 2030
        assert run.params_active is None or run.params_active < run.params
        assert run.accelerator_hours is None or run.effective_mfu is not None, run.model
        assert run.effective_mfu is None or 0.05 < run.effective_mfu < 0.8, run.model


def test_held_out_published_runs_are_sourced_and_outside_the_reference():
    import csv

    from conftest import CORPUS

    def models(path):
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    reference = models(CORPUS / "reference" / "published_training_emissions.csv")
    holdout = models(ROOT / "benchmarks" / "published_emissions_holdout.csv")
    assert set(reference[0]) <= set(holdout[0])  # the same columns, and the run's place and family
    assert not {r["model"] for r in holdout} & {r["model"] for r in reference}
    for row in holdout:
        assert row["source_url"] and row["source_quote"] and float(row["emissions_tco2e"]) > 0, row["model"]
        assert row["notes"].startswith(("PRIMARY", "SECONDARY")) and row["pue_in_power"] in ("yes", "no")


def test_token_prior_is_fitted_on_size_and_era():
    small, large = token_prior(1e9), token_prior(1e11)
    for prior in (small, large):
        assert prior.low < prior.central < prior.high and "published pre-training runs" in prior.source
    # Hardware released in 2022 or later (H100) rules out the era of ~300B-token runs.
    recent = token_prior(1e9, not_before=2022)
    assert recent.central > small.central and "up to 2021" not in recent.source
    # Far outside the published sizes the interval widens and stays finite.
    absurd = token_prior(1e30)
    assert math.isfinite(absurd.high) and absurd.high / absurd.low > small.high / small.low


def test_token_prior_is_calibrated_leaving_each_family_out():
    runs = published_runs()
    covered = sum(p.low <= r.tokens <= p.high
                  for r in runs for p in [token_prior(r.params_active or r.params, held_out=frozenset({r.family}))])
    assert covered / len(runs) >= 0.8


def test_held_out_families_leave_the_derived_priors():
    everything = estimate(facts(params=7e9))
    without = estimate(facts(params=7e9), held_out=frozenset({"Llama", "Qwen"}))
    prior = next(a for a in without.assumptions if a.name == "training tokens (prior)")
    assert "families left out: Llama, Qwen" in prior.source
    assert without.emissions_g.central != everything.emissions_g.central
    assert priors(frozenset({"Llama"}))["mfu_pretraining_generation_3"].source.count("Llama") == 1


def test_card_estimate_for_a_kilograms_card():
    card = parse_card("---\nco2_eq_emissions:\n  emissions: 1.71\n  geographical_location: Singapore\n"
                      "  energy_consumed: 3.51\n---\n")
    found = estimate(gather(card))
    assert found.tier == "T1" and found.cross_check.central > 1000  # kilograms written as grams


def run(*args):
    result = run_cli("estimate", *args)
    assert "Traceback" not in result.stderr
    return result


def test_estimate_command_text_and_json():
    text = run("--params", "7e9", "--tokens", "2e12", "--hardware", "A100-80GB", "--count", "8", "--region", "FR")
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0].startswith("tier        T3")
    assert any(line.startswith("ATCI") for line in lines)
    assert any(line.startswith("assumptions") for line in lines)
    # 80 columns; the sources behind the assumptions with --verbose.
    assert all(len(line) <= 80 for line in lines)
    verbose = run("--params", "7B", "--tokens", "2T", "--hardware", "A100", "--verbose").stdout
    assert "Kaplan et al. 2020" in verbose and "Kaplan et al. 2020" not in text.stdout
    data = json.loads(run("--count", "1", "--hours", "1082990", "--hardware", "A100-80GB", "--region", "FR",
                          "--pue", "1.2", "--format", "json").stdout)
    assert data["tier"] == "T2"
    assert set(data["emissions_g"]) == {"central", "low", "high"}
    assert data["assumptions"][0]["source"]


@pytest.mark.parametrize("args", [("--params", "-7"), ("--params", "nan"), ("--hours", "inf"), ("--count", "0"), ()])
def test_estimate_bad_input(args):
    result = run(*args)
    assert result.returncode == 2 and result.stderr.strip()


def test_estimate_absurd_input_is_a_number_not_a_crash():
    result = run("--params", "1e30", "--tokens", "1e30", "--count", "1000000", "--hours", "1000000", "--format", "json")
    assert result.returncode == 0
    assert math.isfinite(json.loads(result.stdout)["emissions_g"]["central"])


def test_flags_override_the_card(tmp_path):
    card = tmp_path / "README.md"
    card.write_text("---\nco2_eq_emissions:\n  hardware_used: 8 x V100\n  emissions: 0\n---\n- **Hours used:** 10\n")
    data = json.loads(run(card, "--hardware", "8 x A100", "--format", "json").stdout)
    assert data["tier"] == "T2"
    assert any("A100" in a["name"] for a in data["assumptions"])


def test_check_json_carries_the_estimate():
    result = run_cli("check", "--format", "json", "examples/good")
    (card,) = json.loads(result.stdout)
    assert card["estimate"]["tier"] == "T1"
    assert card["estimate"]["cross_check_g"]["central"] == pytest.approx(6.3 * 287.6)


def test_real_card_cross_check_agrees():
    from conftest import CORPUS
    from carbon_card.card import read_card

    card = read_card(CORPUS / "cards-real" / "TucanoBR__Tucano-2b4.md")
    found = estimate(gather(card))
    # 4,475 kg reported; 11,749 kWh in Germany gives the same order of magnitude: no CC501.
    assert found.tier == "T1" and 0.3 < found.emissions_g.central / found.cross_check.central < 3


def test_power_adjusted_for_pue_is_not_multiplied_by_a_pue_again():
    body = ("Training utilized 370k GPU hours of computation on H100-80GB (TDP of 700W) type hardware. "
            "Power consumption is the peak power capacity per GPU device used, adjusted for power usage efficiency.\n")
    adjusted = estimate(gather(parse_card("---\nlicense: mit\n---\n" + body)))
    plain = estimate(gather(parse_card("---\nlicense: mit\n---\n" + body.split(" Power")[0] + "\n")))
    pue = [a for a in adjusted.assumptions if a.name == "PUE"][0]
    assert pue.value == 1 and "included in the stated power" in pue.source
    assert adjusted.tier == plain.tier == "T2"
    # 370k h x 700 W, PUE 1, the data-centre grid of an unknown region (434 g/kWh).
    assert adjusted.emissions_g.central == pytest.approx(370e3 * 0.7 * 434, rel=1e-6)
    assert plain.emissions_g.central == pytest.approx(adjusted.emissions_g.central * priors()["pue_unknown"].central)


def _pue(found):
    return next(a for a in found.assumptions if a.name.startswith("PUE"))


def _grid(found):
    return next(a for a in found.assumptions if a.name.startswith("grid intensity"))


@pytest.mark.parametrize("place", ["United States", "Iowa", "France", "Iowa, USA", "Orsay, France"])
def test_a_country_or_state_moves_the_grid_not_the_pue(place):
    run = {"accelerator_hours": 1e5, "hardware": "A100 80GB SXM"}
    placed, unplaced = estimate(facts(location=place, **run)), estimate(facts(**run))
    # The unknown-site PUE either way (not the typical site's 1.58): only the grid moves.
    assert _pue(placed).value == _pue(unplaced).value == priors()["pue_unknown"].central
    assert "names a place, not a data centre" in _pue(placed).source
    assert placed.emissions_g.central / unplaced.emissions_g.central == pytest.approx(
        _grid(placed).value / _grid(unplaced).value)


@pytest.mark.parametrize("values, prior", [
    ({"location": "Jean Zay supercomputer, France"}, "pue_typical"),
    ({"location": "France", "cloud_provider": "none"}, "pue_typical"),
    ({"location": "France", "cloud_provider": "n/a"}, "pue_unknown"),
    ({"location": "us-east-1"}, "pue_hyperscale"),
    ({"location": "Iowa", "cloud_provider": "GCP"}, "pue_hyperscale"),
    ({"location": "NA"}, "pue_unknown"),
])
def test_only_a_data_centre_or_a_cloud_moves_the_pue(values, prior):
    found = estimate(facts(accelerator_hours=1e5, hardware="A100 80GB SXM", **values))
    assert _pue(found).value == priors()[prior].central


def test_bloom_stated_in_france_keeps_its_published_figure():
    # BLOOM: 1,082,990 A100-80GB hours at IDRIS (Orsay, France); 30 t with its data centre's PUE
    # of 1.2 (Groeneveld et al. 2024, Table 6). Stating the country alone once put a typical site's
    # PUE of 1.58 on it: 38 t (+0.11 in log10); the unknown site's 1.18 gives 28.6 t.
    found = estimate(facts(accelerator_hours=1_082_990.0, hardware="A100 80GB SXM", location="France"))
    assert abs(math.log10(found.emissions_g.central / 30e6)) < 0.05 and covers(found.emissions_g, 30e6)


def test_real_card_location_moves_only_the_grid():
    # BLOOM's card as Castaño et al. (2023) mined it: "Orsay, France", 384 A100 80GB GPUs, 24.7 t.
    from castano import castano_rows, rebuild_card

    row = next(r for r in castano_rows() if r["modelId"] == "bloom")
    card = gather(parse_card(rebuild_card(row)))
    assert card.value("location") == "Orsay, France" and card.value("emissions") == 24.7e6
    # Its estimate without its stated emissions, with and without its location.
    stated = Facts(tuple(f for f in card.facts if f.quantity != "emissions"))
    unplaced = Facts(tuple(f for f in stated.facts if f.quantity != "location"))
    placed, without = estimate(stated), estimate(unplaced)
    assert placed.tier == without.tier == "T4"
    assert _pue(placed).value == _pue(without).value == priors()["pue_unknown"].central
    assert placed.emissions_g.central / without.emissions_g.central == pytest.approx(
        _grid(placed).value / _grid(without).value)


def _hub(**values):
    """Facts of a card (flags) and of the Hub's listing (`created`, `task`: origin hub)."""
    return Facts(tuple(Fact(quantity, value, str(value), "hub" if quantity in ("created", "task") else "flag",
                            "createdAt" if quantity == "created" else quantity)
                       for quantity, value in values.items()))


def _assumption(found, name):
    return next((a for a in found.assumptions if a.name.startswith(name)), None)


def test_created_year_bounds_the_token_era_and_the_accelerators():
    undated, dated = estimate(_hub(params=7e9)), estimate(_hub(params=7e9, created=2021))
    year = _assumption(dated, "training year")
    assert year.value == "2021 or before" and "the Hub's `createdAt`" in year.source
    assert _assumption(undated, "training year") is None
    # The token prior keeps the era up to 2021 (tokens_era_2 = 2022), the throughput per watt the
    # accelerators released by 2021 (mfu_generation_3 = 2022: no H100).
    tokens = _assumption(dated, "training tokens (prior)")
    assert "up to 2021" in tokens.source and "2022-2023" not in tokens.source
    assert tokens.value == pytest.approx(token_prior(7e9, not_after=2021).central)
    per_watt = _assumption(dated, "effective throughput per watt")
    assert "released by 2021" in per_watt.name and "Llama 3 70B" not in per_watt.source and "MPT-7B" in per_watt.source
    assert "Llama 3 70B" in _assumption(undated, "effective throughput per watt").source
    assert dated.emissions_g.high / dated.emissions_g.low < undated.emissions_g.high / undated.emissions_g.low / 2
    # A repository created in 2024 or later bounds nothing: every era and generation, as undated.
    late = estimate(_hub(params=7e9, created=2025))
    assert late.emissions_g == undated.emissions_g and _assumption(late, "training year").value == "2025 or before"


@pytest.mark.parametrize("params", [1e8, 7e9, 2e11])
def test_a_creation_year_never_widens_a_pretraining_estimate(params):
    undated = estimate(_hub(params=params)).emissions_g
    for year in range(2016, 2027):
        dated = estimate(_hub(params=params, created=year)).emissions_g
        assert dated.high / dated.low <= undated.high / undated.low * (1 + 1e-9), year


def test_created_before_the_cards_hardware_is_ignored_the_card_wins():
    # An H100 (released 2022) in a repository created in 2021: the repository held other weights
    # first; the hardware's year stands and the creation year bounds nothing.
    hardware_only = estimate(_hub(params=7e9, hardware="H100"))
    contradicted = estimate(_hub(params=7e9, hardware="H100", created=2021))
    assert contradicted.emissions_g == hardware_only.emissions_g
    year = _assumption(contradicted, "training year")
    assert year.value == "2022 or later" and "not used" in year.source and "2021" in year.source
    # Created at or after the hardware's release, both bound: an A100 (2020) in a repository of 2023.
    both = estimate(_hub(params=7e9, hardware="A100", created=2023))
    assert _assumption(both, "training year").value == "2020-2023"
    assert "2024 on" not in _assumption(both, "training tokens (prior)").source


def test_per_watt_prior_covers_the_published_runs_leaving_each_family_out():
    from carbon_card.estimate import _per_watt_prior

    runs = [r for r in published_runs() if r.effective_flops_per_watt is not None]
    assert len(runs) >= 20
    covered = sum(p.low <= r.effective_flops_per_watt <= p.high
                  for r in runs for p in [_per_watt_prior(frozenset({1, 2, 3}), frozenset({r.family}))])
    assert covered / len(runs) >= 0.9
    # V100 and TPU v3 runs did far less with a watt than A100 and H100 runs.
    old, new = (_per_watt_prior(frozenset(g), frozenset()) for g in ({1}, {3}))
    assert old.high < new.central


def test_hub_task_picks_the_fine_tuning_group_and_says_so():
    tagged = estimate(_hub(params=1.1e8, training_type="fine-tuning", task="summarization"))
    group = _assumption(tagged, "task group")
    assert group.value == "generation" and "'summarization'" in group.source and "the Hub's" in group.source
    assert _assumption(estimate(_hub(params=1.1e8, training_type="fine-tuning")), "task group").value == \
        "generation and classification"
    # No fine-tuning prior depends on the year: the creation year changes nothing for a fine-tune.
    dated = estimate(_hub(params=1.1e8, training_type="fine-tuning", task="summarization", created=2021))
    assert dated.emissions_g == tagged.emissions_g and _assumption(dated, "training year") is None


def _benchmark(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("reference", ["tests/corpus/reference/published_training_emissions.csv",
                                       "benchmarks/published_emissions_holdout.csv"])
def test_published_runs_coverage_with_and_without_the_date(reference):
    import csv
    import statistics

    bench = _benchmark("estimator_accuracy")
    with open(ROOT / reference, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if bench._number(row["emissions_tco2e"])]
    widths = {}
    for dated in (False, True):
        results = bench.evaluate(rows, dated=dated)
        for tier, found in results.items():
            assert sum(covered for _, _, covered, _ in found) >= 0.9 * len(found), (tier, dated)
        widths[dated] = statistics.median(width for *_, width in results["T4"])
    assert widths[True] <= widths[False]


def test_what_the_hub_lists_reaches_the_estimate_through_gather():
    from datetime import datetime, timezone

    from carbon_card.facts import Listing

    card = parse_card("---\nlicense: mit\n---\n# A model\n")
    listing = Listing("someone/model", created_at=datetime(2021, 6, 1, tzinfo=timezone.utc), params=7_000_000_000,
                      pipeline_tag="text-generation")
    found = estimate(gather(card, listing=listing))
    assert found.tier == "T4"
    year = _assumption(found, "training year")
    assert year.value == "2021 or before" and "the Hub's `createdAt`" in year.source
    # A fine-tune (its card names its base model): the Hub's pipeline tag picks the task group.
    tuned = parse_card("---\nbase_model: gpt2\n---\n# A fine-tune\n")
    group = _assumption(estimate(gather(tuned, listing=listing)), "task group")
    assert group.value == "generation" and "the Hub's `pipeline_tag`" in group.source


def test_estimate_reads_the_forms_cards_write_and_echoes_them():
    result = run("--params", "7B", "--tokens", "2T", "--hours", "3 days", "--count", "8", "--hardware", "A100",
                 "--format", "json")
    data = json.loads(result.stdout)
    given = {i["option"]: (i["given"], i["value"]) for i in data["inputs"]}
    assert given["--params"] == ("7B", 7e9) and given["--tokens"] == ("2T", 2e12)
    assert given["--hours"] == ("3 days", 72) and given["--count"] == ("8", 8)
    assert data["warnings"] == []
    # The same run as text: each input echoed on stderr as understood.
    text = run("--params", "7B", "--tokens", "2T")
    assert "--params 7B: 7e+09" in text.stderr and "--tokens 2T: 2e+12" in text.stderr
    assert run("--params", "7x").returncode == 2 and "'7x' is not a count" in run("--params", "7x").stderr


def test_estimate_warns_about_inputs_it_cannot_read_instead_of_defaulting_silently():
    result = run("--count", "8", "--hours", "72", "--hardware", "Quantum Flux 9000", "--region", "Atlantis",
                 "--format", "json")
    warnings = json.loads(result.stdout)["warnings"]
    assert any("unknown accelerator 'Quantum Flux 9000'" in w for w in warnings)
    assert any("unknown region 'Atlantis'" in w for w in warnings)
    assert "warning: unknown region 'Atlantis'" in result.stderr


def test_estimate_of_a_table_card_without_a_model_id_says_to_pass_one():
    result = run(CORPUS / "cards-real" / "meta-llama__llama3-MODEL_CARD.md")
    assert "pass --model-id" in result.stderr
    assert "pass --model-id" not in run(CORPUS / "cards-real" / "meta-llama__llama3-MODEL_CARD.md",
                                        "--model-id", "meta-llama/Meta-Llama-3-8B").stderr
