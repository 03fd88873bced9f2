"""The tables reader: Markdown and HTML tables of training figures (a row per model, a total row), key-value
tables (CodeCarbon's output, the climate performance model card's questions), and the rows that are this model's."""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from ..._regex import lazy_compile
from ...markdown import lines_with
from ...units import parse_accelerator_count
from ..attribution import base_row_words
from ..base import Reading
from ..files import CODECARBON_TOTALS
from ..metadata import states_nothing
from .grammar import (
    MAX_FIGURES,
    _ACCEL,
    _HARDWARE_RE,
    _HEADER_UNIT_RE,
    _LINK_TARGET_RE,
    _MASS_RE,
    _MIN_MODEL_SIZE,
    _MODEL_SIZE,
    _PER_SCALE_RE,
    _SCALED,
    _grams,
    _label_kind,
    _number,
    _pick_row,
    _table_value,
    name_tokens,
)


_NUMBER_CELL_RE = lazy_compile(rf"\s*~?\s*{_SCALED}\s*")


# A table's key naming the accelerators: "Compute SKU GPU Device", "GPU type" (not "GPU Memory Usage").
# Not "Estimated total per GPU" (a memory per accelerator: "~42.6 GB").
_HARDWARE_KEY_RE = lazy_compile(r"(?<!\bper )\b(?:gpu|tpu|accelerator)s?(?:\s+(?:device|type|model|name))?$")
_NODES_KEY_RE = lazy_compile(r"(?:number of |num[_ ])?(?:nodes|instances|machines)|node count")
_PER_NODE_KEY_RE = lazy_compile(r"(?:gpus?|accelerators?|tpus?|devices?|chips?) per (?:node|instance|machine|server)$")


# A NamedTuple, not a frozen dataclass: `check` defines it at every start, and a dataclass costs five
# times as much to define (Python 3.11 compiles each method it generates).
class _Table(NamedTuple):
    start: int
    header: list[str]
    rows: list[list[str]]
    row_offsets: list[int]
    line_offsets: list[int]
    without_outer_pipes: bool = False  # "Model | Hardware | Time (in days)", as GitHub allows


# A row, its outer pipes optional as in GitHub's tables ("Model | Hardware | Time (in days)"): the lines tried hold a
# pipe, and only a header over a separator row starts a table. The closing pipe is cut in `_row_cells` (a lazy group
# before it would retry each run of spaces to its end: quadratic).
_PIPE_ROW_RE = lazy_compile(r"^[ \t]*\|?([^\n]*)", re.MULTILINE)

_SEPARATOR_RE = lazy_compile(r"^[\s|:\-]+$")
# Two-column tables read row by row: CodeCarbon's output ("| emissions | 0.0435 |"), and the
# questions of the climate performance model card (Hershcovich et al., 2022).
_KEY_VALUE_ROW_RE = lazy_compile(r"^[ \t]*\|[ \t]*(?:\*\*|__)?(?:energy_consumed|emissions_rate|(?:\d+\.\s*)?how much co2"
                                 r"|(?:(?:training )?hardware(?: type| used)?|hours used|compute region|region|cloud provider"
                                 r"|training (?:time|duration|hours|length)|gpu hours|compute time"
                                 r"|carbon emitted|[\w ]*\b(?:gpu|tpu|accelerator)s?(?: device| type| model)?"
                                 # a size: "| Parameters | 7B |", GPT-J's "| \\(n_{parameters}\\) | 6053381344 |", its scale
                                 # before or after (OpenVINO's "| MParams | 1.828 |", "| Params (M) | 25.6 |")
                                 r"|(?:number of |total |no\. of |# ?of |#)?(?:[kmb] ?)?param(?:eter)?s?(?: count)?"
                                 r"(?: ?\((?:[kmb]|millions?|billions?)\))?"
                                 r"|[\\(]*n_(?:\{|\\text\{)?parameters\}?[\\)]*)(?:\*\*|__)?[ \t]*\|)",
                                 re.MULTILINE | re.IGNORECASE)
# The climate performance model card's questions: (pattern, quantity, scope). Question 8 (all
# experiments) and 9 (inference) are not this model's training.
_QUESTIONS = (
    (lazy_compile(r"co2\w*\s+(?:was\s+)?emitted\s+(?:to\s+)?train\w*\s+the\s+final\s+model", re.IGNORECASE),
     "emissions", "model"),
    (lazy_compile(r"co2\w*\s+(?:was\s+)?emitted\s+for\s+all\s+experiments", re.IGNORECASE), "emissions", "other"),
    (lazy_compile(r"time\s+does\s+the\s+training\s+of\s+the\s+final\s+model", re.IGNORECASE), "wall_hours", "model"),
    (lazy_compile(r"geo\s*location\s+were\s+the\s+computations", re.IGNORECASE), "location", "model"),
)
_HTML_TABLE_RE = lazy_compile(r"<table\b.*?</table>", re.IGNORECASE | re.DOTALL)
_HTML_ROW_RE = lazy_compile(r"<tr\b.*?</tr>", re.IGNORECASE | re.DOTALL)
# A cell runs from its <td> to the next one: real cards leave cells unclosed.
_HTML_CELL_START_RE = lazy_compile(r"<t[dh]\b[^>]*>", re.IGNORECASE)
_TAG_RE = lazy_compile(r"<[^>]+>")


def _find_tables(body: str, lower: str) -> list[_Table]:
    tables = []
    if "|" in body:
        tables += _pipe_tables(body)
    if "<table" in lower:
        tables += _html_tables(body, lower)
    return tables


def _pipe_tables(body: str) -> Iterator[_Table]:
    rows = [row for start in lines_with(body, "|") if (row := _PIPE_ROW_RE.match(body, start))]
    index = 0
    while index < len(rows) - 1:
        header, separator = rows[index], rows[index + 1]
        contiguous = body.count("\n", header.end(), separator.start()) == 1
        if not (contiguous and _SEPARATOR_RE.match(_row_text(separator))):
            index += 1
            continue
        body_rows = []
        cursor = index + 2
        while cursor < len(rows) and body.count("\n", rows[cursor - 1].end(), rows[cursor].start()) == 1:
            if len(body_rows) < MAX_FIGURES:  # a table of thousands of rows is no card's: its first are read,
                body_rows.append(rows[cursor])
            cursor += 1
        if len(body_rows) == MAX_FIGURES and body_rows[-1] is not rows[cursor - 1]:
            body_rows.append(rows[cursor - 1])  # and its last (a training log's final row)
        header_cells = _cells(_row_text(header))
        if not any(_column_kind(cell) for cell in header_cells[1:]) and not (
                len(header_cells) == 2 and _key_value_table(body, rows[index:cursor])):
            index = cursor  # no column of training figures: the table is not read, its rows not split
            continue
        yield _Table(
            header.start(),
            header_cells,
            [_cells(_row_text(row)) for row in body_rows],
            [row.start() for row in body_rows],
            [row.start() for row in rows[index:index + 2]] + [row.start() for row in body_rows],
            not header.group(0).lstrip().startswith("|"),
        )
        index = cursor


def _filled_rows(table: _Table) -> list[list[str]]:
    """The rows of a table with a figure or a word after their label (not "| 8B | - | - |")."""
    return [row for row in table.rows if any(cell.strip(" \\-") for cell in row[1:])]


def _row_text(row: re.Match) -> str:
    """A row's cells' text, without its closing pipe."""
    text = row.group(1).rstrip(" \t\r")
    return text[:-1] if text.endswith("|") and not text.endswith("\\|") else text


def _key_value_table(body: str, rows: list[re.Match]) -> bool:
    """Whether a table of two columns has a key-value row (CodeCarbon's output, the climate card's
    questions): the line-anchored pattern is tried at its rows' lines, not at every character."""
    end = rows[-1].end()
    return any(_KEY_VALUE_ROW_RE.match(body, row.start(), end) for row in rows)


_CELL_SEPARATOR_RE = lazy_compile(r"(?<!\\)\|")  # a "|" not escaped


def _cells(row: str) -> list[str]:
    return [_clean_cell(cell) for cell in _CELL_SEPARATOR_RE.split(row)]


def _clean_cell(cell: str) -> str:
    text = _TAG_RE.sub(" ", cell) if "<" in cell else cell
    if "&" in text:  # an entity ("&amp;"): html.unescape leaves a text without "&" as it is
        import html  # only then: html.entities is a large table to build at every start

        text = html.unescape(text)
    text = text.replace("\\", "")
    return " ".join(text.replace("*", "").split())  # runs of whitespace as one space, none at the ends


def _html_tables(body: str, lower: str) -> Iterator[_Table]:
    for table in _closed_matches(body, lower, "<table", "</table>", _HTML_TABLE_RE):
        rows = list(_closed_matches(table.group(0), table.group(0).lower(), "<tr", "</tr>", _HTML_ROW_RE))
        if len(rows) < 2:
            continue
        cells = [[_clean_cell(cell) for cell in _HTML_CELL_START_RE.split(row.group(0))[1:]] for row in rows]
        offsets = [table.start() + row.start() for row in rows]
        line_offsets = [m.start() + table.start() for m in re.finditer(r"^", table.group(0), re.MULTILINE)]
        yield _Table(table.start(), cells[0], cells[1:], offsets[1:], line_offsets)


def _closed_matches(text: str, lower: str, opening: str, closing: str, pattern: re.Pattern) -> Iterator[re.Match]:
    """The matches of `pattern` (`<table\\b.*?</table>`, `<tr\\b.*?</tr>`) from each `opening` to the
    first `closing` after it, found with str.find: a regular expression would rescan the rest of
    the text from each opening that nothing closes (quadratic on hostile cards)."""
    position = 0
    while (start := lower.find(opening, position)) >= 0:
        end = lower.find(closing, start)
        if end < 0:
            return  # nothing closes after this point
        match = pattern.match(text, start, end + len(closing))
        if match is not None:
            yield match
            position = match.end()
        else:
            position = start + len(opening)


class _RowScope(NamedTuple):
    """Whose a table row is: its scope, how it was picked (for people), and whether it is the
    row of this model's base (its pre-training: another run, but this model's size)."""

    scope: str
    note: str
    reading: Reading
    of_base: bool = False


# A column of days a run took: "| Time (in days) |", "| Training days |", "| GPU-days |" (not "| Day |" of a log).
_DAYS_COLUMN_RE = lazy_compile(r"\b(?:time|duration|training|gpu|tpu)\b[^|]*\bdays\b|\b(?:gpu|tpu)[\s-]?days\b")
_INFERENCE_COLUMN_RE = lazy_compile(r"logit|/\s*s\b|/\s*sec|\bper\b|latency|speed|throughput|decode|prefill|memory|first")
# A rate, or a figure for a fixed budget rather than the run: "A100 GPU hours taken on 300B tokens" (a speed
# comparison), "hours for 1B tokens".
_RATE_COLUMN_RE = lazy_compile(r"\brate\b|\b(?:on|for)\s+\d[\d.,]*\s*[kmbt]?\s*tokens\b")
_EMISSIONS_COLUMN_RE = lazy_compile(r"emission|(?<![a-z])carbon|co[2₂]")  # not a name that holds the word: "| ANTICARBON |"
# CodeCarbon's columns, pasted as a table: its emissions are in kilograms when the header says no unit.
_CODECARBON_COLUMNS = {"timestamp", "project name", "run id", "duration", "emissions", "emissions rate", "cpu power",
                       "gpu power", "ram power", "cpu energy", "gpu energy", "ram energy", "energy consumed"}
_ACCELERATOR_COLUMN_RE = lazy_compile(r"gpu|tpu|chip|accelerator")
# A row of an activity, not of a model: "| Colab T4 inference (ablations) | ~20 min | ~5g CO₂ |", "| OpenRouter API
# calls (dataset) |" in a table of a project's costs.
_ACTIVITY_ROW_RE = lazy_compile(r"\b(?:inference|evaluation|api\s+calls?|data(?:set)?\s+(?:generation|creation|preparation)"
                                r"|preprocessing|ablations?)\b", re.IGNORECASE)


# Not a run's tokens: a length ("| Max Num Tokens |"), an answer's ("| Average Tokens |" of Arena-Hard's tables), an
# input's ("| 20 docs (Avg 2.9K tokens) |") or a rate per token ("| GFLOPs/token (Fine-tune) |", Yuan2.0-M32's table).
_NOT_TRAINING_TOKENS_COLUMN_RE = lazy_compile(r"\b(?:max|maximum|context|length|vocab|per|avg|average|mean)\b|/\s*tokens?\b")


_DATA_COLUMN_RE = lazy_compile(r"\b(?:data|audio|speech|recordings?)\b")


def _column_kind(header: str) -> tuple[str, str | None, str] | None:
    """(quantity, unit, scope) of a column, from its header; None when it is not a training figure."""
    if "](" in header:  # a link's target is no header's word: "[TinyLlama 1.1B](https://...-token-2.5T)"
        header = _LINK_TARGET_RE.sub("]", header)
    key = header.lower().strip(" *_")  # "| **#Total Params** |": a bold header
    scope = "market" if "market" in key else "model"
    unit_match = _HEADER_UNIT_RE.search(header)
    unit = unit_match.group(1).strip() if unit_match else None
    if _INFERENCE_COLUMN_RE.search(key) or _RATE_COLUMN_RE.search(key):
        return None  # inference speed and the like, a rate ("Emissions Rate", kg/s): not training figures
    if _EMISSIONS_COLUMN_RE.search(key):
        return ("emissions", unit or "g", scope)
    if "energy" in key:
        return ("energy", unit or "kWh", scope)
    if "hour" in key or "day" in key and _DAYS_COLUMN_RE.search(key):
        if _DATA_COLUMN_RE.search(key):
            return None  # "| Training Data (hour) |": hours of audio the model learnt from, not of its training
        accelerator = _ACCELERATOR_COLUMN_RE.search(key)
        return ("accelerator_hours" if accelerator else "wall_hours", "h" if "hour" in key else "days", "model")
    if "token" in key and not _NOT_TRAINING_TOKENS_COLUMN_RE.search(key):
        return ("train_tokens", unit, "model")  # "| Tokens (Billion) |": the cells' scale
    if _ACCELERATORS_COLUMN_RE.fullmatch(key.strip()):
        return ("accelerators", None, "model")  # "| GPUs |": "1xV100 32GB", each row's accelerators
    if _PARAMS_COLUMN_RE.match(key):
        # "| Parameters |", "| Params / M |", "| Total Parameters |", "| 参数 Parameter |": each row's size.
        per = _PER_SCALE_RE.search(key)
        return ("params", unit or (per.group(1).upper() if per else None), "model")
    return None


_ACCELERATORS_COLUMN_RE = lazy_compile(r"(?:#\s*|number\s+of\s+|num\.?\s+)?(?:gpus?|tpus?|accelerators?|hardware|devices)")
# A cell of that column: a count times an accelerator ("4xV100 32GB", "1× A100 80GB"), a count alone under "# GPUs", or
# an accelerator alone ("TPUv3-128": a pod's slice, no one count).
_ACCELERATORS_CELL_RE = lazy_compile(rf"\s*(?:(\d{{1,6}})\s*(?:[x×]\s*({_ACCEL})\s*)?|({_ACCEL})\s*)")
_SIZE_LABEL_RE = lazy_compile(_MODEL_SIZE, re.IGNORECASE)
_SIZE_HEADER_RE = lazy_compile(r"param|size|model", re.IGNORECASE)
_PARAMS_COLUMN_RE = lazy_compile(r"(?:#\s*)?(?:total\s+|number\s+of\s+)?(?:params|parameters?|parameter\s+count)\b"
                                  r"|[总總]?(?:参数|參數)|パラメータ|파라미터")  # "| 总参数量 |": the total parameter count


_DATA_TABLE_RE = lazy_compile(r"(?:training\s+)?(?:corpus|corpora|datasets?|data\s*sets?|data\s+sources?|languages?)\b",
                              re.IGNORECASE)


# A row the card's authors mark as their own model: "(ours)", "This Model Training", "this work".
_OURS_RE = lazy_compile(r"\bours\b|\bthis\s+(?:model|work|checkpoint)\b", re.IGNORECASE)
_RANGE_CELL_RE = lazy_compile(r"\d[\d,.]*\s*[-–]\s*\d[\d,.]*")  # "231 - 256": checkpoints, steps or epochs of a run


_CONFIGURATION_HEADER_RE = lazy_compile(r"\W*(?:depth|(?:num(?:ber)?[\s_]+of[\s_]+|n_?)?layers?|hidden[\s_]+(?:size|dim)|width"
                                        r"|d_model|heads?|config(?:uration)?)\W*$", re.IGNORECASE)
_MODEL_NAME_CELL_RE = lazy_compile(r"[A-Za-z]{2,}[\w.]*[-_ ]v?\d")  # "LLaMA-7B", "Pythia 1.4B", "gpt_2"


def _is_number_cell(text: str) -> bool:
    return bool(_NUMBER_CELL_RE.fullmatch(text))


def _is_total(label: str) -> bool:
    return label.strip().lower().startswith("total")


class _TableReaders:
    """The tables reader's methods of `_Reader` (reader.py), which holds the state they share."""

    # 3. Tables -----------------------------------------------------------------------------
    def tables(self) -> None:
        found = _find_tables(self.body, self.lower)
        if not found:
            return  # most cards
        tables = [(table, [_column_kind(header) for header in table.header]) for table in found if self.in_prose(table.start)]
        # Tables of training figures with a row per model: beside one, a table's only row is one of those models'. Rows
        # are counted as `_table` keeps them (a blank row is none), so that a table of one row never counts itself.
        if len(tables) > 1:
            self.tables_of_models = sum(1 for table, columns in tables if any(columns[1:]) and len(_filled_rows(table)) > 1)
        for table, columns in tables:
            self._table(table, columns)

    def _table(self, table: _Table, columns: list[tuple[str, str | None, str] | None]) -> None:
        """A table of training figures, `columns` the kind of each (`_column_kind`)."""
        if table.header and _DATA_TABLE_RE.match(table.header[0].strip()):
            return  # a row per corpus or language ("| Corpora | Number of tokens |"): no model's, no run's
        if len({header.strip().lower().replace("_", " ") for header in table.header} & _CODECARBON_COLUMNS) >= 3:
            columns = [("emissions", "kg", kind[2]) if kind and kind[0] == "emissions" and "(" not in header else kind
                       for kind, header in zip(columns, table.header)]
        rows = _filled_rows(table)
        if len(rows) > 1 and all(kind is None or kind[0] == "accelerators" for kind in columns[1:]):
            # Accelerators alone, in rows of releases or stages: which row is this model's run is not said.
            columns = [None] * len(columns)
        if not any(kind for kind in columns[1:]):
            self._key_value_table(table)
            return
        if not rows:
            return
        for body_offset in table.line_offsets:
            self._use(body_offset)
        labels = [row[0].strip() for row in rows]
        # Rows labelled by a size ("| Model Params | ... | Tokens |": "111M", "13B") are a family's models, which this
        # model's name picks; other numbers first are points along one run.
        by_size = all(_SIZE_LABEL_RE.fullmatch(label) for label in labels) and bool(
            _SIZE_HEADER_RE.search(table.header[0]))
        # A first column of a quantity is a run's progress ("| Tokens | Loss |"), unless its cells name models ("| params |
        # LLaMA paper GPU-hours |" over "| LLaMA-7B | 82,432 |": a row per model).
        # A first column of an architecture's dimension ("| Depth | Parameters | Training Time |" over "| 8 | ~60M |")
        # labels configurations, each a model, not points along one run.
        progress = not by_size and not _CONFIGURATION_HEADER_RE.match(table.header[0]) and (
            _is_number_cell(labels[0]) or bool(_RANGE_CELL_RE.fullmatch(labels[0]))
            or columns[0] is not None and not _MODEL_NAME_CELL_RE.search(labels[0]))
        if progress:
            # A table of figures along one training run: its last row is the final total.
            chosen = {len(rows) - 1: _RowScope("model", f"last row of the table at line {self.line(table.start)}",
                                               Reading.LAST_ROW)}
        else:
            chosen = self._row_scopes(labels, table, by_size)
        for index, (scope, note, reading, of_base) in chosen.items():
            row = rows[index]
            for cell, kind in zip(row[1:], columns[1:]):
                if kind is None:
                    continue
                quantity, unit, column_scope = kind
                if quantity == "accelerators":
                    if progress:
                        continue  # the accelerators of one stage of the run ("| Checkpoint Interval | # GPUs |")
                    self._accelerators_cell(cell, table.row_offsets[table.rows.index(row)], scope, note, reading,
                                            labels[index])
                    continue
                value = _table_value(cell, quantity, unit)
                if value is None or quantity == "params" and value < _MIN_MODEL_SIZE:
                    continue  # "| encoder_ffn_dim | 4096 |" under "参数" (a setting), a component's 64 parameters
                if quantity == "params" and of_base:
                    # The base's row gives this model's size: fine-tuning changes no parameter count.
                    self.add(quantity, value, cell, table.row_offsets[table.rows.index(row)], scope="model",
                             note=f"{note}: its size", reading=Reading.OWN_ROW, row=labels[index])
                    self.base_sizes.add(id(self.facts[-1]))
                    continue
                self.add(quantity, value, cell, table.row_offsets[table.rows.index(row)],
                         scope=column_scope if column_scope != "model" else scope, note=note, reading=reading,
                         row=None if progress else labels[index])

    def _accelerators_cell(self, cell: str, offset: int, scope: str, note: str, reading: Reading, row: str | None) -> None:
        """A row's accelerators, in a column of them: "4xV100 32GB" (count and hardware), "512" (a count)."""
        match = _ACCELERATORS_CELL_RE.fullmatch(cell)
        if match is None:
            return
        text = cell.strip()
        if hardware := match.group(2) or match.group(3):
            self.add("hardware", hardware, text, offset, scope=scope, note=note, reading=reading, row=row)
        count = int(match.group(1)) if match.group(1) else parse_accelerator_count(text)  # "TPUv3-8": one board
        if count:
            self.add("accelerator_count", count, text, offset, scope=scope, note=note, reading=reading, row=row)

    def _key_value_table(self, table: _Table) -> None:
        # A label in bold ("| **Carbon Emitted** | ~150 kg CO₂ eq |") is the same label.
        rows = {row[0].strip().strip("*_").strip().lower(): (row[1], offset, row[0].strip().strip("*_").strip())
                for row, offset in zip(table.rows, table.row_offsets) if len(row) >= 2}
        if "emissions" in rows and rows.keys() & {"energy_consumed", "duration", "emissions_rate"}:
            self._codecarbon_table(table, rows)
        elif any("?" in key for key in rows):
            self._question_table(table, rows)
        elif len(table.header) == 2 and all(len(row) == 2 for row in table.rows):
            self._fields_table(rows)  # two columns exactly: a row of a family's sizes is no field

    def _fields_table(self, rows: dict[str, tuple[str, int, str]]) -> None:
        """A two-column table of labelled fields ("| Region | US West 2 |", "| Compute SKU GPU
        Device | 8 x NVIDIA V100 32GB |"): each row whose label names a quantity is a field."""
        nodes = next((row for key, row in rows.items() if _NODES_KEY_RE.fullmatch(key)), None)
        per_node = next((row for key, row in rows.items() if _PER_NODE_KEY_RE.search(key)), None)
        if nodes is not None and per_node is not None:
            # "| Number of Nodes | 8 |" and "| Number of accelerators per instance | 8 |": 64 accelerators.
            counts = [re.fullmatch(r"\s*(\d{1,5})\s*", row[0]) for row in (nodes, per_node)]
            if all(counts) and all(int(count.group(1)) > 0 for count in counts):
                self.add("accelerator_count", int(counts[0].group(1)) * int(counts[1].group(1)),
                         f"{nodes[2]}: {nodes[0].strip()} x {per_node[2]}: {per_node[0].strip()}", per_node[1],
                         note=f"fields '{nodes[2]}' x '{per_node[2]}'", reading=Reading.FIELD)
                self._use(nodes[1])
                self._use(per_node[1])
        for key, (value, offset, written) in rows.items():
            kind = _label_kind(key) or ("hardware" if _HARDWARE_KEY_RE.search(key) else None)
            value = value.strip().strip("*").strip()
            if kind is None or not value or states_nothing(value):
                continue
            if kind == "hardware" and (count := re.fullmatch(r"(\d{1,6})", value)) and _HARDWARE_RE.search(written):
                # "| Nvidia H100 80GB GPU | 64 |": the accelerator is the label, the value how many.
                self.add("hardware", written, written, offset, note=f"field '{written}'", reading=Reading.FIELD)
                if int(count.group(1)) > 0:
                    self.add("accelerator_count", int(count.group(1)), f"{written}: {value}", offset,
                             note=f"field '{written}'", reading=Reading.FIELD)
                self._use(offset)
            elif self._labelled(kind, written, value, offset):
                self._use(offset)

    def _question_table(self, table: _Table, rows: dict[str, tuple[str, int, str]]) -> None:
        """The climate performance model card (Hershcovich et al., 2022): "7. How much CO2eq was
        emitted to train the final model? | 15.79 kg"."""
        for question, (answer, offset, written) in rows.items():
            answer = answer.strip()
            found = next(((quantity, scope) for pattern, quantity, scope in _QUESTIONS if pattern.search(question)),
                          None)
            if found is None or not answer or states_nothing(answer):
                continue
            quantity, scope = found
            self._use(offset)
            note = f"field '{written[:60]}'"
            if quantity == "emissions":
                mass = _MASS_RE.search(answer)
                if mass is not None:
                    self.add("emissions", _grams(mass.group(0)), mass.group(0), offset, scope=scope, note=note,
                             reading=Reading.FIELD)
            elif quantity == "wall_hours":
                self._labelled_hours(question, answer, offset, note)
            else:
                self.add(quantity, answer, answer, offset, scope=scope, note=note, reading=Reading.FIELD)

    def _codecarbon_table(self, table: _Table, rows: dict[str, tuple[str, int, str]]) -> None:
        """CodeCarbon's output pasted as a key/value table ("| emissions | 0.0435 |",
        "| energy_consumed | 0.146 |", "| duration | 515.5 |"): read in CodeCarbon's units."""
        for body_offset in table.line_offsets:
            self._use(body_offset)
        for key, quantity, factor, unit, how in CODECARBON_TOTALS:
            if key in rows:
                cell, offset, _ = rows[key]
                if _is_number_cell(cell):
                    self.add(quantity, _number(cell.strip()) * factor, f"{cell.strip()} {unit}", offset,
                             note=f"field '{key}' of a CodeCarbon table, {how}", reading=Reading.FIELD)

    def _row_scopes(self, labels: list[str], table: _Table, by_size: bool = False) -> dict[int, _RowScope]:
        """Each row's scope; rows labelled by a size alone (`by_size`) are no base's: the name adds the family's words."""
        where = f"the table at line {self.line(table.start)}"
        model_rows = [i for i, label in enumerate(labels) if not _is_total(label)]
        scopes = {}
        for index, label in enumerate(labels):
            if _is_total(label):
                scopes[index] = _RowScope("family", f"total row '{label}' of {where}", Reading.TOTAL_ROW)
        model_tokens = name_tokens(self.model_name) if self.model_name else set()
        if len(model_rows) == 1 and not scopes:
            # The only row is taken as this model's; it is its own row for certain (as strong
            # as a field) when the model's name picks it too.
            label = labels[model_rows[0]]
            named = model_tokens and _pick_row([label], model_tokens) == 0
            if named and (tuning := base_row_words(name_tokens(label), self.model_name)):
                scopes[model_rows[0]] = _RowScope("other", f"row '{label}' of {where}, the base of this model "
                                                           f"(this one adds {', '.join(sorted(tuning))})", Reading.ROW,
                                                  of_base=True)
            elif not named and (table.without_outer_pipes or self.tables_of_models):
                # GitHub's tables without outer pipes are most in projects' READMEs, of several models: the only
                # row ("ELECTRA-base" in AraBERT's README) is this model's when its name picks it. So is a table's
                # only row beside a table of several models' figures: MindYOLO's page of YOLOX, its sizes N to X in
                # one table, then "| YOLOX | S | 8 * 8 | ... | 9.0M |" alone, tested on another accelerator.
                scopes[model_rows[0]] = _RowScope("row", f"row '{label}' of {where}", Reading.ROW)
            else:
                scopes[model_rows[0]] = _RowScope("model", f"row '{label}' of {where}" + (", this model" if named else ""),
                                                  Reading.OWN_ROW if named else Reading.ROW)
            return scopes
        mine = _pick_row([labels[i] for i in model_rows], model_tokens, self.model_name)
        # The authors' own rows, marked "(ours)", before the others: "| ELECTRA-Small-OWT (ours) | 17M |" beside the
        # paper's "| ELECTRA-Small-OWT | 14M |"; of several, the one the model's name picks.
        ours = [position for position, index in enumerate(model_rows) if _OURS_RE.search(labels[index])]
        if ours:
            picked = 0 if len(ours) == 1 else _pick_row([labels[model_rows[position]] for position in ours], model_tokens,
                                                        self.model_name)
            mine = ours[picked] if picked is not None else mine
        marked = mine is not None and mine in ours  # "| This Model Training | 0.594 kg CO2 |": theirs, never a base's
        for position, index in enumerate(model_rows):
            label = labels[index]
            if position == mine and not marked and not by_size and (
                    tuning := base_row_words(name_tokens(label), self.model_name)):
                # "Llama 2 7B" on the card of Llama-2-7b-chat: the base model's pre-training.
                scopes[index] = _RowScope("other", f"row '{label}' of {where}, the base of this model "
                                                   f"(this one adds {', '.join(sorted(tuning))})", Reading.ROW, of_base=True)
            elif position == mine:
                scopes[index] = _RowScope("model", f"row '{label}' of {where}, this model", Reading.OWN_ROW)
            elif mine is None:
                # Which row is this model is unknown (no name, or no row matches it).
                self.unmatched_rows = True
                scopes[index] = _RowScope("row", f"row '{label}' of {where}", Reading.ROW)
            else:
                scopes[index] = _RowScope("other", f"row '{label}' of {where}", Reading.ROW)
        return scopes

    def _names_from_tables(self) -> None:
        """The distinguishing words of the models that the card's tables list."""
        if not self.facts:
            return
        for fact in self.facts:
            # A table of sizes names a family's models, but states no training run: its rows do not make
            # the card's run figures a family's; nor does a table of token counts, whose rows may be the
            # corpora of the training data ("Medical crawler | 745,705,946").
            if fact.row is not None and fact.reading is not Reading.TOTAL_ROW and fact.quantity not in (
                    "params", "train_tokens") and not _ACTIVITY_ROW_RE.search(fact.row):
                target = self.own_names if fact.scope == "model" else self.other_names
                tokens = name_tokens(fact.row)
                if tokens not in target:  # a row gives a fact per column: its name once
                    target.append(tokens)
        names = self.own_names + self.other_names
        # The words every row shares ("llama", "3") tell no row from another; one row alone
        # keeps its words (the base model's row on a fine-tune's card).
        common = set.intersection(*names) if len(names) > 1 else set()
        self.own_names = [names - common for names in self.own_names if names - common]
        self.other_names = [names - common for names in self.other_names if names - common]
