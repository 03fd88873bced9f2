"""The Estimate stage: tiers, intervals, assumptions, ATCI, and the `estimate` command."""

import json
import math
import subprocess
import sys

import pytest

from conftest import ROOT
from carbon_card.estimate import estimate, priors
from carbon_card.facts import Fact, Facts, gather
from carbon_card.card import parse_card


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
    # BLOOM: 1,082,990 A100-80GB hours in France, PUE 1.2; published 24.69 t (Luccioni et al. 2022).
    found = estimate(facts(accelerator_hours=1_082_990.0, hardware="A100 80GB SXM", location="France", pue=1.2))
    assert found.tier == "T2"
    assert abs(math.log10(found.emissions_g.central / 24.69e6)) < 0.1
    assert covers(found.emissions_g, 24.69e6)
    names = [a.name for a in found.assumptions]
    assert "accelerator-hours" in names and "power_fraction" in names and "PUE" in names
    assert all(a.source for a in found.assumptions)


def test_t2_count_times_wall_hours_and_stated_energy():
    by_count = estimate(facts(hardware="8 x A100", wall_hours=10.0, location="FR"))
    assert by_count.accelerator_hours == 80
    by_energy = estimate(facts(energy=100.0, location="FR"))
    assert by_energy.tier == "T2" and by_energy.energy_kwh.central == 100
    assert by_energy.emissions_g.central == pytest.approx(100 * 56.039, rel=1e-3)


def test_t3_from_parameters_and_tokens_and_atci():
    found = estimate(facts(params=7e9, train_tokens=2e12, hardware="A100-80GB", location="US"))
    assert found.tier == "T3"
    assert found.flops.central == pytest.approx(6 * 7e9 * 2e12)
    assert found.accelerator_hours == pytest.approx(6 * 7e9 * 2e12 / (312e12 * 0.35) / 3600)
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


def test_card_estimate_for_a_kilograms_card():
    card = parse_card("---\nco2_eq_emissions:\n  emissions: 1.71\n  geographical_location: Singapore\n"
                      "  energy_consumed: 3.51\n---\n")
    found = estimate(gather(card))
    assert found.tier == "T1" and found.cross_check.central > 1000  # kilograms written as grams


def run(*args):
    result = subprocess.run([sys.executable, "-m", "carbon_card", "estimate", *map(str, args)],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "Traceback" not in result.stderr
    return result


def test_estimate_command_text_and_json():
    text = run("--params", "7e9", "--tokens", "2e12", "--hardware", "A100-80GB", "--count", "8", "--region", "FR")
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0].startswith("tier        T3")
    assert any(line.startswith("ATCI") for line in lines)
    assert "assumptions" in lines
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
    result = subprocess.run([sys.executable, "-m", "carbon_card", "check", "--format", "json", "examples/good"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
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
