"""Suppression comments in a card and rules not enabled: not reported, never fixed; CC010."""

import pytest

from carbon_card.assessment import assess
from carbon_card.card import parse_card
from carbon_card.patch import propose

FULL = (
    "  emissions: 12\n  source: CodeCarbon\n  training_type: fine-tuning\n"
    "  geographical_location: France\n  hardware_used: 1 x T4\n"
)
NO_LOCATION = FULL.replace("  geographical_location: France\n", "")
# The template's fields state the location, so `--fix` would lift it into the block.
BODY = "# Model\n\n## Environmental Impact\n\n- **Compute Region:** France\n"


def card(block: str, body: str = BODY, block_line: str = "co2_eq_emissions:") -> str:
    return f"---\nlicense: mit\n{block_line}\n{block}---\n{body}"


def findings(text: str, enabled=None) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in assess(parse_card(text), enabled=enabled).findings]


def test_without_suppression_the_missing_field_is_found_and_fixed():
    assessment = assess(parse_card(card(NO_LOCATION)))
    assert [(f.code, f.line, f.safe_fix) for f in assessment.findings] == [("CC203", 3, True)]
    assert propose(assessment).block["geographical_location"] == "France"


@pytest.mark.parametrize("comment", [
    "<!-- carbon-card: ignore CC203 -->",
    "<!-- carbon-card: ignore CC201, CC203 -->",
    "<!-- carbon-card: ignore CC201 CC203 we never say where we train -->",
    "<!--carbon-card:ignore: cc203-->",
    "<!-- carbon-card: ignore -->",
])
def test_html_comment_suppresses_for_the_whole_card_and_the_fix(comment):
    text = card(NO_LOCATION, BODY + "\n" + comment + "\n")
    assessment = assess(parse_card(text))
    assert [f.code for f in assessment.findings if f.code != "CC010"] == []
    patch = propose(assessment)
    assert not patch.changed and "geographical_location" not in patch.block


def test_yaml_comment_on_the_block_line_suppresses_its_findings():
    text = card(NO_LOCATION, block_line="co2_eq_emissions:  # carbon-card: ignore CC203")
    assessment = assess(parse_card(text))
    assert assessment.findings == ()
    assert not propose(assessment).changed


def test_yaml_comment_covers_its_own_line_only():
    text = card(FULL.replace("emissions: 12", 'emissions: "12 g"  # carbon-card: ignore CC104'))
    assert findings(text) == []
    # The same comment on another line suppresses nothing there, and is unused where it is.
    text = card(FULL.replace("emissions: 12", 'emissions: "12 g"').replace(
        "source: CodeCarbon", "source: CodeCarbon  # carbon-card: ignore CC104"))
    assert findings(text) == [("CC104", 4), ("CC010", 5)]
    assert propose(assess(parse_card(text))).block["emissions"] == 12


def test_a_hash_inside_a_value_is_not_a_comment():
    text = card(FULL.replace("source: CodeCarbon", "source: a#carbon-card:ignore CC203"))
    assert findings(text) == []
    assert assess(parse_card(text)).selection.suppressions == ()


def test_markdown_heading_is_not_a_yaml_comment():
    text = card(NO_LOCATION, "# carbon-card: ignore CC203\n")
    assert findings(text) == [("CC203", 3)]


@pytest.mark.parametrize(("comment", "message"), [
    ("<!-- carbon-card: ignore CC203 -->", "unused suppression (unused: CC203)"),
    ("<!-- carbon-card: ignore CC999, CC203 -->", "unused suppression (unknown: CC999; unused: CC203)"),
    ("<!-- carbon-card: ignore -->", "unused blanket suppression `carbon-card: ignore`: nothing to suppress"),
])
def test_unused_suppression_is_cc010_at_the_comment(comment, message):
    text = card(FULL, BODY + "\n" + comment + "\n")
    (finding,) = assess(parse_card(text)).findings
    assert (finding.code, finding.line, finding.column, finding.message) == ("CC010", 16, 1, message)
    assert finding.rule.name == "unused-suppression" and str(finding.severity) == "warning"


def test_partly_used_suppression_names_the_unused_codes():
    text = card(NO_LOCATION, BODY + "\n<!-- carbon-card: ignore CC203, CC204 -->\n")
    assert [(f.code, f.message) for f in assess(parse_card(text)).findings] == \
        [("CC010", "unused suppression (unused: CC204)")]


def test_suppression_of_a_rule_not_enabled_is_unused_as_in_ruff():
    text = card(NO_LOCATION, block_line="co2_eq_emissions:  # carbon-card: ignore CC203")
    enabled = frozenset({"CC010", "CC104"})
    (finding,) = assess(parse_card(text), enabled=enabled).findings
    assert (finding.code, finding.line, finding.message) == ("CC010", 3, "unused suppression (not enabled: CC203)")
    # Without CC010 enabled, nothing is reported.
    assert findings(text, enabled=frozenset({"CC104"})) == []


def test_naming_cc010_suppresses_its_own_report():
    text = card(FULL, block_line="co2_eq_emissions:  # carbon-card: ignore CC203, CC010")
    assert findings(text) == []


def test_rules_not_enabled_are_not_reported_and_never_fixed():
    text = card(NO_LOCATION.replace("emissions: 12", 'emissions: "12 g"'))
    assessment = assess(parse_card(text), enabled=frozenset({"CC104"}))
    assert [f.code for f in assessment.findings] == ["CC104"]
    patch = propose(assessment)
    assert patch.block == {"emissions": 12, "source": "CodeCarbon", "training_type": "fine-tuning",
                           "hardware_used": "1 x T4"}
    # The fix's later rounds keep the selection: with every rule, the location is lifted too.
    assert propose(assess(parse_card(text))).block["geographical_location"] == "France"


PROSE_ONLY = ("---\nlicense: mit\n---\n# Model\n\n## Environmental Impact\n\n- **Hardware Type:** 8 x A100\n"
              "- **Compute Region:** France\n- **Carbon Emitted:** 12 kg CO2eq\n")


def test_a_block_created_from_the_text_leaves_out_suppressed_fields():
    assert propose(assess(parse_card(PROSE_ONLY))).block == \
        {"emissions": 12000, "geographical_location": "France", "hardware_used": "8 x A100"}
    suppressed = PROSE_ONLY + "\n<!-- carbon-card: ignore CC203 -->\n"
    assessment = assess(parse_card(suppressed))
    # The suppression is in use (it keeps the location out of the fix), so it is not CC010.
    assert [f.code for f in assessment.findings] == ["CC303"]
    assert propose(assessment).block == {"emissions": 12000, "hardware_used": "8 x A100"}
    not_enabled = assess(parse_card(PROSE_ONLY), enabled=frozenset({"CC303", "CC204"}))
    assert propose(not_enabled).block == {"emissions": 12000, "hardware_used": "8 x A100"}


def test_suppressing_the_fixed_rule_leaves_the_card_alone():
    assessment = assess(parse_card(PROSE_ONLY + "<!-- carbon-card: ignore CC303 -->\n"))
    assert assessment.findings == ()
    assert not propose(assessment, unsafe=True).changed


TEMPLATE = card(FULL, "# Model\n\n## Environmental Impact\n\n- **Compute Region:** [More Information Needed]\n")


def test_fill_template_leaves_a_suppressed_placeholder():
    assert "Compute Region:** France" in propose(assess(parse_card(TEMPLATE)), fill_template=True).text
    suppressed = assess(parse_card(TEMPLATE + "<!-- carbon-card: ignore CC301 -->\n"))
    assert suppressed.findings == ()
    assert not propose(suppressed, fill_template=True).changed
    assert not propose(assess(parse_card(TEMPLATE), enabled=frozenset({"CC203"})), fill_template=True).changed
