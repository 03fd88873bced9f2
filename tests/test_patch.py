"""The Patch stage: the proposed block for real cards, byte preservation, idempotence,
validity (huggingface_hub's own parser, the published schema) and safe writing."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from castano import castano_rows, rebuild_card
from carbon_card.assessment import assess
from carbon_card.card import parse_card, read_card
from carbon_card.facts import gather
from carbon_card.patch import BLOCK_KEY, PatchError, propose, write_patch
from conftest import CORPUS, ROOT, fuzz_examples, run_cli

REAL = CORPUS / "cards-real"
SCHEMA = json.loads((ROOT / "schemas" / "co2_eq_emissions.schema.json").read_text(encoding="utf-8"))


def _assessed(path: Path | str, model_id: str | None = None):
    card = read_card(path)
    return assess(card, gather(card, os.path.dirname(path), model_id))


def _castano_row(model_id: str) -> dict[str, str]:
    return next(row for row in castano_rows() if row["modelId"] == model_id)


def _check_valid(patch) -> None:
    """The proposal as the Hub reads it: huggingface_hub's ModelCard parses it, the other metadata
    is unchanged as data, the block is valid against the published schema."""
    from huggingface_hub import ModelCard

    card = ModelCard(patch.text, ignore_metadata_errors=False)
    data = card.data.to_dict()
    before = dict(patch.card.metadata or {})
    assert data.get(BLOCK_KEY) == patch.block
    assert {k: v for k, v in data.items() if k != BLOCK_KEY} == {k: v for k, v in before.items() if k != BLOCK_KEY}
    jsonschema.validate(patch.block, SCHEMA)


def _outside_block_unchanged(patch) -> None:
    """Every byte before and after the edited span is the original's, and the span lies in the
    front matter (or is a front matter added at the top)."""
    old, new = patch.card.text, patch.text
    if patch.card.yaml_span is None:
        # A front matter added at the top, nothing else.
        added = new[: len(new) - len(old)]
        assert new.endswith(old) and added.startswith("---") and parse_card(added).metadata is not None
        return
    start, end = patch.card.yaml_span
    # Everything before the YAML (the opening line) and after it (the closing line, the body)
    # is the original's.
    assert new.startswith(old[:start]) and new.endswith(old[end:])
    assert len(new) - len(old[end:]) >= start


# --------------------------------------------------------------------------- real cards

REAL_CASES = [
    # (card, model id, unsafe, expected block; None = no change proposed)
    # kilograms written into the grams field (an older revision; the prose says "1.71 KgCO2").
    ("nicholasKluge__Aira-2-1B1--rev-eecb528.md", None, False, None),
    ("nicholasKluge__Aira-2-1B1--rev-eecb528.md", None, True,
     {"emissions": 1710, "source": "CodeCarbon", "training_type": "fine-tuning",
      "geographical_location": "Singapore", "hardware_used": "NVIDIA A100-SXM4-40GB"}),
    ("nicholasKluge__TeenyTinyLlama-460m--rev-0d4e15f.md", None, True,
     {"emissions": 41100, "source": "CodeCarbon", "training_type": "pre-training",
      "geographical_location": "Germany", "hardware_used": "NVIDIA A100-SXM4-40GB"}),
    # the later revision fixed by its author: nothing to propose.
    ("nicholasKluge__TeenyTinyLlama-460m.md", None, True, None),
    ("TucanoBR__Tucano-160m.md", None, True, None),
    # Llama: figures only in a table, one row per model; this model's row becomes the block.
    ("meta-llama__llama3-MODEL_CARD.md", "meta-llama/Meta-Llama-3-8B", False, {"emissions": 390_000_000}),
    ("meta-llama__llama3-MODEL_CARD.md", "meta-llama/Meta-Llama-3-70B", False, {"emissions": 1_900_000_000}),
    ("meta-llama__llama3_2-MODEL_CARD.md", "meta-llama/Llama-3.2-1B", False, {"emissions": 107_000_000}),
    # Without the model's name the row is unknown: nothing is guessed.
    ("meta-llama__llama3-MODEL_CARD.md", None, True, None),
    # Llama 3.3's one row says 12.9 t for 7.0M H100-hours at 700 W: its own facts call that
    # implausible (CC501), so the figure is lifted only with --unsafe-fixes.
    ("meta-llama__llama3_3-MODEL_CARD.md", "meta-llama/Llama-3.3-70B", False, None),
    ("meta-llama__llama3_3-MODEL_CARD.md", "meta-llama/Llama-3.3-70B", True, {"emissions": 12_900_000}),
    # For the Instruct model the row is its base's pre-training: nothing of its own to lift.
    ("meta-llama__llama3_3-MODEL_CARD.md", "meta-llama/Llama-3.3-70B-Instruct", True, None),
]


def test_a_figure_the_cards_own_facts_doubt_is_not_a_safe_fix():
    assessment = _assessed(REAL / "meta-llama__llama3_3-MODEL_CARD.md", "meta-llama/Llama-3.3-70B")
    by_code = {f.code: f for f in assessment.findings}
    # 7.0M GPU-hours of a table's one row, named by the model id, are this model's for certain.
    assert by_code["CC501"].line == 45 and "0.009x" in by_code["CC501"].message
    lift = by_code["CC303"]
    assert lift.fixable and not lift.safe_fix and lift.doubted
    safe = propose(assessment)
    assert not safe.changed and [c.code for c in safe.withheld] == ["CC303"]


@pytest.mark.parametrize(("name", "model_id", "unsafe", "expected"), REAL_CASES)
def test_proposed_block_of_real_cards(name, model_id, unsafe, expected):
    with open(REAL / name, "rb") as handle:
        original = handle.read()
    patch = propose(_assessed(REAL / name, model_id), unsafe=unsafe)
    if expected is None:
        assert not patch.changed and patch.diff() == ""
        return
    assert patch.changed and patch.block == expected
    _check_valid(patch)
    _outside_block_unchanged(patch)
    assert (REAL / name).read_bytes() == original  # proposing writes nothing


def _example(name: str, tmp_path: Path, text: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "README.md").write_text(text, encoding="utf-8", newline="")
    return folder / "README.md"


def test_autotrain_card_without_metadata_gets_its_stated_figure_and_source(tmp_path):
    # A real AutoNLP card of the study: the figure only in the body.
    body = _castano_row("en_lg")["modelcard_text"]
    patch = propose(_assessed(_example("en_lg", tmp_path, body)))
    assert patch.block == {"emissions": 133.022, "source": "AutoTrain"}
    assert patch.text.endswith(body) and patch.text.startswith("---\nco2_eq_emissions:\n")
    _check_valid(patch)


def test_autotrain_card_with_metadata_gains_its_source(tmp_path):
    row = _castano_row("autotrain-imdb-sentiment-analysis-864927559")
    patch = propose(_assessed(_example("autotrain", tmp_path, rebuild_card(row))))
    assert patch.block["source"] == "AutoTrain"
    assert [c.code for c in patch.applied] == ["CC201"]
    _check_valid(patch)
    _outside_block_unchanged(patch)


@pytest.mark.parametrize(("stated", "safe"), [
    ("Fine-tuning", True),
    ("pre-trained", True),
    # Mapped to one of the two types by the word it says first: a reading, written only with --unsafe-fixes.
    ("Continued pre-training on legal text, then instruction tuning", False),
    ("Full fine-tuning after domain-adaptive pretraining", False),
])
def test_a_training_type_is_a_safe_fix_only_when_the_card_names_the_type_alone(tmp_path, stated, safe):
    text = ("---\nlicense: mit\n---\n\n# legal-bert\n\n## Environmental Impact\n\n"
            f"- **Hardware Type:** 1 x A100\n- **Training Type:** {stated}\n- **Carbon Emitted:** 1.2 kg CO2eq\n")
    patch = propose(_assessed(_example("legal-bert", tmp_path, text)))
    assert patch.block["emissions"] == 1200
    expected = "pre-training" if stated.lower().startswith(("pre", "continued")) else "fine-tuning"
    if safe:
        assert patch.block["training_type"] == expected
    else:
        assert "training_type" not in patch.block
        assert [(c.key, c.value) for c in patch.withheld] == [("training_type", expected)]
        assert propose(_assessed(_example("legal-bert-unsafe", tmp_path, text)), unsafe=True).block["training_type"] == expected


def test_card_with_no_disclosure_gets_the_estimate_only_as_an_unsafe_fix(tmp_path):
    body = _castano_row("xlmindic-base-uniscript")["modelcard_text"]
    path = _example("xlmindic", tmp_path, body)
    # Its Hub id named, as the audit and a clone of its repository name it: only headings mark its body, without front
    # matter, as a model card, and until its model is named its sentences' runs are the document's.
    assessment = _assessed(path, "ibraheemmoosa/xlmindic-base-uniscript")
    assert "CC302" in {f.code for f in assessment.findings}
    safe = propose(assessment)
    assert not safe.changed and [c.code for c in safe.withheld] == ["CC302", "CC302"]
    patch = propose(assessment, unsafe=True)
    block = patch.block
    assert set(block) == {"emissions", "source"}
    assert block["source"].startswith("estimate by carbon-card") and "not measured" in block["source"]
    assert "tier T4" in block["source"] and "90% interval" in block["source"]
    # The figure is the estimator's central value, to two significant digits.
    from carbon_card.estimate import estimate

    central = estimate(assessment.facts).emissions_g.central
    assert block["emissions"] == float(f"{central:.2g}")
    _check_valid(patch)


def test_examples(tmp_path):
    bad = propose(_assessed(ROOT / "examples" / "bad" / "README.md"))
    assert bad.block == {"emissions": 500, "source": "ML CO2 Impact calculator",
                         "geographic_location": "Iowa, USA", "energy_consumed": "about 3 kWh"}
    assert bad.diff().count("\n-") == 1  # one line replaced
    unsafe = propose(_assessed(ROOT / "examples" / "bad" / "README.md"), unsafe=True)
    assert list(unsafe.block) == ["emissions", "source", "geographical_location", "energy_consumed"]
    assert not propose(_assessed(ROOT / "examples" / "good" / "README.md"), unsafe=True).changed


def test_fill_template_fills_the_environmental_impact_fields(tmp_path):
    text = textwrap.dedent("""\
        ---
        license: mit
        ---
        # m

        ## Environmental Impact

        - **Hardware Type:** [More Information Needed]
        - **Hours used:** [More Information Needed]
        - **Cloud Provider:** [More Information Needed]
        - **Compute Region:** [More Information Needed]
        - **Carbon Emitted:** [More Information Needed]

        ## Training

        - CO2 Emissions (in grams): 1500
        """)
    path = _example("template", tmp_path, text)
    plain = propose(_assessed(path))
    assert plain.block == {"emissions": 1500, "source": "AutoTrain"}
    assert plain.text.count("[More Information Needed]") == 5
    filled = propose(_assessed(path), fill_template=True)
    assert "- **Carbon Emitted:** 1.5 kg CO2eq\n" in filled.text
    assert filled.text.count("[More Information Needed]") == 4  # nothing else is known


# --------------------------------------------------------------------------- block shapes


SHAPES = {
    "scalar block": ("---\nco2_eq_emissions: 12\nlicense: mit\n---\n- **Compute Region:** Quebec, Canada\n",
                     "---\nco2_eq_emissions:\n  emissions: 12\n  geographical_location: Quebec, Canada\nlicense: mit\n---\n"),
    "flow block": ("---\nco2_eq_emissions: {emissions: '2 kg'}  # measured\n---\n",
                   "---\nco2_eq_emissions:\n  emissions: 2000  # measured\n---\n"),
    "comments and order kept": (
        "---\n# top\nco2_eq_emissions:\n  # grams!\n  emissions: '1.5 kg'   # from CodeCarbon\n  source: x\n"
        "tags: [a]\n---\nbody\n",
        "---\n# top\nco2_eq_emissions:\n  # grams!\n  emissions: 1500   # from CodeCarbon\n  source: x\n"
        "tags: [a]\n---\n"),
    "new keys after a nested last value": (
        "---\nco2_eq_emissions:\n  emissions: 5\n  runs:\n    - a\n    - b\nx: 1\n---\n- **Compute Region:** France\n",
        "---\nco2_eq_emissions:\n  emissions: 5\n  runs:\n    - a\n    - b\n  geographical_location: France\nx: 1\n---\n"),
    # A block scalar at the very end has no line break of its own: the new line goes before its
    # entry, so that its value does not gain one.
    "block after a block scalar": (
        "---\nnote: |\n  line\nco2_eq_emissions:\n  emissions: 5\n  desc: |\n    text\n---\n- **Compute Region:** France\n",
        "---\nnote: |\n  line\nco2_eq_emissions:\n  emissions: 5\n  geographical_location: France\n  desc: |\n    text\n---\n"),
    "block scalar with its line break": (
        "---\nco2_eq_emissions:\n  emissions: 5\n  desc: |\n    text\nx: 1\n---\n- **Compute Region:** France\n",
        "---\nco2_eq_emissions:\n  emissions: 5\n  desc: |\n    text\n  geographical_location: France\nx: 1\n---\n"),
    "empty front matter": ("---\n---\n- CO2 Emissions (in grams): 7\n",
                           "---\nco2_eq_emissions:\n  emissions: 7\n  source: AutoTrain\n---\n"),
    "appended at the end of the front matter": (
        "---\nlicense: mit\ntags:\n- a\n---\n- CO2 Emissions (in grams): 7\n",
        "---\nlicense: mit\ntags:\n- a\nco2_eq_emissions:\n  emissions: 7\n  source: AutoTrain\n---\n"),
    "indented keys": ("---\nco2_eq_emissions:\n    emissions: 'x'\n    emissions_g: 3\n---\n", None),
}


@pytest.mark.parametrize("name", SHAPES)
def test_block_shapes(name):
    text, expected_front = SHAPES[name]
    card = parse_card(text, "README.md")
    patch = propose(assess(card))
    if expected_front is None:
        assert not patch.changed
        return
    assert patch.text.startswith(expected_front), patch.text
    assert patch.text[len(expected_front):] == text[card.body_span[0]:]
    _check_valid(patch)


def test_crlf_and_bom_are_kept(tmp_path):
    text = "---\r\nlicense: mit\r\nco2_eq_emissions:\r\n  emissions: 0.5 kg\r\n---\r\n- **Compute Region:** France\r\n"
    path = tmp_path / "README.md"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    patch = propose(_assessed(path))
    data = patch.data()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data == b"\xef\xbb\xbf" + text.replace("0.5 kg", "500\r\n  geographical_location: France").encode()


def test_unreadable_front_matter_is_not_patched():
    card = parse_card("---\nco2_eq_emissions: [\n---\nbody\n", "README.md")
    assert not propose(assess(card)).changed  # nothing fixable: no error either
    misspelt = parse_card("---\nco2-eq-emissions:\n  emissions: '1 kg'\n---\n", "README.md")
    patch = propose(assess(misspelt), unsafe=True)
    assert patch.block == {"emissions": 1000}  # renamed, then its string fixed
    assert patch.text == "---\nco2_eq_emissions:\n  emissions: 1000\n---\n"


# --------------------------------------------------------------------------- properties

_FRONTS = st.sampled_from([
    "", "---\n---\n", "---\nco2_eq_emissions: 12\n---\n", "---\nco2_eq_emissions:\n  emissions: '0.5 kg'\n---\n",
    "---\nlicense: mit  # c\nco2_eq_emissions: {emissions: 3, source: x}\n---\n",
    "---\nco2_eq_emission:\n  emissions: 4\n  geographic_location: Iowa\n---\n",
    "---\r\nco2_eq_emissions:\r\n  emissions: 1\r\n  hardware: 8 x A100\r\n---\r\n",
    "---\ntags:\n- a\nmodel-index:\n- name: Foo-7B\n---\n", "---\n: [\n---\n",
])
_PIECES = st.sampled_from([
    "- **Hardware Type:** ", "- **Hours used:** ", "- **Carbon Emitted:** ", "- **Compute Region:** ",
    "- **Cloud Provider:** ", "- CO2 Emissions (in grams): ", "[More Information Needed]", "## Environmental Impact\n",
    "8 x A100 80GB", "Quebec, Canada", "AWS", "12", "0.5 kg", "1e400", "-3", "7B parameters", "trained on 2T tokens",
    "\n", "\r\n", ": ", "'", '"', "#", "{", "|",
])
_BODIES = st.lists(st.one_of(_PIECES, st.text(max_size=10)), max_size=25).map("".join)


def _assert_sound(text: str, unsafe: bool, fill: bool) -> None:
    card = parse_card(text, "README.md")
    try:
        patch = propose(assess(card), unsafe=unsafe, fill_template=fill)
    except PatchError:
        return  # refused with a message: allowed, nothing is written
    if not patch.changed:
        return
    if not fill:
        _outside_block_unchanged(patch)
    again = parse_card(patch.text, "README.md")
    assert again.metadata is not None and again.metadata.get(BLOCK_KEY) == patch.block
    jsonschema.validate(patch.block, SCHEMA) if _was_valid(card) else None
    second = propose(assess(again), unsafe=unsafe, fill_template=fill)
    assert not second.changed, second.diff()


def _was_valid(card) -> bool:
    old = (card.metadata or {}).get(BLOCK_KEY)
    try:
        if old is not None:
            jsonschema.validate(old, SCHEMA)
        return True
    except jsonschema.ValidationError:
        return isinstance(old, dict) and set(old) <= {"emissions"}


@settings(max_examples=fuzz_examples(200, 60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_FRONTS, _BODIES, st.booleans(), st.booleans())
def test_patch_properties_on_generated_cards(front, body, unsafe, fill):
    _assert_sound(front + body, unsafe, fill)


@pytest.mark.slow
def test_patch_properties_on_every_real_card():
    texts = [path.read_text(encoding="utf-8") for path in sorted(REAL.glob("*.md"))]
    rows = castano_rows()
    texts += [rebuild_card(row) for row in rows] + [row.get("modelcard_text", "") for row in rows]
    assert len(texts) > 2800
    for text in texts:
        _assert_sound(text, unsafe=True, fill=False)
        _assert_sound(text, unsafe=False, fill=False)


# --------------------------------------------------------------------------- writing


def test_fix_writes_atomically_keeping_the_mode(tmp_path):
    path = tmp_path / "README.md"
    path.write_bytes((ROOT / "examples" / "bad" / "README.md").read_bytes())
    path.chmod(0o640)
    result = run_cli("check", "--fix", str(path))
    assert result.returncode == 1  # findings without a safe fix remain
    assert "Fixed 1 finding." in result.stdout and "CC104" not in result.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert b"emissions: 500\n" in path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]  # no temporary file left
    fixed = path.read_bytes()
    again = run_cli("check", "--fix", str(path))
    assert path.read_bytes() == fixed and "Fixed" not in again.stdout
    diff = run_cli("check", "--diff", str(path))
    assert diff.returncode == 0 and diff.stdout == ""
    assert "[*]" not in again.stdout  # nothing fixable left


def test_fix_through_a_symlink_writes_the_target(tmp_path):
    target = tmp_path / "card.md"
    target.write_text("---\nco2_eq_emissions:\n  emissions: 2 kg\n---\n", encoding="utf-8")
    link = tmp_path / "README.md"
    link.symlink_to(target)
    run_cli("check", "--fix", "--fail-on", "never", str(link), text=False).check_returncode()
    assert link.is_symlink() and "emissions: 2000" in target.read_text(encoding="utf-8")


def test_read_only_file_is_reported_not_written(tmp_path):
    path = tmp_path / "README.md"
    path.write_text("---\nco2_eq_emissions:\n  emissions: 2 kg\n---\n", encoding="utf-8")
    path.chmod(0o444)
    result = run_cli("check", "--fix", str(path))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == f"{path}: the file is read-only; not fixed"
    assert "Traceback" not in result.stderr and "2 kg" in path.read_text(encoding="utf-8")


def test_file_changed_since_read_is_not_overwritten(tmp_path):
    path = tmp_path / "README.md"
    path.write_text("---\nco2_eq_emissions:\n  emissions: 2 kg\n---\n", encoding="utf-8")
    patch = propose(_assessed(path))
    path.write_text("---\nco2_eq_emissions:\n  emissions: 3 kg\n---\n", encoding="utf-8")
    with pytest.raises(PatchError, match="changed on disk"):
        write_patch(patch, str(path))
    assert "3 kg" in path.read_text(encoding="utf-8")


# The child runs the real CLI with one OS-level fault: a file-size limit (a full disk), or
# SIGKILL at the rename (the process killed between writing and renaming).
_FAULT_DRIVER = """
import os, resource, signal, sys
fault = sys.argv.pop(1)
if fault == "disk-full":
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16, 16))
else:
    os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
from carbon_card.cli import main
sys.argv[0] = "carbon-card"
main()
"""


@pytest.mark.parametrize("fault", ["disk-full", "killed-before-rename"])
def test_a_failed_write_leaves_the_card_intact(tmp_path, fault):
    path = tmp_path / "README.md"
    original = (ROOT / "examples" / "bad" / "README.md").read_bytes()
    path.write_bytes(original)
    result = subprocess.run([sys.executable, "-c", _FAULT_DRIVER, fault, "check", "--fix", str(path)],
                            capture_output=True, text=True)
    assert path.read_bytes() == original
    if fault == "disk-full":
        assert result.returncode == 2
        assert f"{path}: cannot write the fixed card" in result.stderr and "Traceback" not in result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]
    else:
        assert result.returncode == -signal.SIGKILL


def test_diff_exit_codes_and_json(tmp_path):
    bad = ROOT / "examples" / "bad" / "README.md"
    good = ROOT / "examples" / "good" / "README.md"
    result = run_cli("check", "--diff", str(bad), str(good))
    assert result.returncode == 1
    assert result.stdout.startswith(f"--- a/{bad}\n+++ b/{bad}\n")
    assert "Would change 1 card (1 fixable finding). 1 more with --unsafe-fixes." in result.stderr
    assert run_cli("check", "--diff", str(good), text=False).returncode == 0
    records = json.loads(run_cli("check", "--format", "json", "--diff", "--fail-on", "never",
                                         str(bad), str(good)).stdout)
    assert records[0]["diff"].startswith("--- a/") and records[1]["diff"] is None
    assert {f["code"]: f["fix_safety"] for f in records[0]["findings"] if f["fixable"]} == \
        {"CC104": "safe", "CC108": "unsafe"}
    assert yaml.safe_load(bad.read_text(encoding="utf-8").split("---")[1])[BLOCK_KEY]["emissions"] == "0.5 kg CO2eq"
    usage = run_cli("check", "--diff", "--fix", str(bad))
    assert usage.returncode == 2 and "cannot be used together" in usage.stderr


def test_a_converted_copy_of_an_autotrain_card_does_not_take_its_figure_as_its_own(tmp_path):
    # The real AutoNLP card above, in a repository that converts the model (its name says ONNX): AutoTrain's
    # line states the original model's training, copied with its card, as every figure of a copy does.
    body = _castano_row("en_lg")["modelcard_text"]
    assessment = _assessed(_example("en_lg-onnx", tmp_path, body))
    assert assessment.facts.best("emissions") is None
    assert {f.scope for f in assessment.facts.all("emissions", scope=None)} == {"other"}
    assert "CC303" not in {f.code for f in assessment.findings}
    patch = propose(assessment)
    assert "emissions" not in (patch.block or {})
