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


# Front matters whose data PyYAML builds in its own ways: core-schema scalars (octal, hex,
# sexagesimal, infinities, yes/no, dates), explicit tags, `=`, merge keys, duplicates, complex keys.
_YAML_CASES = [
    "a: 0o17\nb: 0x1F\nc: 1:30\nd: 1_000\ne: .inf\nf: -.Inf\ng: .nan\nh: 1.5e3\ni: 012\nj: +3",
    "a: yes\nb: Off\nc: ~\nd: null\ne:\nf: ''\ng: 2021-07-08\nh: 2001-12-14t21:59:43.10-05:00\ni: '12'",
    "a: !!str 12\nb: !!int '7'\nc: !!float 3\nd: !!binary aGk=\ne: !!set {x, y}\nf: !!omap [{k: 1}]",
    "a: =\nb: [=]",
    "base: &b {source: X}\nblock:\n  <<: *b\n  emissions: 3",
    "a: 1\na: 2\nnested: {x: [1, {y: [2, 3]}], 3: four, null: n, true: t, 2.5: f}",
    "? [1, 2]\n: sequence key",
    "? {a: 1}\n: mapping key",
    "a: 2021-02-30",
    "a: !custom x",
    "- a\n- b",
]


@pytest.mark.parametrize("text", _YAML_CASES)
def test_front_matter_data_is_what_pyyaml_safe_load_builds(text):
    import yaml

    card = parse_card(f"---\n{text}\n---\nbody\n")
    try:
        expected = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, TypeError):
        assert card.problem is not None and card.problem.kind == "invalid-yaml"
        return
    if not isinstance(expected, dict):
        assert card.problem is not None and card.problem.kind == "not-mapping"
        return
    assert card.problem is None
    # repr tells 1 from True and 1.0, and a NaN from another NaN's inequality
    assert repr(card.metadata) == repr(expected)


def test_cards_of_any_size_are_read_whole(tmp_path):
    for size in (0, 1, 4095, 4096, 65537, 300_000):
        path = tmp_path / f"card{size}.md"
        data = (b"---\nlicense: mit\n---\n" + b"x" * size)[:size]
        path.write_bytes(data)
        assert read_card(path).text == data.decode()
    path = tmp_path / "limit.md"
    path.write_bytes(b"x" * MAX_CARD_BYTES)
    assert len(read_card(path).text) == MAX_CARD_BYTES


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


def test_find_cards_keeps_the_names_of_each_card_folder(tmp_path):
    (tmp_path / "a" / "sub").mkdir(parents=True)
    (tmp_path / "a" / "README.md").write_text("x")
    (tmp_path / "a" / "config.json").write_text("{}")
    (tmp_path / "a" / "sub" / "notes.md").write_text("x")  # a folder without a card: not kept
    listed: dict[str, list[str]] = {}
    assert list(find_cards([tmp_path], listed=listed)) == [str(tmp_path / "a" / "README.md")]
    assert {folder: set(names) for folder, names in listed.items()} == {
        str(tmp_path / "a"): {"README.md", "config.json", "sub"}}


def test_front_matter_is_found_where_the_hubs_pattern_finds_it():
    import random

    from conftest import CORPUS

    from carbon_card.card import _EMPTY_FRONT_MATTER_RE, _FRONT_MATTER_RE, _front_matter

    def by_pattern(text: str):
        match = _FRONT_MATTER_RE.search(text) or _EMPTY_FRONT_MATTER_RE.search(text)
        return None if match is None else (*match.span(2), match.end())

    texts = [path.read_text(encoding="utf-8") for path in CORPUS.rglob("*.md")]
    texts += ["---\r\n---", "---\r\n---\r\n", "---\r\n\r\n---\n", "---\r---\r", "---\n---\n", " \n---\n---", "---\n\n---",
              "---\r\n", "---", "", "\n", "---\na: 1\n---x\n---\n", "---\na: 1\n--- \t\r", "---\r\na\r\n---"]
    pieces = ["---", "-", "\r", "\n", "\r\n", " ", "\t", "a", ":"]
    generator = random.Random(7)
    texts += [generator.choice(["", " ", "\n", "\r\n"]) + "---" + generator.choice(["\r\n", "\r", "\n", ""])
              + "".join(generator.choice(pieces) for _ in range(generator.randrange(10))) for _ in range(20000)]
    for text in texts:
        assert _front_matter(text) == by_pattern(text), repr(text[:80])
