"""The facts of the files beside a card: real files in tmp_path, written by hand."""

import json
import math
import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbon_card.facts import files
from carbon_card.facts.files import (
    MAX_SAFETENSORS_HEADER,
    SideFileError,
    facts_from_folder,
    safetensors_parameter_count,
)
from conftest import fuzz_examples

_EXAMPLES = fuzz_examples(300, 75)  # generated files: in CI, and in a developer's run

BITS = {"F32": 32, "F16": 16, "BF16": 16, "F8_E4M3": 8, "I64": 64, "BOOL": 8}


def safetensors_bytes(tensors, metadata=None):
    """The header of a safetensors file (length + JSON) and the size of its data.

    `tensors` maps a name to (dtype, shape); the data is laid out contiguously, as the
    safetensors library writes it.
    """
    header, offset = {}, 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dtype, shape) in tensors.items():
        size = math.prod(shape) * BITS[dtype] // 8
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    return len(raw).to_bytes(8, "little") + raw, offset


def write_safetensors(path, tensors, metadata=None, size=None):
    """A real safetensors file: header, then zero bytes (sparse: truncate writes no blocks)."""
    head, data = safetensors_bytes(tensors, metadata)
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(size if size is not None else len(head) + data)
    return path


def write_raw_header(path, header, extra=0):
    raw = json.dumps(header).encode() if not isinstance(header, bytes) else header
    path.write_bytes(len(raw).to_bytes(8, "little") + raw + bytes(extra))
    return path


def only(facts, quantity):
    found = [f for f in facts if f.quantity == quantity]
    assert len(found) == 1, found
    return found[0]


def values(facts, quantity):
    return [f.value for f in facts if f.quantity == quantity]


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "model"
    path.mkdir()
    (path / "README.md").write_text("# A model\n")
    return path


@pytest.fixture
def opened(monkeypatch):
    """Count what the module reads, through its documented `_open` seam: path -> bytes read."""
    counts = {}

    class Counting:
        def __init__(self, file, path):
            self.file, self.path = file, os.fspath(path)
            counts.setdefault(self.path, 0)

        def read(self, *args):
            data = self.file.read(*args)
            counts[self.path] += len(data)
            return data

        def __iter__(self):  # csv reads text lines
            for line in self.file:
                counts[self.path] += len(line)
                yield line

        def fileno(self):
            return self.file.fileno()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

    monkeypatch.setattr(files, "_open", lambda path, *a, **k: Counting(open(path, *a, **k), path))
    return counts


# Llama 3 8B, as one file: 8,030,261,248 parameters.
LLAMA3_8B = 8_030_261_248


def llama3_8b_tensors(dtype):
    tensors = {"model.embed_tokens.weight": (dtype, [128256, 4096])}
    for i in range(32):
        p = f"model.layers.{i}."
        tensors |= {
            p + "self_attn.q_proj.weight": (dtype, [4096, 4096]),
            p + "self_attn.k_proj.weight": (dtype, [1024, 4096]),
            p + "self_attn.v_proj.weight": (dtype, [1024, 4096]),
            p + "self_attn.o_proj.weight": (dtype, [4096, 4096]),
            p + "mlp.gate_proj.weight": (dtype, [14336, 4096]),
            p + "mlp.up_proj.weight": (dtype, [14336, 4096]),
            p + "mlp.down_proj.weight": (dtype, [4096, 14336]),
            p + "input_layernorm.weight": (dtype, [4096]),
            p + "post_attention_layernorm.weight": (dtype, [4096]),
        }
    tensors |= {"model.norm.weight": (dtype, [4096]), "lm_head.weight": (dtype, [128256, 4096])}
    return tensors


# --- The folder scan ----------------------------------------------------------------------


def test_a_folder_with_only_the_card_opens_nothing(folder, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("opened a file")

    monkeypatch.setattr(files, "_open", refuse)
    assert facts_from_folder(folder) == ([], [])


def test_a_missing_folder_is_a_problem_not_an_exception(tmp_path):
    facts, problems = facts_from_folder(tmp_path / "nowhere")
    assert facts == [] and len(problems) == 1 and "cannot list" in problems[0].message


def test_directories_named_like_the_files_are_ignored(folder):
    for name in ("config.json", "model.safetensors", "emissions.csv", "trainer_state.json"):
        (folder / name).mkdir()
    assert facts_from_folder(folder) == ([], [])


def test_a_link_outside_the_folder_is_not_followed(folder, tmp_path, opened):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "all_results.json").write_text('{"total_flos": 1e18}')
    write_safetensors(outside / "model.safetensors", {"w": ("F32", [10])})
    (folder / "all_results.json").symlink_to(outside / "all_results.json")
    (folder / "model.safetensors").symlink_to("../secret/model.safetensors")  # relative, like the HF cache
    facts, problems = facts_from_folder(folder)
    assert facts == []
    assert sorted(p.where for p in problems) == ["all_results.json", "model.safetensors"]
    assert all("not followed" in p.message and p.kind == "unreadable-file" for p in problems)
    assert opened == {}


def test_a_link_inside_the_folder_is_followed(folder):
    (folder / "runs").mkdir()
    (folder / "runs" / "results.json").write_text('{"total_flos": 1e18}')
    (folder / "all_results.json").symlink_to("runs/results.json")
    facts, problems = facts_from_folder(folder)
    assert problems == []
    assert only(facts, "train_flops").value == 1e18


# --- Safetensors --------------------------------------------------------------------------


def test_exact_count_from_one_file(folder):
    tensors = {
        "embed.weight": ("BF16", [1000, 64]),
        "layer.bias": ("F32", [64]),
        "step": ("I64", []),  # a scalar is one element
        "empty": ("F16", [0, 5]),
    }
    write_safetensors(folder / "model.safetensors", tensors, metadata={"format": "pt"})
    assert safetensors_parameter_count(folder / "model.safetensors") == 64_000 + 64 + 1
    facts, problems = facts_from_folder(folder)
    fact = only(facts, "params")
    assert problems == []
    assert (fact.value, fact.origin, fact.where) == (64_065, "file", "model.safetensors")
    assert "header" in fact.note


def test_ten_gigabyte_file_reads_only_the_header_and_is_fast(folder, opened):
    path = write_safetensors(folder / "model.safetensors", llama3_8b_tensors("F8_E4M3"), size=10 * 1024**3)
    assert os.path.getsize(path) == 10 * 1024**3
    with open(path, "rb") as f:
        header_length = int.from_bytes(f.read(8), "little")
    opened.clear()
    start = time.perf_counter()
    count = safetensors_parameter_count(path)
    elapsed = time.perf_counter() - start
    print(f"10 GiB safetensors: {count} parameters in {elapsed * 1000:.2f} ms")
    assert count == LLAMA3_8B
    assert elapsed < 0.05
    assert opened == {str(path): 8 + header_length}  # the length, then the header: no tensor data
    facts, problems = facts_from_folder(folder)
    assert problems == [] and only(facts, "params").value == LLAMA3_8B


def test_sharded_model_with_its_index_sums_the_shards(folder):
    tensors = llama3_8b_tensors("BF16")
    names = list(tensors)
    parts = [names[:100], names[100:200], names[200:]]
    weight_map = {}
    for i, part in enumerate(parts, 1):
        shard = f"model-{i:05d}-of-00003.safetensors"
        write_safetensors(folder / shard, {n: tensors[n] for n in part})
        weight_map |= {n: shard for n in part}
    (folder / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": 2 * LLAMA3_8B}, "weight_map": weight_map})
    )
    (folder / "config.json").write_text('{"torch_dtype": "bfloat16"}')
    write_safetensors(folder / "adapter_model.safetensors", {"lora_A": ("F32", [8, 4096])})  # not the model
    facts, problems = facts_from_folder(folder)
    assert problems == []
    fact = only(facts, "params")
    assert (fact.value, fact.where) == (LLAMA3_8B, "model.safetensors.index.json")
    assert "3 shards" in fact.note


def test_shards_without_an_index_are_summed_when_all_are_here(folder):
    write_safetensors(folder / "model-00001-of-00002.safetensors", {"a": ("F16", [10, 10])})
    write_safetensors(folder / "model-00002-of-00002.safetensors", {"b": ("F16", [5])})
    facts, problems = facts_from_folder(folder)
    assert problems == [] and values(facts, "params") == [105]
    (folder / "model-00002-of-00002.safetensors").unlink()
    assert facts_from_folder(folder) == ([], [])  # one shard of two says nothing exact


@pytest.mark.parametrize(
    "config, expected, says",
    [
        ({"torch_dtype": "bfloat16"}, 7_000_000_000, "bfloat16"),
        ({"torch_dtype": "float32"}, 3_500_000_000, "float32"),
        ({"text_config": {"torch_dtype": "float16"}}, 7_000_000_000, "float16"),
        ({"dtype": "float8_e4m3fn"}, 14_000_000_000, "float8"),
        ({}, 7_000_000_000, "assumed"),
        (None, 7_000_000_000, "assumed"),
    ],
)
def test_index_without_its_shards_divides_total_size_by_the_dtype(folder, config, expected, says):
    weight_map = {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}
    (folder / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": 14_000_000_000}, "weight_map": weight_map})
    )
    # One shard of two is here: it is not counted on its own.
    write_safetensors(folder / "model-00001-of-00002.safetensors", {"a": ("F16", [10])})
    if config is not None:
        (folder / "config.json").write_text(json.dumps(config))
    facts, problems = facts_from_folder(folder)
    fact = only(facts, "params")
    assert problems == []
    assert (fact.value, fact.where) == (expected, "model.safetensors.index.json")
    assert "total_size" in fact.note and says in fact.note


def test_index_total_parameters_is_used_as_written(folder):
    (folder / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": 100, "total_parameters": 42}, "weight_map": {"a": "x.safetensors"}})
    )
    assert values(facts_from_folder(folder)[0], "params") == [42]


def test_mixture_of_experts_active_parameters_are_exact(folder):
    tensors = {"model.embed_tokens.weight": ("BF16", [1000, 16])}  # 16,000
    for layer in range(2):
        p = f"model.layers.{layer}."
        tensors[p + "self_attn.qkv.weight"] = ("BF16", [48, 16])  # 768
        tensors[p + "block_sparse_moe.gate.weight"] = ("BF16", [8, 16])  # 128: the router is always used
        tensors[p + "mlp.shared_experts.up_proj.weight"] = ("BF16", [32, 16])  # 512: shared, always used
        for expert in range(8):
            tensors[p + f"block_sparse_moe.experts.{expert}.w1.weight"] = ("BF16", [32, 16])  # 512 each
    write_safetensors(folder / "model.safetensors", tensors)
    (folder / "config.json").write_text(json.dumps({"num_local_experts": 8, "num_experts_per_tok": 2}))
    facts, problems = facts_from_folder(folder)
    dense = 16_000 + 2 * (768 + 128 + 512)
    experts = 2 * 8 * 512
    assert problems == []
    assert only(facts, "params").value == dense + experts
    active = only(facts, "params_active")
    assert active.value == dense + 2 * 2 * 512  # two of eight experts per layer
    assert active.where == "model.safetensors" and "num_experts_per_tok=2" in active.note


def test_mixture_of_experts_keys_in_a_multimodal_text_config(folder):
    tensors = {"w": ("F32", [100])} | {f"m.experts.{e}.w": ("F32", [10]) for e in range(4)}
    write_safetensors(folder / "model.safetensors", tensors)
    (folder / "config.json").write_text(json.dumps({"text_config": {"n_routed_experts": 4, "moe_top_k": 1}}))
    facts, problems = facts_from_folder(folder)
    assert problems == [] and values(facts, "params_active") == [110]


def test_impossible_experts_per_token_is_a_problem(folder):
    write_safetensors(folder / "model.safetensors", {"m.experts.0.w": ("F32", [10])})
    (folder / "config.json").write_text(json.dumps({"num_experts": 4, "top_k": 50}))
    facts, problems = facts_from_folder(folder)
    assert values(facts, "params") == [10] and values(facts, "params_active") == []
    assert [(p.where, "top_k=50" in p.message) for p in problems] == [("config.json", True)]


@pytest.mark.parametrize(
    "content, says",
    [
        (b"\x05\x00\x00", "too short"),  # truncated before the length ends
        ((1000).to_bytes(8, "little") + b'{"a": 1}', "more than the file holds"),  # a lying length
        ((100_000_000).to_bytes(8, "little") + b"{}", "over the cap"),  # "100 MB header" in a small file
        ((10).to_bytes(8, "little") + b'{"w": {"dt', "not valid JSON"),  # header cut short
        ((4).to_bytes(8, "little") + b"\xff\xfe{}", "not valid JSON"),  # not UTF-8
        ((2).to_bytes(8, "little") + b"[]", "not a JSON object"),
    ],
)
def test_bad_headers_are_problems(folder, content, says):
    path = folder / "model.safetensors"
    path.write_bytes(content)
    with pytest.raises(SideFileError, match=says):
        safetensors_parameter_count(path)
    facts, problems = facts_from_folder(folder)
    assert facts == []
    assert [(p.kind, p.where) for p in problems] == [("unreadable-file", "model.safetensors")]
    assert says in problems[0].message and "\n" not in problems[0].message


@pytest.mark.parametrize(
    "entry, says",
    [
        ({"shape": [2], "data_offsets": [0, 8]}, "no dtype"),
        ({"dtype": "F32", "shape": "2", "data_offsets": [0, 8]}, "shape"),
        ({"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}, "shape"),
        ({"dtype": "F32", "shape": [2.0], "data_offsets": [0, 8]}, "shape"),
        ({"dtype": "F32", "shape": [True], "data_offsets": [0, 8]}, "shape"),
        ({"dtype": "F32", "shape": [2], "data_offsets": [0]}, "data_offsets"),
        ({"dtype": "F32", "shape": [2], "data_offsets": [0, 800]}, "beyond the file"),
        ({"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}, "needs 12 bytes"),
        ({"dtype": "F32", "shape": [10**9, 10**9], "data_offsets": [0, 8]}, "more elements"),
        ("tensor", "not a JSON object"),
    ],
)
def test_impossible_tensor_entries_are_problems(folder, entry, says):
    path = write_raw_header(folder / "model.safetensors", {"w": entry}, extra=8)
    with pytest.raises(SideFileError, match=says):
        safetensors_parameter_count(path)
    facts, problems = facts_from_folder(folder)
    assert facts == [] and [p.where for p in problems] == ["model.safetensors"]


def test_a_hundred_megabyte_header_length_is_refused_unread(folder, opened):
    """A big (sparse) file whose length field claims 100 MB: the cap refuses it, not the size."""
    path = folder / "model.safetensors"
    with open(path, "wb") as f:
        f.write((100 * 1024**2).to_bytes(8, "little"))
        f.truncate(200 * 1024**2)
    facts, problems = facts_from_folder(folder)
    assert facts == [] and str(MAX_SAFETENSORS_HEADER) in problems[0].message
    assert opened == {str(path): 8}


@settings(max_examples=_EXAMPLES, deadline=None)
@given(st.binary(max_size=64))
def test_any_bytes_give_a_count_or_a_side_file_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "model.safetensors"
    path.write_bytes(data)
    try:
        assert safetensors_parameter_count(path) >= 0
    except SideFileError:
        pass


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 2**40) | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=_EXAMPLES, deadline=None)
@given(st.dictionaries(st.sampled_from(["w", "__metadata__", "x.experts.0.w"]), json_values, max_size=3))
def test_any_header_json_gives_a_count_or_a_side_file_error(tmp_path_factory, header):
    path = write_raw_header(tmp_path_factory.mktemp("fuzz") / "model.safetensors", header, extra=64)
    try:
        assert safetensors_parameter_count(path) >= 0
    except SideFileError:
        pass


# --- config.json --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, says, line",
    [
        ('{\n  "num_experts": 8,\n  oops\n}', "not valid JSON", 3),
        ("[1, 2]", "not a JSON object", None),
        (b"\xff\xfe\x00", "not UTF-8", None),
    ],
)
def test_a_bad_config_is_a_problem(folder, content, says, line):
    path = folder / "config.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    facts, problems = facts_from_folder(folder)
    assert facts == []
    assert [(p.where, p.line) for p in problems] == [("config.json", line)]
    assert says in problems[0].message


def test_a_json_file_over_the_cap_is_not_read(folder, opened):
    path = folder / "trainer_state.json"
    with open(path, "wb") as f:
        f.truncate(files.MAX_SIDE_FILE + 1)
    facts, problems = facts_from_folder(folder)
    assert facts == [] and "over the cap" in problems[0].message
    assert opened == {str(path): 0}


# --- Trainer outputs ----------------------------------------------------------------------


def test_trainer_state(folder):
    state = {
        "total_flos": 3.2e18,
        "num_input_tokens_seen": 123_456_789,
        "log_history": [
            {"loss": 2.0, "step": 10},
            {"train_runtime": 100.0, "step": 500},  # a first run, resumed later
            {"loss": 1.5, "step": 900},
            {"train_runtime": 7200.0, "train_loss": 1.4, "step": 1000},
            {"eval_loss": 1.3, "step": 1000},
        ],
    }
    (folder / "trainer_state.json").write_text(json.dumps(state, indent=2))
    facts, problems = facts_from_folder(folder)
    assert problems == []
    assert all(f.origin == "file" and f.where == "trainer_state.json" for f in facts)
    assert only(facts, "train_flops").value == 3.2e18
    assert only(facts, "train_flops").note == "Trainer total_flos"
    assert only(facts, "train_tokens").value == 123_456_789
    assert only(facts, "wall_hours").value == 2.0
    assert only(facts, "wall_hours").text == '"train_runtime": 7200.0'


def test_tokens_seen_zero_is_not_a_fact(folder):
    (folder / "trainer_state.json").write_text('{"total_flos": 5, "num_input_tokens_seen": 0, "log_history": []}')
    facts, problems = facts_from_folder(folder)
    assert problems == [] and [f.quantity for f in facts] == ["train_flops"]


def test_train_and_all_results_are_each_candidates(folder):
    results = {"train_runtime": 5400.0, "total_flos": 1.5e17, "num_input_tokens_seen": 2_000_000, "eval_runtime": 3.0}
    for name in ("train_results.json", "all_results.json"):
        (folder / name).write_text(json.dumps(results))
    facts, problems = facts_from_folder(folder)
    assert problems == []
    assert values(facts, "wall_hours") == [1.5, 1.5]
    assert values(facts, "train_flops") == [1.5e17, 1.5e17]
    assert values(facts, "train_tokens") == [2_000_000, 2_000_000]
    assert {f.where for f in facts} == {"train_results.json", "all_results.json"}


@pytest.mark.parametrize("raw", ['"abc"', "-1", "NaN", "Infinity", "true", "[1]"])
def test_wrong_numbers_are_problems_not_facts(folder, raw):
    (folder / "all_results.json").write_text(f'{{"total_flos": {raw}, "train_runtime": 3600}}')
    facts, problems = facts_from_folder(folder)
    assert [f.quantity for f in facts] == ["wall_hours"]
    assert [(p.where, "total_flos" in p.message) for p in problems] == [("all_results.json", True)]


def test_a_log_history_that_is_not_a_list_is_a_problem(folder):
    (folder / "trainer_state.json").write_text('{"total_flos": 7, "log_history": {"train_runtime": 1}}')
    facts, problems = facts_from_folder(folder)
    assert values(facts, "train_flops") == [7] and "log_history" in problems[0].message


# --- CodeCarbon ---------------------------------------------------------------------------

HEADER = (
    "timestamp,project_name,run_id,duration,emissions,emissions_rate,energy_consumed,country_name,"
    "country_iso_code,region,cloud_provider,cloud_region,gpu_count,gpu_model,pue\n"
)


PLACE_AND_GPUS = "France,FRA,île-de-france,,,4,4 x NVIDIA A100-SXM4-40GB,1.0\n"


def test_codecarbon_runs_sum_the_last_row_of_each_run(folder):
    (folder / "emissions.csv").write_text(
        HEADER
        # run a saved periodically: its rows are cumulative, the last one is its total
        + "2024-05-01T10:10,fine-tune,a,600,0.1,0.0001,0.25," + PLACE_AND_GPUS
        + "2024-05-01T10:20,fine-tune,a,1200,0.2,0.0001,0.5," + PLACE_AND_GPUS
        # run b: one row
        + "2024-05-02T09:30,fine-tune,b,1800.0,3e-1,0.0001,0.75," + PLACE_AND_GPUS
    )
    facts, problems = facts_from_folder(folder)
    assert problems == []
    assert all(f.origin == "file" and f.where == "emissions.csv" for f in facts)
    emissions = only(facts, "emissions")
    assert emissions.value == pytest.approx(500.0)  # (0.2 + 0.3) kg in grams
    assert emissions.text == "0.2 + 3e-1 kg" and "2 runs" in emissions.note
    assert only(facts, "energy").value == pytest.approx(1.25)
    assert only(facts, "wall_hours").value == pytest.approx(3000 / 3600)
    assert only(facts, "hardware").value == "4 x NVIDIA A100-SXM4-40GB"
    assert values(facts, "accelerator_count") == [4, 4]  # gpu_count, and the "4 x" of gpu_model
    assert only(facts, "location").value == "île-de-france, France"
    assert values(facts, "cloud_provider") == [] and values(facts, "pue") == []  # empty, and the default


def test_codecarbon_one_cloud_run(folder):
    (folder / "emissions.csv").write_text(
        HEADER + "2024-05-01T10:10,p,r1,7200,1.5,0.0002,3.0,United States,USA,virginia,aws,us-east-1,,,1.2\n"
    )
    facts, problems = facts_from_folder(folder)
    assert problems == []
    emissions = only(facts, "emissions")
    assert (emissions.value, emissions.line) == (1500.0, 2)
    assert only(facts, "wall_hours").value == 2.0
    assert only(facts, "cloud_provider").value == "aws"
    assert only(facts, "location").value == "virginia, United States"
    assert only(facts, "pue").value == 1.2
    assert values(facts, "accelerator_count") == [] and values(facts, "hardware") == []


def test_codecarbon_without_run_id_counts_every_row(folder):
    (folder / "emissions.csv").write_text("duration,emissions\n3600,0.001\n3600,0.002\n")
    facts, problems = facts_from_folder(folder)
    assert problems == [] and only(facts, "emissions").value == pytest.approx(3.0)
    assert only(facts, "wall_hours").value == pytest.approx(2.0)


def test_codecarbon_missing_column_is_a_problem(folder):
    (folder / "emissions.csv").write_text("timestamp,run_id,duration,energy_consumed\nx,a,10,0.1\n")
    facts, problems = facts_from_folder(folder)
    assert facts == []
    assert [(p.where, p.line) for p in problems] == [("emissions.csv", 1)]
    assert "'emissions'" in problems[0].message


def test_codecarbon_bad_cell_names_column_and_line(folder):
    (folder / "emissions.csv").write_text(
        HEADER
        + "t,p,a,600,0.1,0,0.25,France,FRA,,,,,,1.0\n"
        + "t,p,b,600,oops,0,0.25,France,FRA,,,,,,1.0\n"
    )
    facts, problems = facts_from_folder(folder)
    assert values(facts, "emissions") == []  # a sum with a hole would be wrong
    assert only(facts, "wall_hours").value == pytest.approx(1200 / 3600)
    assert [(p.where, p.line) for p in problems] == [("emissions.csv", 3)]
    assert "'emissions'" in problems[0].message and "oops" in problems[0].message


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"duration,emissions\n1," + b"9" * 200_000 + b"\n",  # a field over the csv module's limit
        b"duration,emissions\n\xff\xfe,1\n",
    ],
)
def test_codecarbon_unreadable_files_are_problems(folder, content):
    (folder / "emissions.csv").write_bytes(content)
    facts, problems = facts_from_folder(folder)
    assert facts == [] and [p.where for p in problems] == ["emissions.csv"]


def test_everything_at_once(folder):
    write_safetensors(folder / "model.safetensors", {"w": ("F32", [10, 10])})
    (folder / "config.json").write_text('{"torch_dtype": "float32"}')
    (folder / "all_results.json").write_text('{"train_runtime": 36}')
    (folder / "emissions.csv").write_text("run_id,duration,emissions\na,36,0.004\n")
    facts, problems = facts_from_folder(folder)
    assert problems == []
    assert [(f.quantity, f.where) for f in facts] == [
        ("params", "model.safetensors"),
        ("wall_hours", "all_results.json"),
        ("emissions", "emissions.csv"),
        ("wall_hours", "emissions.csv"),
    ]
    assert all(f.note for f in facts)
