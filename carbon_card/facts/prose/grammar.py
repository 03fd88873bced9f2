"""The grammar the prose readers share: how a number, a unit, an accelerator, a duration and a size are
written, and the helpers that read them."""

from __future__ import annotations

import functools
import re

from ..._regex import lazy_compile
from ...units import (
    APPROXIMATELY,
    FIGURE,
    GEFORCE_NUMBER,
    NUMBER_WORDS,
    RUSSIAN_SCALES,
    SCALE_CHARACTERS,
    THOUSANDS,
    UnitError,
    parse_count,
    parse_energy_kwh,
    parse_mass_grams,
)
from ..attribution import compact_name, without_owner


# Where a figure starts: not inside a word or a number ("176,247,271,424" holds no "247,271,424"; "550\\,000"
# written with LaTeX's thin space holds no "000").
_FIGURE_START = r"(?<![\w.])(?<!\d,)(?!0\d)"
# Where a figure that starts with a digit starts: the look-ahead for the digit turns most positions
# down in one step, before the look-behinds (the sentence reader tries its patterns at every position
# of a window around each anchor).
_NUMBER_START = rf"(?=\d){_FIGURE_START}"
_NUM = rf"{FIGURE}(?:[eE][+-]?\d+)?"
_MASS_UNIT = r"(?:metric\s+tons?|tonnes?|tons?|kilograms?|kgs?|grams?|lbs?|pounds?|mg|g|t)"
_GAS = r"(?:\s*\**\s*(?:eq\.?\s*)?(?:(?:of|de)\s+)?(?:co2|co₂|co_2|c02)(?:\s*[-_]?\s*(?:eq|e|equivalent)\b\.?)?)"  # "C02": a zero for the O
# A mass may start at its decimal point, its leading zero left out (".0000058 kg CO2e").
_MASS_START = rf"(?=[\d.])(?:{_NUMBER_START}|(?<![\w.])(?=\.\d))"
_MASS_NUM = rf"(?:{_NUM}|\.\d+)"


# In a field about emissions the gas may be left out: "Carbon Emitted: 149.2 kg".
_MASS = rf"{_MASS_START}({_MASS_NUM})\s*\**\s*({_MASS_UNIT})(?=[^a-z]|$|co)\**{_GAS}?"
_MASS_RE = lazy_compile(_MASS, re.IGNORECASE)


_ENERGY_RE = lazy_compile(rf"{_NUMBER_START}({_NUM})\s*\**\s*(kWh|MWh|GWh|Wh)\b", re.IGNORECASE)
_LABEL_ENERGY_UNIT_RE = lazy_compile(r"\b(kWh|MWh|GWh)\b", re.IGNORECASE)
_SCALE = rf"(?:[kKMBT](?![a-zA-Z])|thousand|million|billion|trillion|[{SCALE_CHARACTERS}]|(?:{RUSSIAN_SCALES})\.?)"
_SCALED = rf"{_NUM}\s*{_SCALE}?"
_TOKENS_RE = lazy_compile(rf"{_NUMBER_START}({_SCALED})\s*(?:of\s+)?(?:training\s+)?tokens\b", re.IGNORECASE)
# "7B parameters", "a 2B-parameter model", "the **1.5B parameter** version", "**1.3 billion** parameters".
# "It has **502.7** million parameters" (the scale after the bold number); "1300 亿个参数", "一个70亿参数的模型", "3890亿总参数" (total): the
# count before the word in Chinese, glued to the characters before it (Chinese writes no space); Korean's scale with its
# counter: "140억 개의 파라메터" (Orion-14B's Korean README).
_PARAMS_RE = lazy_compile(rf"(?=\d)(?:{_FIGURE_START}|(?<=[\u3000-\u9fff]))({_SCALED})(?:(?<=[kKMBT])\s+(?:thousand|million|billion|trillion)|(?<=\d)\*\*\s*(?P<scale>thousand|million|billion|trillion))?\**(?:[ \t]*(?:\r?\n)?[ \t]*|-)(?:(?:trainable\s+|free\s+|total\s+)?(?:parameters?|params)\b|(?<=[万萬亿億])(?:个|個)?(?:总|總)?(?:参数|參數)|(?<=[억조])\s*(?:개의?\s*)?(?:파라미터|파라메터)|параметр)", re.IGNORECASE)


# A count of several in words: "four Nvidia Tesla v100 GPUs", "on four GPUs".
_COUNT_WORDS = rf"(?:{'|'.join(word for word, number in NUMBER_WORDS.items() if number > 1)})\b"


# "about", "approx.", "ca." (circa, as German and French writers abbreviate it) before a duration.
_ABOUT = r"about\b|around\b|approx(?:imately\b|\.|\b)|roughly\b|circa\b|ca\."


# After a figure, the model it is of: "10 days for Yi-VL-34B and 3 days for Yi-VL-6B" (a hyphenated name).
_FOR_MODEL_AFTER_RE = lazy_compile(r"\s+for\s+(?:the\s+)?(?!(?i:pre|fine|post)-?(?i:train|tun))([A-Za-z][\w.]*(?:-[\w.]+)+)")  # not "for fine-tuning"
# Accelerators as cards name them (the issue-4 hardware table refines the model names).
_ACCEL = (
    r"(?:(?i:NVIDIA|Tesla|AMD|Google|Cloud|Instinct|GeForce)[\s_]+)*"  # "NVIDIA_TESLA_A100": a cloud's name for it
    r"(?:(?i:G[BH]200|[ABH]-?100|A800|H800|H200|H20|B200|A10G?|A30|A40|A[2-6]000|L40S?|V-?100|P-?100|P40|K80)|L4|L20|T4"
    r"|RTX[\s-]?[A-Z]?\d{4}(?:\s?Ti)?|GTX[\s-]?\d{4}|(?i:Titan)\s?(?:RTX|Xp?|V)\b|MI\d{2,3}X?"
    r"|TPU(?:[\s-]?(?:Pod\s)?[vV]?|\s*\(\s*`?[vV](?=\d[a-z]?-\d+`?\)))\d[a-z]?(?:[- ]\d+)?|[vV]\d[a-z]?-\d{1,4}(?:\s+instance\s+of(?:\s+(?:Google|Cloud))*)?\s?TPU|Gaudi\s?\d?)"
    r"(?:[- ](?:SXM\d?|PCIe|NVL|\d+\s?GB)(?![\w]))*"
    r"(?![-_][A-Za-z]\d{3})"  # not a layout's name: RWKV's "L40-D5120" is 40 layers of width 5120
)


# The first letters of `_ACCEL`'s makers and names (a test checks them against it).
_ACCEL_INITIALS = "NTAGCIBHLVPKRM"


_HARDWARE_RE = lazy_compile(
    # A match starts with a count's digit, an accelerator's name or a count's word ("a single",
    # "one"), in any case, where a word starts (or a name after "8x"): the look-ahead turns every other position
    # down in one step, a letter inside a word too (the initials are most letters). Then a
    # count, maybe the memory or the word GPU, then the name: "8 16 GB V100", "one GPU NVIDIA V100 32GB".
    rf"(?=(?<![\w.])\d|(?<!\w)(?i:[{_ACCEL_INITIALS}asodqtfen])|(?<=\d[xX×])(?i:[{_ACCEL_INITIALS}]))"
    rf"(?:{_FIGURE_START}({THOUSANDS}(?!\.\d)|\d{{1,6}}(?![\d.])|(?i:a\s+single|single|one|dual|twin|quad|an?(?=\s)|{_COUNT_WORDS}))\s*"
    rf"(?:x|X|×|\\{{0,2}}\*)?\s*"  # the star escaped in Markdown too: "on 8\\*V100 GPUs" (rinna's cards) renders "8*V100"
    rf"(?:(?i:local|consumer(?:-grade)?|rented|desktop|home|spare)\s+)?"  # "on single local RTX 3090 Ti", "2 rented A100s"
    rf"(?:\d{{1,3}}\s?GB\s+)?(?:(?i:gpus?)\s*\(\s*|GPUs?\s+)?(?:\*\*)?)?"  # "a single GPU (Titan V)", "4 gpu(Tesla V100)"
    # "a **Tesla V100** GPU", "A100x16"; a GeForce card by its maker's name and number, "4 x Nvidia 4090"
    rf"(?:\b|(?<=\d[xX×]))({_ACCEL}|(?i:NVIDIA|GeForce)(?:\s(?i:GeForce))?\s{GEFORCE_NUMBER}(?:\s?Ti)?\b)s?(?:\b|(?=[x×]\d))(?:\*\*)?"
    rf"(?:\s*(?:x|×)\s*(\d{{1,6}})\b)?(?:\s*(?i:GPUs?|TPUs?|chips|cards))?"
)


_SLICE_RE = lazy_compile(r"(?:TPU[\s-]?(?:Pod\s)?[vV]?\d[a-z]?[- ]|\b[vV]\d[a-z]?-)(\d+)")  # "TPU v3-8", "v3-8 TPU"


# What runs the model, not what trained it: a heading's, a line label's and a field label's words.
_RUNS_THE_MODEL = r"inference|deployment|serving"


_MODEL_SIZE = r"\d+(?:\.\d+)?\s?[MB]"  # "175B", "1.3 B", "111M"


# Under a heading about evaluation or use, training is the evaluation's fine-tuning ("## Evaluation results": "The
# training was done on a single 16GB NVIDIA Tesla V100 GPU. For MRPC/WNLI, the models were trained for 5 epochs") or the
# reader's ("#### Quick Start" on Yi's card: "num_train_epochs=4 can output a chat model, which takes about 20 minutes"),
# and hardware is what runs the model ("### Hardware Requirements": "Single V100 GPU or Intel CPU").
_RESULTS = r"evaluation|results|benchmarks?\b"  # a heading of results: what "the final models were trained" under it means
_EVALUATION_HEADING_RE = lazy_compile(rf"#+\s*(?:\W\s*)?(?:{_RESULTS}|usage|how\s+to\s+use|quick\s*start"
                                      rf"|(?:hardware|system|gpu)\s+requirements|{_RUNS_THE_MODEL})", re.IGNORECASE)
# The same headings in the languages model READMEs are written in: "## 快速开始" (quick start) above "* GPU: NVIDIA
# GeForce RTX 3090 (24GB) * 8", the author's machine. Tried only after the English ones fail, and the words of other
# scripts only on a heading that has such letters (`_about_evaluation_or_use`): in one pattern, their alternatives
# cost every heading a try each.
_OTHER_LANGUAGES_USE = (r"evaluaci[oó]n|inicio\s+r[aá]pido|c[oó]mo\s+usar|[ée]valuation|d[ée]marrage\s+rapide|utilisation"
                        r"|inf[ée]rence|schnellstart|verwendung")
_EVALUATION_HEADING_LATIN_RE = lazy_compile(rf"#+\s*(?:\W\s*)?(?:{_OTHER_LANGUAGES_USE})", re.IGNORECASE)
_EVALUATION_HEADING_ELSEWHERE_RE = lazy_compile(
    r"#+\s*(?:\W\s*)?(?:评测|評測|评估|評估|使用方法|使用方式|使用说明|使用說明|如何使用|快速开始|快速開始|快速上手|快速使用"
    r"|模型推理|部署|硬件要求|硬體需求|环境要求|環境需求|評価|使い方|推論|クイックスタート|動作環境|필요\s*환경"
    rf"|평가|사용\s*방법|사용법|빠른\s*시작|추론|배포|{_OTHER_LANGUAGES_USE})", re.IGNORECASE)


def _about_evaluation_or_use(heading: str) -> bool:
    """Whether a heading is about evaluation, use or a quick start, in English or another language."""
    if _EVALUATION_HEADING_RE.match(heading):
        return True
    return bool((_EVALUATION_HEADING_LATIN_RE if heading.isascii() else _EVALUATION_HEADING_ELSEWHERE_RE).match(heading))


# After a mass: a rate ("/kWh", "per hour"), also after the rest of its unit ("0.37 KgCO2.eq/KWh", a grid's intensity).
_PER_UNIT_RE = lazy_compile(r"(?:[.\s-]?(?:eq(?:uivalent)?|e)\b\.?)?\s*(?:/|per\b|an?\s+hour\b|each\b)", re.IGNORECASE)


_CLAUSE_MAX = 2000  # characters looked at around a figure for its clause and line


_EMISSIONS_LABEL_RE = lazy_compile(r"carbon emitted|emission|emisi[oó]n|co2|co₂|carbon footprint")  # "| Emisiones de CO₂ |"


# What follows the mass unit of a column header: "CO2eq", "CO 2 eq" (from "CO<sub>2</sub>eq").
_CO2_SUFFIX_RE = lazy_compile(r"co\s*2.*", re.IGNORECASE)

# Before a size: an upper bound ("less than 13 billion"), or the end of a list or range of sizes.
# (An upper bound only: "over 15 trillion tokens" states the size, give or take the "+".)
_BOUND_BEFORE_RE = lazy_compile(r"(?:less|fewer)\s+than\s*~?\s*$|\b(?:up\s+to|under|below|at\s+most)\s*~?\s*$|[<≤]\s*~?\s*$",
                                re.IGNORECASE)


# A figure that ends a range: "560-1200 kg", "0.5 to 0.9 t", "between 1 and 2 kg".
_RANGE_END_RE = lazy_compile(r"\d\s*(?:-|–|—|to)\s*$|\bbetween\s+~?\d[\d.,]*\s*[a-z]*\s+and\s*$", re.IGNORECASE)


# A field's size first, then what it counts or a remark: "1.12B total", "0.57 B (total); 0.45 B (excluding ...)".
_SCALED_SIZE = rf"{_NUM}\s*{_SCALE}"  # a scale said, not a bare number


_SCALED_SIZE_RE = lazy_compile(_SCALED_SIZE, re.IGNORECASE)
_SCALED_RE = lazy_compile(_SCALED)


# The template's Environmental Impact fields as cards in other languages label them
# ("**使用時間（単位は時間）:** 300"), with any parenthesised remark removed.
_TRANSLATED_LABELS = {
    # Japanese
    "ハードウェアタイプ": "hardware", "ハードウェアの種類": "hardware", "使用時間": "hours", "学習時間": "hours",
    "クラウド事業者": "cloud_provider", "クラウドプロバイダー": "cloud_provider", "学習した場所": "location",
    "計算リージョン": "location", "カーボン排出量": "emissions", "炭素排出量": "emissions",
    # Chinese
    "硬件类型": "hardware", "硬件": "hardware", "使用时长": "hours", "使用时间": "hours", "训练时间": "hours",
    "训练时长": "hours", "云服务商": "cloud_provider", "云服务提供商": "cloud_provider", "计算区域": "location",
    "碳排放量": "emissions", "碳排放": "emissions",
    # Korean
    "하드웨어 유형": "hardware", "하드웨어": "hardware", "사용 시간": "hours", "학습 시간": "hours",
    "클라우드 제공자": "cloud_provider", "컴퓨팅 지역": "location", "탄소 배출량": "emissions",
    # Spanish, Portuguese, French, German, Italian
    "tipo de hardware": "hardware", "horas utilizadas": "hours", "horas usadas": "hours", "horas de gpu": "hours",
    "proveedor de nube": "cloud_provider", "región de cómputo": "location", "carbono emitido": "emissions",
    "provedor de nuvem": "cloud_provider", "região de computação": "location",
    "type de matériel": "hardware", "heures utilisées": "hours", "fournisseur de cloud": "cloud_provider",
    "région de calcul": "location", "carbone émis": "emissions",
    "hardware-typ": "hardware", "hardwaretyp": "hardware", "verwendete stunden": "hours",
    "cloud-anbieter": "cloud_provider", "rechenregion": "location", "ausgestoßener kohlenstoff": "emissions",
    "tipo di hardware": "hardware", "ore utilizzate": "hours", "fornitore cloud": "cloud_provider",
    "regione di calcolo": "location", "carbonio emesso": "emissions",
    # A model's size: "Parametri: 8,5M", "参数量: 7B", "パラメータ数: 1.3B"
    "parametri": "params", "parámetros": "params", "parâmetros": "params", "paramètres": "params",
    "anzahl der parameter": "params", "参数量": "params", "参数": "params", "參數量": "params", "パラメータ数": "params",
    "파라미터 수": "params",
}
_REMARK_RE = lazy_compile(r"\s*[(（][^()（）]*[)）]\s*")
_SIZE_LABELS = {"size", "parameters", "number of parameters", "model size", "params", "parameter count", "# of parameters",
                "num parameters", "num params", "number of params", "model parameters",  # "- **Num Parameters:** 1.2B" (DeepFloyd IF)
                "total parameters", "total params", "total number of parameters",
                "\\# of parameters", "#params", "# params", "no. of parameters", "n parameters", "n_parameters"}
_LATEX_RE = lazy_compile(r"\\+[()\[\]]|\\?(?:text|mathrm)(?=\{)|[{}$]")  # a table's cell has lost its backslashes


_HELD_OUT_RE = lazy_compile(r"\b(?:validation|val|test|testing|eval|evaluation|benchmark)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)  # the same few labels on most cards, and a table's keys on every row
def _label_kind(label: str) -> str | None:
    """Which quantity a field label names ("Hardware Type" -> hardware)."""
    key = label.lower().strip()
    if "\\" in key or "{" in key:  # in LaTeX: "\\(n_{parameters}\\)" in the hyperparameter table of GPT-J's card and its kin
        key = _LATEX_RE.sub("", key).replace("_", " ").strip()
        if key[:1] == "(" and key[-1:] == ")":  # "(n_{parameters})", its "\\(" and "\\)" lost in a table's cell
            key = key[1:-1].strip()
    translated = _TRANSLATED_LABELS.get(_REMARK_RE.sub("", key).strip(" :："))
    if translated is not None:
        return translated
    if "market-based" in key or "market based" in key:
        return None
    if _EMISSIONS_LABEL_RE.search(key):
        return "emissions"
    if "energy" in key or "power consumption" in key and "(w)" not in key or _LABEL_ENERGY_UNIT_RE.search(key):
        return "energy"
    if key in {"hardware type", "hardware", "gpu", "gpus", "tpu", "tpus", "accelerator", "accelerators",
               "hardware used", "gpu used", "gpus used", "training hardware", "cuda_devices"}:  # not "Compute infrastructure": a cluster's name (Jean Zay), no accelerator
        return "hardware"
    if key in {"hours used", "training time", "training duration", "time", "duration", "compute time",
               "training hours", "training length", "overall training time", "wall-clock", "wall clock", "wallclock",
               "wall-clock time", "wall clock time", "wallclock time", "wall time", "total wall time",
               "total training time", "total training wall time", "total training wall-clock time",
               "total training runtime", "total training run time"} or "hour" in key and _ACCELERATOR_HOURS_LABEL_RE.fullmatch(key) \
            or ("time" in key or "duration" in key or "hour" in key) and _TRAINING_TIME_LABEL_RE.fullmatch(key):
        return "hours"
    if key in {"num_devices", "number of gpus", "number of accelerators", "gpu count", "num_gpu", "num_gpus", "n_gpu",
               "n_gpus", "tpu cores", "number of tpu cores",
               "cuda_device_count"}:  # "- TPU cores: 8 (v2-8)": the cores counted; a fine-tuner's "# Environment" list
        return "accelerator_count"  # "- num_devices: 16": the Trainer's generated hyperparameters
    if key in {"cloud provider", "provider", "cloud"}:
        return "cloud_provider"
    if key in {"compute region", "region", "location", "geographical location", "country"}:
        return "location"
    # "Model size/M: 87.42", "# of parameters (million): 46.51": the scale in the label (looked for only where it can be);
    # "MParams: 1.828" (OpenVINO's model zoo): before the word
    if key[1:2] in ("p", " ") and _SCALE_BEFORE_PARAMS_RE.fullmatch(key):
        return "params"
    if (_PER_SCALE_RE.sub("", _REMARK_RE.sub("", key)).strip() if "(" in key or "/" in key else key) in _SIZE_LABELS:
        return "params"
    if key in {"training tokens", "tokens", "number of tokens", "dataset size"}:
        return "train_tokens"
    if key == "training type":  # the template's "Training regime" is a precision (fp16 mixed precision)
        return "training_type"
    if key in {"pue", "power usage effectiveness"}:
        return "pue"
    return None


# A label of hours summed over the accelerators: "GPU hours", "TPU-Hours", "Total GPU hours" (not a node's: 8 GPUs).
_ACCELERATOR_HOURS_LABEL_RE = lazy_compile(r"(?:total\s+)?(?:gpu|tpu|chip|accelerator)s?[- ]?hours?", re.IGNORECASE)
# The training's time in other words: "Training runtime", "Duration of finetuning", "Hours used for training single
# model" (not an inference's runtime; "Total training time" sums ablations only where its value says so).
_TRAINING_TIME_LABEL_RE = lazy_compile(
    r"(?:training|train|fine-?tuning)\s+(?:run\s*time|time|duration)"
    r"|duration\s+of\s+(?:the\s+)?(?:training|fine-?tuning|pre-?training)|hours\s+used\s+for\s+training\b[\w\s]{0,30}",
    re.IGNORECASE)


_NAME_SPLIT_RE = lazy_compile(r"[^a-z0-9]+|(?<=\d[a-z])x(?=\d)")


def name_tokens(name: str) -> set[str]:
    """Lower-case word tokens of a model name: "meta-llama/Meta-Llama-3-8B" -> {meta, llama, 3, 8b}."""
    # "17Bx16E" is two words: 17b and 16e.
    return {token for token in _NAME_SPLIT_RE.split(name.lower()) if token}


MAX_FIGURES = 1000
"""The figures (and problems) read from one card's text at most. Real cards state up to about 50;
a text of ten thousand "8 x A100" is read up to its thousandth, so that time stays bounded."""


class _Enough(Exception):
    """The card's text has given `MAX_FIGURES`: reading stops."""


# Patterns of `_column_kind`, asked of every header cell of every table.
_HEADER_UNIT_RE = lazy_compile(r"\(([^()]*)\)")


_PER_SCALE_RE = lazy_compile(r"/\s*([kmb])\s*$")
_SCALE_BEFORE_PARAMS_RE = lazy_compile(r"\s*([kmb]) ?params\s*", re.IGNORECASE)


_LINK_TARGET_RE = lazy_compile(r"\]\([^()\s]*\)")


_MIN_MODEL_SIZE = 10_000
"""Fewer parameters than this in a table is no model's size (a setting, a component's count)."""


def _table_value(cell: str, quantity: str, unit: str | None) -> float | None:
    text = cell.strip().lstrip(APPROXIMATELY + "<>").strip()
    if not re.match(r"\d|\.\d", text):
        return None
    try:
        if quantity == "emissions":
            number = parse_count(text) if _SCALED_RE.fullmatch(text) else None
            if number is None:
                return parse_mass_grams(text)
            mass_unit = _CO2_SUFFIX_RE.sub("", unit or "g").strip() or "g"  # "tCO<sub>2</sub>eq" -> "t"
            return parse_mass_grams(f"{number} {mass_unit}")
        if quantity == "energy":
            return parse_energy_kwh(f"{parse_count(text)} {unit or 'kWh'}")
        if quantity == "params":
            # "| 550M parameters |": the word after the figure; "| 14m |" under "# Parameters" (Moirai's family table): a
            # scale in lower case (a column of sizes holds no metres nor minutes).
            text = _PARAMETERS_AFTER_RE.sub("", text)
            if not (_SCALED_RE.fullmatch(text) or _SCALED_SIZE_RE.fullmatch(text)) or _COMMA_BEFORE_SCALE_RE.fullmatch(text):
                # "7.7 GB", "1.3B (fp16)": not a count of parameters alone; "1,017 B": a decimal comma
                # (French) or a thousands one? One thousand billion parameters is as unlikely as not.
                return None
            if stray := _FULL_COUNT_SCALED_RE.fullmatch(text):
                return float(stray.group(1))  # "56931622 M": a count in full digits, its scale a stray letter
            number = parse_count(text)
            scale = (unit or "").strip().upper()
            return number * _PARAM_SCALES[scale] if scale in _PARAM_SCALES and text[-1:].isdigit() else number
        if quantity == "train_tokens":
            scale = (unit or "").strip().upper()
            return parse_count(text) * (_TOKEN_SCALES.get(scale, 1.0) if text[-1:].isdigit() else 1.0)
        return parse_count(text) * (24 if unit == "days" else 1)  # the other quantities' cells are counts or hours
    except UnitError:
        return None


_FULL_COUNT_SCALED_RE = lazy_compile(r"(\d{7,})\s*[KMB]", re.IGNORECASE)
_PARAMETERS_AFTER_RE = lazy_compile(r"\s+(?:parameters|params)\s*$", re.IGNORECASE)
_COMMA_BEFORE_SCALE_RE = lazy_compile(r"\d{1,3},\d{3}\s*[a-z]+", re.IGNORECASE)
# "| Params (M) |", "| Params / M |", "# of parameters (million): 46.51": a bare number's scale
_PARAM_SCALES = {"K": 1e3, "M": 1e6, "B": 1e9, "THOUSAND": 1e3, "THOUSANDS": 1e3, "MILLION": 1e6, "MILLIONS": 1e6,
                 "BILLION": 1e9, "BILLIONS": 1e9}
_TOKEN_SCALES = {**_PARAM_SCALES, "T": 1e12, "TRILLION": 1e12, "TRILLIONS": 1e12}


_RUN_TOTALS = {"emissions", "energy", "accelerator_hours", "wall_hours"}  # tokens describe each model


def _close(a: float, b: float, tolerance: float = 0.01) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def _number(text: str) -> float:
    """The value of a number matched by `_NUM` ("1,234.5", "3e5"): what `parse_number` reads,
    without matching it again."""
    return float(text.replace(",", ""))


def _grams(text: str) -> float:
    return parse_mass_grams(text.replace("*", ""))


# A row's label that says it is this model's: "(this)", "(ours)", "(this model)".
_THIS_ROW = r"\((?:this|ours|this\s+model|our\s+model)\)"
_THIS_ROW_RE = lazy_compile(_THIS_ROW, re.IGNORECASE)


# The owner of a Hub id in a row's label ("[`MoritzLaurer/mDeBERTa-v3-base`](...)", its link's address gone first):
# the model's name is what picks its row.
_HUB_ID_OWNER_RE = lazy_compile(r"\b[\w.-]+/(?=[\w.-])")


def _pick_row(labels: list[str], model_tokens: set[str], model_name: str | None = None) -> int | None:
    """The index of this model's row: the one row its label marks as this model's ("`alexandrainst/scandi-nli-large`
    (this)"), else the one row that is the model's name (`model_name`, without its owner) after a maker's word
    ("TUNiB-Electra-ko-en-base" for electra-ko-en-base, beside "ELECTRA-base", its base), else the row every
    distinguishing word of whose label is in the model's name ("8b" for "Llama 3 8B" against
    "meta-llama/Meta-Llama-3-8B"; a Hub id's owner is no distinguishing word); the most specific wins."""
    marked = [index for index, label in enumerate(labels) if "(" in label and _THIS_ROW_RE.search(label)]
    if len(marked) == 1:
        return marked[0]
    if not model_tokens or not labels:
        return None
    cleaned = [_HUB_ID_OWNER_RE.sub("", _LINK_TARGET_RE.sub("]", label)) if "/" in label else label for label in labels]
    tokens = [name_tokens(label) for label in cleaned]
    # A maker's word adds a word to the model's: only the labels holding more than its words are looked at.
    if model_name and any(words > model_tokens for words in tokens) and len(
            own := compact_name(without_owner(model_name))) >= _COMPACT_ROW_MIN:
        prefixed = [index for index, label in enumerate(cleaned) if tokens[index] > model_tokens
                    and (maker := _MAKER_PREFIX_RE.match(label)) and compact_name(maker.group(1)) == own]
        if len(prefixed) == 1 and not any(tokens[index] == model_tokens for index in range(len(labels))):
            return prefixed[0]
    common = set.intersection(*tokens) if len(tokens) > 1 else set()
    best, best_size, tie = None, -1, False
    for index, words in enumerate(tokens):
        distinguishing = words - common
        if distinguishing and distinguishing <= model_tokens:
            if len(distinguishing) > best_size:
                best, best_size, tie = index, len(distinguishing), False
            elif len(distinguishing) == best_size:
                tie = True
    if best is None and common and common <= model_tokens:
        # "OLMo 7B" beside "OLMo 7B Twin", for OLMo-7B: the plain row, when the name has no
        # other row's distinguishing word.
        plain = [index for index, words in enumerate(tokens) if words == common]
        others = set().union(*(words - common for words in tokens))
        if len(plain) == 1 and not others & model_tokens:
            return plain[0]
    return None if tie else best


_COMPACT_ROW_MIN = 8  # a model's name this short ("bert-base") is the end of too many others' rows' names
# A row's label that is a name after a maker's word joined to it: "***TUNiB-Electra-ko-en-base***" (not "Baseline
# Geneformer", a word before a name).
_MAKER_PREFIX_RE = lazy_compile(r"[\W_]*[A-Za-z]+[-_]([A-Za-z][\w.-]*?)[\W_]*$")
