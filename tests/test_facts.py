"""The Facts stage on real cards: what each card's text says, with units and provenance."""

import json
import struct

import pytest

from conftest import CORPUS, run_cli
from carbon_card.assessment import assess, reporting_class
from carbon_card.card import parse_card, read_card
from carbon_card.facts import gather
from castano import castano_rows, rebuild_card

REAL = CORPUS / "cards-real"


def facts_of(name, model=None):
    card = read_card(REAL / name)
    return card, gather(card, None, model)


def chosen(name, model=None):
    return {quantity: fact.value for quantity, fact in facts_of(name, model)[1].chosen().items()}


# Key values of real cards, as their text states them (grams, kWh, hours, counts).
REAL_CARD_FACTS = {
    "nicholasKluge__Aira-2-124M.md": {
        "emissions": 250, "hardware": "NVIDIA A100-SXM4-40GB", "accelerator_count": 1, "params": 124_441_344,
        "energy": 0.52, "training_type": "fine-tuning", "base_model": "gpt2", "domain": "NLP"},
    "nicholasKluge__TeenyTinyLlama-460m.md": {
        "emissions": 41_100, "wall_hours": 280, "params": 468_239_360, "train_tokens": 6.2e9, "energy": 115.69,
        "location": "Germany"},
    "nicholasKluge__TeenyTinyLlama-160m--rev-0d4e15f.md": {  # 5.6 kg in the grams field, as above
        "emissions": 5600, "wall_hours": 36, "params": 162_417_408, "train_tokens": 6.2e9, "energy": 15.5},
    "TucanoBR__Tucano-2b4.md": {
        "emissions": 4_475_000, "accelerator_count": 16, "wall_hours": 845, "params": 2_444_618_240,
        "train_tokens": 200e9, "energy": 11_749, "hardware": "NVIDIA A100-SXM4-80GB"},
    "TucanoBR__Tucano-160m.md": {
        "emissions": 89_730, "accelerator_count": 8, "wall_hours": 44, "params": 162_417_408, "energy": 235.54},
    "TucanoBR__ViTucano-2b8-v1.md": {
        "emissions": 25_460, "accelerator_count": 8, "wall_hours": 27, "params": 2_882_351_680, "energy": 66,
        "base_model": "TucanoBR/Tucano-2b4", "training_type": "fine-tuning", "domain": "Multimodal"},
    "nicholasKluge__ToxiGuardrail.md": {"emissions": 0.2, "params": 124_646_401, "energy": 0.1, "location": "Canada"},
    # The metadata's 1.71 is the card's "1.71 KgCO2" written into the grams field: the figure chosen is the card's.
    "nicholasKluge__Aira-2-1B1--rev-eecb528.md": {"emissions": 1710, "params": 1_261_545_472, "energy": 3.51},
    "meta-llama__llama3-MODEL_CARD.md": {
        "emissions": 390e6, "accelerator_hours": 1.3e6, "hardware": "H100-80GB", "train_tokens": 15e12,
        "params": 8e9},
    "meta-llama__llama3_1-MODEL_CARD.md": {"emissions": 8_930e6, "accelerator_hours": 30.84e6},
    "meta-llama__llama3_2-MODEL_CARD.md": {"emissions": 107e6, "accelerator_hours": 370e3, "params": 1e9},
    "meta-llama__llama3_3-MODEL_CARD.md": {"emissions": 12.9e6, "accelerator_hours": 7.0e6},
    "meta-llama__llama4-MODEL_CARD.md": {
        "emissions": 1_354e6, "accelerator_hours": 5.0e6, "train_tokens": 40e12, "params_active": 17e9},
}
MODEL_IDS = {
    "meta-llama__llama3-MODEL_CARD.md": "meta-llama/Meta-Llama-3-8B",
    "meta-llama__llama3_1-MODEL_CARD.md": "meta-llama/Llama-3.1-405B",
    "meta-llama__llama3_2-MODEL_CARD.md": "meta-llama/Llama-3.2-1B",
    "meta-llama__llama3_3-MODEL_CARD.md": "meta-llama/Llama-3.3-70B",
    "meta-llama__llama4-MODEL_CARD.md": "meta-llama/Llama-4-Scout-17B-16E",
}


@pytest.mark.parametrize("name", sorted(REAL_CARD_FACTS))
def test_real_card_facts(name):
    values = chosen(name, MODEL_IDS.get(name))
    for quantity, expected in REAL_CARD_FACTS[name].items():
        assert values.get(quantity) == (pytest.approx(expected) if isinstance(expected, (int, float)) else expected), quantity


def test_a_fine_tunes_card_quoting_its_base_row_states_no_figure_of_its_own():
    # The table's row "Llama 3.3 70B" is the pre-training of the base; the Instruct model adds
    # its fine-tuning, which the card does not state. The sentence total is then the family's.
    facts = gather(read_card(str(CORPUS / "cards-real" / "meta-llama__llama3_3-MODEL_CARD.md")), None,
                   "meta-llama/Llama-3.3-70B-Instruct")
    assert facts.best("emissions") is None
    row = next(f for f in facts.all("emissions", scope=None) if f.value == pytest.approx(12.9e6))
    assert row.scope == "other" and "base of this model" in row.note
    total = next(f for f in facts.all("emissions", scope=None) if f.value == pytest.approx(11_390e6))
    assert total.scope == "family"


def test_llama_rows_follow_the_model():
    assert chosen("meta-llama__llama3-MODEL_CARD.md", "meta-llama/Meta-Llama-3-70B")["emissions"] == pytest.approx(1900e6)
    assert chosen("meta-llama__llama3_2-MODEL_CARD.md", "meta-llama/Llama-3.2-3B")["emissions"] == pytest.approx(133e6)
    assert chosen("meta-llama__llama4-MODEL_CARD.md", "meta-llama/Llama-4-Maverick-17B-128E")["emissions"] == \
        pytest.approx(645e6)
    _, facts = facts_of("meta-llama__llama3_1-MODEL_CARD.md", "meta-llama/Llama-3.1-8B")
    best = facts.best("emissions")
    assert best.value == pytest.approx(420e6)
    assert best.note == "row 'Llama 3.1 8B' of the table at line 110, this model"
    scopes = {(f.scope, round(f.value)) for f in facts.all("emissions", scope=None)}
    assert ("family", 11_390_000_000) in scopes  # the total row and the prose total
    assert ("other", 8_930_000_000) in scopes
    assert {f.value for f in facts.all("emissions", scope="market")} == {0.0}


def test_unknown_model_keeps_rows_unattributed():
    card, facts = facts_of("meta-llama__llama3-MODEL_CARD.md")
    assert facts.best("emissions") is None
    assert {f.scope for f in facts.all("emissions", scope=None)} == {"row", "family"}
    assessment = assess(card, facts)
    assert [f.code for f in assessment.findings if f.code.startswith("CC3")] == ["CC303"]
    assert "which row is this model is unknown" in assessment.findings[-1].message
    assert assessment.reporting_class == "Energy Awareness"


@pytest.mark.parametrize(
    "name, grams",
    [
        ("nicholasKluge__Aira-2-1B1--rev-eecb528.md", 1710),
        ("nicholasKluge__Aira-OPT-1B3--rev-eecb528.md", 1460),
        ("nicholasKluge__RewardModelPT--rev-eecb528.md", 70),
        ("nicholasKluge__TeenyTinyLlama-160m--rev-0d4e15f.md", 5600),
        ("nicholasKluge__TeenyTinyLlama-460m--rev-0d4e15f.md", 41100),
    ],
)
def test_old_revisions_hold_kilograms_in_the_grams_field(name, grams):
    card, facts = facts_of(name)
    (finding,) = [f for f in assess(card, facts).findings if f.code == "CC402"]
    assert f"Write {grams}" in finding.message
    assert finding.fixable
    (stated,) = [f for f in facts.all("emissions") if f.origin == "yaml"]
    assert finding.line == stated.line
    # The figure used (by the estimate, the census) is the card's own statement, in grams.
    assert facts.best("emissions").value == pytest.approx(grams) and facts.best("emissions").origin == "prose"


def test_fixed_revisions_are_clean():
    for name in ("nicholasKluge__TeenyTinyLlama-160m.md", "nicholasKluge__TeenyTinyLlama-460m.md",
                 "TucanoBR__Tucano-2b4.md", "nicholasKluge__ToxiGuardrail.md"):
        card, facts = facts_of(name)
        assert [f.code for f in assess(card, facts).findings if f.code >= "CC400"] == [], name


def test_location_conflict_between_metadata_and_text():
    card, facts = facts_of("nicholasKluge__Aira-2-124M.md")
    (finding,) = [f for f in assess(card, facts).findings if f.code == "CC405"]
    assert "United States of America" in finding.message and "Singapore" in finding.message
    assert finding.line == 57


def test_provenance():
    _, facts = facts_of("nicholasKluge__Aira-2-124M.md")
    yaml_fact = facts.best("emissions")
    assert (yaml_fact.origin, yaml_fact.where, yaml_fact.line, yaml_fact.text) == (
        "yaml", "co2_eq_emissions.emissions", 33, "250")
    prose = [f for f in facts.all("emissions") if f.origin == "prose"][0]
    assert (prose.line, prose.text, prose.note) == (57, "0.25 KgCO2", "field 'Emissions'")
    assert prose.provenance() == "line 57 (field 'Emissions')"


@pytest.mark.parametrize(
    "body, quantity, value",
    [
        ("- CO2 Emissions (in grams): 7.98\n", "emissions", 7.98),
        ("- **Carbon Emitted** *(Power consumption x Time x Carbon)*: 149.2 kg eq. CO2\n", "emissions", 149_200),
        ("- **Hours used:** 18h 19min 13s\n", "wall_hours", 18 + 19 / 60 + 13 / 3600),
        ("- **Hours used:** 168 (1 week)\n", "wall_hours", 168),
        ("- **Hardware Type:** 8 16GB V100\n", "accelerator_count", 8),
        ("- **Compute Region:** East US\n", "location", "East US"),
        ("- **Cloud Provider:** Azure\n", "cloud_provider", "Azure"),
        ("The model was trained on 2T tokens on 8 x A100 80GB for 3 days.\n", "train_tokens", 2e12),
        ("The model was trained on 2T tokens on 8 x A100 80GB for 3 days.\n", "accelerator_count", 8),
        ("The model was trained on 2T tokens on 8 x A100 80GB for 3 days.\n", "wall_hours", 72),
        ("Training used 7.7M GPU hours.\n", "accelerator_hours", 7.7e6),
        ("A 7B parameters model.\n", "params", 7e9),
        ("Training consumed 11,749 kWh of energy.\n", "energy", 11_749),
        ("Training took 3.14e23 FLOPs.\n", "train_flops", 3.14e23),
        ("The data centre has a PUE of 1.1.\n", "pue", 1.1),
        # Meta's cards: the stated power per GPU already counts the data centre.
        ("Power consumption is the peak power capacity per GPU device used, adjusted for power usage "
         "efficiency.\n", "pue", 1.0),
        ("Estimated total emissions were 2290 tCO2eq.\n", "emissions", 2290e6),
        ("| Tokens | Energy Consumption (kWh) | Emissions (KgCO2eq) |\n|---|---|---|\n| 1B | 10 | 3 |\n"
         "| 2B | 20 | 6 |\n", "emissions", 6000),
        ("<table><tr><td></td><td>Carbon Emitted (tCO2eq)</td></tr><tr><td>Only model</td><td>1.5</td></tr>"
         "</table>\n", "emissions", 1.5e6),
        # Counts of nodes of N GPUs, a count glued after the name, cards counted in brackets or before the name.
        ("It was trained on two 8-GPU nodes.\n", "accelerator_count", 16),
        ("It was trained on 4 8-GPU servers.\n", "accelerator_count", 32),
        ("It was trained on 8-GPU machines.\n", "accelerator_count", None),  # how many machines is not said
        ("We pretrained on A100x16 for 24 hours.\n", "accelerator_count", 16),
        ("The model was trained on the Intel Gaudi 2 processor (8 cards).\n", "accelerator_count", 8),
        # Sizes: a label in another language, the scale in the label, a Chinese count before its word.
        ("- **Parametri:** 8,5M\n", "params", 8.5e6),
        ("- **Parameters (B):** 1.3\n", "params", 1.3e9),
        ("- **Model size (MB):** 420\n", "params", None),
        ("- **Model size:** 420\n", "params", None),  # fewer than 10,000: no model's count of parameters
        ("GLM-130B 是一个拥有 1300 亿个参数的双语模型。\n", "params", 130e9),
        ("我们训练了一个70亿参数的模型。\n", "params", 7e9),
    ],
)
def test_prose_readers(body, quantity, value):
    facts = gather(parse_card("---\nlicense: mit\n---\n" + body))
    assert facts.value(quantity) == (pytest.approx(value) if isinstance(value, (int, float)) else value)


def test_code_blocks_and_context_lengths_are_not_training_facts():
    body = "```\nmodel.generate(max_new_tokens=2048)  # trained on 8 x A100\n```\n- **Context length:** 4096 tokens\n"
    facts = gather(parse_card("---\nlicense: mit\n---\n" + body))
    assert facts.best("train_tokens") is None and facts.best("accelerator_count") is None


def test_unknown_unit_is_reported_not_guessed():
    facts = gather(parse_card("---\nlicense: mit\n---\n- **Carbon Emitted:** 12 parsecs\n"))
    assert facts.best("emissions") is None
    (problem,) = facts.problems
    assert problem.kind == "unknown-unit" and problem.line == 4 and "parsecs" in problem.message


def test_study_rule_reproduces_castano_split():
    study, ours = {}, {}
    for row in castano_rows():
        card = parse_card(rebuild_card(row), row["modelId"])
        facts = gather(card)
        for counts, rule in ((study, "castano"), (ours, "carbon-card")):
            label = reporting_class(facts, card, rule=rule)
            counts[label] = counts.get(label, 0) + 1
    assert study == {"Basic Energy Reporting": 1338, "Energy Awareness": 79}
    # carbon-card also reads "trained on NVIDIA Tesla V100 GPU" in two cards' text, and "- GPU used : 1 x GeForce
    # RTX 3060 Laptop GPU" in two copies of d4data/biomedical-ner-all.
    assert ours == {"Basic Energy Reporting": 1334, "Energy Awareness": 83}


def test_extended_classes():
    card = parse_card("---\ntags: [distilled]\nco2_eq_emissions: {emissions: 3, hardware_used: 1 x T4}\n---\n")
    facts = gather(card)
    assert reporting_class(facts, card) == "Energy Awareness"
    assert reporting_class(facts, card, extended=True) == "Energy Optimization"
    card = parse_card("---\ntags: [distilled, eco-label]\nco2_eq_emissions: {emissions: 3, hardware_used: T4}\n---\n")
    assert reporting_class(gather(card), card, extended=True) == "Certified Energy Efficiency"
    assert reporting_class(gather(parse_card("# nothing\n"))) == "Unknown Energy Efficiency"
    assert reporting_class(gather(parse_card("---\nco2_eq_emissions: {emissions: 1, hardware_used: x}\n---\n"))) \
        == "Energy Awareness"


def _model_folder(tmp_path):
    folder = tmp_path / "tiny-model"
    folder.mkdir()
    (folder / "README.md").write_text("---\nco2_eq_emissions:\n  emissions: 2\n---\n# tiny-model\n")
    header = json.dumps({"w": {"dtype": "F32", "shape": [10, 10], "data_offsets": [0, 400]}}).encode()
    (folder / "model.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + bytes(400))
    (folder / "trainer_state.json").write_text(json.dumps({"total_flos": 1.5e15, "log_history": [
        {"train_runtime": 7200.0}]}))
    (folder / "emissions.csv").write_text("run_id,duration,emissions,energy_consumed\na,3600,0.002,0.01\n")
    return folder


def test_check_reads_the_files_beside_the_card(tmp_path):
    folder = _model_folder(tmp_path)
    result = run_cli("check", "--format", "json", str(folder))
    (card,) = json.loads(result.stdout)
    values = {(f["quantity"], f["where"]): f["value"] for f in card["facts"]}
    assert values[("params", "model.safetensors")] == 100
    assert values[("train_flops", "trainer_state.json")] == 1.5e15
    assert values[("wall_hours", "trainer_state.json")] == 2.0
    assert values[("emissions", "emissions.csv")] == pytest.approx(2.0)
    assert card["reporting_class"] == "Basic Energy Reporting"
    chosen_emissions = [f for f in card["facts"] if f["quantity"] == "emissions" and f["chosen"]]
    assert chosen_emissions[0]["origin"] == "yaml" and chosen_emissions[0]["unit"] == "g"


def test_show_facts_and_model_id(tmp_path):
    result = run_cli("check", "--show-facts", "--fail-on", "never", "--model-id",
                     "meta-llama/Meta-Llama-3-70B", str(REAL / "meta-llama__llama3-MODEL_CARD.md"))
    assert result.returncode == 0, result.stderr
    assert "reporting class Energy Awareness, model: meta-llama/Meta-Llama-3-70B (given)" in result.stdout
    emissions_rows = [line for line in result.stdout.splitlines() if line.startswith("  * emissions")]
    assert "1.9e+09" in emissions_rows[0] and "row 'Llama 3 70B'" in emissions_rows[0]


def test_bad_side_file_is_a_finding_not_a_crash(tmp_path):
    folder = _model_folder(tmp_path)
    (folder / "config.json").write_text("{broken")
    (folder / "model.safetensors").write_bytes(struct.pack("<Q", 10**12) + b"{}")
    result = run_cli("check", str(folder))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "CC406 config.json:" in result.stdout and "CC406 model.safetensors:" in result.stdout


# --- What the speed work (docs/facts-speed.md) must keep ------------------------------------


def test_fact_init_matches_its_fields():
    """`Fact` writes its own __init__ (cheaper than the frozen dataclass one): same parameters,
    same defaults, still frozen, still works with `dataclasses.replace`."""
    import dataclasses
    import inspect

    from carbon_card.facts import Fact

    parameters = list(inspect.signature(Fact).parameters.values())
    fields = dataclasses.fields(Fact)
    assert [p.name for p in parameters] == [f.name for f in fields]
    assert [p.default for p in parameters] == [
        inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default for f in fields]
    fact = Fact("emissions", 1.0, "1 g", "yaml", "co2_eq_emissions", note="x")
    assert dataclasses.replace(fact, scope="family") == Fact("emissions", 1.0, "1 g", "yaml", "co2_eq_emissions",
                                                             scope="family", note="x")
    assert hash(fact) == hash(dataclasses.replace(fact))
    with pytest.raises(dataclasses.FrozenInstanceError):
        fact.value = 2.0


@pytest.mark.parametrize(
    "name, size",
    [
        ("meta-llama/Meta-Llama-3-8B", 8e9),
        ("TeenyTinyLlama-160m", 160e6),
        ("Qwen2.5-0.5B", 0.5e9),
        ("00458-autotrain-MS2-1173943517", None),  # digits without a unit
        ("model-v1.5b", None),  # after ".": a version
        ("x7b", None),  # after a letter
        ("run_7b", 7e9),  # "_" does not join words here
        ("٣7b", None),  # after a digit of another script
        ("stablelm-2-1_6b", 1.6e9),  # "_" between digits: a decimal point
        ("imone/pangu_2_6B", 2.6e9),
        ("Qwen2_5_7B", 7e9),  # not after another number's "_"
        ("127a20cd-e8f6-480b-9eb6-3054df20a427", None),  # a UUID's group
        ("distilled-mt5-small-00001b", None),  # a leading zero
        ("tacotron_-truncated-69081b", None),  # five digits: a hash
        ("twitter-roberta-base-2021-124m", None),  # after a year: the data's count
        ("mt5-small-0.3b", 0.3e9),
        ("Llama-3.1-405B", 405e9),
    ],
)
def test_size_in_the_model_name(name, size):
    facts = gather(parse_card("# x\n"), model_name=name)
    found = facts.all("params") + facts.all("params_active")
    assert (found[0].value if found else None) == size


def test_numbers_in_prose_read_as_parse_number_reads_them():
    import re

    from carbon_card.facts.prose.grammar import _NUM, _number
    from carbon_card.units import parse_number

    for text in ("7", "7.98", "1,234", "1,234,567.5", "3e5", "3.14E+23", "2E-3", "٣٤"):
        assert re.fullmatch(_NUM, text)
        assert _number(text) == parse_number(text)


def test_listing_facts_fill_only_what_the_card_leaves_unsaid():
    from datetime import datetime, timezone

    from carbon_card.facts import Listing

    card = parse_card(b"---\npipeline_tag: text-classification\n---\n# m\n", "m/README.md")
    listing = Listing("o/m", created_at=datetime(2023, 5, 1, tzinfo=timezone.utc), pipeline_tag="text-generation",
                      library_name="transformers", params=7_000_000_000)
    facts = gather(card, None, "o/m", listing=listing)
    assert facts.value("task") == "text-classification"  # the card's own tag wins
    assert facts.value("created") == 2023
    assert facts.best("library").origin == "hub"
    assert facts.value("params") == 7e9 and facts.best("params").provenance() == "the Hub's `safetensors.total`"
    assert gather(card, None, "o/m").value("created") is None


@pytest.mark.parametrize("text", [
    "In aggregate, training all 9 Code Llama models required 400K GPU hours.",
    "IN AGGREGATE; Pre-Training the 3 llama MODELS; pretrained both of the models; fine-tuned each of our models",
    "We trained the two models and pre-trained all twelve models. Retraining all 3 models?",
    "İn aggregate, traİning all 9 models; fıne-tuned both ıt models; in aggregate",  # Turkish i: the full scan
    "no match here: trainer, training data, models",
    None,  # the gold cards
])
def test_several_models_anchored_matches_are_the_full_scans(text):
    import re

    from carbon_card.card import parse_card
    from carbon_card.facts.attribution import _SEVERAL_MODELS_RE, _several_models_matches

    full = re.compile(_SEVERAL_MODELS_RE.pattern, _SEVERAL_MODELS_RE.flags)
    cards = [parse_card(text)] if text else [parse_card(path.read_bytes()) for path in (CORPUS / "gold" / "cards").glob("*.md")]
    found = [[m.span() for m in _several_models_matches(card)] for card in cards]
    assert found == [[m.span() for m in full.finditer(card.body)] for card in cards]
    assert any(found) == (text is None or "no match" not in text)


@pytest.mark.parametrize("text", [
    "This model is a fine-tuned version of [roberta-large](https://x) on an unknown dataset. **Parent Model:** [XLM](y)",
    "Also as described in the [RoBERTa large model card](https://x): based on the associated paper, from the original "
    "paper\n\nIS A FINE-TUNE CHECKPOINT OF DistilBERT; the model is fine-tuned on English.",
    "İs a fine-tuned version of x, based on the assocıated paper, from the orıginal papers",  # İ, ı: the full scan
    "no match: a fine-tuned version\nof x; from the original papers; described in the [card](x); parent models",
    None,  # the gold cards
])
def test_rule_five_statements_found_near_their_words_are_the_full_scans(text):
    # A fine-tune's statement and "from the paper" (rule 5) are looked for near "fine", "parent", "paper" and "card]"
    # only: what they find must be what the whole body's scan finds.
    import re

    from carbon_card.card import parse_card
    from carbon_card.facts import attribution

    cards = [parse_card(text)] if text else [parse_card(path.read_bytes()) for path in (CORPUS / "gold" / "cards").glob("*.md")]
    found = False
    for pattern, anchors in ((attribution._FINE_TUNE_OF_RE, attribution._FINE_TUNE_OF_ANCHORS),
                             (attribution._FROM_THE_PAPER_RE, attribution._FROM_THE_PAPER_ANCHORS)):
        full = re.compile(pattern.pattern, pattern.flags)
        near = [[m.span() for m in attribution._matches_near(pattern, card, anchors)] for card in cards]
        assert near == [[m.span() for m in full.finditer(card.body)] for card in cards]
        found = found or any(near)
    assert found == (text is None or "no match" not in text)


@pytest.mark.parametrize("text", [
    "trained on 8x a100 and 4 tpus, output of tpu cores; 100% of 2 h100 gpus, 3 rtx 4090 (0 gpu) for 2 days",
    "参数 co₂ 单卡 8 张 a100, 训练 3 天; tpu v3-8; aa100 xtpu 8xtpu; 10台8卡a100 的显卡",
    "nothing to find here",
    None,  # the gold cards
])
def test_anchor_words_are_found_where_a_search_per_word_finds_them(text):
    from carbon_card.facts.prose.sentences import _ANCHOR_WORDS, _CARDS_COUNTED_AFTER, _anchor_hits

    def per_word(text):  # the search it replaced: a pass per word
        hits = {}
        for word, word_start in _ANCHOR_WORDS:
            positions, at = [], text.find(word)
            if at < 0:
                continue
            while at >= 0:
                before = text[at - 1] if at else " "
                if not word_start or (before in _CARDS_COUNTED_AFTER if word == "卡" else before in "ahvpb" if word == "100"
                                      else not before.isalpha() or before == "x"):
                    positions.append(at)
                at = text.find(word, at + 1)
            hits[word] = positions
        return hits

    texts = [text] if text else [path.read_text(encoding="utf-8").lower()
                                 for path in (CORPUS / "gold" / "cards").glob("*.md")]
    assert [_anchor_hits(text) for text in texts] == [per_word(text) for text in texts]
    assert any(_anchor_hits(text) for text in texts) == (text is None or "nothing" not in text)


@pytest.mark.parametrize("line, hours", [
    ("- **Hours used:** 168 (1 week)", 168.0),  # the number before a remark
    ("- Training duration: 3 epochs", None),  # a number before a word that is no time unit
    ("- Time: 2021-07-08", None),  # a plain "Time" is a duration only with its unit
    ("- Training time: 8-12 hours", None),  # a range is no one figure
])
def test_a_duration_field_is_hours_only_when_it_says_hours(line, hours):
    facts = gather(parse_card(f"---\nlicense: mit\n---\n# m\n\n{line}\n"))
    assert facts.value("wall_hours") == hours


@pytest.mark.parametrize("line, quantity, value", [
    # A range is no one figure, however it is written ("4-8 GPUs", "between 1 and 2 kg"): no end of it is read.
    ("We used 4-8 GPUs for training.", "accelerator_count", None),
    ("We trained it on between 4 and 8 A100 GPUs.", "accelerator_count", None),
    ("The training emitted between 1 and 2 kg of CO2.", "emissions", None),
    ("- **Carbon Emitted:** between 1 and 2 kg", "emissions", None),
    # ... while a slice's name is one accelerator ("v3-8" is no range) and one figure stands.
    ("We trained on a v3-8 TPU for 3 days.", "accelerator_count", 1),
    ("We trained it on 8 A100 GPUs for 3 days.", "accelerator_count", 8),
    ("The training emitted 2 kg of CO2.", "emissions", 2000),
    # A product's number is no count: "3090/4090 GPUs" are two GeForce models; "2 RTX 3090 GPUs" are two.
    ("You can also pretrain it on 3090/4090 GPUs.", "accelerator_count", None),
    ("We trained it on 2 RTX 3090 GPUs.", "accelerator_count", 2),
    # Nor is a bound, of counts and of accelerator-hours as of emissions and sizes.
    ("We trained on up to 8 A100 GPUs.", "accelerator_count", None),
    ("Training used < 1 GPU-hour.", "accelerator_hours", None),
    ("Training used 100 GPU hours.", "accelerator_hours", 100),
])
def test_a_range_is_no_one_figure(line, quantity, value):
    facts = gather(parse_card(f"---\nlicense: mit\n---\n# m\n\n## Training\n\n{line}\n"))
    assert facts.value(quantity) == value


@pytest.mark.parametrize("line, quantity, value", [
    # A half in words is half of the unit, not nothing and not a whole one ("a day and a half" was read as a day).
    ("We trained it on two RTX 3090 GPUs for a day and a half.", "wall_hours", 36),
    ("We trained it on one V100 GPU for an hour and a half.", "wall_hours", 1.5),
    ("We trained it on one V100 GPU for two and a half hours.", "wall_hours", 2.5),
    ("We trained it on one V100 GPU for 1 and a half days.", "wall_hours", 36),
    ("Training on one A100 took half an hour.", "wall_hours", 0.5),
    ("Trained on 2xA4000s for ~1day.", "wall_hours", 24),  # figures glued to their unit, as before
    # A count written with thousands separators is one count ("1,024 A100 GPUs" was no count at all).
    ("Pretraining used 1,024 A100 GPUs for 21 days.", "accelerator_count", 1024),
    ("Training used 3,072 H100s for 30 days.", "accelerator_count", 3072),
    ("The model was trained on 2,048 TPU v4 chips for 10 days.", "accelerator_count", 2048),
])
def test_the_number_grammar_reads_halves_in_words_and_thousands_in_counts(line, quantity, value):
    facts = gather(parse_card(f"---\nlicense: mit\n---\n# m\n\n## Training\n\n{line}\n"))
    assert facts.value(quantity) == value


@pytest.mark.parametrize("line, quantity, value", [
    # A GeForce card named by its number alone, where the words make it a card (a count before a plural, "GPUs" after).
    ("We trained the model on 4x 4090s for 2 days.", "accelerator_count", 4),
    ("We trained the model on 4x 4090s for 2 days.", "hardware", "RTX 4090"),
    ("We fine-tuned it on two 3090s for 6 hours.", "accelerator_count", 2),
    ("The model was trained on 4 4090 GPUs.", "accelerator_count", 4),
    ("The model was trained using 2x 1080 Ti cards for a week.", "hardware", "GTX 1080 Ti"),
    ("We trained it on 4 1080Ti GPUs.", "accelerator_count", 4),  # "Ti" glued to the number
    ("我们使用6张3090训练了10小时。", "hardware", "RTX 3090"),  # the estimator knows it by its maker's name
    # ... not a decade, nor either of two cards, nor what the model can run on.
    ("By the 2050s emissions will matter; we trained it on 2 GPUs.", "hardware", None),
    ("You can also pretrain it on 3090/4090 GPUs.", "hardware", None),
    ("The model can run on 2 3090s.", "accelerator_count", None),
    # "over" as "during", after the accelerators or the verb (and "for over", a bound, as before).
    ("The model was trained on 16 TPUv4 chips over 4 days.", "wall_hours", 96),
    ("Pretraining ran on 64 A100 GPUs over 10 days.", "wall_hours", 240),
    ("The model was trained for over 3 days on 8 A100 GPUs.", "wall_hours", 72),
    ("The model was trained on over 1000 hours of speech data.", "wall_hours", None),
    # Two fields on one line: the first's value ends where the second's label starts.
    ("Hardware: 4 * NVIDIA A100. Training time: 48h.", "hardware", "4 * NVIDIA A100"),
    ("Hardware: 4 * NVIDIA A100. Training time: 48h.", "wall_hours", 48),
    ("GPU: 2x A6000; Training time: 10 hours", "accelerator_count", 2),
    # "ca.", "circa", "approximately", "around" before a duration, after "took" or "in" alike.
    ("The training took ca. 4 hours.", "wall_hours", 4),
    ("The training took circa 6 hours on one A100.", "wall_hours", 6),
    ("The full run finished in approximately 12 hours.", "wall_hours", 12),
    ("The full run finished in around 2 days.", "wall_hours", 48),
    ("The training took approx 3 hours.", "wall_hours", 3),
    # A word between a count and its accelerator: "local", "consumer", "rented" (not "cloud TPU", a product's name).
    ("Training took around 25 hours on single local RTX 3090 Ti.", "accelerator_count", 1),
    ("We fine-tuned it on 2 rented A100s for a day.", "accelerator_count", 2),
    ("It was trained on a single consumer RTX 4090.", "accelerator_count", 1),
    # "free parameters", as "trainable parameters": the network's size (OpenLLM-France/Luciole-1B-Base, line 210).
    ("It has 1.3 billion free parameters, with the following hyperparameters:", "params", 1.3e9),
    # An epoch's time is a rate, before the duration as after it; a training of one epoch takes its epoch's time.
    ("Each training epoch takes 2 hours on one A100.", "wall_hours", None),
    ("The model was trained for 3 epochs, each epoch taking about 2 hours.", "wall_hours", None),
    ("It was trained for 3 epochs; an epoch took 40 minutes.", "wall_hours", None),
    ("We trained for one epoch, which took 3 hours.", "wall_hours", 3),
    ("The model was trained for 3 epochs at 2 hours per epoch.", "wall_hours", None),
    # The full-width tilde and the wave dash of Chinese and Japanese text are "about", as "~" is.
    ("- overall training time: ～30 minutes", "wall_hours", 0.5),
    ("The training took ～3 hours on 2 A100 GPUs.", "wall_hours", 3),
    ("学習は〜3 hours on 1 GPU; the training finished in 〜3 hours.", "wall_hours", 3),
])
def test_product_numbers_over_and_two_fields_on_a_line(line, quantity, value):
    facts = gather(parse_card(f"---\nlicense: mit\n---\n# m\n\n## Training\n\n{line}\n"))
    assert facts.value(quantity) == value


def test_the_ml_co2_impact_calculators_sentence_gives_accelerator_hours():
    text = ("---\nlicense: mit\n---\n# m\n\n## Environmental Impact\n\nExperiments were conducted using Google "
            "Cloud Platform in region us-east1, which has a carbon efficiency of 0.57 kgCO2eq/kWh. A cumulative "
            "of 12 hours of computation was performed on hardware of type Tesla V100 (TDP of 300W).\n")
    facts = gather(parse_card(text))
    assert facts.value("accelerator_hours") == 12 and facts.value("wall_hours") is None


@pytest.mark.parametrize("module, pattern, letters", [("grammar", "_ACCEL", "_ACCEL_INITIALS"),
                                                     ("fields", "_PLAIN_LABEL", "_PLAIN_LABEL_INITIALS")])
def test_the_look_ahead_initials_are_every_first_letter_of_their_pattern(module, pattern, letters):
    try:  # the standard library's regular-expression parser (named so from Python 3.11)
        from re import _constants as sre, _parser as parser
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_constants as sre
        import sre_parse as parser

    import importlib

    prose = importlib.import_module(f"carbon_card.facts.prose.{module}")

    def initials(items) -> set[str]:
        """The characters a parsed pattern can start with (the constructs `_ACCEL` uses)."""
        found: set[str] = set()
        for op, value in items:
            if op is sre.LITERAL:
                return found | {chr(value)}
            if op is sre.IN:
                return found | {chr(code) for kind, code in value if kind is sre.LITERAL}
            if op is sre.BRANCH:
                return found.union(*(initials(branch) for branch in value[1]))
            if op is sre.SUBPATTERN:
                return found | initials(value[-1])
            if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
                found |= initials(value[2])
                if value[0] > 0:
                    return found
                continue  # may be left out: what follows may start the match too
            raise AssertionError(f"a construct this test does not know: {op}")
        return found

    found = initials(parser.parse(getattr(prose, pattern)))
    if pattern == "_ACCEL":
        found = {letter.upper() for letter in found}  # _HARDWARE_RE's look-ahead ignores case, as its names do
    assert found == set(getattr(prose, letters))


# Every pattern over every gold card takes a minute: the quick run checks every eighth card, CI all of them.
@pytest.mark.parametrize("every", [8, pytest.param(1, marks=pytest.mark.slow)])
def test_the_sentence_patterns_look_aheads_turn_down_no_match(every):
    import re

    from carbon_card.facts.prose.sentences import _SENTENCE_PATTERNS

    def without_look_ahead(source: str) -> str | None:
        """The pattern without its leading look-ahead `(?=...)`; None when it has none."""
        if not source.startswith("(?="):
            return None
        depth, escaped = 0, False
        for index, char in enumerate(source):
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char in "()":
                depth += 1 if char == "(" else -1
                if depth == 0:
                    return source[index + 1 :]
        raise AssertionError(f"unbalanced: {source}")

    paths = sorted([*(CORPUS / "gold" / "cards").glob("*.md"), *(CORPUS / "cards-real").glob("*.md")])
    bodies = [path.read_text(encoding="utf-8") for path in paths[::every]]
    changed = 0
    for pattern, _ in _SENTENCE_PATTERNS:
        source = without_look_ahead(pattern.pattern)
        if source is not None:
            changed += 1
            without = re.compile(source, pattern.flags)
            for body in bodies:
                assert [m.span() for m in pattern.finditer(body)] == [m.span() for m in without.finditer(body)]
    assert changed == 12


def test_the_plain_field_look_ahead_turns_down_no_line():
    import re

    from carbon_card.facts.prose.fields import _PLAIN_FIELD_RE, _PLAIN_LABEL_INITIALS, _lines_with_fields

    look_ahead = f"(?=[{_PLAIN_LABEL_INITIALS}])"
    without = re.compile(_PLAIN_FIELD_RE.pattern.replace(look_ahead, "", 1), _PLAIN_FIELD_RE.flags)
    assert without.pattern != _PLAIN_FIELD_RE.pattern
    for path in [*(CORPUS / "gold" / "cards").glob("*.md"), *(CORPUS / "cards-real").glob("*.md")]:
        body = path.read_text(encoding="utf-8")
        for start in _lines_with_fields(body):
            found, expected = _PLAIN_FIELD_RE.match(body, start), without.match(body, start)
            assert (found and found.groupdict()) == (expected and expected.groupdict())


def test_a_table_of_thousands_of_rows_is_read_to_its_first_rows_and_its_last():
    # A training log of 3,000 rows: the first thousand are read (bounded time) and the last, the run's final figure.
    rows = "".join(f"| {step} | {step * 10} |\n" for step in range(1, 3001))
    facts = gather(parse_card("---\nlicense: mit\n---\n# m\n\n## Training results\n\n| Step | Training hours |\n|---|---|\n"
                              + rows))
    assert [(f.value, f.line) for f in facts.all("wall_hours")] == [(30000, 3009)]


def test_a_layouts_name_is_no_accelerator():
    # BlinkDL/rwkv-4-pile-14b (hf-readme scrape): "RWKV-4 14B is a L40-D5120 causal language model": 40 layers of
    # width 5120, not an NVIDIA L40.
    facts = gather(parse_card("---\nlicense: apache-2.0\n---\n# RWKV-4 14B\n\n## Model Description\n\n"
                              "RWKV-4 14B is a L40-D5120 causal language model trained on the Pile.\n"))
    assert (facts.value("hardware"), facts.value("accelerator_count")) == (None, None)
    on_l40 = gather(parse_card("---\nlicense: mit\n---\n# m\n\n## Training\n\nThe model was trained on 2 L40 GPUs.\n"))
    assert (on_l40.value("hardware"), on_l40.value("accelerator_count")) == ("L40", 2)


def test_a_column_of_training_data_in_hours_is_no_training_time():
    # m-a-p/MERT-v1-330M (hf-readme scrape): "| Training Data (hour) |" holds hours of music, 160K.
    text = ("---\nlicense: cc-by-nc-4.0\n---\n# MERT\n\n| Name | Pre-train Paradigm | Training Data (hour) | Model Size |\n"
            "|---|---|---|---|\n| [MERT-v1-330M](https://huggingface.co/m-a-p/MERT-v1-330M) | MLM | 160K | 330M |\n")
    facts = gather(parse_card(text), model_name="MERT-v1-330M")
    assert facts.value("wall_hours") is None and facts.value("params") == 330e6
    hours = text.replace("Training Data (hour)", "Training time (hours)")
    assert gather(parse_card(hours), model_name="MERT-v1-330M").value("wall_hours") == 160e3


def test_a_co2_block_in_the_body_without_a_unit_is_in_grams():
    text = "---\nlicense: mit\n---\n# m\n\n## Carbon Footprint\n\n```yaml\nco2_eq_emissions:\n  emissions: 12\n  source: CodeCarbon\n```\n"
    assert gather(parse_card(text)).value("emissions") == 12
    assert gather(parse_card(text.replace("emissions: 12", "emissions: 12 (kg)"))).value("emissions") == 12000
    unindented = text.replace("  emissions: 12", "emissions: 12")  # not the block's line
    assert gather(parse_card(unindented)).value("emissions") is None
