import re

import pytest

from carbon_card import hardware, tables
from carbon_card.hardware import PRECISIONS, parse_hardware

ROWS = tables.load_table("accelerators.csv")

# NVIDIA parts older than Ampere: no TF32 or BF16 (and no FP8).
PRE_AMPERE_NVIDIA = {
    "k80", "p100_pcie", "v100_pcie", "v100_sxm2", "t4", "titan_v", "titan_rtx", "rtx_2080_ti",
    "rtx_2080", "rtx_2060", "gtx_1660_super", "gtx_1080", "gtx_1070", "quadro_rtx_8000",
    "quadro_rtx_6000",
}  # fmt: skip

# NVIDIA parts older than Hopper: no FP8.
PRE_HOPPER_NVIDIA = {
    "a10", "a10g", "a100_40gb_pcie", "a100_40gb_sxm", "a100_80gb_pcie", "a100_80gb_sxm", "a800",
    "rtx_a6000", "rtx_3090", "rtx_3090_ti", "rtx_3080", "rtx_3070", "rtx_3060", "a40",
    "rtx_a4000", *PRE_AMPERE_NVIDIA,
}  # fmt: skip

# The rows whose board power no retrievable source gives (see carbon_card/data/README.md).
NO_TDP = {"h800", "tpu_v5e", "tpu_v5p"}

REQUIRED = {
    "k80", "p100_pcie", "v100_pcie", "v100_sxm2", "t4", "a10", "a10g", "a100_40gb_pcie",
    "a100_40gb_sxm", "a100_80gb_pcie", "a100_80gb_sxm", "rtx_a6000", "l4", "l40s", "h100_pcie",
    "h100_sxm", "h100_nvl", "h800", "a800", "h200", "b200", "rtx_3090", "rtx_4090", "mi250x",
    "mi300x", "tpu_v2", "tpu_v3", "tpu_v4", "tpu_v5e", "tpu_v5p", "cpu",
    "a40", "rtx_a4000", "rtx_6000_ada", "rtx_3090_ti", "rtx_3060", "rtx_4080", "rtx_4070", "mi100",
    "titan_v", "titan_rtx", "rtx_2080_ti", "rtx_3080", "rtx_3070", "rtx_5090", "rtx_2080",
    "rtx_2060", "gtx_1660_super", "gtx_1080", "gtx_1070", "quadro_rtx_8000", "quadro_rtx_6000",
}  # fmt: skip


@pytest.mark.parametrize(
    "text, key, count",
    [
        ("8 v100 GPUs", "v100_sxm2", 8),
        ("NVIDIA A100-SXM4-80GB", "a100_80gb_sxm", None),
        ("A100 80GB x 8", "a100_80gb_sxm", 8),
        ("1 x Tesla T4", "t4", 1),
        ("TPUv3-8", "tpu_v3", 4),  # 8 TensorCores, 2 per chip
        ("TPU v3-256", "tpu_v3", 128),
        ("384 A100 40GB", "a100_40gb_sxm", 384),
        ("H800", "h800", None),
        ("16 NVIDIA A100-SXM4-80GB", "a100_80gb_sxm", 16),
        ("1 TPU v3-8 VM", "tpu_v3", 4),
        ("8 16GB V100", "v100_sxm2", 8),
        ("RTX 3090", "rtx_3090", None),
        ("4x RTX 4090", "rtx_4090", 4),
        ("H100-80GB", "h100_sxm", None),
        ("Tesla P100", "p100_pcie", None),
        ("AMD MI250X", "mi250x", None),
        ("Google Cloud TPU v4-128", "tpu_v4", 64),
        # More ways cards write it.
        ("8xA100", "a100_40gb_sxm", 8),
        ("A100x8", "a100_40gb_sxm", 8),
        ("2 x NVIDIA A100 PCIe 80GB", "a100_80gb_pcie", 2),
        ("8 NVIDIA H100 80GB HBM3", "h100_sxm", 8),
        ("H100 PCIe", "h100_pcie", None),
        ("4 H100 NVL", "h100_nvl", 4),
        ("8 H100s", "h100_sxm", 8),
        ("Tesla V100-SXM2-32GB", "v100_sxm2", None),
        ("Tesla V100-PCIE-16GB", "v100_pcie", None),
        ("NVIDIA GeForce RTX 3090", "rtx_3090", None),
        ("NVIDIA RTX A6000", "rtx_a6000", None),
        ("2 A10G", "a10g", 2),
        ("NVIDIA A10", "a10", None),
        ("NVIDIA L4", "l4", None),
        ("8 x NVIDIA L40S", "l40s", 8),
        ("8x H200", "h200", 8),
        ("B200", "b200", None),
        ("A800", "a800", None),
        ("8 AMD Instinct MI300X", "mi300x", 8),
        ("Tesla K80", "k80", None),
        ("1,024 A100", "a100_40gb_sxm", 1024),
        ("v5litepod-16", "tpu_v5e", 16),  # v5e types count chips
        ("TPU v5e-8", "tpu_v5e", 8),
        ("TPU v5p-128", "tpu_v5p", 64),  # v5p types count TensorCores, 2 per chip
        ("TPU v2-8", "tpu_v2", 4),
        ("64 TPU v3 chips", "tpu_v3", 64),
        ("128 TPUv3 cores", "tpu_v3", 64),
        ("TPU v4", "tpu_v4", None),
        ("2 x Intel Xeon", "cpu", None),
        ("2 NVIDIA_TESLA_A100", "a100_40gb_sxm", 2),  # a cloud's name for it
        ("Tesla V-100", "v100_sxm2", None),
        ("a P-100 GPU", "p100_pcie", None),
        # Families added with their sources (carbon_card/data/README.md).
        ("8 NVIDIA A40", "a40", 8),
        ("NVIDIA RTX A4000", "rtx_a4000", None),
        ("2x A4000", "rtx_a4000", 2),  # "a4000" wins over "a40"
        ("NVIDIA RTX 6000 Ada Generation", "rtx_6000_ada", None),
        ("4 RTX 6000 Ada", "rtx_6000_ada", 4),
        ("2 x RTX 3090 Ti", "rtx_3090_ti", 2),  # "rtx 3090 ti" wins over "rtx 3090"
        ("NVIDIA GeForce RTX 3090Ti", "rtx_3090_ti", None),
        ("NVIDIA GeForce RTX 3060", "rtx_3060", None),
        ("1 RTX3060 12GB", "rtx_3060", 1),
        ("RTX 4080", "rtx_4080", None),
        ("8x RTX 4070", "rtx_4070", 8),
        ("4 AMD Instinct MI100", "mi100", 4),
        ("2 NVIDIA TITAN V GPUs", "titan_v", 2),
        ("NVIDIA TITAN RTX", "titan_rtx", None),
        ("4x RTX 2080 Ti", "rtx_2080_ti", 4),
        ("GeForce RTX 2080Ti", "rtx_2080_ti", None),
        ("RTX 3080 10GB", "rtx_3080", None),
        ("8 RTX 3080", "rtx_3080", 8),  # "rtx 3080" before "GPUs" is no count of 3,080
        ("NVIDIA GeForce RTX 3070", "rtx_3070", None),
        ("1x RTX 5090", "rtx_5090", 1),
        ("RTX 2080", "rtx_2080", None),
        ("2 x RTX 2060", "rtx_2060", 2),
        ("GeForce GTX 1660 SUPER", "gtx_1660_super", None),
        ("4 GTX 1080", "gtx_1080", 4),
        ("NVIDIA GeForce GTX 1070", "gtx_1070", None),
        ("2 x NVIDIA Quadro RTX 8000", "quadro_rtx_8000", 2),
        ("NVIDIA Quadro RTX 6000", "quadro_rtx_6000", None),
        # Parse misses seen in real cards.
        ("TPU Pod V3-8", "tpu_v3", 4),  # the word Pod between TPU and the type; a v3-8 is 4 chips
        ("TPUv4s", "tpu_v4", None),  # a plural
        ("trained on 32 TPUv4s", "tpu_v4", 32),
        ("TPU v5 lite", "tpu_v5e", None),  # JAX's device_kind of a v5e chip
    ],
)
def test_examples(text, key, count):
    match = parse_hardware(text)
    assert match is not None, text
    assert (match.accelerator.key, match.count) == (key, count)
    assert match.text and match.text in text


@pytest.mark.parametrize(
    "text",
    [
        "a toaster",
        "Apple M2",
        "Apple M2 CPU",
        "NVIDIA L40",  # not in the table: no nearest guess
        "NVIDIA A30",  # no row: the one copy of its figures found has no date
        "TPU v5",  # v5e or v5p, which differ in peak throughput and memory: no guess
        "H200 NVL",  # a form factor the table does not have
        "H800 PCIe",
        "Tesla P100 SXM2",
        "nVIDIA Tesla P100-SXM2",  # any case of nvidia; the SXM2 part has other power than the PCIe row
        # Other parts than the desktop rows: a Ti, a Super, a laptop, mobile or Max-Q part has other power.
        "RTX 3060 Ti",
        "NVIDIA GeForce RTX 3060 Laptop GPU",
        "RTX 4090 Laptop",
        "RTX 4070 Ti",
        "RTX 4080 SUPER",
        "RTX 3080 Mobile",
        "RTX A4000 Max-Q",
        "RTX 6000",  # the Quadro RTX 6000 (Turing) or the RTX 6000 Ada
        "Quadro RTX 6000 Passive",  # the server board: other power than the active row
        "GTX 1080 Ti",
        "GTX 1660",  # not the SUPER
        "RTX 2060 12GB",
        "RTX 2080 Super",
        "RTX 4000",  # not the RTX A4000
        "RTX 3080 Ti",
        "RTX 3070 Ti",
        "RTX 3080 12GB",  # another card than the 10 GB launch part: 350 W
        "RTX 3060 8GB",
        "RTX 5090 Laptop GPU",
        "Titan Xp",
        "RTX A3000",  # a laptop part, not the A30
        "YOLO v5 lite",  # "v5 lite" is a TPU only after the word TPU
        "TPU v6e-8",
        "YOLOv3",
        "Llama v2-7b",
        "trained for 3090 steps",
        "t4g.large",
        "",
        None,
    ],
)
def test_unknown_is_none(text):
    assert parse_hardware(text) is None


@pytest.mark.parametrize(
    "text, key",
    [
        ("A100", "a100_40gb_sxm"),
        ("A100 80GB", "a100_80gb_sxm"),
        ("A100 PCIe", "a100_40gb_pcie"),
        ("V100", "v100_sxm2"),
        ("H100", "h100_sxm"),
        ("H100-80GB", "h100_sxm"),
        ("H800", "h800"),
        ("Tesla P100", "p100_pcie"),
    ],
)
def test_assumed_variant_is_not_exact(text, key):
    match = parse_hardware(text)
    assert match.accelerator.key == key
    assert match.exact is False
    assert "not stated" in match.note


@pytest.mark.parametrize(
    "text",
    ["NVIDIA A100-SXM4-80GB", "A100 40GB PCIe", "H100 SXM5", "V100-SXM2", "TPU v3-8", "RTX 4090"],
)
def test_stated_variant_is_exact(text):
    assert parse_hardware(text).exact is True


def test_tpu_notes_say_how_chips_were_counted():
    assert parse_hardware("TPUv3-8").note == "TPU v3-8 is 8 TensorCores = 4 chips"
    assert "count chips" in parse_hardware("v5litepod-16").note
    assert "unit not stated" in parse_hardware("8 TPU v3").note


def test_first_accelerator_named_is_read():
    assert parse_hardware("8 A100 GPUs and 2 AMD EPYC CPUs").accelerator.key == "a100_40gb_sxm"
    assert parse_hardware("TPU v4-32, later 8 H100 SXM").accelerator.key == "tpu_v4"


# --- the table -----------------------------------------------------------------------------


def test_columns():
    assert list(ROWS[0]) == [
        "key", "vendor", "name", "kind", "memory_gb", "tdp_w", "fp32_tflops", "tf32_tflops",
        "bf16_tflops", "fp16_tflops", "fp8_tflops", "release_year", "source", "year",
    ]  # fmt: skip


def test_required_rows_and_unique_keys():
    keys = [row["key"] for row in ROWS]
    assert len(keys) == len(set(keys))
    assert REQUIRED <= set(keys)
    assert set(hardware.accelerators()) == set(keys)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row["key"])
def test_row_is_sourced_and_sane(row):
    assert row["source"].strip()
    assert re.fullmatch(r"\d{4}", row["year"])
    assert re.fullmatch(r"\d{4}", row["release_year"])
    assert row["kind"] in hardware.KINDS
    if row["key"] in NO_TDP:
        assert row["tdp_w"] == ""
    else:
        assert float(row["tdp_w"]) > 0
    if row["memory_gb"]:
        assert float(row["memory_gb"]) > 0
    for precision in PRECISIONS:
        if row[f"{precision}_tflops"]:
            assert float(row[f"{precision}_tflops"]) > 0


@pytest.mark.parametrize("key", sorted(PRE_HOPPER_NVIDIA))
def test_no_fp8_before_hopper(key):
    assert hardware.accelerators()[key].peak_tflops("fp8") is None


@pytest.mark.parametrize("key", sorted(PRE_AMPERE_NVIDIA))
def test_no_tf32_or_bf16_before_ampere(key):
    accelerator = hardware.accelerators()[key]
    assert accelerator.peak_tflops("tf32") is None
    assert accelerator.peak_tflops("bf16") is None


@pytest.mark.parametrize("accelerator", hardware.accelerators().values(), ids=lambda a: a.key)
def test_bf16_at_least_fp32(accelerator):
    bf16, fp32 = accelerator.peak_tflops("bf16"), accelerator.peak_tflops("fp32")
    if bf16 is not None and fp32 is not None:
        assert bf16 >= fp32


def test_dense_not_sparse():
    # NVIDIA's datasheets print TF32/BF16/FP16/FP8 "with sparsity"; the table holds half.
    a100 = hardware.accelerators()["a100_80gb_sxm"]
    assert a100.peak_tflops("bf16") == 312
    h100 = hardware.accelerators()["h100_sxm"]
    assert (h100.peak_tflops("bf16"), h100.peak_tflops("fp8")) == (989.5, 1979)
    h800 = hardware.accelerators()["h800"]
    assert all(h800.peak_tflops(p) == h100.peak_tflops(p) for p in PRECISIONS)


def test_peak_tflops_blank_is_none():
    tpu = hardware.accelerators()["tpu_v3"]
    assert tpu.peak_tflops("bf16") == 123
    assert tpu.peak_tflops("fp32") is None
    assert hardware.accelerators()["a10g"].peak_tflops("bf16") is None
    assert hardware.accelerators()["cpu"].peak_tflops("fp32") is None
    with pytest.raises(ValueError):
        tpu.peak_tflops("int8")


def test_accelerators_is_a_fresh_copy():
    first = hardware.accelerators()
    first.clear()
    assert hardware.accelerators()
