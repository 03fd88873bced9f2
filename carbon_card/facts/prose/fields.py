"""The fields reader: labelled lines (the template's `- **Hardware Type:** ...`), plain fields
(`Training time: 14 days`) and a description's `model_num_parameters`-style headings."""

from __future__ import annotations

import itertools
import re
from typing import Sequence

from ..._regex import lazy_compile
from ...markdown import heading_value, hidden_spans, lines_with
from ...units import (
    APPROXIMATELY,
    UnitError,
    parse_accelerator_count,
    parse_count,
    parse_duration_hours,
    parse_energy_kwh,
)
from ..base import Reading
from ..metadata import normalise_training_type, states_nothing
from .grammar import (
    MAX_FIGURES,
    _ABOUT,
    _ACCELERATOR_HOURS_LABEL_RE,
    _BOUND_BEFORE_RE,
    _ENERGY_RE,
    _FOR_MODEL_AFTER_RE,
    _GAS,
    _HEADER_UNIT_RE,
    _HELD_OUT_RE,
    _LABEL_ENERGY_UNIT_RE,
    _MASS_RE,
    _MASS_UNIT,
    _MIN_MODEL_SIZE,
    _NUM,
    _NUMBER_START,
    _PARAMS_RE,
    _PARAM_SCALES,
    _PER_SCALE_RE,
    _PER_UNIT_RE,
    _RANGE_END_RE,
    _RUNS_THE_MODEL,
    _SCALED,
    _SCALED_SIZE,
    _SCALED_SIZE_RE,
    _SCALE_BEFORE_PARAMS_RE,
    _TOKENS_RE,
    _about_evaluation_or_use,
    _close,
    _grams,
    _label_kind,
    _number,
    _table_value,
)


# A field label that states the unit of its bare number: "Carbon Emitted (kg CO2)", "CO2 (in grams)",
# "Emissions in kg"; not a rate ("Carbon Efficiency (kg/kWh)").
_LABEL_MASS_UNIT_RE = lazy_compile(rf"(?:\(\s*|\bin\s+)(?:in\s+)?({_MASS_UNIT})(?=[^a-z/]|$|co){_GAS}?\s*(?:\)|$)",
                                   re.IGNORECASE)


# A run said to be a family's: "- **GPUs:** 256 * Nvidia Tesla A100 (for whole model series training)".
_FAMILY_RUN_RE = lazy_compile(r"\bfor\s+(?:the\s+)?(?:whole|entire|all)\s+(?:the\s+)?(?:model\s+)?(?:series|family|models)\b",
                              re.IGNORECASE)


_DESCRIPTION_FIELDS = {"model_num_parameters": "params", "num_gpus": "accelerator_count",
                       "time_to_train": "wall_hours", "energy": "energy", "co2": "emissions"}
_DESCRIPTION_HEADING_RE = lazy_compile(rf"^#{{1,6}}[ \t]+(model_name|{'|'.join(_DESCRIPTION_FIELDS)})[ \t]*\r?$",
                                       re.MULTILINE)
_DESCRIPTION_NUMBER_RE = lazy_compile(rf"\s*({_NUM})\s*")
# A figure of energy or power where a field names hardware: "GPU: 0 kWh", "GPU: 250 W".
_ENERGY_OR_POWER_RE = lazy_compile(r"[~≈]?\s*\d[\d.,]*\s*(?:[kmg]?wh|[kmg]?w)\b", re.IGNORECASE)
_DURATION_VALUE_RE = lazy_compile(r"[~≈]?\s*\d[\d.,]*\s*(?:h|hrs?|hours?|horas?|heures?|stunden|ore)\b", re.IGNORECASE)
# A file system's path, in a code span or not: "`/home/user/project/`", "~/runs", "C:\\models".
_PATH_RE = lazy_compile(r"`?(?:~|\.{1,2})?/\S*`?|`?[A-Za-z]:\\\S*`?")
# A list item of an average or a rate, over nested items: "- **Average per Run:**", "* Per epoch:".
_RATE_ITEM_RE = lazy_compile(r"[ \t]*[-*+][ \t]+(?:\*\*)?[^:\n]{0,30}\b(?:average|mean|per\s+(?:run|epoch|step|sample|query|request))\b",
                             re.IGNORECASE)
# A list item of a use that is not the training, over nested items: "- **Inference and Validation**:", "* Evaluation:"
# (not "- Training and inference:").
_OTHER_USE_ITEM_RE = lazy_compile(r"[ \t]*[-*+][ \t]+(?:\*\*)?(?![^:\n]{0,40}\btrain)[^:\n]{0,30}\b(?:inference|evaluation"
                                  r"|validation|testing|serving|deployment)\b", re.IGNORECASE)
# What a run states of its compute and carbon: under an item of another use, that use's.
_RUN_KINDS = frozenset({"hardware", "accelerator_count", "hours", "energy", "emissions", "location", "cloud_provider"})


_PLAIN_LABEL = (
    # Labels that share their first letters share one branch ("t" of "tpu", "training time", "total ..."): an
    # alternation tries its branches one by one at each line, and most lines of code ("tokenizer = ...") try them.
    r"gpus?(?: used)?|hardware(?: type| used)?|hours used|carbon emitted|co2 emissions?|cloud provider|compute region"
    r"|compute (?:time|duration)|overall training time|duration(?: of (?:the )?(?:training|fine-?tuning|pre-?training))?"
    r"|t(?:pu(?:s| cores)?|raining (?:time|duration|hours|tokens)|ime"
    # "- Total wall time: `4.45` minutes", "- Total training runtime: ~11 minutes" (a plain "Wall time" or "Runtime" only
    # in a table or bold: lines of "- Weighted F1:" and "- Recall:" would all try every label); "*Total kWh = 2500",
    # "*Total Emissions (tCO2e) = 0.8075": totals written as equations
    r"|otal (?:training (?:time|wall[- ]?(?:clock )?time|run ?time)|wall[- ]?(?:clock )?time|run ?time"
    r"|(?:emissions|kwh|energy)(?: \([^()\n]{1,20}\))?(?=[ \t]*=)))"
    r"|n(?:um_devices|um_gpus?|_gpus?|umber of parameters)|cuda_device(?:_count|s)"
)
# A size whose label holds its scale: "* Model size/M: 87.42", "* \# of parameters (million): 46.51". A pattern of
# its own, tried only on a text that says "parameters" or "model size": in `_PLAIN_LABEL`, its initials ("m", "p")
# would let most lines of AutoTrain's cards ("- Problem type: ...", "- Model ID: ...") try every label.
# ... and a size's plain field as its bold one: "- Model Size: 8.03B", "- Params: 25.5B" (looked for on the lines that
# hold the words only, as the lines of a scale's label: most cards have none).
_PLAIN_SIZE_FIELD_RE = lazy_compile(r"^[ \t]*(?:[-*+][ \t]+)?(?P<label>(?:model size|\\?#\s*of parameters|(?:number of )?"
                                    r"parameters)\s*(?:/\s*[kmb]|\(\s*(?:millions?|billions?|[kmb])\s*\))|model size|params)"
                                    r"[ \t]*[:=][ \t]*"
                                    r"(?P<value>[^\n]+)$", re.IGNORECASE | re.MULTILINE)
# The words of those labels, each with what follows it there: a scale ("parameters (million)"), or also the label's end
# ("Model Size:", "Params:"; a plain "Parameters:" is a sentence reader's, `_PARAMS_STATED_RE`).
_SIZE_LABEL_WORDS = (("parameters", lazy_compile(r"\s*[/(]")), ("model size", lazy_compile(r"\s*[/(:=]")),
                     ("params", lazy_compile(r"\s*[/(:=]")))
# The first letters of the labels (a test checks them against `_PLAIN_LABEL`): the look-ahead turns
# down the other lines ("- Loss: 0.1", "from x import y") at once, where the labels are tried one by one.
_PLAIN_LABEL_INITIALS = "cdghnot"
# A second field on a field's line, after a sentence's or a list's separator: "Hardware: 4 * NVIDIA A100. Training
# time: 48h." (the first field's value ends before it).
_FIELDS_ON_A_LINE = 8
_NEXT_FIELD_RE = lazy_compile(rf"(?:[.;,]|\s[-–—|])\s+(?=[{_PLAIN_LABEL_INITIALS}])(?P<label>{_PLAIN_LABEL})[ \t]*[:=][ \t]*",
                              re.IGNORECASE)
_PLAIN_FIELD_RE = lazy_compile(
    # "`GPUs: 2 GeForce GTX 1070, each with 8GiB memory`": a field in a code span, as a line of a machine's specs
    rf"^[ \t]*(?:[-*+][ \t]+)?(?:\*(?=total )|(?P<code>`))?(?=[{_PLAIN_LABEL_INITIALS}])(?P<label>{_PLAIN_LABEL})[ \t]*[:=][ \t]*"
    r"(?P<value>[^\n]+)$", re.IGNORECASE | re.MULTILINE)
# "- **Hardware Type:** x", "**Training time**: x", "- **Carbon Emitted** *(remark)*: x". A bold
# lead-in without a colon ("**Carbon Footprint** Pretraining used ...") is a sentence instead.
_LABELLED_RE = lazy_compile(
    r"^[ \t]*(?:[-*+][ \t]+)?\*\*(?P<label>[^*\n]{2,120}?)[ \t]*(?::[ \t]*\*\*|\*\*(?:[ \t]*\*\([^)\n]*\)\*)?[ \t]*:"
    r"|:(?=[^*\n]{0,200}\*\*[ \t]*\r?$))"  # "- **Hours used: 202.1**": the value in bold too (a short one: bounded)
    r"[ \t]*(?P<value>[^\n]*)$",
    re.MULTILINE,
)


# Not the training's total: "Annual Inference Emissions", "Energy per query", "Per-Document Energy" (a rate of
# anything but a training run is no training's figure).
_NOT_TRAINING_LABEL_RE = lazy_compile(rf"{_RUNS_THE_MODEL}|annual|yearly|\bper[\s-]+(?!(?:training\s+)?run\b)\w"
                                      r"|/\s*(?:year|day|query)|life-?\s?cycle",
                                      re.IGNORECASE)


# Words that may come before the figure of an emissions field: "~ 5 kg", "approximately 5 kg".
_FIGURE_LEAD = frozenset({"approx", "approximately", "about", "around", "roughly", "estimated", "est", "ca",
                          "circa", "total", "less", "than", "under", "below", "up", "to", "over", "more", "at", "most",
                          "least", "nearly", "almost", "only", "co", "eq"})


# ... of sizes: "3M to 68M parameters".
_SIZE_RANGE_END_RE = lazy_compile(r"\d\s*(?:[kmbt]|million|billion)?\s*(?:-|–|—|to)\s*$", re.IGNORECASE)


# Before a figure: "~", "approximately", "about" (the figure is the figure, give or take).
_APPROX = rf"\s*(?:[{APPROXIMATELY}]|(?:{_ABOUT})\s)?\s*"
_RANGE_START_RE = lazy_compile(rf"{_APPROX}{_NUM}\s*[a-z]*\s*(?:-|–|—|to)\s*{_NUM}", re.IGNORECASE)
_GENERIC_TIME_LABELS = {"time", "duration"}
_PLUS_AFTER_RE = lazy_compile(r"\s*(?:\([^()\n]{0,40}\)\s*)?\+")  # "300 hours (TPU) + 24 hours (GPU)"
# The training's own time in parentheses after a field's rounder figure: "~1 hour (44.5 minutes training time)".
_TRAINING_TIME_AFTER_RE = lazy_compile(r"\s*\(\s*(\d[^()\n]{0,30}?)\s+(?:of\s+)?training(?:\s+time)?\s*\)", re.IGNORECASE)
# Hours spent on something other than training: "~100 hours development", "(of) inference", "evaluation".
_NOT_TRAINING_AFTER_RE = lazy_compile(r"\s*(?:of\s+|for\s+|on\s+)?(?:development|dev\b|coding|engineering|inference|serving|eval(?:uation)?\b|setup"
                                      r"|annotation|labell?ing|data\s+(?:collection|preparation|processing))"
                                      # a sum over many runs: "50 hours across 25+ ablation studies"
                                      r"|[^\n]{0,20}?\b(?:across|over)\s+(?:all\s+)?(?:the\s+)?\d*\+?\s*(?:ablations?|experiments|runs|models)\b",
                                      re.IGNORECASE)
# A field's value: its leading number ("~ 12.5 kg"), that number whole ("460,000 CPU hours" gives no
# "460"; nor "3 epochs" any hours), a size alone ("7B"), a duration ("2 hours and 56 minutes",
# "18h, 19min", "300 GPU hours").
_LEADING_NUMBER_RE = lazy_compile(rf"\s*~?\s*({_NUM})")
_DIGIT_AFTER_RE = lazy_compile(r"\s*\d")
_COUNT_VALUE_RE = lazy_compile(r"\s*(\d{1,6})\s*(?:\([^()\n]{0,40}\)\s*)?")
_ON_ACCELERATORS_AFTER_RE = lazy_compile(r"\s*(?:on|using|with)\s+([^,;()\n]{3,40}?)\s*(?:[,;(]|$)", re.IGNORECASE)
# One device named after a field's time, as a sentence names it: "~4 hours on Tesla T4 GPU", "~6 hours on the NVIDIA
# Tesla P100 GPU provided in Kaggle Notebooks" (not "on T4 GPUs").
_ON_ONE_DEVICE_AFTER_RE = lazy_compile(r"\s*(?:on|using|with)\s+(?:an?\s+|the\s+|one\s+)?((?:[\w.-]+\s+){1,4}?(?:GPU|TPU))\b(?!s)",
                                       re.IGNORECASE)
# Not before a word ("3 epochs") nor another number ("2 20 updates": 2^20 with its superscript lost).
_WHOLE_LEADING_NUMBER_RE = lazy_compile(rf"\s*~?\s*({_NUM})(?![\d.,]?\d)(?!\s*[^\W_])\b")
_SIZE_VALUE_RE = lazy_compile(rf"\s*({_SCALED})\s*")


_SIZE_FIRST_RE = lazy_compile(rf"\s*[{APPROXIMATELY}]?\s*({_SCALED_SIZE})(?![\w.])(?:\s*(\(?total\b\)?))?", re.IGNORECASE)


# "2 hours 10 minutes", and written without spaces after a unit's letters: "2h10min", "0H:23M".
_FIELD_DURATION_RE = lazy_compile(rf"{_APPROX}({_SCALED}(?:\s*(?:(?:GPU|TPU|chip|accelerator)[- ])?[a-z]+)?"
                                  rf"(?:(?:\s*(?:,|and|&)?\s+|(?<=[a-z])\s*:?\s*){_NUM}\s*[a-z]+)*)", re.IGNORECASE)
_DURATION_PART_SEPARATOR_RE = lazy_compile(r"\s*(?:,(?!\d{3}\b)|\band\b|&)\s*", re.IGNORECASE)  # not "22,000"


_SENTENCE_VERB_RE = lazy_compile(r"\b(?:was|were|took|train(?:s|ed)?)\b", re.IGNORECASE)
# Hours of wall-clock time a training never reaches: a year (365.25 days).
_WALL_CLOCK_YEAR = 8766.0

# After the hours of an "Hours used" field: words that make them per accelerator or a product.
# Right after them: "40 hours/GPU x 16 nodes", "24 hours per GPU", "10 h x 8 GPUs" (not "44 hours on
# Google Cloud TPU v4-16", wall-clock time on a named slice).
_TIMES_DEVICES_RE = lazy_compile(r"\s*(?:hours?|hrs?|h)?\s*=[^=\n]{0,60}?[x×*]\s*\d+\s*(?:gpus?|tpus?|accelerators?|devices?|chips?|cards?)\b",
                                 re.IGNORECASE)
_PER_ACCELERATOR_RE = lazy_compile(r"\s*(?:[/×*]|\b(?:x|per|each|gpus?|tpus?|chips?|nodes?|accelerators?|devices?|cores?)\b)",
                                   re.IGNORECASE)
# Another duration later in an "Hours used" field: "3 hours for pre-training, 1 hour for fine-tuning"
# (a run's stages), "~1 hour (44.5 minutes)"; not a rate ("40 hours/epoch") nor a factor of a working
# ("5 days x 24h x 8 GPUs").
_LATER_DURATION_RE = lazy_compile(
    rf"(?<![x×*=]\s)(?<![x×*=]){_NUMBER_START}({_NUM}\s*(?:(?:GPU|TPU|chip|accelerator)[- ]?)?"
    rf"(?:hours?|hrs?|h|days?|weeks?|months?|minutes?|mins?|seconds?|secs?))\b(?!\s*[x×*/]|\s*(?:per|each|an?)\b)",
    re.IGNORECASE)
_RESTATED = 0.1  # a later duration within 10% of the field's is the same time in other units ("48 (2 days)")
# A duration as a clock shows it: "0:59:51 (0.997 hours)", "1:30" (not a date's "2021-07-08", nor "1:30:00:00").
_CLOCK_RE = lazy_compile(r"\s*~?\s*(\d{1,4}):([0-5]\d)(?::([0-5]\d(?:\.\d+)?))?(?![\d:])(?!\s*[ap]\.?m\b)", re.IGNORECASE)
_CLOCK_LIKE_RE = lazy_compile(r"\s*~?\s*\d+:\d")


def _field_value(value: str, kind: str, label: str) -> str:
    """A field's value written as a code span is the value: "- **Training Duration:** `13 hours`"; but
    not a size ("**Model size**: `418M`" is a file's, as `du -h` prints it) unless its label says parameters
    ("* Number of parameters: `127M`"). What ends the value is
    no part of it: a line break in HTML ("512 H100-80G<br>"), the colon before a list ("384 A100 80GB
    GPUs (48 nodes):"), another cell after a pipe ("TPU v3 or TPU v4  | Number of chips ≥ 4.")."""
    if (kind != "params" or "param" in label.lower()) and value[:1] == "`" and (end := value.find("`", 1)) > 1:
        if end == len(value) - 1:
            return value[1:end].strip()
        if end < 40:
            value = value[1:end] + value[end + 1:]  # "`11,168.2969` seconds for 2,346 steps": the figure in a code span
    if "<br" in value or "<BR" in value or " | " in value or value.endswith(":"):
        return _VALUE_END_RE.sub("", value.split(" | ", 1)[0]).rstrip()
    return value


_VALUE_END_RE = lazy_compile(r"(?:\s*<br\s*/?>|\s*:)+\s*$", re.IGNORECASE)


def _not_training(label: str) -> bool:
    """Whether a field of emissions or energy is labelled as another's than the training's: "Annual
    Inference Emissions: 1,991 kg CO2e", "5-Year Lifecycle Emissions", "Energy per query"."""
    return _NOT_TRAINING_LABEL_RE.search(label) is not None


def _lines_with_fields(body: str) -> Sequence[int]:
    """The lines a plain field can be on: those holding ":" ("Training time: 14 days") or, fewer,
    "=" ("*Total kWh = 2500")."""
    colons = lines_with(body, ":")
    if "=" not in body:
        return colons
    return sorted(set(colons).union(lines_with(body, "=")))


def _names_an_accelerator(text: str) -> bool:
    from ...hardware import names_an_accelerator  # the accelerator table: loaded only for a card that needs it

    return names_an_accelerator(text)


def _names_a_place(text: str) -> bool:
    """Whether carbon-card's grid table knows the place a text names."""
    from ...location import parse_location  # here: its table is loaded only for a card that needs it

    return parse_location(text) is not None


class _FieldReaders:
    """The fields reader's methods of `_Reader` (reader.py), which holds the state they share."""

    # 1. Labelled lines ------------------------------------------------------------------
    def labelled_lines(self) -> None:
        for line_start in lines_with(self.body, "**"):
            match = _LABELLED_RE.match(self.body, line_start)
            if match is None or not self.in_prose(line_start):
                continue
            label = match.group("label").strip()
            kind = _label_kind(label)
            if kind is None and "dataset" in label.lower() and not _HELD_OUT_RE.search(label):
                kind = "dataset"  # "Dataset: Pt-Corpus Instruct (6.2B tokens)"; not "Validation Dataset: 100 million tokens"
            value = match.group("value").strip().strip("*").strip()
            if kind is None or not value:
                continue
            value = _field_value(value, kind, label)
            if states_nothing(value) or (kind == "emissions" or kind == "energy") and _not_training(label):
                self._use(match.start())  # nor a sentence: "**Carbon Emitted:** 0.5 kg CO2 (example)"
                continue
            if self.body[line_start] in " \t" and kind in _RUN_KINDS and self._nested_under(line_start, _OTHER_USE_ITEM_RE):
                self._use(match.start())  # "- **Inference and Validation**:" over "  - **Hardware Used**: Apple M3 Pro"
                continue
            # A field whose value is not the quantity its label names is left to the sentence
            # reader ("**Training Energy Use:** Training utilized 916k GPU hours ...").
            if self._labelled(kind, label, value, match.start("value")):
                self._use(match.start())

    def plain_fields(self) -> None:
        """Lines and list items of a known label without bold ("* GPUs: 512 H100-80G", "Training
        time: 14 days", "- Hardware: 384 A100 80GB GPUs"): fields too, for the labels that name a
        training figure only (a plain "- Time: 2021-07-08" is not one)."""
        sizes = self._size_scale_lines()
        for line_start in _lines_with_fields(self.body):  # the pattern only where a line has a colon or "="
            match = _PLAIN_FIELD_RE.match(self.body, line_start) or (
                _PLAIN_SIZE_FIELD_RE.match(self.body, line_start) if line_start in sizes else None)
            if match is None or self.used_lines and self.line(match.start()) in self.used_lines:
                continue
            if not self.in_prose(line_start):
                continue  # in a code block or an HTML comment
            label, value = match.group("label"), match.group("value").strip()
            kind = _label_kind(label)
            if kind is None:
                continue
            # Each field's value ends where the next one's label starts (a few on a line: the first ones are read).
            fields, ends = [(kind, label, 0)], []
            for after in itertools.islice(_NEXT_FIELD_RE.finditer(value), _FIELDS_ON_A_LINE):
                if next_kind := _label_kind(after.group("label")):
                    ends.append(after.start())
                    fields.append((next_kind, after.group("label"), after.end()))
            ends.append(len(value))
            in_code = bool(match.groupdict().get("code"))
            for (kind, label, start), end in zip(fields, ends):
                if self._plain_field(in_code, line_start, kind, label, value[start:end], match.start("value") + start):
                    self._use(match.start())

    def _plain_field(self, in_code: bool, line_start: int, kind: str, label: str, value: str, start: int) -> bool:
        """Reads one plain field of a line; whether the line is read (no sentence reader takes it again)."""
        if in_code:
            value = value.removesuffix("`").rstrip()  # the field is a code span: "`GPUs: 2 GeForce GTX 1070`"
        else:
            value = _field_value(value, kind, label)
        if states_nothing(value) or (kind == "emissions" or kind == "energy") and _not_training(label):
            return True
        if kind in ("hardware", "accelerator_count", "hours") and _about_evaluation_or_use(
                self._heading_before(line_start)):
            return False  # "# Evaluation ... - GPUs: 4 (V100)": the evaluation's runs, as a sentence there
        if kind in ("hours", "energy", "emissions") and self._nested_under(line_start, _RATE_ITEM_RE):
            return True  # "- **Average per Run:**" over "  - Duration: 1.08 s": each run's, not the training's
        if kind in _RUN_KINDS and self._nested_under(line_start, _OTHER_USE_ITEM_RE):
            return True  # "- Inference:" over "  - Hardware: 1 T4": what runs the model, not what trained it
        return self._labelled(kind, label, value, start)

    def _size_scale_lines(self) -> set[int]:
        """The starts of the lines where a size's label holds its scale ("Model size/M", "parameters
        (million)") or is "Model Size" or "Params" ("- Model Size: 8.03B"): the words found with str.find, few in any
        card, and looked at one by one."""
        lines: set[int] = set()
        for word, after in _SIZE_LABEL_WORDS:
            at = self.lower.find(word)
            for _ in range(MAX_FIGURES):  # a text of thousands of them is no card's: the first are looked at
                if at < 0:
                    break
                if after.match(self.lower, at + len(word)):
                    # The line's start within a label's reach: a field's label starts its line.
                    lines.add(self.body.rfind("\n", max(0, at - 200), at) + 1)
                at = self.lower.find(word, at + len(word))
        return lines

    def _labelled(self, kind: str, label: str, value: str, start: int) -> bool:
        """Reads a field's value as a figure of `kind`; whether the line is read. Its facts keep the field's label."""
        self.field_label = label  # what `add` gives the facts read from this field
        try:
            return self._field_figures(kind, label, value, start)
        finally:
            self.field_label = None

    def _field_figures(self, kind: str, label: str, value: str, start: int) -> bool:
        note = f"field '{label}'"
        if value[-1:] == "." and value[-2:-1] != ".":
            value = value[:-1].rstrip()  # the sentence's full stop, no part of the value: "- **Parameters**: ~86M."
        if value[:1] == "[" and value[-1:] == "]":
            value = value[1:-1].strip()  # the template's brackets filled in: "- **Hours used:** [29.8 hours]"
        if kind == "emissions":
            return self._labelled_mass(label, value, start, note)
        if kind == "energy":
            found = _ENERGY_RE.search(value)
            number = _LEADING_NUMBER_RE.match(value)
            label_unit = _LABEL_ENERGY_UNIT_RE.search(label)
            if found:
                self.add("energy", parse_energy_kwh(found.group(0).replace("*", "")), found.group(0), start, note=note, reading=Reading.FIELD)
            elif number and label_unit:  # "Total kWh = 2500", "Energy (MWh): 1.2"
                self.add("energy", parse_energy_kwh(f"{number.group(1)} {label_unit.group(1)}"), number.group(1), start,
                         note=f"{note}, in the label's unit", reading=Reading.FIELD)
                return True
            elif number:
                self.problem(f"{note}: {value!r} has no known unit of energy; say Wh, kWh or MWh", start, "energy")
            return bool(found)
        if kind == "hardware":
            if _ENERGY_OR_POWER_RE.match(value) or _DURATION_VALUE_RE.match(value):
                # "- GPU: 0 kWh (not properly estimated)" under "Power Consumption": an energy, no hardware; "| Horas de
                # GPU | 233 h (PUE: 1,47) |": a duration
                return True
            if len(value.split()) > 8 and _SENTENCE_VERB_RE.search(value):
                # "**Hardware**: `StableLM-3B-4E1T` was trained on ... 256 NVIDIA A100 40GB GPUs ... and
                # took approximately 30 days": a sentence after a label, read as a sentence.
                return False
            self.add("hardware", value, value, start, note=note, reading=Reading.FIELD)
            # "1 pod TPU v3-256 = 32 nodes of TPU VM v3-8 (8 TPU per node) = 256 TPU v3": the result.
            count = parse_accelerator_count(value.rsplit("=", 1)[-1])
            if count is not None:
                scope = "family" if _FAMILY_RUN_RE.search(value) else "model"
                self.add("accelerator_count", count, value, start, scope=scope, note=note, reading=Reading.FIELD)
            return True
        if kind == "hours":
            return self._labelled_hours(label, value, start, note)
        if kind == "accelerator_count":
            count = _COUNT_VALUE_RE.fullmatch(value)  # "8", "8 (v2-8)"
            if count and int(count.group(1)) > 0:
                self.add("accelerator_count", int(count.group(1)), value, start, note=note, reading=Reading.FIELD)
            return bool(count)
        if kind in {"cloud_provider", "location"}:
            if not _PATH_RE.fullmatch(value):  # "**Location:** `/home/user/project/`": where the files are
                self.add(kind, value, value, start, note=note, reading=Reading.FIELD)
            return True
        if kind == "params":
            # The scale in the label, as in a table's header: "Model size/M: 87.42", "Parameters (B): 1.3".
            scale = (_PER_SCALE_RE.search(label.lower()) or _HEADER_UNIT_RE.search(label)
                     or _SCALE_BEFORE_PARAMS_RE.fullmatch(label))
            number = (_table_value(value, "params", scale.group(1))
                      if scale and scale.group(1).strip().upper() in _PARAM_SCALES else None)
            found = None
            if number is None:
                found = _PARAMS_RE.search(value) or _SIZE_VALUE_RE.fullmatch(value)
                if found is None and (first := _SIZE_FIRST_RE.match(value)) and (
                        first.group(2) or not _SCALED_SIZE_RE.search(value, first.end())):
                    found = first  # "1.12B total", "0.57 B (total); 0.45 B (excluding ...)", "1.5B (base model) + LoRA"
                number = parse_count(found.group(1)) if found else None
            if number is None or number < _MIN_MODEL_SIZE:
                return False  # "Model size: 420" (megabytes, say): no model's count of parameters
            if found is not None and _SIZE_RANGE_END_RE.search(value, 0, found.start()):
                return True  # "- **Size:** 3M to 68M parameters": a family's range, no one model's size
            self.add("params", number, found.group(0) if found else value, start, note=note, reading=Reading.FIELD)
            return True
        if kind in {"train_tokens", "dataset"}:
            found = _TOKENS_RE.search(value)
            if found:
                self.add("train_tokens", parse_count(found.group(1)), found.group(0), start, note=note, reading=Reading.FIELD)
            return bool(found)
        if kind == "training_type":
            training_type = normalise_training_type(value)
            if training_type not in ("pre-training", "fine-tuning"):
                return False  # not a training type a block can say
            self.add("training_type", training_type, value, start, note=note, reading=Reading.FIELD)
            return True
        if kind == "pue":
            number = re.match(r"\s*(\d(?:\.\d+)?)\b", value)
            if number:
                self.add("pue", float(number.group(1)), number.group(0), start, note=note, reading=Reading.FIELD)
            return bool(number)
        return False

    def _labelled_mass(self, label: str, value: str, start: int, note: str) -> bool:
        label_unit = _LABEL_MASS_UNIT_RE.search(label)  # "Carbon Emitted (kg CO2): 0.4", "CO2 (in grams): 12"
        equals = value.rfind("=")
        if equals >= 0 and _MASS_RE.search(value, equals):
            # Worked out: "250W x 10h = 2.5 kWh x 0.57 kg eq. CO2/kWh = 1.42 kg eq. CO2" states its result last.
            start, value = start + equals + 1, value[equals + 1:].strip()
        found = _MASS_RE.search(value)
        if found and (_RANGE_END_RE.search(value, 0, found.start()) or _BOUND_BEFORE_RE.search(value, 0, found.start())
                      or _PER_UNIT_RE.match(value, found.end())):
            # "560-1200 kg": a range is no one figure, nor "Negligible (< 0.1 kg CO2eq)", a bound, nor "5.44 kg
            # CO2 equivalent per model", a rate; and the sentence reader must not take them
            return True
        if found and not set(re.findall(r"[a-z]+", value[: found.start()].lower())) <= _FIGURE_LEAD:
            # "**Carbon Footprint** Pretraining utilized 3.3M GPU hours ... total emissions were 539 tCO2eq":
            # a sentence after a label, read (and scoped) as a sentence.
            return False
        if found:
            self.add("emissions", _grams(found.group(0)), found.group(0), start, note=note, reading=Reading.FIELD)
            where = re.search(r"\(([A-Za-z][^()\d]{1,60})\)\s*$", value[found.end():])
            if where and _names_a_place(where.group(1)):  # "(Iowa, USA)", not "(estimated)"
                self.add("location", where.group(1).strip(), where.group(1), start, note=note, reading=Reading.FIELD)
            return True
        number = _LEADING_NUMBER_RE.match(value)
        if number and label_unit:
            grams = _grams(f"{number.group(1)} {label_unit.group(1)}")
            self.add("emissions", grams, number.group(1), start, note=f"{note}, in the label's unit", reading=Reading.FIELD)
            return True
        if number:
            self.problem(f"{note}: {value!r} has no known unit of mass; say g, kg or t CO2e", start, "emissions")
        return False

    def _labelled_hours(self, label: str, value: str, start: int, note: str) -> bool:
        found = _FIELD_DURATION_RE.match(value)
        if not found:
            return False
        if _DIGIT_AFTER_RE.match(value, found.end()) and not re.search(r"[a-z]", found.group(1), re.IGNORECASE):
            return False  # "2 20 updates" (2^20, its superscript lost): a bare number before another is no hours
        if _RANGE_START_RE.match(value):
            return True  # "8-12 hours": a range is no one figure; nor is its first end the sentence reader's
        if label.lower() in _GENERIC_TIME_LABELS and not re.search(r"[a-z]", found.group(1), re.IGNORECASE):
            return False  # "- Time: 2021-07-08": a plain "Time" is a duration only with its unit
        end, text = found.end(), found.group(0)
        try:
            if clock := _CLOCK_RE.match(value):  # "0:59:51", "1:30": hours, minutes and seconds, not "0" hours
                end, text = clock.end(), clock.group(0).strip()
                hours, accelerator = int(clock.group(1)) + int(clock.group(2)) / 60 + float(clock.group(3) or 0) / 3600, False
            elif _CLOCK_LIKE_RE.match(value):
                return True  # "10:00 am", "1:30:00:00": a time of day, or a clock of days; no hours of training
            else:
                hours, accelerator = parse_duration_hours(found.group(1))
        except UnitError:
            # "~7 hours, 5700 steps": the duration's parts up to what is no time unit (at most four
            # parts, days to seconds: a line of thousands is not tried prefix by prefix).
            separators = list(itertools.islice(_DURATION_PART_SEPARATOR_RE.finditer(found.group(1)), 4))
            for separator in reversed(separators):
                if not any(c.isalpha() for c in found.group(1)[:separator.start()]):
                    break  # a number without its unit is no duration here
                try:
                    hours, accelerator = parse_duration_hours(found.group(1)[:separator.start()])
                    end = found.start(1) + separator.start()
                    text = value[found.start():end]
                    break
                except UnitError:
                    continue
            else:
                hours = None
        if hours is None:
            # "168 (1 week)": the number before any remark (not before a word: "3 epochs" is no hours;
            # but "22,000 for ViT-g": the hours of a model). The whole number: "460,000 CPU hours" must
            # not give its "460".
            number = _WHOLE_LEADING_NUMBER_RE.match(value)
            if number is None:
                lead = _LEADING_NUMBER_RE.match(value)
                number = lead if lead and _FOR_MODEL_AFTER_RE.match(value, lead.end()) else None
            if number is None:
                return False
            hours, accelerator, end = _number(number.group(1)), False, number.end()
        if _PLUS_AFTER_RE.match(value, end):
            # "~300 hours (TPU) + ~24 hours (GPU)", "~0.1 (Training) + ~2.0 (Setup/Dev)": parts, not the one figure
            # the field names (a sum of stages, or of training and what was not training).
            return True
        if _NOT_TRAINING_AFTER_RE.match(value, end):
            return True  # "Hours used: ~100 hours development": hours, but not the training's
        if (training := _TRAINING_TIME_AFTER_RE.match(value, end)) is not None:
            try:
                hours, accelerator = parse_duration_hours(training.group(1))
                text = value[found.start():training.end()].strip()
            except UnitError:
                pass  # "(3 epochs of training)": no time; the field's figure stands
        accelerator = accelerator or "gpu" in label.lower() or bool(_ACCELERATOR_HOURS_LABEL_RE.search(label))
        if not accelerator and hours > _WALL_CLOCK_YEAR:
            # "Hours used: 150000" beside 256 A100s: no training runs for over a year, so the
            # field sums the accelerators' hours.
            accelerator, note = True, f"{note}; over a year: accelerator-hours"
        if not accelerator and _TIMES_DEVICES_RE.match(value, end):
            # "960 = 5 days x 24h x 8 GPUs": a sum over the accelerators, as its working shows.
            accelerator, note = True, f"{note}; worked out over the accelerators"
        if not accelerator and _PER_ACCELERATOR_RE.match(value, end):
            # "40 hours/GPU x 16 nodes x 4 GPUs/node = 2560 GPU-hours": a product, not the wall-clock
            # hours the field names; left to the sentence reader.
            return False
        if self._several_durations(value, end, hours, accelerator):
            return True
        named = _FOR_MODEL_AFTER_RE.match(value, end)
        if named and self._names_another_model(named.group(1)):
            # "Hours used: 61,440 hours for ViT-7B model training" on the card of the DINOv3 family: that
            # model's row, and a model the card lists beside this one.
            self.add("accelerator_hours" if accelerator else "wall_hours", hours, text, start, scope="other",
                     note=f"{note}, for {named.group(1)}", reading=Reading.ROW, row=named.group(1))
            return True
        self.add("accelerator_hours" if accelerator else "wall_hours", hours, text, start, note=note, reading=Reading.FIELD)
        if not accelerator and (on := _ON_ACCELERATORS_AFTER_RE.match(value, end)):
            # "overall training time: ~2 hours on a single GPU": the run's accelerators, said after its time.
            count = parse_accelerator_count(on.group(1))
            if count is not None:
                self.add("accelerator_count", count, on.group(1), start, note=note, reading=Reading.FIELD)
        if not accelerator and (one := _ON_ONE_DEVICE_AFTER_RE.match(value, end)) and (
                not on or parse_accelerator_count(on.group(1)) is None) and _names_an_accelerator(one.group(1)):
            self.add("accelerator_count", 1, one.group(1), start, note=f"{note}: one device after the time", reading=Reading.FIELD)
        return True

    @staticmethod
    def _several_durations(value: str, end: int, hours: float, accelerator: bool) -> bool:
        """Whether an "Hours used" field goes on to other durations of the same kind that neither restate
        its figure ("1344 hours (56 days)") nor add up to it ("10 h (6 h stage 1, 4 h stage 2)"): "3 hours
        for pre-training, 1 hour for fine-tuning" is a run's stages, and no one of them is the field's."""
        others = []
        for later in itertools.islice(_LATER_DURATION_RE.finditer(value, end), 8):
            try:
                other, other_accelerator = parse_duration_hours(later.group(1))
            except UnitError:
                continue
            if (other_accelerator == accelerator and not _close(other, hours, _RESTATED)
                    and not _NOT_TRAINING_AFTER_RE.match(value, later.end())):
                others.append(other)
        return bool(others) and not _close(sum(others), hours, _RESTATED)

    def description_fields(self) -> None:
        """The fields of a COMPL-AI model description (`_DESCRIPTION_FIELDS`), looked for only in a text that has its
        `num_gpus` (after the sentences' anchors, which hold "gpu" then). A description whose `model_name` names no
        model (the template's "1") holds examples."""
        if "gpu" not in self.anchors_found or "num_gpus" not in self.body:
            return
        hidden = hidden_spans(self.body)
        values: dict[str, tuple[int, str]] = {}
        for heading in itertools.islice(_DESCRIPTION_HEADING_RE.finditer(self.body), 2 * len(_DESCRIPTION_FIELDS)):
            end = self.body.find("\n#", heading.end())
            start, value = heading_value(self.body, heading.end(), len(self.body) if end < 0 else end, hidden)
            if start is not None:
                values.setdefault(heading.group(1), (start, value.strip()))
        if "num_gpus" not in values or not any(c.isalpha() for c in values.get("model_name", (0, ""))[1]):
            return
        for field, quantity in _DESCRIPTION_FIELDS.items():
            start, value = values.get(field, (0, ""))
            if quantity == "params":
                size = _SIZE_VALUE_RE.fullmatch(value)
                number = parse_count(size.group(1)) if size else None
            else:
                figure = _DESCRIPTION_NUMBER_RE.fullmatch(value)
                number = _number(figure.group(1)) if figure else None
                if quantity == "accelerator_count" and number is not None:
                    number = int(number) if number == int(number) and number > 0 else None
            if number is not None and number >= 0:
                self.add(quantity, number, value, start, note=f"COMPL-AI model description '{field}'", reading=Reading.FIELD)

    def _nested_under(self, line_start: int, item: re.Pattern) -> bool:
        """Whether the list item at `line_start` is nested under one that `item` matches: an average or a rate
        (`_RATE_ITEM_RE`: "- **Average per Run:**" over "  - Duration: 1.08 s", each run's figures), another use than
        the training (`_OTHER_USE_ITEM_RE`). The items it is nested in are looked at, up to the list's top."""
        lines, index = self._lines(), self.line(line_start) - self.body_line
        indent = len(lines[index]) - len(lines[index].lstrip())
        for above in reversed(lines[max(0, index - 16) : index]):  # the parent items are a few lines up
            if not indent:
                return False
            if above.strip() and len(above) - len(above.lstrip()) < indent:
                if item.match(above) is not None:
                    return True
                indent = len(above) - len(above.lstrip())
        return False
