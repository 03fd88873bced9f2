import time
import tracemalloc

import pytest

from carbon_card.card import MAX_CARD_BYTES, CardReadError, find_cards, parse_card, read_card

GOOD = "---\nlicense: mit\nco2_eq_emissions:\n  emissions: 12\n  source: CodeCarbon\n---\n# Body\n"


def test_front_matter_and_positions():
    card = parse_card(GOOD)
    assert card.metadata["co2_eq_emissions"] == {"emissions": 12, "source": "CodeCarbon"}
    assert card.problem is None
    assert card.yaml_line == 2
    assert card.body == "# Body\n"
    assert card.body_line == 7
    key, value = card.node_at("co2_eq_emissions", "emissions")
    assert card.position(key) == (4, 3)
    assert card.position(value) == (4, 14)


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_other_line_endings_keep_positions(newline):
    card = parse_card(GOOD.replace("\n", newline))
    assert card.metadata["co2_eq_emissions"]["emissions"] == 12
    _, value = card.node_at("co2_eq_emissions", "emissions")
    assert card.position(value) == (4, 14)
    assert card.body_line == 7


def test_bom_is_accepted_and_remembered():
    card = parse_card(("\ufeff" + GOOD).encode("utf-8"))
    assert card.has_bom
    assert card.metadata["license"] == "mit"


def test_leading_blank_lines_are_allowed_like_the_hub():
    card = parse_card("\n\n" + GOOD)
    assert card.metadata["license"] == "mit"
    assert card.yaml_line == 4


@pytest.mark.parametrize(
    "text, kind",
    [
        ("# just a body\n", "missing"),
        ("---\n---\nbody\n", "empty"),
        ("---\n\n---\nbody\n", "empty"),
        ("---\n# only a comment\n---\n", "empty"),
        ("---\nlicense: mit\nno closing line\n", "unclosed"),
        ("---\n- a\n- b\n---\n", "not-mapping"),
        ("---\njust a string\n---\n", "not-mapping"),
        ("---\nkey: [unclosed\n---\n", "invalid-yaml"),
        ("---\na: 1\n---\n", None),
    ],
)
def test_front_matter_problems_are_data(text, kind):
    card = parse_card(text)
    assert (card.problem.kind if card.problem else None) == kind


def test_invalid_yaml_points_at_its_line():
    card = parse_card("---\nlicense: mit\nco2_eq_emissions:\n  emissions: [1, 2\n---\n")
    assert card.problem.kind == "invalid-yaml"
    assert card.problem.line >= 4


def test_python_tags_are_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    text = f"---\nx: !!python/object/apply:os.system ['touch {marker}']\n---\n"
    card = parse_card(text)
    assert card.problem.kind == "invalid-yaml"
    assert "python/object" in card.problem.message
    assert not marker.exists()


def billion_laughs(levels=9):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        refs = ",".join(f"*a{level - 1}" for _ in range(9))
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "---\n" + "\n".join(lines) + "\n---\n"


def test_alias_bomb_is_refused_quickly_with_bounded_memory():
    text = billion_laughs()
    tracemalloc.start()
    start = time.perf_counter()
    card = parse_card(text)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert card.problem.kind == "invalid-yaml"
    assert "bomb" in card.problem.message
    assert elapsed < 2.0
    assert peak < 20 * 1024 * 1024


def test_merge_key_bomb_is_refused():
    lines = ["a0: &a0 {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7}"]
    for level in range(1, 9):
        refs = ", ".join(f"*a{level - 1}" for _ in range(10))
        lines.append(f"a{level}: &a{level} {{<<: [{refs}]}}")
    card = parse_card("---\n" + "\n".join(lines) + "\n---\n")
    assert card.problem.kind == "invalid-yaml"


def test_self_referencing_alias_is_refused():
    card = parse_card("---\na: &a [1, *a]\n---\n")
    assert card.problem.kind == "invalid-yaml"


def test_small_aliases_are_fine():
    card = parse_card("---\nbase: &b {source: CodeCarbon}\nco2_eq_emissions:\n  <<: *b\n  emissions: 3\n---\n")
    assert card.problem is None
    assert card.metadata["co2_eq_emissions"] == {"source": "CodeCarbon", "emissions": 3}


def test_read_errors(tmp_path):
    with pytest.raises(CardReadError, match="no such file"):
        read_card(tmp_path / "missing.md")
    binary = tmp_path / "model.bin"
    binary.write_bytes(b"---\nx: 1\n---\n\x00\x01\x02")
    with pytest.raises(CardReadError, match="binary"):
        read_card(binary)
    latin = tmp_path / "latin1.md"
    latin.write_bytes("---\nlicense: mit\n---\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(CardReadError) as error:
        read_card(latin)
    assert error.value.line == 4
    assert str(error.value).startswith(f"{latin}:4: not valid UTF-8")


def test_huge_file_is_refused_without_reading_it_all(tmp_path):
    huge = tmp_path / "README.md"
    with open(huge, "wb") as handle:
        handle.write(b"---\nlicense: mit\n---\n")
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB
    tracemalloc.start()
    with pytest.raises(CardReadError, match="larger than"):
        read_card(huge)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2 * MAX_CARD_BYTES


def test_find_cards(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "README.md").write_text("x")
    (tmp_path / "a" / "b").mkdir()
    (tmp_path / "a" / "b" / "README.md").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "README.md").write_text("x")
    (tmp_path / "a" / ".hidden").mkdir()
    (tmp_path / "a" / ".hidden" / "README.md").write_text("x")
    (tmp_path / "empty").mkdir()
    found = list(find_cards([tmp_path / "a", tmp_path / "empty", tmp_path / "nope"]))
    assert found[:2] == [str(tmp_path / "a" / "README.md"), str(tmp_path / "a" / "b" / "README.md")]
    assert isinstance(found[2], CardReadError) and "no README.md" in found[2].message
    assert isinstance(found[3], CardReadError) and "no such file" in found[3].message
    assert len(found) == 4
