"""Facts that the files beside a model card state, when the card is a README.md in a model folder.

The weights state the parameter count exactly (in the safetensors headers), the Trainer states
its compute and run time, CodeCarbon states the measured emissions. These files come from
strangers: a file that is corrupt or lies becomes a `FactProblem`, never an exception, and
nothing is read beyond a safetensors header or a size-capped JSON or CSV file.

The scan runs for every card of a large check, so a folder holding only README.md costs one
`os.scandir` and nothing else.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .._regex import lazy_compile
from ..card import read_regular_file
from .base import Fact, FactProblem

__all__ = [
    "MAX_CODECARBON_ROWS",
    "MAX_CODECARBON_RUNS",
    "MAX_JSON_MEMORY",
    "MAX_SAFETENSORS_HEADER",
    "MAX_SIDE_FILE",
    "Found",
    "SideFileError",
    "check_header",
    "facts_from_folder",
    "header_length",
    "hub_repository",
    "is_weight_file",
    "parse_header_json",
    "read_config",
    "read_index",
    "routes_experts",
    "safetensors_parameter_count",
    "weight_facts",
]

MAX_SAFETENSORS_HEADER = 16 * 1024**2
"""The largest safetensors header read, in bytes. Real headers are far smaller (a shard of a
600B-parameter model has a header of a few hundred KiB); a larger length is refused unread."""

MAX_SIDE_FILE = 64 * 1024**2
"""The largest JSON or CSV side file read, in bytes."""

MAX_JSON_MEMORY = 256 * 1024**2
"""The most memory the objects of one JSON side file may take, as estimated from its bytes
before parsing (`_json_memory`): a file of tiny nested containers (`[{},{},...]`) takes 25x
its size once parsed, so the byte cap alone does not bound memory. A real trainer_state.json
of 200,000 log entries (26 MB) is estimated at about 270 MB of which it takes 90."""

MAX_CODECARBON_ROWS = 100_000
"""The most rows of emissions.csv read. CodeCarbon appends one row per run (or per periodic
save): a real file has a few hundred; a longer one is refused rather than summed in part."""

MAX_CODECARBON_RUNS = 1_000
"""The most runs (distinct run_id) of emissions.csv summed; each run can state its own
hardware and place, and every distinct one becomes a fact."""

INDEX = "model.safetensors.index.json"
CONFIG = "config.json"
TRAINER_STATE = "trainer_state.json"
RESULTS = ("train_results.json", "all_results.json")
EMISSIONS = "emissions.csv"
_NAMED = frozenset({INDEX, CONFIG, TRAINER_STATE, *RESULTS, EMISSIONS})
# A PEFT adapter beside the card counts the adapter's parameters, not the model's.
_ADAPTER = "adapter_model.safetensors"

_open = open
"""The one function that opens side files. A documented seam: tests replace it to count the
bytes read (safetensors headers are opened unbuffered, so what `read` returns is what the
operating system read)."""


class SideFileError(ValueError):
    """A side file that is unreadable, corrupt, too big, or states something impossible."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


# --- The folder --------------------------------------------------------------------------


def facts_from_folder(folder: str | os.PathLike, names: Collection[str] | None = None,
                      ) -> tuple[list[Fact], list[FactProblem]]:
    """The facts the side files of a model folder state, and the files that could not be read.

    Every fact has origin "file" and `where` = the file name; every problem is an
    `unreadable-file` FactProblem naming the file. Never raises for bad files. `names` are the
    names in the folder when they are already listed (`card.find_cards`; None: listed here).
    """
    found = Found()
    files = _side_files(os.fspath(folder), found, names)
    if not files:
        return found.facts, found.problems
    config = found.read(CONFIG, read_config, files[CONFIG]) if CONFIG in files else None
    _weights(files, config, found)
    if TRAINER_STATE in files:
        found.read(TRAINER_STATE, _trainer_state, files[TRAINER_STATE], found)
    for name in RESULTS:
        if name in files:
            found.read(name, _train_results, name, files[name], found)
    if EMISSIONS in files:
        found.read(EMISSIONS, _emissions, files[EMISSIONS], found)
    return found.facts, found.problems


@dataclass
class Found:
    """What the readers found: facts and problems, in reading order."""

    facts: list[Fact] = field(default_factory=list)
    problems: list[FactProblem] = field(default_factory=list)

    def fact(self, quantity: str, value: Any, text: str, where: str, note: str, line: int | None = None) -> None:
        if isinstance(value, (int, float)) and not _finite(value):
            # A JSON integer of 400 digits, or a sum that overflows: no estimate can use it.
            self.problem(where, f"{_clip(text, 60)} is not a finite number a float can hold", line)
            return
        self.facts.append(Fact(quantity, value, text, origin="file", where=where, line=line, note=note))

    def problem(self, where: str, message: str, line: int | None = None) -> None:
        self.problems.append(FactProblem("unreadable-file", _clip(message, 200), where, line))

    def read(self, name: str, reader, *args):
        """Run one reader; a `SideFileError` becomes a problem of the file `name`."""
        try:
            return reader(*args)
        except SideFileError as error:
            self.problem(name, error.message, error.line)
            return None


def _is_side_file(name: str) -> bool:
    return name in _NAMED or is_weight_file(name)


def is_weight_file(name: str) -> bool:
    """A safetensors file of the model's weights (a LoRA adapter's are not the model's)."""
    return name.endswith(".safetensors") and name != _ADAPTER


def _side_files(folder: str, found: Found, names: Collection[str] | None = None) -> dict[str, str]:
    """The side files of the folder, name -> path, in name order: one scandir, no recursion.

    Links are followed only when they resolve inside the folder: a card's repository must not
    make carbon-card read (and report on) files elsewhere on the machine.
    """
    try:
        # Names first (cheap): most card folders hold no side file, and then nothing else runs.
        if not any(_is_side_file(name) for name in (os.listdir(folder) if names is None else names)):
            return {}
        with os.scandir(folder) as entries:
            wanted = [e for e in entries if _is_side_file(e.name)]
    except OSError as error:
        found.problem(folder, f"cannot list the folder: {error.strerror or error}")
        return {}
    files: dict[str, str] = {}
    root = None  # the folder's real path, computed only when there is a link
    for entry in sorted(wanted, key=lambda e: e.name):
        try:
            if entry.is_symlink():
                root = root or os.path.realpath(folder)
                target = os.path.realpath(entry.path)
                if os.path.commonpath([root, target]) != root:
                    message = f"a symbolic link to {_clip(target, 120)}, outside the folder: not followed"
                    found.problem(entry.name, message)
                    continue
            if entry.is_file():  # directories (and fifos, devices) named like the files are ignored
                files[entry.name] = entry.path
        except (OSError, ValueError):
            continue
    return files


# --- Safetensors --------------------------------------------------------------------------

# Routed-expert weights of mixture-of-experts models: `model.layers.0.mlp.experts.7.up_proj.weight`
# (not `shared_experts`, which every token uses).
_EXPERT_TENSOR = lazy_compile(r"\.experts\.\d+\.")

# Bits per element of the safetensors dtypes, to check that a shape fits its bytes.
# Unknown (future) dtypes are accepted unchecked.
_DTYPE_BITS = {
    "BOOL": 8, "U8": 8, "I8": 8, "F8_E4M3": 8, "F8_E5M2": 8, "F8_E8M0": 8,
    "U16": 16, "I16": 16, "F16": 16, "BF16": 16,
    "U32": 32, "I32": 32, "F32": 32,
    "U64": 64, "I64": 64, "F64": 64, "C64": 64,
    "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
}  # fmt: skip


# A NamedTuple, not a dataclass: a private record, made at import for a fifth of a frozen dataclass's cost.
class _Header(NamedTuple):
    """What carbon-card takes from one safetensors header."""

    params: int
    expert_params: int
    """Parameters of the routed-expert tensors (names matching `.experts.<n>.`)."""


def safetensors_parameter_count(path: str | os.PathLike) -> int:
    """The exact parameter count of a safetensors file, read from its header only.

    Raises `SideFileError` when the header is missing, too big, not JSON, or impossible.
    """
    return _read_header(path).params


def _read_header(path: str | os.PathLike) -> _Header:
    """Read and check the header: 8 bytes of little-endian length N, then N bytes of JSON."""
    try:
        # Unbuffered: a buffered read of the 8-byte length would pull a whole buffer of data.
        with _open(path, "rb", buffering=0) as file:
            size = os.fstat(file.fileno()).st_size
            length = header_length(_read_exactly(file, 8), size)
            raw = _read_exactly(file, length)
    except OSError as error:
        raise SideFileError(f"cannot read: {error.strerror or error}") from None
    if len(raw) < length:
        raise SideFileError(f"truncated safetensors header: {len(raw)} of {length} bytes")
    return check_header(parse_header_json(raw), data_size=size - 8 - length)


def header_length(prefix: bytes, size: int) -> int:
    """The header length a safetensors file's first 8 bytes state, checked against the cap and
    the file's `size` before anything more is read (a lying length must not make us read it);
    `SideFileError` otherwise. The Hub audit reads the same prefix by a ranged request."""
    if size < 8 or len(prefix) < 8:
        raise SideFileError(f"{size} bytes: too short for a safetensors header length")
    length = int.from_bytes(prefix[:8], "little")
    if length > MAX_SAFETENSORS_HEADER:
        raise SideFileError(
            f"safetensors header length {length} bytes is over the cap of {MAX_SAFETENSORS_HEADER}: not read"
        )
    if length > size - 8:
        raise SideFileError(f"safetensors header length {length} bytes is more than the file holds ({size - 8} bytes)")
    return length


def parse_header_json(raw: bytes) -> Any:
    """The JSON of a safetensors header's bytes, or `SideFileError`."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise SideFileError(f"safetensors header is not valid JSON: {_clip(str(error), 100)}") from None


def _read_exactly(file, count: int) -> bytes:
    """`count` bytes, or fewer at the end of the file (a raw read may return less than asked)."""
    chunks, remaining = [], count
    while remaining > 0:
        chunk = file.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def check_header(header: Any, data_size: int) -> _Header:
    """A parsed safetensors header (JSON), checked against the size of its data: the parameter
    counts of its tensors, or `SideFileError` for a header that lies or is malformed."""
    if not isinstance(header, dict):
        raise SideFileError("safetensors header is not a JSON object")
    params = expert_params = 0
    for name, info in header.items():
        if name == "__metadata__":
            if not isinstance(info, dict):
                raise SideFileError("safetensors __metadata__ is not a JSON object")
            continue
        count = _tensor_params(name, info, data_size)
        params += count
        if _EXPERT_TENSOR.search(name):
            expert_params += count
    return _Header(params, expert_params)


def _tensor_params(name: str, info: Any, data_size: int) -> int:
    """The element count of one tensor entry, after checking that the entry is possible."""
    tensor = f"tensor {_clip(repr(name), 80)}"
    if not isinstance(info, dict):
        raise SideFileError(f"{tensor} is not a JSON object")
    dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if not isinstance(dtype, str):
        raise SideFileError(f"{tensor} has no dtype")
    if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
        raise SideFileError(f"{tensor}: shape {_clip(json.dumps(shape), 60)} is not a list of non-negative integers")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_count(o) for o in offsets)):
        raise SideFileError(f"{tensor}: data_offsets {_clip(json.dumps(offsets), 60)} is not [begin, end]")
    begin, end = offsets
    if begin > end or end > data_size:
        raise SideFileError(f"{tensor}: data_offsets [{begin}, {end}] are beyond the file ({data_size} data bytes)")
    # Multiply with a bound: no element takes less than a bit, and a header of huge dimensions
    # must not cost a huge multiplication.
    count = 0 if 0 in shape else 1
    for dim in shape if count else ():
        count *= dim
        if count > data_size * 8:
            raise SideFileError(f"{tensor}: shape {_clip(json.dumps(shape), 60)} has more elements than the file holds")
    bits = _DTYPE_BITS.get(dtype)
    if bits is not None and count * bits != (end - begin) * 8:
        raise SideFileError(
            f"{tensor}: shape {_clip(json.dumps(shape), 60)} of {dtype} needs {count * bits / 8:g} bytes,"
            f" its data_offsets hold {end - begin}"
        )
    return count


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# --- Weights: safetensors files, their index, config.json ----------------------------------

# Shards written without an index still name their set: model-00001-of-00003.safetensors.
_SHARD = lazy_compile(r"(?P<stem>.+)-(?P<number>\d+)-of-(?P<total>\d+)\.safetensors")

_EXPERT_KEYS = ("num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts")
_TOP_K_KEYS = ("num_experts_per_tok", "moe_top_k", "top_k")


class _Experts(NamedTuple):
    """The routing of a mixture-of-experts model: `per_token` of `count` experts per token."""

    count: int
    per_token: int
    text: str
    """The config keys, as written: "num_experts_per_tok=2, num_local_experts=8"."""


class _Index(NamedTuple):
    shards: tuple[str, ...]
    metadata: dict


def read_config(path: str) -> dict:
    """config.json as a mapping, or `SideFileError`."""
    config = _read_json(path)
    if not isinstance(config, dict):
        raise SideFileError("config.json is not a JSON object")
    return config


def _weights(files: dict[str, str], config: dict | None, found: Found) -> None:
    """Parameter counts from the weights in the folder (see `weight_facts`)."""
    weights = {name: path for name, path in files.items() if name.endswith(".safetensors")}
    weight_facts(list(weights), INDEX in files, lambda name: _read_header(weights[name]),
                 lambda: read_index(files[INDEX]), config, found)


def weight_facts(names: list[str], has_index: bool, read_header, read_index, config: dict | None,
                 found: Found) -> None:
    """Parameter counts: from the index's shards, else its total_size, then from other files.

    `names` are the safetensors files present, in name order; `read_header(name)` and
    `read_index()` read them (from the folder, or from the Hub by range requests) and raise
    `SideFileError` for what they cannot read."""
    if not names and not has_index:
        return
    experts = found.read(CONFIG, _experts, config) if config is not None else None
    weights = list(names)

    def headers(group: list[str]) -> list[_Header] | None:
        # None when one shard is unreadable (a problem): a partial sum says nothing exact.
        read = [found.read(name, read_header, name) for name in group]
        return None if None in read else read

    if has_index and (index := found.read(INDEX, read_index)) is not None:
        complete = bool(index.shards) and all(shard in weights for shard in index.shards)
        read = headers(index.shards) if complete else None
        if read is not None:
            note = f"sum of the safetensors headers of the {len(read)} shards of the weight_map"
            _header_facts(INDEX, read, note, experts, found)
        else:
            _index_size_fact(index, config, found)
        # A shard of the index says only part of the count: it is not a model by itself.
        weights = [name for name in weights if name not in index.shards]
    groups: dict[tuple[str, str], list[str]] = {}
    for name in weights:  # in name order
        if match := _SHARD.fullmatch(name):
            groups.setdefault((match["stem"], match["total"]), []).append(name)
        elif (header := found.read(name, read_header, name)) is not None:
            _header_facts(name, [header], "exact count from the safetensors header", experts, found)
    for (stem, total), group in groups.items():
        numbers = {int(_SHARD.fullmatch(name)["number"]) for name in group}
        if numbers != set(range(1, int(total) + 1)):
            continue  # an incomplete set of shards says nothing exact about the model
        if (read := headers(group)) is not None:
            note = f"sum of the safetensors headers of the {total} shards {stem}-*-of-{total}.safetensors"
            _header_facts(group[0], read, note, experts, found)


def _header_facts(where: str, headers: list[_Header], note: str, experts: _Experts | None, found: Found) -> None:
    """`params`, and for a mixture-of-experts model `params_active`, from safetensors headers."""
    total = sum(h.params for h in headers)
    found.fact("params", total, str(total), where, note)
    expert_params = sum(h.expert_params for h in headers)
    if experts is None or not expert_params:
        return  # fused expert tensors (no `.experts.<n>.` names) cannot be split exactly
    # Integer arithmetic, rounded half up: exact for the sizes models have.
    unused = (2 * expert_params * (experts.count - experts.per_token) + experts.count) // (2 * experts.count)
    active = total - unused
    found.fact(
        "params_active",
        active,
        str(active),
        where,
        f"{note}, minus {experts.count - experts.per_token}/{experts.count} of the {expert_params}"
        f" routed-expert parameters ({experts.text} in config.json)",
    )


def routes_experts(config: dict) -> bool:
    """Whether config.json routes tokens to several experts (a mixture of experts, whose active
    parameters only the safetensors headers tell); `SideFileError` when its expert counts are not
    counts."""
    return _experts(config) is not None


def _experts(config: dict) -> _Experts | None:
    """The mixture-of-experts routing of config.json (or of its `text_config`), if any."""
    scopes = [config]
    if isinstance(config.get("text_config"), dict):
        scopes.append(config["text_config"])  # multimodal configs nest the language model
    count, per_token = _config_value(scopes, _EXPERT_KEYS), _config_value(scopes, _TOP_K_KEYS)
    if count is None or per_token is None:
        return None
    for key, value in (count, per_token):
        if not _is_count(value):
            raise SideFileError(f"{key} is {_clip(json.dumps(value), 40)}, not a whole number")
    (count_key, count_value), (top_key, top_value) = count, per_token
    if count_value <= 1:
        return None  # one expert is a dense model
    if not 1 <= top_value <= count_value:
        raise SideFileError(f"{top_key}={top_value} is not between 1 and {count_key}={count_value}")
    return _Experts(count_value, top_value, f"{top_key}={top_value}, {count_key}={count_value}")


def _config_value(scopes: list[dict], keys: tuple[str, ...]) -> tuple[str, Any] | None:
    """The first key (in preference order) that some scope sets to a non-null value."""
    for key in keys:
        for scope in scopes:
            if scope.get(key) is not None:
                return key, scope[key]
    return None


def read_index(path: str) -> _Index:
    """model.safetensors.index.json: its shards and metadata, or `SideFileError`."""
    data = _read_json(path)
    if not isinstance(data, dict):
        raise SideFileError("the index is not a JSON object")
    weight_map, metadata = data.get("weight_map", {}), data.get("metadata", {})
    if not isinstance(weight_map, dict) or not all(isinstance(v, str) for v in weight_map.values()):
        raise SideFileError("weight_map is not an object of tensor name -> shard file name")
    if not isinstance(metadata, dict):
        raise SideFileError("metadata is not a JSON object")
    return _Index(tuple(sorted(set(weight_map.values()))), metadata)


# Bytes per parameter of config.json's `torch_dtype` (`dtype` in newer transformers).
_DTYPE_BYTES = {"float64": 8, "float32": 4, "float": 4, "float16": 2, "half": 2, "bfloat16": 2, "int8": 1, "uint8": 1}


def _index_size_fact(index: _Index, config: dict | None, found: Found) -> None:
    """Params when the shards are not all here: from the index metadata."""
    total_parameters = index.metadata.get("total_parameters")  # written by recent transformers
    if _is_count(total_parameters) and total_parameters > 0:  # Found.fact refuses one no float holds
        found.fact("params", total_parameters, str(total_parameters), INDEX, "metadata.total_parameters of the index")
        return
    total_size = index.metadata.get("total_size")
    if total_size is None:
        return
    if isinstance(total_size, bool) or not isinstance(total_size, (int, float)) or not _finite(total_size) \
            or total_size <= 0:
        written = _clip(json.dumps(total_size), 40)
        found.problem(INDEX, f"metadata.total_size is {written}, not a positive number of bytes")
        return
    size, how = _bytes_per_parameter(config)
    params = round(float(total_size) / size)
    text = f'"total_size": {json.dumps(total_size)}'
    found.fact("params", params, text, INDEX, f"derived from metadata.total_size / {how}")


def _bytes_per_parameter(config: dict | None) -> tuple[int, str]:
    """Bytes per parameter from config.json, and how it was chosen (for the note)."""
    scopes = [config] if config is not None else []
    if config is not None and isinstance(config.get("text_config"), dict):
        scopes.append(config["text_config"])
    found = _config_value(scopes, ("torch_dtype", "dtype"))
    if found is None:
        return 2, "2 bytes (no torch_dtype in config.json: 16-bit assumed)"
    key, dtype = found
    name = str(dtype).removeprefix("torch.").lower()
    size = 1 if name.startswith(("float8", "fp8")) else _DTYPE_BYTES.get(name)
    if size is None:
        return 2, f"2 bytes (unknown {key} {_clip(json.dumps(dtype), 30)} in config.json: 16-bit assumed)"
    return size, f"{size} bytes ({key} {name} in config.json)"


# --- Trainer outputs ----------------------------------------------------------------------


def _trainer_state(path: str, found: Found) -> None:
    """trainer_state.json of the transformers Trainer."""
    data = _read_object(path)
    _number_fact(found, TRAINER_STATE, data, "total_flos", "train_flops", "Trainer total_flos")
    _number_fact(found, TRAINER_STATE, data, "num_input_tokens_seen", "train_tokens", "Trainer num_input_tokens_seen")
    history = data.get("log_history", [])
    if not isinstance(history, list):
        found.problem(TRAINER_STATE, "log_history is not a list")
        return
    # The Trainer logs train_runtime once, at the end of train(); a resumed run logs it again.
    last = next((e for e in reversed(history) if isinstance(e, dict) and "train_runtime" in e), None)
    if last is not None:
        note = "train_runtime of the last log_history entry, seconds / 3600"
        _number_fact(found, TRAINER_STATE, last, "train_runtime", "wall_hours", note, per=3600)


def _train_results(name: str, path: str, found: Found) -> None:
    """train_results.json and all_results.json, written by the transformers example scripts."""
    data = _read_object(path)
    _number_fact(found, name, data, "train_runtime", "wall_hours", "Trainer train_runtime, seconds / 3600", per=3600)
    _number_fact(found, name, data, "total_flos", "train_flops", "Trainer total_flos")
    _number_fact(found, name, data, "num_input_tokens_seen", "train_tokens", "Trainer num_input_tokens_seen")


def _number_fact(found: Found, where: str, data: dict, key: str, quantity: str, note: str, per: float = 1) -> None:
    """One numeric JSON field as a fact; a wrong type, negative or non-finite value as a problem."""
    value = data.get(key)
    if value is None:
        return
    written = _clip(json.dumps(value), 40)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        found.problem(where, f"{key} is {written}, not a number")
    elif not _finite(value) or value < 0:
        found.problem(where, f"{key} is {written}, not a finite non-negative number")
    elif value > 0:  # the Trainer writes 0 when it did not count (no FLOP estimate, no token count)
        found.fact(quantity, float(value) / per if per != 1 else value, f'"{key}": {written}', where, note)


# --- CodeCarbon ---------------------------------------------------------------------------

# (column, quantity, factor to the program unit, unit as written, how the note says it)
CODECARBON_TOTALS = (
    ("emissions", "emissions", 1000.0, "kg", "kg x 1000"),
    ("energy_consumed", "energy", 1.0, "kWh", "kWh"),
    ("duration", "wall_hours", 1 / 3600, "s", "seconds / 3600"),
)
# CodeCarbon writes the GPUs as "4 x NVIDIA A100-SXM4-40GB".
_GPU_COUNT = lazy_compile(r"\s*(\d+)\s*x\s+\S")


def _emissions(path: str, found: Found) -> None:
    """CodeCarbon's emissions.csv: the totals of its runs, and where and on what they ran."""
    runs = _read_runs(path)
    if not runs:
        return
    single_line = runs[0][0] if len(runs) == 1 else None
    summed = f", summed over the last row of each of {len(runs)} runs" if len(runs) > 1 else ""
    for column, quantity, factor, unit, how in CODECARBON_TOTALS:
        if not any(column in row for _, row in runs):
            continue
        cells = [(line, (row.get(column) or "").strip()) for line, row in runs]
        numbers = [_csv_number(found, column, line, cell) for line, cell in cells]
        if None in numbers:
            continue  # a total with a hole in it would be wrong
        text = _clip(" + ".join(cell for _, cell in cells[:20]), 80) + f" {unit}"
        note = f"CodeCarbon {column}, {how}{summed}"
        try:
            total = math.fsum(numbers) * factor
        except OverflowError:  # fsum of huge values; Found.fact refuses an infinite product
            total = math.inf
        found.fact(quantity, total, text, EMISSIONS, note, single_line)
    _run_descriptions(runs, found)


def _run_descriptions(runs: list[tuple[int, dict]], found: Found) -> None:
    """The text columns of the runs: every distinct value is a candidate fact."""
    seen: set[tuple[str, Any, str]] = set()

    def fact(quantity: str, value: Any, text: str, line: int, note: str) -> None:
        if (quantity, value, note) not in seen:
            seen.add((quantity, value, note))
            found.fact(quantity, value, text, EMISSIONS, note, line)

    for line, row in runs:
        cell = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str) and isinstance(v, str)}
        if cell.get("gpu_count"):
            count = _csv_number(found, "gpu_count", line, cell["gpu_count"])
            if count and count == int(count):
                fact("accelerator_count", int(count), cell["gpu_count"], line, "CodeCarbon gpu_count")
        if gpu_model := cell.get("gpu_model"):
            fact("hardware", gpu_model, gpu_model, line, "CodeCarbon gpu_model")
            if (match := _GPU_COUNT.match(gpu_model)) and int(match[1]) > 0:
                fact("accelerator_count", int(match[1]), gpu_model, line, 'CodeCarbon gpu_model "N x ..."')
        if place := ", ".join(p for p in (cell.get("region"), cell.get("country_name")) if p):
            fact("location", place, place, line, "CodeCarbon region, country_name")
        if provider := cell.get("cloud_provider"):
            fact("cloud_provider", provider, provider, line, "CodeCarbon cloud_provider")
        if cell.get("pue"):
            pue = _csv_number(found, "pue", line, cell["pue"])
            if pue and pue != 1.0:  # 1.0 is CodeCarbon's default, not a statement about the data centre
                fact("pue", pue, cell["pue"], line, "CodeCarbon pue")


def _read_runs(path: str) -> list[tuple[int, dict]]:
    """The last row of each run of a size-capped CodeCarbon file, with its line number, read
    row by row: CodeCarbon appends a row per run, or several per run_id when it saves
    periodically, and the last row of a run_id is that run's cumulative total (a row without
    run_id is a run of its own). Memory holds one row per run."""
    reader = None
    runs: dict[str, tuple[int, dict]] = {}
    try:
        with _open(path, "r", encoding="utf-8-sig", newline="") as file:
            _check_size(file)
            reader = csv.DictReader(file)
            columns = [c.strip() for c in reader.fieldnames or ()]
            missing = [c for c in ("emissions", "duration") if c not in columns]
            if missing:
                raise SideFileError(f"no {' or '.join(map(repr, missing))} column: not a CodeCarbon emissions file",
                                    line=1)
            reader.fieldnames = columns
            for number, row in enumerate(reader):
                if number >= MAX_CODECARBON_ROWS:
                    raise SideFileError(f"more than {MAX_CODECARBON_ROWS} rows: not a CodeCarbon log of training "
                                        "runs; not summed", line=reader.line_num)
                run_id = (row.get("run_id") or "").strip() or f"row {number}"
                runs[run_id] = (reader.line_num, row)
                if len(runs) > MAX_CODECARBON_RUNS:
                    raise SideFileError(f"more than {MAX_CODECARBON_RUNS} runs: not summed", line=reader.line_num)
    except OSError as error:
        raise SideFileError(f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise SideFileError("not UTF-8 text") from None  # decoded in blocks: no exact line
    except csv.Error as error:
        raise SideFileError(f"not a readable CSV file: {error}", line=reader.line_num if reader else None) from None
    return list(runs.values())


def _csv_number(found: Found, column: str, line: int, cell: str) -> float | None:
    """A non-negative finite number, or None and a problem naming the column and line."""
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if not 0 <= value < math.inf:
        written = _clip(repr(cell), 40)
        found.problem(EMISSIONS, f"column {column!r} at line {line}: {written} is not a non-negative number", line)
        return None
    return value


# --- The Hub repository a folder is a clone of -----------------------------------------------

MAX_GIT_CONFIG = 64 * 1024
"""The most of a clone's .git/config read: a real one is a few hundred bytes."""

# A remote on the Hub: "url = https://huggingface.co/owner/name", with or without credentials
# ("https://user:TOKEN@huggingface.co/..."), ".git", or the SSH form "git@hf.co:owner/name". Datasets and
# Spaces are not models. The credentials are matched only to be skipped: they are never kept.
_HUB_REMOTE_RE = lazy_compile(
    r"^[ \t]*url[ \t]*=[ \t]*(?:https?://(?:[^@/\s]+@)?(?:www\.)?(?:huggingface\.co|hf\.co)/|git@hf\.co:)"
    r"(?!datasets/|spaces/)([A-Za-z0-9][\w.-]*/[\w.-]+?)(?:\.git)?/?[ \t]*\r?$",
    re.MULTILINE)


def hub_repository(folder: str | os.PathLike) -> str | None:
    """The Hub model repository ("owner/name") the folder is a git clone of, from its remote in
    .git/config; None when it is none (or the file is missing, not a regular file, or unreadable)."""
    try:
        raw = read_regular_file(os.path.join(folder, ".git", "config"), MAX_GIT_CONFIG)
    except OSError:  # missing, a FIFO or a device (never waited on), unreadable
        return None
    match = _HUB_REMOTE_RE.search(raw.decode("utf-8", "replace"))
    return match.group(1) if match else None


# --- Reading, with caps -------------------------------------------------------------------


def _read_object(path: str) -> dict:
    data = _read_json(path)
    if not isinstance(data, dict):
        raise SideFileError("not a JSON object")
    return data


def _read_json(path: str) -> Any:
    """A size-capped JSON file."""
    try:
        with _open(path, "rb") as file:
            _check_size(file)
            raw = file.read()
    except OSError as error:
        raise SideFileError(f"cannot read: {error.strerror or error}") from None
    if (estimate := _json_memory(raw)) > MAX_JSON_MEMORY:
        raise SideFileError(f"its {len(raw)} bytes would take about {estimate // 1024**2} MB once parsed, over the "
                            f"cap of {MAX_JSON_MEMORY // 1024**2} MB: not read")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SideFileError("not UTF-8 text") from None
    del raw
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SideFileError(f"not valid JSON: {error.msg} (column {error.colno})", line=error.lineno) from None
    except (ValueError, RecursionError) as error:  # too many digits, too deeply nested
        raise SideFileError(f"not valid JSON: {_clip(str(error), 100)}") from None


def _json_memory(raw: bytes) -> int:
    """An upper estimate of the memory `json.loads` takes for these bytes: the text, about 160
    bytes per container and 64 per value or key (measured on CPython 3.11 for empty and
    one-key containers, small numbers and short strings, the costliest shapes per byte). The
    counts include brackets and commas inside strings, which only raises the estimate."""
    containers = raw.count(b"{") + raw.count(b"[")
    values = raw.count(b",") + raw.count(b":")
    return 2 * len(raw) + 160 * containers + 64 * values


def _check_size(file) -> None:
    size = os.fstat(file.fileno()).st_size
    if size > MAX_SIDE_FILE:
        raise SideFileError(f"{size} bytes is over the cap of {MAX_SIDE_FILE} bytes for side files: not read")


def _finite(value: float) -> bool:
    """A number a float holds and that is finite (a JSON integer may have any number of digits)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _clip(text: str, limit: int) -> str:
    """One line of at most `limit` characters: messages must stay one line whatever a file holds."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
