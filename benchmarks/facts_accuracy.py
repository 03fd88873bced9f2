"""How right carbon-card's facts and fixes are on real cards none of its readers were tuned on.

The gold corpus (`tests/corpus/gold`: 719 real cards, each annotated by reading it, see its
README) is laid out as model folders, `<card>/<model name>/README.md`, so that the folder names
the model as a clone of its repository would; a file its repository names as a model card (`MODEL_CARD.md`,
`docs/model_card.md`, `Stable_Diffusion_v1_Model_Card.md`) keeps that name, which says what it is, and is included
in the walk (`--extend-include`). The real CLI then runs three times over it:
`check --format json` (the facts carbon-card chooses and its findings), `check --fix` and
`check --fix --unsafe-fixes` on copies (the blocks it would write). Printed per split (`tune`,
the cards a reader may be changed against; `validation`, the batches gathered after the readers
were changed, never read while changing one; `fresh`, all of them but batch 2's, gathered while the readers
changed;
`all`; see the corpus's README for its batches; `--parts` keeps the cards of some batches only):

- per quantity (emissions of this model, accelerator count, hours, parameters): recall (the
  annotated value is the one chosen) and precision (a chosen value is the annotated one);
- placeholders and kilograms-in-the-grams-field flagged, and false flags per 100 cards;
- on cards with no carbon statement: cards with a finding beyond "no disclosure" or with an
  emissions fact;
- every value a fix writes into the block that the annotation contradicts (and, separately,
  values the annotation does not state at all).

    python benchmarks/facts_accuracy.py [--split tune|validation|fresh|all] [--parts A8,B8] [--show] [--as-clones]
                                        [--by-reading] [--second-reader]

`--as-clones` puts each card whose Hub id is known in a git clone of its repository, as a
pre-commit run or the Action sees it (the audit knows the id too): the id then names the model,
where the plain layout has only a folder's name.

`--second-reader` adds, on the cards annotated twice (`second_pass.tsv`), the second annotation's recall and
precision next to carbon-card's, judged by the same rules: how far an independent careful reader of the same cards
agrees with the annotation. Where the two readers differed, the annotation was adjudicated, sometimes to the second
reader's value, so its figures are an upper bound of a second reader's.

`--show` lists each miss and contradiction, for the tune split only unless `--split` says
otherwise: looking at the validation split's cases while changing a reader defeats it.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from carbon_card.document import _CARD_NAME_RE

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "corpus" / "gold"
TOLERANCE = {"emissions": 0.02, "accelerator_count": 0.0, "hours": 0.02, "params": 0.05, "energy": 0.02}
CARBON_CODES = re.compile(r"CC[1-5]\d\d")
QUIET_CODES = {"CC302"}  # "no disclosure": the one carbon finding a card that says nothing should get


def _says_true(code: str, card: dict) -> bool:
    """A finding that is right on a card with no carbon statement: no disclosure, the placeholders
    the annotation lists, and complaints about a `co2_eq_emissions` that holds no number."""
    return (code in QUIET_CODES or code in ("CC301", "CC110") and bool(card["placeholders"])
            or code.startswith("CC1") and card["hub_grams"] == "invalid")


def load() -> list[dict]:
    def rows(name: str) -> dict[str, dict]:
        with open(GOLD / name, newline="", encoding="utf-8") as handle:
            return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}

    index, annotations = rows("index.tsv"), rows("annotations.tsv")
    return [{**index[name], **annotations[name]} for name in sorted(index)]


def load_second_pass() -> dict[str, dict]:
    """The second, independent annotations of a sample of the cards, by file."""
    with open(GOLD / "second_pass.tsv", newline="", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


# Batch 2's validation cards: `fresh` is every later one, gathered while the readers were changed against other
# cards, by gatherers whose cards the developer did not read (the corpus's README, Splits).
NOT_FRESH_PARTS = ("A2", "B2")


def number(text: str | None) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def close(a: float | None, b: float | None, quantity: str) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=TOLERANCE[quantity], abs_tol=1e-9)


def lay_out(cards: list[dict], into: Path, as_clones: bool = False) -> dict[str, dict]:
    """Each card as `<card>/<model name>/README.md`; README path -> card. `as_clones`: a card whose
    Hub id is known sits in a git clone of its repository (a `.git/config` whose remote is the Hub's),
    as in a pre-commit run or the Action; the audit knows the id too."""
    by_path = {}
    for card in cards:
        # The folder a user would run `check` in: the Hub repository, else the card's folder in
        # the GitHub repository it came from, else that repository.
        name = ((card["model_id"] or "").split("/")[-1].strip() or Path(card["path"]).parent.name
                or card["repository"].split("/")[-1])
        name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
        folder = into / Path(card["file"]).stem / name
        folder.mkdir(parents=True)
        file_name = _file_name(card["path"])
        shutil.copyfile(GOLD / "cards" / card["file"], folder / file_name)
        if as_clones and card["model_id"].count("/") == 1:
            (folder / ".git").mkdir()
            (folder / ".git" / "config").write_text(f'[remote "origin"]\n\turl = https://huggingface.co/{card["model_id"]}\n')
        by_path[str((folder / file_name).relative_to(into))] = card
    return by_path


# The walk takes README.md files and these: the names of model-card files as `_file_name` writes them.
CARD_FILES = ("--extend-include", "*[Mm][Oo][Dd][Ee][Ll]*[Cc][Aa][Rr][Dd]*.md")


def _file_name(path: str) -> str:
    """The card's file name in the layout: README.md, or the name of a model-card file as carbon-card tells one
    (`document._CARD_NAME_RE`), with `.md` in lower case."""
    name = Path(path)
    return name.stem + ".md" if _CARD_NAME_RE.search(name.name) else "README.md"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "carbon_card", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def chosen_fact(record: dict, quantity: str) -> dict | None:
    for fact in record.get("facts") or ():
        if fact["quantity"] == quantity and fact["chosen"] and fact["scope"] == "model":
            return fact
    return None


def chosen(record: dict, quantity: str, origins: tuple[str, ...] | None = None) -> float | None:
    fact = chosen_fact(record, quantity)
    if fact is None or origins is not None and fact["origin"] not in origins:
        return None
    return number(fact["value"]) if not isinstance(fact["value"], (int, float)) else float(fact["value"])

QUANTITIES = ("emissions", "accelerator_count", "hours", "params")
COLUMNS = {"emissions": "own_emissions_g", "accelerator_count": "accelerator_count", "hours": "hours", "params": "params"}


def carbon_cards_choice(quantity: str, card: dict, record: dict) -> tuple[float | None, float | None, bool]:
    """The annotated value, the value carbon-card chose for this model, and whether it is the annotated one."""
    truth = number(card[COLUMNS[quantity]])
    if quantity == "hours":
        kind = card["hours_kind"]
        value = chosen(record, "accelerator_hours" if kind == "accelerator" else "wall_hours")
        other = chosen(record, "wall_hours" if kind == "accelerator" else "accelerator_hours")
        got = value if value is not None else other
        # With one accelerator, wall-clock hours are its accelerator-hours: either kind is right.
        return truth, got, close(value, truth, "hours") or _one_accelerator(card) and close(got, truth, "hours")
    got = chosen(record, quantity)
    if quantity == "params" and truth is None and chosen(record, "params", _STATED) is None:
        got = None  # a size from the name, where the card states none: not judged
    return truth, got, close(got, truth, quantity)


def second_readers_choice(quantity: str, card: dict, reading: dict) -> tuple[float | None, float | None, bool]:
    """The same for a second, independent annotation of the card (`second_pass.tsv`), judged alike."""
    column = COLUMNS[quantity]
    truth, got = number(card[column]), number(reading[column])
    if quantity != "hours":
        return truth, got, close(got, truth, quantity)
    same_kind = reading["hours_kind"] == card["hours_kind"]
    return truth, got, close(got, truth, "hours") and (same_kind or _one_accelerator(card))


def _one_accelerator(card: dict) -> bool:
    return number(card["accelerator_count"]) == 1


def _second_reader(by_path: dict, records: dict, second: dict[str, dict]) -> None:
    """The ceiling a reader of cards can reach against one annotation: on the cards annotated twice, the second
    annotation's recall and precision next to carbon-card's, judged by the same rules."""
    twice = [(path, card) for path, card in by_path.items() if card["file"] in second]
    print(f"  on the {len(twice)} cards read twice: recall / precision of a second reader | of carbon-card")
    for quantity in QUANTITIES:
        readers = [second_readers_choice(quantity, card, second[card["file"]]) for _, card in twice]
        tools = [carbon_cards_choice(quantity, card, records.get(path, {})) for path, card in twice]
        print(f"    {quantity:18s} {'  '.join(_recall_and_precision(readers))} | {'  '.join(_recall_and_precision(tools))}")


def _recall_and_precision(choices: list[tuple[float | None, float | None, bool]]) -> tuple[str, str]:
    """Recall (right, of the annotated values) and precision (right, of the chosen ones) of (annotated, chosen,
    right) triples."""
    annotated = sum(truth is not None for truth, _, _ in choices)
    found = sum(truth is not None and correct for truth, _, correct in choices)
    picked = sum(got is not None for _, got, _ in choices)
    right = sum(got is not None and correct for _, got, correct in choices)
    return _share(found, annotated), _share(right, picked)


def provenance(record: dict, quantities: tuple[str, ...]) -> str:
    """Where the chosen value was read: its origin, and for prose how (`prose/sentence`)."""
    for quantity in quantities:
        fact = chosen_fact(record, quantity)
        if fact is not None:
            return fact["origin"] + (f"/{fact['reading']}" if fact.get("reading") else "")
    return "-"


# The annotation records the parameters a card states; a size read from the model's name alone
# was left empty (tests/corpus/gold/README.md), so a size from the name is judged only where
# the card states one.
_STATED = ("flag", "yaml", "file", "hub", "prose")


def block_of(path: Path) -> dict:
    text = path.read_text(encoding="utf-8-sig")
    match = re.match(r"\s*---\r?\n(.*?)\r?\n---", text, re.DOTALL)
    try:
        data = yaml.safe_load(match.group(1)) if match else None
    except yaml.YAMLError:
        return {}
    block = data.get("co2_eq_emissions") if isinstance(data, dict) else None
    return block if isinstance(block, dict) else {"emissions": block} if block is not None else {}


def words(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def judge_written(key: str, value, card: dict) -> str | None:
    """'contradicted', 'unsupported' (the annotation states nothing) or None (agrees)."""
    if key == "emissions":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            own = number(card["own_emissions_g"])
            if own is None:
                # Another model's figure (the base's, the family's) written as this model's is wrong too.
                others = [number(item.split(":", 1)[0]) for item in card["other_figures"].split(";") if item.strip()]
                return "contradicted" if any(close(float(value), other, "emissions") for other in others) else "unsupported"
            return None if close(float(value), own, "emissions") else "contradicted"
        return "contradicted"
    if key == "hours_used":
        hours = number(card["hours"])
        if hours is None:
            return "unsupported"
        if card["hours_kind"] == "accelerator" and number(card["accelerator_count"]) != 1:
            # Accelerator-hours are never wall-clock hours, unless divided by the accelerators.
            count = number(card["accelerator_count"])
            return None if count and close(number(value), hours / count, "hours") else "contradicted"
        return None if close(number(value), hours, "hours") else "contradicted"
    if key == "energy_consumed":
        energy = number(card["energy_kwh"])
        if energy is None:
            return "unsupported"
        return None if close(number(value), energy, "energy") else "contradicted"
    if key == "training_type":
        if not re.search(r"pre-?train|fine-?tun", str(value), re.IGNORECASE):
            return "contradicted"  # a precision ("fp16 mixed precision") is not a training type
        if not card["training_type"]:
            return "unsupported"
        return None if words(value)[:4] == words(card["training_type"])[:4] else "contradicted"
    if key in ("hardware_used", "geographical_location"):
        stated = card["hardware" if key == "hardware_used" else "region"]
        if not stated:
            return "unsupported"
        a, b = words(value), words(stated)
        count = number(card["accelerator_count"])
        prefix = re.match(r"(\d+) x (.+)", str(value)) if key == "hardware_used" else None
        if prefix and count is not None and int(prefix.group(1)) * (_stated_count(prefix.group(2)) or 1) != count:
            return "contradicted"  # the count carbon-card puts in front: "4 x NVIDIA A100x4" for four A100s says 16
        if key == "geographical_location" and _same_grid(str(value), stated):
            return None  # "us-east-1" and "US East (N. Virginia)": one region, written two ways
        return None if a and b and (a in b or b in a or _shares_model_number(str(value), stated)
                                    or _same_words(str(value), stated)) else "contradicted"
    return None  # source, cloud_provider: not annotated


def _same_grid(a: str, b: str) -> bool:
    """Two place names that carbon-card's grid table reads as one region, or regions of one country."""
    from carbon_card.location import parse_location

    first, second = parse_location(a), parse_location(b)
    return bool(first and second and (first.region.key == second.region.key
                                      or first.region.country and first.region.country == second.region.country))


def _stated_count(text: str) -> float | None:
    """The accelerators a written hardware value counts: the product of the numbers a multiplication
    sign stands beside ("4 x NVIDIA A100x4": 16, "32 x 8 x A100": 256), None when it counts none."""
    counts = {match.start(1): int(match.group(1))  # by position: "32 x 8 x" has the 8 on both sides of a sign
              for pattern in (r"(?<![\w.])(\d+)\s*[x×](?=\s*[A-Za-z\d])", r"(?<=[A-Za-z\d])\s*[x×]\s*(\d+)(?![\w.])")
              for match in re.finditer(pattern, text)}
    return float(math.prod(counts.values())) if counts else None


def _same_words(a: str, b: str) -> bool:
    """'GPU with 39.6GB VRAM' and 'GPU (39.6GB VRAM)': every word of one is a word of the other."""
    first, second = (set(re.findall(r"[a-z0-9]+(?:\.[0-9]+)?", text.lower())) for text in (a, b))
    return bool(first and second) and (first <= second or second <= first)


def _shares_model_number(a: str, b: str) -> bool:
    """'1 x NVIDIA A100-SXM4-80GB' and 'A100-80GB' name one accelerator (a model number in both)."""
    def names(text: str) -> set[str]:
        text = re.sub(r"\b\d+\s*[x×]\s*", " ", text.lower())  # "32xA100-40G": the count is not the name
        return {letters + digits for letters, digits in re.findall(r"([a-z]+)[\s-]?(\d+)", text)}

    return bool(names(a) & names(b))


def evaluate(cards: list[dict], split: str, show: bool, by_reading: bool = False, parts: tuple[str, ...] = (),
             as_clones: bool = False, second: dict[str, dict] | None = None) -> None:
    cards = [c for c in cards if (split == "all" or c["split"] == split or split == "fresh" and c["part"] not in NOT_FRESH_PARTS and c["split"] == "validation")
             and (not parts or c["part"] in parts)]
    if not cards:
        print(f"== split {split}{' (parts ' + ', '.join(parts) + ')' if parts else ''}: no cards")
        return
    work = Path(tempfile.mkdtemp(prefix="facts-accuracy-"))
    try:
        base = work / "check"
        by_path = lay_out(cards, base, as_clones)
        result = cli("check", *CARD_FILES, "--format", "json", "--fail-on", "never", ".", cwd=base)
        records = {os.path.normpath(r["path"]): r for r in json.loads(result.stdout)}
        fixed = {}
        for name, flags in (("safe", ()), ("unsafe", ("--unsafe-fixes",))):
            copy = work / name
            shutil.copytree(base, copy)
            cli("check", *CARD_FILES, "--fix", *flags, "--fail-on", "never", "-q", ".", cwd=copy)
            fixed[name] = copy
        report(cards, by_path, records, fixed, base, split, show, by_reading, parts, second)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(cards, by_path, records, fixed, base, split, show, by_reading=False, parts=(), second=None) -> None:
    print(f"== split {split}{' (parts ' + ', '.join(parts) + ')' if parts else ''}: {len(cards)} cards")
    misses: list[str] = []
    readings: dict[tuple[str, str], list[int]] = {}  # (quantity, provenance) -> [right, chosen]
    # 1. per quantity: recall and precision of the chosen value
    for quantity in QUANTITIES:
        choices = []
        for path, card in by_path.items():
            record = records.get(path, {})
            truth, got, correct = carbon_cards_choice(quantity, card, record)
            choices.append((truth, got, correct))
            where = provenance(record, ("wall_hours", "accelerator_hours") if quantity == "hours" else (quantity,))
            if got is not None:
                tally = readings.setdefault((quantity, where), [0, 0])
                tally[0] += correct
                tally[1] += 1
            if (truth is not None or got is not None) and not correct:
                column = COLUMNS[quantity]
                misses.append(f"{quantity}: {card['file']}: annotated {card[column] or '-'}"
                              f"{' (' + card['hours_kind'] + ')' if quantity == 'hours' and card['hours_kind'] else ''},"
                              f" chosen {got if got is not None else '-'}{' (' + where + ')' if got is not None else ''}")
        recall, precision = _recall_and_precision(choices)
        print(f"  {quantity:18s} recall {recall}  precision {precision}")
        if by_reading:
            for (name, where), (good, total) in sorted(readings.items()):
                if name == quantity:
                    print(f"    {'from ' + where:30s} precision {_share(good, total)}")
    if second is not None:
        _second_reader(by_path, records, second)
    # 2. placeholders, kilograms in the grams field, files that are not model cards
    for label, flagged_code, is_case in (
        ("placeholders", "CC301", lambda c: bool(c["placeholders"])),
        ("kg in the g field", "CC402", lambda c: c["unit_error"] in ("kg-in-g", "t-in-g")),
        ("not a model card", "CC007", lambda c: c["is_model_card"] == "no"),
    ):
        cases = hits = false = 0
        for path, card in by_path.items():
            codes = {f["code"] for f in records.get(path, {}).get("findings") or ()}
            flagged = flagged_code in codes
            if flagged_code == "CC301":
                flagged = flagged or "CC110" in codes  # a field of the block left as the template's text
                if "co2_eq_emissions" in card["placeholders"]:
                    flagged = flagged or bool(codes & {"CC101", "CC103"})  # the block's figure itself
            cases += is_case(card)
            hits += is_case(card) and flagged
            false += flagged and not is_case(card)
            if is_case(card) != flagged:
                misses.append(f"{label}: {card['file']}: annotated {'yes' if is_case(card) else 'no'}, "
                              f"flagged {'yes' if flagged else 'no'}")
        print(f"  {label:18s} flagged {_share(hits, cases)}  false flags {false} "
              f"({100 * false / max(len(by_path), 1):.1f} per 100 cards)")
    # 3. cards with no carbon statement
    quiet = [(p, c) for p, c in by_path.items() if c["has_carbon_statement"] == "no" and c["is_model_card"] == "yes"]
    loud = 0
    what: dict[str, int] = {}  # the codes (and emissions facts) that spoke, counted: a total, no card named
    for path, card in quiet:
        record = records.get(path, {})
        extra = sorted({f["code"] for f in record.get("findings") or ()
                        if CARBON_CODES.fullmatch(f["code"]) and not _says_true(f["code"], card)})
        emissions = chosen(record, "emissions")
        if extra or emissions is not None:
            loud += 1
            for said in extra + (["an emissions fact"] if emissions is not None else []):
                what[said] = what.get(said, 0) + 1
            misses.append(f"no statement: {card['file']}: {' '.join(extra)}"
                          f"{' emissions ' + format(emissions, 'g') if emissions is not None else ''}")
    print(f"  no carbon statement: {len(quiet)} cards, {loud} with a finding beyond CC302 or an emissions fact"
          + (f" ({', '.join(f'{said} {n}' for said, n in sorted(what.items()))})" if what else ""))
    # 4. what the fixes write
    for name, folder in fixed.items():
        written = contradicted = unsupported = 0
        by_key: dict[str, int] = {}
        for path, card in by_path.items():
            before, after = block_of(base / path), block_of(folder / path)
            for key, value in after.items():
                if key in before and before[key] == value:
                    continue
                written += 1
                verdict = judge_written(key, value, card)
                if verdict == "contradicted" and key == "emissions" and "carbon-card" in str(after.get("source", "")):
                    verdict = None if number(card["own_emissions_g"]) is None else verdict  # a marked estimate
                contradicted += verdict == "contradicted"
                if verdict == "contradicted":
                    by_key[key] = by_key.get(key, 0) + 1
                unsupported += verdict == "unsupported"
                if verdict == "contradicted":
                    misses.append(f"{name} fix: {card['file']}: wrote {key}: {value!r}; annotation: "
                                  f"{_annotated(key, card)}")
        print(f"  {name + ' fixes':18s} values written {written}, contradicted {contradicted}, "
              f"not stated in the annotation {unsupported}"
              + (f" (contradicted: {', '.join(f'{key} {n}' for key, n in sorted(by_key.items()))})" if by_key else ""))
    if show:
        print("\n".join(f"    {line}" for line in misses))


def _annotated(key: str, card: dict) -> str:
    column = {"emissions": "own_emissions_g", "hours_used": "hours", "energy_consumed": "energy_kwh",
              "training_type": "training_type", "hardware_used": "hardware", "geographical_location": "region"}.get(key)
    value = card.get(column, "") if column else ""
    return (value or "-") + (f" ({card['hours_kind']})" if key == "hours_used" and card["hours_kind"] else "")


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:5.1f}%" if whole else f"{part}/0 =    -  "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "validation", "fresh", "all"), default=None)
    parser.add_argument("--show", action="store_true", help="list each miss (tune split unless --split)")
    parser.add_argument("--parts", default="", help="only the cards of these parts of the corpus (its batches), e.g. A8,B8")
    parser.add_argument("--by-reading", action="store_true",
                        help="precision of the chosen value per place it was read (metadata, a field, a sentence...)")
    parser.add_argument("--as-clones", action="store_true",
                        help="each card whose Hub id is known in a git clone of its repository (its remote names it)")
    parser.add_argument("--second-reader", action="store_true",
                        help="also a second annotation's recall and precision, next to carbon-card's, on the cards read twice")
    args = parser.parse_args()
    cards = load()
    second = load_second_pass() if args.second_reader else None
    splits = [args.split] if args.split else ["tune", "validation", "fresh", "all"]
    for split in splits:
        evaluate(cards, split, show=args.show and (split == "tune" or args.split is not None),
                 by_reading=args.by_reading, parts=tuple(part for part in args.parts.split(",") if part),
                 as_clones=args.as_clones, second=second)


if __name__ == "__main__":
    main()
