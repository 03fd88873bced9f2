"""One card's reading: the readers in turn (tables, fields, AutoTrain's line, sentences, ...), then what
the whole card says about their figures (groups of runs, a family's rows, figures in doubt)."""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Collection
from dataclasses import replace

from ..._regex import lazy_compile
from ...card import LINE_BREAK_RE, Card, word_positions
from ...markdown import hidden_spans, inside, prose_segments
from ...units import numbers_as_written_in, parse_count
from ..attribution import base_row_words, without_owner
from ..base import AGREEMENT, Fact, FactProblem, Reading
from .grammar import (
    MAX_FIGURES,
    _CLAUSE_MAX,
    _Enough,
    _NUM,
    _RUN_TOTALS,
    _SLICE_RE,
    _close,
    _grams,
    _number,
    _pick_row,
    name_tokens,
)
from .fields import _FieldReaders
from .tables import _TableReaders
from .sentences import _SentenceReaders


# "This is a 1.8B model trained on ...", "`replit-code-v1-3b` is a 2.7B Causal Language Model": the size the model is,
# a few words between it and "model" (not "is a 7B-parameter ..." alone, read as parameters, nor "is a 3B dataset"); not
# a size that a name holds ("Wizard Mega is a Llama 13B model fine-tuned on ...": its base's name).
_IS_A_SIZE_MODEL_RE = lazy_compile(r" is an? (?:[a-z]+ ){0,2}?(\d{1,4}(?:\.\d{1,3})? ?[MB])\b(?![\w.])"
                                   r"(?:[ -](?!param)[A-Za-z][\w]*){0,4}?[ -](?i:models?)\b")


_SENTENCE_START_RE = lazy_compile(r"[.!?:;]\s+|\]\([^)]*\)|\|")
_THIS_MODEL_SUBJECTS = frozenset({"this", "it", "this model", "the model", "our model", "this checkpoint"})


# The lines of a `co2_eq_emissions` block written in the body, indented under it ("\temissions: 0.001477 ([CO₂eq],
# in kg)"), and the unit said beside a number; a line that is not indented ends the block.
_QUOTED_BLOCKS, _QUOTED_LINES = 4, 12
_INSTRUCTION_RE = lazy_compile(r"\b(?:e\.g\.|for\s+example|example|if\s+possible|specify|you\s+(?:can|should|may)|should|add)\b",
                               re.IGNORECASE)
_QUOTED_EMISSIONS_RE = lazy_compile(rf"[ \t]+emissions[ \t]*:[ \t]*[\"']?({_NUM})(?![\d.])([^\n]*)", re.IGNORECASE)
_QUOTED_UNIT_RE = lazy_compile(r"\b(kg|kilograms?|g|grams?|t|tonnes?|tons?|mg)\b", re.IGNORECASE)
# COMPL-AI's model description (compl-ai/compl-ai's `model_descriptions`, for its EU AI Act benchmark): a heading
# per field, the value on a line below it ("## co2\n31220000"), in the units its template's comments give ("total
# time taken for training in hours") and, for `energy` and `co2`, which they leave unsaid, kWh and grams (a Llama 2
# description's 73728 is its 184320 hours times 0.4 kW; its 31220000 is Meta's 31.22 tCO2eq).
# Its compute fields (CC301 flags them left as a dash).
DESCRIPTION_COMPUTE_FIELDS = ("num_gpus", "gpu_power_draw", "time_to_train")


_PARAMS_BADGE_RE = lazy_compile(r"img\.shields\.io/badge/params-(\d{1,6}(?:\.\d{1,3})?[kmbt])-", re.IGNORECASE)
_AUTOTRAIN_RE = lazy_compile(rf"CO2 Emissions \(in grams\)\s*:\s*({_NUM})", re.IGNORECASE)


_H1_RE = lazy_compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


_TOTAL_WORD_RE = lazy_compile(r"\btotal\b", re.IGNORECASE)


def facts_from_prose(card: Card, model_name: str | None = None,
                     named_size: float | None = None) -> tuple[list[Fact], list[FactProblem]]:
    """Every fact the body states; `model_name` picks this model's row in multi-model tables;
    `named_size`, the parameters the name states, tells a sentence about a model of another size."""
    if not card.body.strip():
        return [], []
    with numbers_as_written_in(card.body):  # "447,327 kg" in a text of "PUE 1,47" is 447.327 kg
        return _Reader(card, model_name, named_size).read()


def first_heading(card: Card) -> str | None:
    """The card's title (first level-1 heading), often the model's name; not a comment of a code block ("# 单轮数据格式"
    in Tencent-Hunyuan-Large's Chinese README, "# Load the model") nor of an HTML comment, which the Hub renders as none."""
    hidden = None
    for match in _H1_RE.finditer(card.body):
        if hidden is None:
            hidden = hidden_spans(card.body)
        if not inside(match.start(), hidden):
            return match.group(1).strip()
    return None


# The words of a run's label that name its stage, not its model ("IDEFICS-9b pretraining").
_RUN_STAGE_WORDS = frozenset({"pretraining", "pre", "training", "train", "finetuning", "fine", "tuning", "tuned",
                              "finetuned", "phase", "stage", "run", "emissions", "carbon", "footprint"})
_LIST_ITEM_RE = lazy_compile(r"[ \t]*[-*+][ \t]+\S")
_GROUP_LABEL_RE = lazy_compile(r"[ \t]*(\*\*|\*|__|_)([^*_\n]{2,80})\1[ \t]*:?[ \t]*\r?$")
_GROUP_ITEMS_MAX = 30  # list items looked back over for a group's label (bounded: linear time)


# The order in which Facts.best takes figures of equal origin: the most structured reader first.
_READER_RANK = {Reading.FIELD: 0, Reading.AUTOTRAIN: 1, Reading.OWN_ROW: 2, Reading.ROW: 2, Reading.TOTAL_ROW: 3,
                Reading.LAST_ROW: 4, Reading.DEFINITION: 5, Reading.SENTENCE: 5}


def _reader_rank(fact: Fact) -> int:
    return _READER_RANK.get(fact.reading, 5)


# The quantities two sentences may disagree on (`_Reader._figures_in_doubt`), in the order they are looked at.
_DOUBTED_WHEN_TWO = ("wall_hours", "accelerator_hours", "accelerator_count", "emissions")


def _agree(values) -> bool:
    """Whether figures are one figure, give or take a tenth."""
    values = list(values)
    return max(values) <= min(values) * AGREEMENT


class _Reader(_FieldReaders, _TableReaders, _SentenceReaders):
    """Collects facts and problems from one card's body, with line numbers in the card."""

    def __init__(self, card: Card, model_name: str | None, named_size: float | None = None):
        self.card = card
        self.body = card.body
        self.body_line = card.body_line
        self.model_name = model_name
        self.named_size = named_size
        self.facts: list[Fact] = []
        self.problems: list[FactProblem] = []
        self.lower = card.body_lower
        self.used_lines: set[int] = set()
        self.used_spans: list[tuple[int, int]] = []  # body offsets of the lines in used_lines
        self.of_this_model: set[int] = set()
        """ids of the facts read from a sentence that names "this model" before the figure."""
        self.under_training_heading: set[int] = set()
        """ids of the facts read from a sentence under a heading about training."""
        self.unmatched_rows = False
        self.tables_of_models = 0  # the tables of training figures with a row per model (`tables`)
        self.field_label: str | None = None
        """The label of the field being read (`_labelled`): its facts keep it."""
        self.own_names: list[set[str]] = []
        self.body_lines: list[str] | None = None  # split when first asked for (`_lines`)
        self.segments: list[tuple[int, int]] | None = None  # the rendered text's parts, found when asked
        self.segment_starts: list[int] = []
        self.other_names: list[set[str]] = []
        self.section_subjects: dict[int, str | None] = {}  # by the offset of a heading: its first paragraph's subject
        self.base_sizes: set[int] = set()  # ids of the sizes read from the base's row, as this model's
        self.anchors_found: Collection[str] = ()  # the anchor words the prose holds (`sentences`)
        self.is_a_positions: list[int] = []  # where " is a" stands in the prose (`sentences`)

    def line(self, body_offset: int) -> int:
        return self.card.line_of_offset(self.card.body_span[0] + body_offset)

    def in_prose(self, body_offset: int) -> bool:
        """Whether `body_offset` is in text the Hub renders (not in fenced code nor an HTML comment)."""
        if self.segments is None:
            self.segments = prose_segments(self.body)
            self.segment_starts = [start for start, _ in self.segments]
        if len(self.segments) == 1 and self.segments[0] == (0, len(self.body)):
            return True
        index = bisect.bisect_right(self.segment_starts, body_offset) - 1
        return index >= 0 and body_offset < self.segments[index][1]

    def _use(self, body_offset: int) -> None:
        """Mark the line at `body_offset` as read: later readers skip it."""
        self.used_lines.add(self.line(body_offset))
        start = self.body.rfind("\n", 0, body_offset) + 1
        end = self.body.find("\n", body_offset)
        self.used_spans.append((start, len(self.body) if end < 0 else end))

    def add(self, quantity: str, value: object, text: str, body_offset: int, scope: str = "model",
            note: str | None = None, reading: Reading = Reading.SENTENCE, row: str | None = None) -> None:
        if isinstance(value, float) and not math.isfinite(value):  # "1e400 g": no estimate can use it
            self.problem(f"{text.strip()[:60]!r} is not a finite number", body_offset)
            return
        if len(self.facts) >= MAX_FIGURES:
            raise _Enough
        line = self.line(body_offset)
        self.facts.append(Fact(quantity, value, text.strip(), "prose", self.card.path, line, None, scope, note,
                               reading, row, None, self.field_label))

    def problem(self, message: str, body_offset: int, quantity: str | None = None) -> None:
        if len(self.problems) >= MAX_FIGURES:
            raise _Enough
        self.problems.append(FactProblem("unknown-unit", message, self.card.path, self.line(body_offset), quantity=quantity))

    # 2. Badges and AutoTrain -------------------------------------------------------------
    def badges(self) -> None:
        """A size in a badge's address: "[![Model size](https://img.shields.io/badge/Params-36M-lightgrey#model-badge)]"
        on NVIDIA's NeMo cards, a field of their template. Looked for only in a prose that says "param" (the sentences'
        anchors, found already): most do not."""
        if "param" not in self.anchors_found:
            return
        for position in word_positions(self.lower, "img.shields.io/badge/params-")[:1]:
            match = _PARAMS_BADGE_RE.match(self.body, position)
            if match is not None and self.in_prose(position):
                self.add("params", parse_count(match.group(1)), match.group(1), position, note="badge 'Params'",
                         reading=Reading.FIELD)

    def autotrain(self) -> None:
        for position in word_positions(self.lower, "co2 emissions (in grams)"):
            match = _AUTOTRAIN_RE.match(self.body, position)
            if match is None or not self.in_prose(position) or self.used_lines and self.line(position) in self.used_lines:
                continue
            self._use(position)
            self.add("emissions", _number(match.group(1)), match.group(0), position, note="AutoTrain line",
                     reading=Reading.AUTOTRAIN)

    def sizes_the_model_is(self) -> None:
        """A size in the sentence that says what this model is: "This is a 1.8B model trained on Cosmopedia"
        (cosmo-1b, whose name rounds it), "`replit-code-v1-3b` is a 2.7B Causal Language Model". Its subject
        is the model ("This", "It", "This model", or a name whose words are all in the model's); a size that
        another subject is ("which is a 1b model", a linked model's) is no reading of this model."""
        # Where " is a" stands in the prose is found by the sentences' pass over their anchor words (a pass of its own
        # cost 2% of the readers' time on the gold cards).
        for at in self.is_a_positions:
            match = _IS_A_SIZE_MODEL_RE.match(self.body, at)
            if match is None:
                continue
            at += 1
            line_start = self.body.rfind("\n", 0, at) + 1
            subject = _SENTENCE_START_RE.split(self.body[max(line_start, at - 120) : at - 1])[-1]
            subject = subject.strip(" \t*_`>#-").lower()
            if subject not in _THIS_MODEL_SUBJECTS and not (
                    self.model_name and (words := name_tokens(subject)) and words <= name_tokens(without_owner(self.model_name))):
                continue
            self.add("params", parse_count(match.group(1).replace(" ", "")), match.group(0).strip(), match.start(1),
                     note="sentence: the size the model is", reading=Reading.DEFINITION)

    def quoted_blocks(self) -> None:
        """A `co2_eq_emissions` block written in the body, most often in a code block under "Carbon Footprint",
        where the Hub does not read it ("co2_eq_emissions:\n\temissions: 0.001477 ([CO₂eq], in kg)" on a course
        project's card): the card's own statement, its unit said beside the number or the Hub's grams. Looked
        for only in a prose that speaks of emissions (the sentences' anchors, found already): most do not."""
        if not {"emission", "co2", "co₂", "footprint"} & self.anchors_found:
            return
        for position in word_positions(self.lower, "co2_eq_emissions:")[:_QUOTED_BLOCKS]:
            line_start = self.body.rfind("\n", 0, position) + 1
            if self.body[line_start:position].strip("`>") or _INSTRUCTION_RE.search(self.body, max(0, line_start - 300), line_start):
                continue  # not a line's start ("add `co2_eq_emissions:` to the front matter"), or an example of one
                # ("If possible, specify the carbon emissions from training. ```yaml ... emissions: 123.45": a docs page's)
            offset = self.body.find("\n", position) + 1
            lines = self.body[offset : offset + _QUOTED_LINES * 200].split("\n", _QUOTED_LINES)[:_QUOTED_LINES] if offset else []
            for line in lines:
                if line[:1] not in (" ", "\t"):
                    break  # the block ends where a line is not indented
                match = _QUOTED_EMISSIONS_RE.match(line)
                if match:
                    unit = _QUOTED_UNIT_RE.search(match.group(2))
                    grams = _grams(f"{match.group(1)} {unit.group(1)}") if unit else float(match.group(1))
                    self.add("emissions", grams, line.strip(), offset, note="`co2_eq_emissions` in the body",
                             reading=Reading.FIELD)
                    break
                offset += len(line) + 1

    def _heading_before(self, start: int) -> str:
        """The last Markdown heading line within `_CLAUSE_MAX` characters before `start` ("" if none)."""
        low = max(0, start - _CLAUSE_MAX)
        at = self.body.rfind("\n#", low, start)
        if at < 0 and not (low == 0 and self.body.startswith("#")):  # a heading on the body's first line too
            return ""
        end = self.body.find("\n", at + 1, start)
        return self.body[at + 1 : end if end >= 0 else start]

    def read(self) -> tuple[list[Fact], list[FactProblem]]:
        try:
            self.tables()
            self.labelled_lines()
            self.plain_fields()
            self._run_groups()
            self.autotrain()
            self._names_from_tables()
            self.sentences()
            self.sizes_the_model_is()
            self.quoted_blocks()
            self.badges()
            self.description_fields()
        except _Enough:
            pass  # a text of thousands of figures is no card's: what was read stands, the rest is not read
        self._rescope_family_figures()
        self._figures_in_doubt()
        self._base_size_yields()
        if len(self.facts) > 1:
            # The most structured reader first: Facts.best takes the first of equal origin.
            self.facts.sort(key=_reader_rank)
        return self.facts, self.problems

    def _base_size_yields(self) -> None:
        """The base's row gives this model's size unless the card states another of its own: "It has
        **502.7** million parameters" on T5-Efficient-XL-NL4's card, whose base row "Xl" says 3B (a
        narrower variant of the base, not a fine-tune of it); "It has **15.58** million parameters" on
        T5-Efficient-TINY-FF2000's, whose base row "Tiny" says 16M (the row's size is rounded, the model's exact)."""
        if not self.base_sizes:
            return
        own = [fact.value for fact in self.facts if fact.quantity == "params" and fact.scope == "model"
               and id(fact) not in self.base_sizes and fact.reading in (Reading.FIELD, Reading.DEFINITION, Reading.SENTENCE)]
        for index, fact in enumerate(self.facts):
            if id(fact) in self.base_sizes and own and not any(_close(value, fact.value) for value in own):
                self.facts[index] = replace(fact, scope="other", note=f"{fact.note}, but the card states another")

    def _run_groups(self) -> None:
        """Fields under labels of their own, one group per training run ("*IDEFICS-9b pretraining*"
        then its Hardware Type, Hours used and Carbon Emitted; "*IDEFICS-80b pretraining*" then
        its own): a table written as lists. The label that the model's name picks is this model's
        row; the others are other models' (or, when none is picked, rows of unknown models)."""
        labels: dict[int, str] = {}  # id(fact) -> the label of its group
        for fact in self.facts:
            if fact.reading is Reading.FIELD and fact.scope == "model" and fact.row is None:
                label = self._group_label(fact.line)
                if label is not None:
                    labels[id(fact)] = label
        distinct = list(dict.fromkeys(labels.values()))
        named = [" ".join(sorted(name_tokens(label) - _RUN_STAGE_WORDS)) for label in distinct]
        if len(distinct) < 2 or not any(any(c.isdigit() for c in words) for words in named):
            return  # one group, or groups of stages ("*Pretraining*", "*Fine-tuning*"): no rows of models
        model_tokens = name_tokens(self.model_name) if self.model_name else set()
        mine = _pick_row(named, model_tokens, self.model_name)
        scopes = {}
        for index, label in enumerate(distinct):
            tuning = base_row_words(name_tokens(named[index]), self.model_name) if index == mine else set()
            if index == mine and not tuning:
                scopes[label] = ("model", "this model")
            elif index == mine:
                scopes[label] = ("other", f"the base of this model (this one adds {', '.join(sorted(tuning))})")
            else:
                scopes[label] = ("row" if mine is None else "other", None)
        for position, fact in enumerate(self.facts):
            label = labels.get(id(fact))
            if label is not None:
                scope, why = scopes[label]
                note = f"{fact.note}; under '{label}'" + (f", {why}" if why else "")
                self.facts[position] = replace(fact, scope=scope, note=note, row=label,
                                               reading=Reading.FIELD if scope == "model" else Reading.ROW)

    def _group_label(self, line: int) -> str | None:
        """The label line heading the list that holds `line`: an emphasised line alone
        ("*IDEFICS-9b pretraining*", "**Stage 2**") right above the list's items (one blank line
        allowed between); None when the list has none."""
        lines = self._lines()
        index = line - self.body_line - 1  # the line above, 0-based in the body
        stop = max(0, index - _GROUP_ITEMS_MAX)
        while index >= stop and _LIST_ITEM_RE.match(lines[index]):
            index -= 1
        if 0 <= index < len(lines) and not lines[index].strip():
            index -= 1  # one blank line between the label and its items
        if index < 0 or index < stop or index >= len(lines):
            return None
        label = _GROUP_LABEL_RE.match(lines[index])
        return " ".join(label.group(2).split()) if label else None

    def _rescope_family_figures(self) -> None:
        """On a card whose tables list several models, a figure stated outside the tables is
        about the family (Meta's "Estimated total emissions were 2290 tCO2eq"), unless it is
        this model's own row."""
        if not self.other_names:
            return
        own_rows = {(f.quantity, f.value) for f in self.facts if f.scope == "model" and f.row is not None}
        for index, fact in enumerate(self.facts):
            if fact.scope != "model" or fact.quantity not in _RUN_TOTALS or fact.row is not None:
                continue
            if id(fact) in self.of_this_model:
                continue  # "This model was trained on 440 A100s for about 9.5 days": the sentence says whose
            if not any(q == fact.quantity and _close(v, fact.value) for q, v in own_rows):
                self.facts[index] = replace(fact, scope="family")

    def _figures_in_doubt(self) -> None:
        """Sentences that give this model two durations ("### Run 1 ... trained in total for 1 day
        and 8 hours", "### Run 2 ... for 18 hours"; "10 V100 GPU hours ... 60 V100 GPU hours ... An
        additional 100 V100 GPU hours") or two accelerator counts (a quoted paper's "a single
        RTX-2080 GPU" beside "Trained on 2xA4000s") leave it open: each is kept as a row whose
        model is unknown, unless the sentences that say whose agree ("We trained ... for 46
        hours", beside "the 200 hours used in the Orca paper"), or else those under a heading
        about training do. So do figures of emissions (a project README's techniques, each with
        its emissions; an e-mail's "≈ 4 gCO₂eq" beside a project's), unless one figure is stated
        twice where no other is (`_restated`)."""
        self._cores_beside_their_slice()
        by_quantity: dict[str, list[int]] = {}  # this model's figures read from sentences, in one pass over the facts
        for index, fact in enumerate(self.facts):
            if fact.reading is Reading.SENTENCE and fact.scope == "model" and fact.quantity in _DOUBTED_WHEN_TWO:
                by_quantity.setdefault(fact.quantity, []).append(index)
        for quantity in _DOUBTED_WHEN_TWO:  # in this order: the counts' pass then rescopes the hours of their sentences
            stated = by_quantity.get(quantity, ())
            if len(stated) < 2 or _agree(self.facts[index].value for index in stated):
                continue
            kept: set[int] = set()
            for trusted in (self.of_this_model, self.under_training_heading):
                chosen = [index for index in stated if id(self.facts[index]) in trusted]
                if chosen and _agree(self.facts[index].value for index in chosen):
                    kept = set(chosen)
                    break
            if not kept and quantity == "emissions":
                kept = self._restated(stated)
            doubted = set()
            for index in stated:
                if index not in kept:
                    fact = self.facts[index]
                    self.facts[index] = replace(fact, scope="row", note=f"{fact.note}; one of several figures")
                    doubted.add((fact.line, fact.text))
            if quantity == "accelerator_count":
                # The accelerator goes with its count: "a single RTX-2080 GPU" is the quoted paper's; and so does
                # the time its sentence gives the run ("MPT-1.3B was trained on 440 A100-40GBs for about half a day").
                # A time its sentence calls the total stays: "Total training time was around 14 days on 128 GPUs
                # for 1024 context and a few days on 16 GPUs for 2048 context".
                lines = {line for line, _ in doubted}
                for index, fact in enumerate(self.facts):
                    if fact.scope == "model" and (
                            kept and fact.quantity == "hardware" and (fact.line, fact.text) in doubted
                            or fact.quantity in ("wall_hours", "accelerator_hours") and fact.reading is Reading.SENTENCE
                            and fact.line in lines and not self._called_the_total(fact)):
                        self.facts[index] = replace(fact, scope="row", note=f"{fact.note}; one of several figures")

    def _restated(self, stated: list[int]) -> set[int]:
        """Of figures of emissions that disagree, the one the card states twice (or more) where no other is:
        "- Optimized: 0.0244 kWh (10.9 g CO2e)" and, in its summary, "- CO2: 10.9 g CO2e", beside inference's
        "~0.00014 g CO2e" per prediction; "~3 kg CO₂" and its working "≈ 2.85 kg CO₂", beside "the original ~5.7
        kg CO₂ estimate". Figures each stated once (a comparison of techniques, each with its emissions; an
        e-mail's and a shower's beside a project's) leave it open (an empty set)."""
        # The figures a figure agrees with are a run of them in order of value: found by bisection, not pair by pair
        # (a text of a thousand figures would take a million comparisons).
        ordered = sorted(stated, key=lambda index: self.facts[index].value)
        values = [self.facts[index].value for index in ordered]
        runs = {(bisect.bisect_left(values, value / AGREEMENT), bisect.bisect_right(values, value * AGREEMENT))
                for value in values}
        largest = max(end - start for start, end in runs)
        widest = [run for run in runs if run[1] - run[0] == largest]
        return set(ordered[widest[0][0] : widest[0][1]]) if largest > 1 and len(widest) == 1 else set()

    def _cores_beside_their_slice(self) -> None:
        """A TPU slice counts as one board ("a TPUv3-8"), unless its cores are counted beside it: "TPUv3-8 machine
        (...) **8 v3 TPU cores**" is 8, and the board's 1 is no second figure. Looked for only in a prose whose
        anchors hold "tpu cores"."""
        if "tpu cores" not in self.anchors_found:
            return
        cores = {(fact.line, fact.value) for fact in self.facts if fact.quantity == "accelerator_count"
                 and fact.scope == "model" and "tpu cores" in fact.text.lower()}
        if not cores:
            return
        for index, fact in enumerate(self.facts):
            if (fact.quantity == "accelerator_count" and fact.scope == "model" and fact.value == 1
                    and (slice_name := _SLICE_RE.search(fact.text)) and (fact.line, int(slice_name.group(1))) in cores):
                self.facts[index] = replace(fact, scope="row", note=f"{fact.note}; the slice's cores are counted beside it")

    def _lines(self) -> list[str]:
        """The body's lines, split once when a reader first asks."""
        if self.body_lines is None:
            # A text without "\r" (most) is split at its "\n" alone, without the pattern.
            self.body_lines = self.body.split("\n") if "\r" not in self.body else LINE_BREAK_RE.split(self.body)
        return self.body_lines

    def _called_the_total(self, fact: Fact) -> bool:
        """Whether the sentence of a fact read from prose says "total" before its figure."""
        lines, index = self._lines(), fact.line - self.body_line
        line = lines[index] if 0 <= index < len(lines) else ""
        before = line[: max(0, line.find(str(fact.text)))]
        return _TOTAL_WORD_RE.search(before[before.rfind(". ") + 1 :]) is not None
