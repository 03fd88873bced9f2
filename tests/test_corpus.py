"""Every real card of the corpus goes through `check` without a crash, with sane findings."""

from collections import Counter

import pytest

from conftest import CORPUS
from carbon_card.assessment import assess
from carbon_card.card import parse_card, read_card
from castano import castano_cards

REAL_CARDS = sorted(path for path in (CORPUS / "cards-real").glob("*.md") if path.name != "README.md")


@pytest.mark.parametrize("path", REAL_CARDS, ids=lambda p: p.name)
def test_real_cards(path):
    assessment = assess(read_card(path))
    codes = {f.code for f in assessment.findings}
    assert not codes & {"CC001", "CC002", "CC003"}
    if path.name.startswith("meta-llama"):
        assert "CC303" in codes  # the Llama cards state emissions only in their text
    else:
        assert "CC302" not in codes and "CC303" not in codes and "CC102" not in codes


@pytest.mark.slow  # end-to-end: CI runs it
def test_castano_cards_all_parse():
    counts = Counter()
    cards = 0
    for model_id, text in castano_cards():
        assessment = assess(parse_card(text, model_id))
        cards += 1
        counts.update(f.code for f in assessment.findings)
        for finding in assessment.findings:
            assert finding.line >= 1 and finding.column >= 1
    assert cards == 1417
    # The study's cleaned values are numbers of grams: no value or structure errors.
    assert not {code for code in counts if code < "CC200"}, counts
    # 1,345 of the study's models state no training type (its "Not Specified").
    assert counts["CC202"] == 1345
