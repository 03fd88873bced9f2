"""carbon_card.schema's own validator against jsonschema, the oracle: on every `co2_eq_emissions`
value of the corpora and on generated values, the same errors (message, place, keyword) in the
same order, and the same one picked as the best match (what rule CC109 and the patch report)."""

import copy
import datetime
import math

import pytest
from conftest import CORPUS, ROOT, fuzz_examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from carbon_card import schema as S
from carbon_card.card import parse_card
from castano import castano_cards

ROOT_SCHEMA = S.schema()
WHOLE = Draft202012Validator(ROOT_SCHEMA)
FIELDS = {key: Draft202012Validator({**sub, "$defs": ROOT_SCHEMA["$defs"]})  # as the rule used them before
          for key, sub in ROOT_SCHEMA["$defs"]["block"]["properties"].items()}


def _oracle(validator, value):
    return [(e.message, tuple(e.path), e.validator) for e in validator.iter_errors(value)]


def _ours(value, subschema=None):
    return [(e.message, e.path, e.keyword) for e in S.violations(value, subschema)]


def _message(error):
    return None if error is None else error.message


def assert_agree(value):
    """The whole block and each known field of it: same errors, same best match."""
    assert _ours(value) == _oracle(WHOLE, value)
    assert S.block_error(value) == _message(best_match(WHOLE.iter_errors(value)))
    if isinstance(value, dict):
        for key, field in value.items():
            if key in FIELDS:
                assert _ours(field, ROOT_SCHEMA["$defs"]["block"]["properties"][key]) == _oracle(FIELDS[key], field)
                assert S.field_error(key, field) == _message(best_match(FIELDS[key].iter_errors(field)))


def _blocks():
    """Every `co2_eq_emissions` value of the corpora: the Castano cards, the real and gold cards."""
    texts = [(name, text) for name, text in castano_cards()]
    texts += [(p.name, p.read_bytes()) for p in sorted((CORPUS / "cards-real").glob("*.md"))]
    texts += [(p.name, p.read_bytes()) for p in sorted((CORPUS / "gold" / "cards").iterdir())]
    texts += [(p.name, p.read_bytes()) for p in sorted((ROOT / "examples").glob("*/README.md"))]
    for name, text in texts:
        card = parse_card(text, name)
        if isinstance(card.metadata, dict) and "co2_eq_emissions" in card.metadata:
            yield name, card.metadata["co2_eq_emissions"]


BLOCKS = list(_blocks())


def test_the_corpora_have_blocks_of_every_kind():
    # A guard on the next test: it sees numbers, mappings and invalid values, not one kind.
    assert len(BLOCKS) > 1400
    assert {type(value).__name__ for _, value in BLOCKS} >= {"int", "float", "dict"}
    assert any(S.block_error(value) for _, value in BLOCKS)
    assert any(S.field_error(key, field) for _, value in BLOCKS if isinstance(value, dict)
               for key, field in value.items() if key in S.known_keys())


def test_agrees_with_jsonschema_on_every_block_of_the_corpora():
    for name, value in BLOCKS:
        try:
            assert_agree(value)
        except AssertionError:
            pytest.fail(f"{name}: {value!r}")


# Values as YAML gives them: scalars of every type (dates too), lists, mappings with the known keys.
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -0.0, -1, 1e-300, "", "1812", "-5", "1.2 kg", "yes", "CodeCarbon"]), st.text(max_size=8),
    st.dates(), st.datetimes(timezones=st.just(datetime.timezone.utc)),
)
_KEYS = st.one_of(st.sampled_from(S.known_keys()), st.sampled_from(["emmisions", "co2", "Emissions"]), st.text(max_size=5),
                  st.integers(0, 3))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
                       max_leaves=8)
_BLOCKS = st.one_of(_SCALARS, _VALUES, st.dictionaries(_KEYS, _VALUES, max_size=6),
                    st.fixed_dictionaries({"emissions": _SCALARS}, optional={key: _VALUES for key in S.known_keys() if key != "emissions"}))


# 600 values in CI (CARBON_CARD_FUZZ there, as for the fuzz pipeline); 150 in a developer's run.
@settings(max_examples=fuzz_examples(600, 150), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_BLOCKS)
def test_agrees_with_jsonschema_on_generated_values(value):
    assert_agree(value)


def test_messages_users_see():
    # What CC109 says today, word for word.
    assert S.field_error("hours_used", "14 h") == "'14 h' is not of type 'number'"
    assert S.field_error("energy_consumed", -1) == "-1 is less than the minimum of 0"
    assert S.field_error("on_cloud", "yes") == "'yes' is not of type 'boolean'"
    assert S.field_error("source", 3) == "3 is not of type 'string'"
    assert S.field_error("emissions", True) == "True is not of type 'number'"
    assert S.field_error("hours_used", math.inf) is None  # the rule adds "not a finite number" itself
    assert S.block_error({"source": "x"}) == "'emissions' is a required property"
    assert S.block_error({"emissions": "12 kg"}) == "'12 kg' is not of type 'number'"
    assert S.block_error([1]) == "[1] is not valid under any of the given schemas"
    assert S.block_error({"emissions": 1, "source": "x"}) is None


# --- the validator refuses a schema it does not implement ------------------------------------


def _validator_for(change):
    root = copy.deepcopy(ROOT_SCHEMA)
    change(root)
    return S._Validator(root)


def test_every_keyword_of_the_published_schema_is_implemented():
    S._Validator(copy.deepcopy(ROOT_SCHEMA))  # raises SchemaKeywordError otherwise


@pytest.mark.parametrize("change, word", [
    (lambda r: r["$defs"]["grams"].update(multipleOf=1), "multipleOf"),
    (lambda r: r["$defs"]["block"]["properties"]["source"].update(format="uri"), "format"),
    (lambda r: r["$defs"]["block"].update(unevaluatedProperties=False), "unevaluatedProperties"),
    (lambda r: r["$defs"]["block"]["properties"].update(x={"$ref": "https://example.com/s.json"}), "local"),
    (lambda r: r["$defs"]["block"]["properties"].update(x={"$ref": "#/$defs/nothing"}), "nothing"),
    (lambda r: r["$defs"]["grams"].update(type="decimal"), "decimal"),
    (lambda r: r.update({"$schema": "http://json-schema.org/draft-07/schema#"}), "draft-07"),
])
def test_a_keyword_it_does_not_know_is_refused(change, word):
    with pytest.raises(S.SchemaKeywordError, match=word):
        _validator_for(change)


def test_the_keywords_it_knows_behave_as_jsonschema(monkeypatch):
    # Keywords the published schema does not use (yet) agree with jsonschema too.
    root = copy.deepcopy(ROOT_SCHEMA)
    props = root["$defs"]["block"]["properties"]
    props["source"] = {"type": "string", "enum": ["CodeCarbon", "AutoTrain"]}
    props["training_type"] = {"anyOf": [{"const": "pre-training"}, {"pattern": "^fine"}]}
    props["hours_used"] = {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 1e6, "exclusiveMaximum": 1e7}
    props["cpu_model"] = {"type": "string", "minLength": 1, "maxLength": 5}
    props["cloud_provider"] = {"allOf": [{"type": "string"}, {"minLength": 3}]}
    root["$defs"]["block"]["additionalProperties"] = {"type": "string"}
    root["$defs"]["strict"] = {"type": "object", "properties": {"a": True, "b": False, "emissions": True},
                               "additionalProperties": False}
    root["oneOf"].append({"$ref": "#/$defs/strict"})
    monkeypatch.setattr(S, "schema", lambda: root)
    S._validator.cache_clear()
    try:
        oracle = Draft202012Validator(root)
        values = [
            {"emissions": 1, "source": "Other"}, {"emissions": 1, "source": 2},
            {"emissions": 1, "training_type": "fine-tuning"}, {"emissions": 1, "training_type": "x"},
            {"emissions": 1, "hours_used": 0}, {"emissions": 1, "hours_used": None}, {"emissions": 1, "hours_used": 2e6},
            {"emissions": 1, "hours_used": 1e7}, {"emissions": 1, "cpu_model": ""}, {"emissions": 1, "cpu_model": "x" * 9},
            {"emissions": 1, "cloud_provider": "x"}, {"emissions": 1, "extra": 3}, {"a": 1}, {"b": 1, "c": 2, "a": 1},
            {}, {"emissions": 1, "a": 1}, {"emissions": 1},
        ]
        for value in values:
            assert _ours(value) == _oracle(oracle, value), value
            assert S.block_error(value) == _message(best_match(oracle.iter_errors(value))), value
    finally:
        S._validator.cache_clear()
