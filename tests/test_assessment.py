import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from carbon_card.assessment import assess
from carbon_card.facts import gather
from carbon_card.card import parse_card
from carbon_card.rules import RULES, Severity
from carbon_card.schema import schema
from conftest import fuzz_examples


def codes(text, files=None, folder=None):
    """The rule codes found in a card; `files` (name -> content) are written beside it."""
    card = parse_card(text)
    if files:
        for name, content in files.items():
            (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
        return [finding.code for finding in assess(card, gather(card, folder)).findings]
    return [finding.code for finding in assess(card).findings]


def card_with_block(block_yaml, body=""):
    return f"---\nlicense: mit\nco2_eq_emissions:\n{block_yaml}---\n{body}"


FULL = (
    "  emissions: 12\n  source: CodeCarbon\n  training_type: fine-tuning\n"
    "  geographical_location: France\n  hardware_used: 1 x T4\n"
)


def test_complete_block_has_no_findings():
    assert codes(card_with_block(FULL)) == []


RULE_CASES = [
        ("---\nx: [1\n---\n", "CC001"),
        ("---\n- 1\n---\n", "CC002"),
        ("---\nlicense: mit\n", "CC003"),
        ("# no front matter\n", "CC004"),
        ("---\n---\n", "CC004"),
        ("---\nco2_eq_emission: 12\n---\n", "CC005"),
        ("---\nemissions: 12\n---\n", "CC005"),
        ("---\nco2_eq_emissions: 1\nco2_eq_emissions: 2\n---\n", "CC006"),
        (card_with_block(FULL + "  emissions: 13\n"), "CC006"),
        ("# my-project\n\n## Installation\n\n    git clone https://github.com/me/my-project\n", "CC007"),
        ("---\ntask_categories: [text-classification]\nsize_categories: [1K<n<10K]\n---\n# Data\n", "CC007"),
        (card_with_block(FULL, "<!-- carbon-card: ignore CC203 -->\n"), "CC010"),
        ("---\nco2_eq_emissions: [1, 2]\n---\n", "CC101"),
        ("---\nco2_eq_emissions:\n---\n", "CC101"),
        ("---\nco2_eq_emissions: true\n---\n", "CC101"),
        (card_with_block("  source: CodeCarbon\n"), "CC102"),
        (card_with_block("  emissions: lots\n"), "CC103"),
        (card_with_block("  emissions: [1]\n"), "CC103"),
        (card_with_block("  emissions: true\n"), "CC103"),
        (card_with_block("  emissions: \"12\"\n"), "CC104"),
        (card_with_block("  emissions: 12 g\n"), "CC104"),
        (card_with_block("  emissions: 0.5 kg CO2eq\n"), "CC104"),
        ("---\nco2_eq_emissions: 3 kg\n---\n", "CC104"),
        (card_with_block("  emissions: -4\n"), "CC105"),
        ("---\nco2_eq_emissions: -1.5\n---\n", "CC105"),
        (card_with_block("  emissions: .nan\n"), "CC106"),
        (card_with_block("  emissions: .inf\n"), "CC106"),
        (card_with_block("  emissions: 0\n"), "CC107"),
        (card_with_block(FULL + "  geographic_location: France\n"), "CC108"),
        (card_with_block(FULL + "  energy_consumed: lots\n"), "CC109"),
        (card_with_block(FULL + "  on_cloud: \"yes\"\n"), "CC109"),
        (card_with_block(FULL + "  hours_used: -2\n"), "CC109"),
        (card_with_block(FULL + "  energy_consumed: .inf\n"), "CC109"),
        (card_with_block(FULL.replace("1 x T4", "how much compute and what kind, e.g. 8 v100 GPUs")), "CC110"),
        (card_with_block(FULL.replace("fine-tuning", "\"pretraining or fine-tuning\"")), "CC110"),
        (card_with_block(FULL.replace("CodeCarbon", "\"[More Information Needed]\"")), "CC110"),
        (card_with_block(FULL.replace("  source: CodeCarbon\n", "")), "CC201"),
        (card_with_block(FULL.replace("  training_type: fine-tuning\n", "")), "CC202"),
        (card_with_block(FULL.replace("  geographical_location: France\n", "")), "CC203"),
        (card_with_block(FULL.replace("  hardware_used: 1 x T4\n", "")), "CC204"),
        (card_with_block(FULL, "## Environmental Impact\n- **Hardware Type:** [More Information Needed]\n"), "CC301"),
        ("---\nlicense: mit\n---\n# Model\n", "CC302"),
        ("---\nlicense: mit\n---\n# Model\n\n- CO2 Emissions (in grams): 12.5\n", "CC303"),
        (card_with_block(FULL, "- **Carbon Emitted:** 60 g CO2eq\n"), "CC401"),
        (card_with_block(FULL.replace("emissions: 12", "emissions: 5.6"), "- **Emissions:** 5.6 KgCO2\n"), "CC402"),
        ("---\nmodel-index:\n- name: Foo-7B\nco2_eq_emissions:\n  emissions: 100000000\n---\n"
         "| Model | Carbon Emitted (tCO2eq) |\n|---|---|\n| Foo 7B | 10 |\n| Foo 70B | 100 |\n", "CC403"),
        (card_with_block(FULL.replace("1 x T4", "8 x A100") + "  hours_used: 80\n", "- **Hours used:** 10\n"),
         "CC404"),
        (card_with_block(FULL, "- **Compute Region:** Germany\n"), "CC405"),
        ((card_with_block(FULL), {"config.json": "{not json"}), "CC406"),
        (card_with_block(FULL, "- **Carbon Emitted:** 12 parsecs\n"), "CC407"),
        (card_with_block(FULL.replace("emissions: 12", "emissions: 50") + "  energy_consumed: 100\n"), "CC501"),
]


@pytest.mark.parametrize("case, expected", RULE_CASES)
def test_each_rule_fires(case, expected, tmp_path):
    text, files = case if isinstance(case, tuple) else (case, None)
    assert expected in codes(text, files, tmp_path)


def test_every_rule_has_a_case_above():
    assert {expected for _, expected in RULE_CASES} == set(RULES)


def test_a_field_left_as_the_documentation_s_description_states_nothing():
    # The Hub's documentation of the block, copied as the card's values: no fact from any of them
    # (not Quebec's grid, not 8 V100s), and CC110 on each; "unknown" states nothing either, but is
    # no template text.
    block = ("  emissions: 1200\n"
             "  source: \"source of the information, either directly from AutoTrain, code carbon or from a scientific "
             "article documenting the model\"\n"
             "  training_type: \"pre-training or fine-tuning\"\n"
             "  geographical_location: \"as granular as possible, for instance Quebec, Canada or Brooklyn, NY, USA. "
             "To check your compute's electricity grid, you can check out https://app.electricitymap.org.\"\n"
             "  hardware_used: \"how much compute and what kind, e.g. 8 v100 GPUs\"\n"
             "  cloud_provider: unknown\n")
    card = parse_card(card_with_block(block))
    facts = gather(card)
    assert [f.quantity for f in facts.facts if f.origin == "yaml"] == ["emissions"]
    found = [f for f in assess(card, facts).findings if f.code == "CC110"]
    assert [f.line for f in found] == [5, 6, 7, 8]
    assert assess(card, facts).disclosure_tier == "T1 (missing: source, training type, location, hardware)"


def test_the_training_type_said_first_is_the_type():
    from carbon_card.facts.metadata import normalise_training_type

    assert normalise_training_type("Fine-tuning of a pre-trained BERT") == "fine-tuning"
    assert normalise_training_type("Pretraining, then SFT") == "pre-training"


def test_string_with_unit_says_the_grams_value():
    findings = assess(parse_card(card_with_block(FULL.replace("emissions: 12", "emissions: 0.5 kg CO2eq")))).findings
    (finding,) = [f for f in findings if f.code == "CC104"]
    assert "500" in finding.message and "grams" in finding.message
    assert finding.fixable
    assert (finding.line, finding.column) == (4, 14)


def test_unknown_unit_is_reported_not_guessed():
    (finding,) = [f for f in assess(parse_card(card_with_block("  emissions: 12 parsecs\n"))).findings if f.code == "CC103"]
    assert "parsecs" in finding.message


def test_did_you_mean_and_no_double_report():
    text = card_with_block(FULL.replace("geographical_location", "geographic_location"))
    findings = assess(parse_card(text)).findings
    assert [f.code for f in findings] == ["CC108"]
    assert "did you mean `geographical_location`" in findings[0].message
    assert findings[0].line == 7


def test_unknown_key_without_suggestion_is_not_fixable():
    (finding,) = assess(parse_card(card_with_block(FULL + "  favourite_colour: green\n"))).findings
    assert finding.code == "CC108" and not finding.fixable


def test_bare_number_is_valid_but_incomplete():
    found = codes("---\nco2_eq_emissions: 120\n---\n")
    assert sorted(found) == ["CC201", "CC202", "CC203", "CC204"]


def test_placeholders_only_in_environmental_impact_section():
    body = (
        "## Training\n- **Hours:** [More Information Needed]\n"
        "## Environmental Impact\n\n- **Hardware Type:** [More Information Needed]\n"
        "- **Carbon Emitted:** [More Information Needed]\n"
        "### Details\n[More Information Needed]\n"
        "## Citation\n[More Information Needed]\n"
    )
    findings = [f for f in assess(parse_card(card_with_block(FULL, body))).findings if f.code == "CC301"]
    assert [(f.line, f.column) for f in findings] == [(14, 22), (15, 23), (17, 1)]
    assert "Hardware Type" in findings[0].message


def test_a_line_of_the_section_that_is_only_a_placeholder():
    # "More information needed" alone under the heading; a field's value on the next line ("- **Cloud Provider:**",
    # then "  - N/A"), unless the section says the run was local: then "N/A" answers where it ran.
    body = ("## Environmental Impact\n\nMore information needed\n\n- **Hardware Type:** A100\n"
            "- **Cloud Provider:**\n  - N/A\n## Citation\nTBD\n")
    findings = [f for f in assess(parse_card(card_with_block(FULL, body))).findings if f.code == "CC301"]
    assert [(f.line, f.column) for f in findings] == [(12, 1), (16, 5)]
    local = body.replace("A100", "a laptop, locally")
    findings = [f for f in assess(parse_card(card_with_block(FULL, local))).findings if f.code == "CC301"]
    assert [(f.line, f.column) for f in findings] == [(12, 1)]


def test_unreadable_metadata_does_not_claim_no_disclosure():
    assert codes("---\nco2_eq_emissions: {emissions: [\n---\n") == ["CC001"]


def test_findings_point_at_lines_with_crlf():
    text = card_with_block("  emissions: -1\n  source: x\n").replace("\n", "\r\n")
    (finding,) = [f for f in assess(parse_card(text)).findings if f.code == "CC105"]
    assert (finding.line, finding.column) == (4, 14)


# The rules and the published schema must agree: a block is schema-valid exactly when no
# error-severity finding is about the block itself.
_BLOCK_RULES = {"CC101", "CC102", "CC103", "CC104", "CC105", "CC109"}
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["12", "0.5 kg", "abc", "", "fine-tuning", "CodeCarbon"]),
)
_keys = st.sampled_from(
    ["emissions", "source", "training_type", "geographical_location", "hardware_used", "energy_consumed",
     "hours_used", "on_cloud", "cpu_model", "ram_total_size", "cloud_provider", "colour"]
)
_blocks = st.one_of(_scalars, st.dictionaries(_keys, st.one_of(_scalars, st.lists(_scalars, max_size=2)), max_size=6))


@settings(max_examples=fuzz_examples(300, 100), deadline=None)
@given(_blocks)
def test_rules_agree_with_the_schema(block):
    validator = Draft202012Validator(schema())
    text = "---\n" + json.dumps({"co2_eq_emissions": block}) + "\n---\n"  # JSON is YAML
    found = {f.code for f in assess(parse_card(text)).findings if f.severity is Severity.ERROR}
    assert validator.is_valid(block) == (not found & _BLOCK_RULES), (block, found)


@pytest.mark.parametrize(
    "text, tier",
    [
        (card_with_block(FULL), "T1 (complete)"),
        ("---\nco2_eq_emissions: 120\n---\n", "T1 (missing: source, training type, location, hardware)"),
        ("---\nlicense: mit\n---\nTraining consumed 120 kWh of energy.\n", "T2"),
        ("---\nlicense: mit\n---\n- **Hours used:** 10\n- **Hardware Type:** 8 x A100\n", "T2"),
        ("---\nlicense: mit\n---\nA 7B parameters model trained on 2T tokens.\n", "T3"),
        ("---\nlicense: mit\n---\nA 7B parameters model.\n", "T4"),
        ("---\nlicense: mit\n---\n# Nothing\n", "none"),
    ],
)
def test_disclosure_tier(text, tier):
    assert assess(parse_card(text)).disclosure_tier == tier


def test_a_figure_a_thousand_times_low_is_kilograms_not_an_implausible_figure():
    # 100 kWh in France: a few kilograms. 5 "g" is 5 kg written into the grams field.
    text = card_with_block(FULL.replace("emissions: 12", "emissions: 5") + "  energy_consumed: 100\n")
    (finding,) = [f for f in assess(parse_card(text)).findings if f.code in ("CC402", "CC501")]
    assert finding.code == "CC402" and finding.fix_value == 5000 and finding.fixable and not finding.safe_fix
