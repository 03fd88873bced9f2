"""Facts stated by the card's Markdown body. Deterministic parsing only: regular expressions.

Four readers, from the most to the least structured:

1. labelled lines: the template's Environmental Impact fields (`- **Hardware Type:** ...`) and
   the like (`- **Emissions:** 5.6 KgCO2 (Germany)`);
2. AutoTrain's `CO2 Emissions (in grams): X`;
3. tables of training figures, Markdown or HTML (the Llama cards' "Time (GPU hours) | Power
   Consumption (W) | Carbon Emitted (tCO2eq)" with a row per model size and a total row);
4. sentences ("trained on 2T tokens", "7.7M GPU hours", "emissions were 2290 tCO2eq").

A line read by an earlier reader is not read again by a later one.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Iterator, NamedTuple, Sequence

import ahocorasick

from .._regex import lazy_compile
from ..card import LINE_BREAK_RE, Card, word_positions
from ..markdown import heading_value, hidden_spans, lines_with, prose_segments
from ..units import (
    APPROXIMATELY,
    BOARD_CORES,
    FIGURE,
    GEFORCE_NUMBER,
    NODES_OF,
    NUMBER_WORDS,
    ONE_IN_PARENTHESES_RE,
    RUSSIAN_SCALES,
    SCALE_CHARACTERS,
    THOUSANDS,
    UnitError,
    counted,
    numbers_as_written_in,
    parse_accelerator_count,
    parse_count,
    parse_duration_hours,
    parse_energy_kwh,
    parse_mass_grams,
)
from .attribution import (
    SIZE_IN_NAME_RE, TRAINING_QUANTITIES, abstract_spans, base_row_words, compact_name, size_agrees, size_in_name, without_owner,
)
from .base import Fact, FactProblem, Reading
from .files import CODECARBON_TOTALS
from .metadata import EXAMPLE_LEAD_RE, ILLUSTRATION_RE, base_models, normalise_training_type, states_nothing

__all__ = ["facts_from_prose", "name_tokens"]

# Where a figure starts: not inside a word or a number ("176,247,271,424" holds no "247,271,424"; "550\\,000"
# written with LaTeX's thin space holds no "000").
_FIGURE_START = r"(?<![\w.])(?<!\d,)(?!0\d)"
# Where a figure that starts with a digit starts: the look-ahead for the digit turns most positions
# down in one step, before the look-behinds (the sentence reader tries its patterns at every position
# of a window around each anchor).
_NUMBER_START = rf"(?=\d){_FIGURE_START}"
_NUM = rf"{FIGURE}(?:[eE][+-]?\d+)?"
_MASS_UNIT = r"(?:metric\s+tons?|tonnes?|tons?|kilograms?|kgs?|grams?|lbs?|pounds?|mg|g|t)"
_GAS = r"(?:\s*\**\s*(?:eq\.?\s*)?(?:of\s+)?(?:co2|co₂|co_2|c02)(?:\s*[-_]?\s*(?:eq|e|equivalent)\b\.?)?)"  # "C02": a zero for the O
# A mass may start at its decimal point, its leading zero left out (".0000058 kg CO2e").
_MASS_START = rf"(?=[\d.])(?:{_NUMBER_START}|(?<![\w.])(?=\.\d))"
_MASS_NUM = rf"(?:{_NUM}|\.\d+)"
# A mass of CO2e in prose needs the gas: "2290 tCO2eq", "**11,390** tons CO2eq", "5.6 KgCO2".
_MASS_CO2_RE = lazy_compile(rf"{_MASS_START}({_MASS_NUM})\s*\**\s*({_MASS_UNIT})(?=[^a-z]|$|co)\**{_GAS}", re.IGNORECASE)
# In a field about emissions the gas may be left out: "Carbon Emitted: 149.2 kg".
_MASS = rf"{_MASS_START}({_MASS_NUM})\s*\**\s*({_MASS_UNIT})(?=[^a-z]|$|co)\**{_GAS}?"
_MASS_RE = lazy_compile(_MASS, re.IGNORECASE)
# A field label that states the unit of its bare number: "Carbon Emitted (kg CO2)", "CO2 (in grams)",
# "Emissions in kg"; not a rate ("Carbon Efficiency (kg/kWh)").
_LABEL_MASS_UNIT_RE = lazy_compile(rf"(?:\(\s*|\bin\s+)(?:in\s+)?({_MASS_UNIT})(?=[^a-z/]|$|co){_GAS}?\s*(?:\)|$)",
                                   re.IGNORECASE)
_ENERGY_RE = lazy_compile(rf"{_NUMBER_START}({_NUM})\s*\**\s*(kWh|MWh|GWh|Wh)\b", re.IGNORECASE)
_LABEL_ENERGY_UNIT_RE = lazy_compile(r"\b(kWh|MWh|GWh)\b", re.IGNORECASE)
_SCALE = rf"(?:[kKMBT](?![a-zA-Z])|thousand|million|billion|trillion|[{SCALE_CHARACTERS}]|(?:{RUSSIAN_SCALES})\.?)"
_SCALED = rf"{_NUM}\s*{_SCALE}?"
_TOKENS_RE = lazy_compile(rf"{_NUMBER_START}({_SCALED})\s*(?:of\s+)?(?:training\s+)?tokens\b", re.IGNORECASE)
# "7B parameters", "a 2B-parameter model", "the **1.5B parameter** version", "**1.3 billion** parameters".
# "It has **502.7** million parameters" (the scale after the bold number); "1300 亿个参数", "一个70亿参数的模型": the
# count before the word in Chinese, glued to the characters before it (Chinese writes no space); Korean's scale with its
# counter: "140억 개의 파라메터" (Orion-14B's Korean README).
_PARAMS_RE = lazy_compile(rf"(?=\d)(?:{_FIGURE_START}|(?<=[\u3000-\u9fff]))({_SCALED})(?:(?<=[kKMBT])\s+(?:thousand|million|billion|trillion)|(?<=\d)\*\*\s*(?P<scale>thousand|million|billion|trillion))?\**(?:[ \t]*(?:\r?\n)?[ \t]*|-)(?:(?:trainable\s+|free\s+|total\s+)?(?:parameters?|params)\b|(?<=[万萬亿億])(?:个|個)?(?:参数|參數)|(?<=[억조])\s*(?:개의?\s*)?(?:파라미터|파라메터)|параметр)", re.IGNORECASE)
# The size after its label: "Its total number of parameters is 42,820,610", "パラメータ数は222M",
# "파라미터 수는 279526656(280M)개", "参数量为 7B"; Keras's "Total params: 1,628,993" (not its "Trainable" and
# "Non-trainable params", parts of it).
# (The look-ahead: a match starts with the label's first letter; the others are turned down at once.)
# The singular only where it is the count's: "parameter count of 256 million", "the total parameter is 1.4b".
_PARAMS_STATED_RE = lazy_compile(rf"(?=[pパ파参])(?<!trainable )(?:\bparameters|\bparams|\bparameter(?=\s+count\b)|(?<=total\s)parameter(?=\s+is\b)"
                                 rf"|パラメータ数?|파라미터\s*수?|参数(?:大小|规模|規模)|参数量?)\s*"
                                 rf"(?:count\s+of|(?:count\s*)?(?:is|are|was|:|：|=|は|는|为|為|是)|(?<=大小|规模|規模))\s*(?:about\s+|approximately\s+|~\s*)?"
                                 rf"({_SCALED})(?![\d.,]?\d)", re.IGNORECASE)
_PUE_RE = lazy_compile(r"\bPUE\s*(?:of|=|:|was|is)?\s*(?:~|about\s+)?(\d(?:\.\d+)?)\b")
# Meta's cards: "power consumption is the peak power capacity per GPU device used, adjusted for
# power usage efficiency": the stated power already counts the data centre, so PUE is 1 on top.
_PUE_IN_POWER_RE = lazy_compile(r"adjusted\s+for\s+(?:the\s+)?power\s+usage\s+(?:efficiency|effectiveness)",
                                re.IGNORECASE)
_FLOPS_RE = lazy_compile(
    rf"{_NUMBER_START}({_NUM}(?:\s*(?:x|×|\*)\s*10\s*\^?\s*\{{?[+-]?\d+\}}?)?)\s*(?:total\s+)?FLOPs?\b(?!\s*/|\s*per\b)"
)
# Hours of data, not of training: under a label of data, or "of (training) data / audio / speech".
_DATA_LABEL_RE = lazy_compile(r"[ \t]*(?:[-*+][ \t]+)?[*_]*[^:\n]{0,30}\b(?:data(?:set)?|corpus|audio)\b[^:\n]{0,20}:",
                              re.IGNORECASE)
# A sentence about a worked example: "In this example we achieve 80.74 micro F1 score on ChemProt".
_IN_THIS_EXAMPLE_RE = lazy_compile(r"\W*in\s+(?:this|the|our)\s+example\b", re.IGNORECASE)
# A birthday's countdown after a name, as huggingtweets' cards write it: "GuyWithThePie (🎂 in 1 week)".
_BIRTHDAY_BEFORE_RE = lazy_compile(r"\U0001f382\s*(?:in\s*)?$")
_DATA_BEFORE_RE = lazy_compile(r"\b(?:data(?:set)?|corpus|audio|speech|recordings?)\s*$", re.IGNORECASE)
_OF_DATA_AFTER_RE = lazy_compile(r"\)?\s+of\s+(?:[\w-]+\s+){0,2}(?:data|audio|speech|recordings?)\b", re.IGNORECASE)
# After a duration in brackets, what else it was spent on: "(2 hours of Sonnet API calls, ~$70)" (not "(10 hours of
# training on ...)", "(~83 days of wall-clock time)", "(100 hours of A100)").
_OF_ELSE_AFTER_RE = lazy_compile(r"\s+of\s+(?!(?:wall|training|train|pre-?training|fine-?tuning|compute|computation|gpus?|tpus?"
                                 r"|accelerators?|nvidia|tesla|[abhvpl]\d)\b|[abhvpl]\d{2,3}\b)\w", re.IGNORECASE)
# A count of several in words: "four Nvidia Tesla v100 GPUs", "on four GPUs".
_COUNT_WORDS = rf"(?:{'|'.join(word for word, number in NUMBER_WORDS.items() if number > 1)})\b"
_NUMBER_WORD = "|".join(NUMBER_WORDS)  # "a", "an", "one", ... "twelve"


# "about", "approx.", "ca." (circa, as German and French writers abbreviate it) before a duration.
_ABOUT = r"about\b|around\b|approx(?:imately\b|\.|\b)|roughly\b|circa\b|ca\."
_ABOUT_FIGURE = rf"(?:{_ABOUT})\s*|[{APPROXIMATELY}]\s*"  # before a figure: "about 4", "~4"


# "for about 9.5 days", "took approximately 14 hours", "training time was around 14 days", "lasted a total of 10 days",
# "for **1.3 hours**", "took two months", "time amounted to approximately 10 days", "within 10 hours", "takes
# around 100 mins to finish", "within a total of 140 hours", "trained on 4xV100 (85 hours)"; the durations a
# sentence lists after one and a comma, each with what it trained ("it took ~17 hours to train ... on FLAN, ~40
# hours to train on ..."; not after "and": an "a" more to try at every word cost the real cards 0.2%).
_DURATION_RE = lazy_compile(
    rf"(?=[ftwldoic\(,])"  # the first letters of the words before a duration, or its bracket: the others turned down at once
    # "cost" as "took": "in the pre-training phase which cost about 7 days with 8 A100 GPUs" (IDEA-CCNL's cards)
    rf"(?:(?:\bfor|\btook|\btakes|\btaking|\bwithin|\blasted|\bcosts?|\b(?:time|duration)\s+(?:was|is|of|amounted\s+to)"
    rf"|\bover\s+the\s+(?:duration|course)\s+of"
    # "over" as "during", after the accelerators or the verb: "on 16 TPUv4 chips over 4 days", "trained over a period of
    # 12 days" (not "for over 3 days", a bound, below)
    rf"|(?=over\s)(?:(?<=gpus\s)|(?<=tpus\s)|(?<=chips\s)|(?<=cores\s)|(?<=nodes\s)|(?<=\ds\s)|(?<=trained\s)|(?<=ran\s))over"
    rf"(?=\s+(?:a\s+period\s+of\s+)?\d)(?:\s+a\s+period\s+of)?"
    rf"|\bin(?=\s+(?:just|only|(?:a\s+little\s+|just\s+)?(?:over|under)|{_ABOUT}|less\s+than|[{APPROXIMATELY}])?\s*\d)"
    rf"|,(?=\s+(?:{_ABOUT_FIGURE})?{_NUM}\s*(?:hours?|days?|weeks?|minutes?)"
    rf"\s+to\s+(?:train|pre-?train|fine-?tune|continue)\b))"
    rf"\s+(?:a\s+total\s+of\s+)?|\(\s*)"
    # A bound of a run's time is read as its time, as a reader does ("in less than 3 days", "for less than 26 days",
    # "completed in a little under 1 hour", "took just under 21 hours", "training took almost 11 Days").
    rf"(?:{_ABOUT_FIGURE}|just\s+|only\s+|almost\s+|(?:a\s+little\s+|just\s+)?(?:over|under)\s+|less\s+than\s+)?(?:\*\*)?"
    # "half a day", "two and a half hours", "a day and a half"
    rf"((?:half\s+an?\s+|(?:{_NUM}|{_NUMBER_WORD})\s+and\s+a\s+half\s+|{_NUM}\s*|(?:{_NUMBER_WORD})\s+)"
    # an hour's "h" too ("Trained on 4xA100s for 6H", "for 8h."), not a year's half ("in 2H 2023")
    rf"(?:hours?|hrs?|days?|weeks?|months?|minutes?|mins?|(?<=[\d ])h(?!\w)(?!\s*(?:19|20)\d\d))(?:\s+and\s+a\s+half\b)?"
    rf"(?:\s*(?:,|and|&)?\s+{_NUM}\s*(?:hours?|hrs?|minutes?|mins?)\b)*)\b",  # "6 days & 5 hours"
    re.IGNORECASE
)
# A half in words: "half a day", "two and a half hours", "a day and a half" (a duration `_DURATION_RE` matched).
_HALF_RE = lazy_compile(r"half\s+an?\s+(\w+)|(\S+)\s+and\s+a\s+half\s+(\w+)|(\S+)\s+(\w+)\s+and\s+a\s+half\b(.*)",
                        re.IGNORECASE | re.DOTALL)


def _written_duration(spoken: str) -> str:
    """A duration a sentence says in words, in figures `parse_duration_hours` reads: "a day and a half"
    is "1.5 day", "half an hour" "0.5 hour", "two days" "2 days"."""
    half = _HALF_RE.fullmatch(spoken)
    if half is not None:
        if half.group(1):
            return f"0.5 {half.group(1)}"
        number, unit, rest = (half.group(2), half.group(3), "") if half.group(2) else half.group(4, 5, 6)
        return f"{_spoken_number(number) + 0.5:g} {unit}{rest}"
    if spoken[0].isdigit():
        return spoken
    number, rest = spoken.split(None, 1)
    return f"{NUMBER_WORDS[number.lower()]} {rest}"


def _spoken_number(text: str) -> float:
    return NUMBER_WORDS[text.lower()] if text.lower() in NUMBER_WORDS else parse_count(text)


# After a duration: a rate, not the training's time ("2 hours per epoch", "3 hours/epoch", "5 minutes each").
# After a duration, a model named by its size: "(... a month on a single node for the 70B)".
_FOR_SIZE_AFTER_RE = lazy_compile(r"(?:\s+on\s+[^.;,()]{0,40}?)?\s+for\s+the\s+(\d+(?:\.\d+)?\s?[MB])\b")
# (Not "per model": "the pre-training process took around 2 weeks per model" is each model's, this one's too.)
_PER_AFTER_RE = lazy_compile(r"\s*(?:per\b(?!\s+model\b)|/|each\b|an?\s+epoch\b|for\s+(?:each|every|one|an?)\s+epoch\b)",
                             re.IGNORECASE)
# Before a duration, the same: "Each training epoch takes 2 hours", "3 epochs, each epoch taking about 2 hours", "an epoch
# took 40 minutes" (not "one epoch took 3 hours": a training of one epoch).
_PER_BEFORE_RE = lazy_compile(r"\b(?:(?:each|every|per)\s+(?:training\s+)?(?:epoch|step|iteration|run|fold)|an\s+(?:epoch|iteration))\b"
                              r"[^.;]{0,40}$", re.IGNORECASE)
# After a figure, the model it is of: "10 days for Yi-VL-34B and 3 days for Yi-VL-6B" (a hyphenated name).
_FOR_MODEL_AFTER_RE = lazy_compile(r"\s+for\s+(?:the\s+)?(?!(?i:pre|fine|post)-?(?i:train|tun))([A-Za-z][\w.]*(?:-[\w.]+)+)")  # not "for fine-tuning"
# Accelerators as cards name them (the issue-4 hardware table refines the model names).
_ACCEL = (
    r"(?:(?i:NVIDIA|Tesla|AMD|Google|Cloud|Instinct|GeForce)[\s_]+)*"  # "NVIDIA_TESLA_A100": a cloud's name for it
    r"(?:(?i:G[BH]200|[ABH]-?100|A800|H800|H200|H20|B200|A10G?|A30|A40|A[2-6]000|L40S?|V-?100|P-?100|P40|K80)|L4|L20|T4"
    r"|RTX[\s-]?[A-Z]?\d{4}(?:\s?Ti)?|GTX[\s-]?\d{4}|(?i:Titan)\s?(?:RTX|Xp?|V)\b|MI\d{2,3}X?"
    r"|TPU[\s-]?(?:Pod\s)?[vV]?\d[a-z]?(?:[- ]\d+)?|[vV]\d[a-z]?-\d{1,4}(?:\s+instance\s+of(?:\s+(?:Google|Cloud))*)?\s?TPU|Gaudi\s?\d?)"
    r"(?:[- ](?:SXM\d?|PCIe|NVL|\d+\s?GB)(?![\w]))*"
    r"(?![-_][A-Za-z]\d{3})"  # not a layout's name: RWKV's "L40-D5120" is 40 layers of width 5120
)
_ACCEL_WORD = r"(?:GPU|TPU|chip|accelerator|device)"
# After a duration, the accelerators it is of: "for 1000 hours of A100 80GB", "200 hours of TPU v3 time".
_OF_ACCELERATOR_AFTER_RE = lazy_compile(rf"\s+of\s+(?:{_ACCEL}|(?i:GPU|TPU)\b)")
# The first letters of `_ACCEL`'s makers and names (a test checks them against it).
_ACCEL_INITIALS = "NTAGCIBHLVPKRM"
# "300 V100 GPU hours", "2.788M H800 GPU hours", "61,440 TPU-hours", "200,000 A100 80GB hours".
_ACCEL_HOURS_RE = lazy_compile(rf"{_NUMBER_START}({_SCALED})\**\s*(?:{_ACCEL}[- ]+(?:{_ACCEL_WORD}[- ])?|{_ACCEL_WORD}[- ])"
                               rf"hours?\b", re.IGNORECASE)
_HARDWARE_RE = lazy_compile(
    # A match starts with a count's digit, an accelerator's name or a count's word ("a single",
    # "one"), in any case, where a word starts (or a name after "8x"): the look-ahead turns every other position
    # down in one step, a letter inside a word too (the initials are most letters). Then a
    # count, maybe the memory or the word GPU, then the name: "8 16 GB V100", "one GPU NVIDIA V100 32GB".
    rf"(?=(?<![\w.])\d|(?<!\w)(?i:[{_ACCEL_INITIALS}asodqtfen])|(?<=\d[xX×])(?i:[{_ACCEL_INITIALS}]))"
    rf"(?:{_FIGURE_START}({THOUSANDS}(?!\.\d)|\d{{1,6}}(?![\d.])|(?i:a\s+single|single|one|dual|twin|quad|an?(?=\s)|{_COUNT_WORDS}))\s*"
    rf"(?:x|X|×|\\{{0,2}}\*)?\s*"  # the star escaped in Markdown too: "on 8\\*V100 GPUs" (rinna's cards) renders "8*V100"
    rf"(?:(?i:local|consumer(?:-grade)?|rented|desktop|home|spare)\s+)?"  # "on single local RTX 3090 Ti", "2 rented A100s"
    rf"(?:\d{{1,3}}\s?GB\s+)?(?:GPUs?\s*\(\s*|GPUs?\s+)?(?:\*\*)?)?"  # "a single GPU (Titan V)", "a 24GB GPU (NVIDIA A10G)"
    rf"(?:\b|(?<=\d[xX×]))({_ACCEL})s?(?:\b|(?=[x×]\d))(?:\*\*)?"  # "a **Tesla V100** GPU", "A100x16"
    rf"(?:\s*(?:x|×)\s*(\d{{1,6}})\b)?(?:\s*(?i:GPUs?|TPUs?|chips|cards))?"
)
# The ML CO2 Impact calculator's text: "A cumulative of 1 hours of computation was performed on
# hardware of type Tesla P100 (TDP of 250W)": hours summed over the accelerators.
_CUMULATIVE_HOURS_RE = lazy_compile(rf"cumulative\s+of\s+({_NUM})\s+hours?\s+of\s+computation", re.IGNORECASE)
_SLICE_RE = lazy_compile(r"(?:TPU[\s-]?(?:Pod\s)?[vV]?\d[a-z]?[- ]|\b[vV]\d[a-z]?-)(\d+)")  # "TPU v3-8", "v3-8 TPU"
# "16 nodes with 4 A100 GPUs each", "4 nodes of 8 x H100s", "22 GPU nodes each with 8 A100", "32 computing
# nodes each one with 4 NVIDIA V100": nodes times the count.
# The nodes may be named by their accelerator: "4 MI250 nodes each of which has 4 MI250 GPUs".
_NODES_BEFORE_RE = lazy_compile(rf"(?<![\w.,])(\d{{1,5}})\s+(?:{_ACCEL}\s+)?{NODES_OF}\s*$", re.IGNORECASE)
# "48 * 8 A100s", "32 x 8 A100": a factor before the count.
_FACTOR_BEFORE_RE = lazy_compile(r"(?<![\w.,])(\d{1,5})\s*[x×*]\s*$", re.IGNORECASE)
# "256 cores of a Cloud TPU v3 Pod": the parts of one named device.
_PARTS_OF_BEFORE_RE = lazy_compile(r"(?<![\w.,])(\d{1,6})\s+(?:tpu\s+)?(?:cores|chips)\s+of\s+$", re.IGNORECASE)
# "(8 cores)", "processor (8 cards)": the accelerators counted in brackets after the name.
_CORES_AFTER_RE = lazy_compile(r"[^.\n()]{0,20}?[(,]\s*(\d{1,4})\s+(?:tpu\s+)?(?:cores|cards|chips|devices)\b",
                               re.IGNORECASE)
# A device named in the singular: "on Tesla V100 GPU" (not "V100 GPUs", not "V100" alone).
_SINGULAR_DEVICE_RE = lazy_compile(r"\b(?:GPU|TPU|card)$", re.IGNORECASE)
# Right before a name, the end of a label: the name is a field's value ("- **Training Infrastructure:** NVIDIA
# A100-40GB GPU"), which names the accelerator and no count of it, as the template's Hardware Type does.
# A field's label, and at most three words of its value, before a device: "Training Infrastructure:** NVIDIA A100-40GB
# GPU", "- Training Hardware: Google Colab T4 GPU" (named, not counted).
_LABEL_END_BEFORE_RE = lazy_compile(r"[:：][*_ \t]*(?:[\w.-]+[ \t]+){0,3}\(?$")  # "- **Training:** Google Colab (T4 GPU"
_TOOK_AFTER_RE = lazy_compile(rf"\s+took\s+(?:{_ABOUT_FIGURE})?\d")
_EACH_BEFORE_RE = lazy_compile(r"\b(?:each|every|per)\s+(?:\w+\s+)?$", re.IGNORECASE)
_CJK_AFTER_RE = lazy_compile(r"\s*[\u3000-\u9fff\uac00-\ud7af]")
_COUNT_BOUND_BEFORE_RE = lazy_compile(r"\b(?:at\s+(?:most|least)|up\s+to|as\s+many\s+as|an?\s+(?:maximum|minimum)\s+of)\b[^;]{0,40}$",
                                     re.IGNORECASE)
# A minimum right before a count, what a run needs at least: "which can use a minimum of 8 40GB A100 GPUs", "at least 4
# GPUs" (not "More than 64 A100s", which the corpus reads as the count).
_MINIMUM_BEFORE_RE = lazy_compile(r"\b(?:at\s+least|(?:an?\s+)?minimum\s+of)\s*$", re.IGNORECASE)
# What runs the model, not what trained it: a heading's, a line label's and a field label's words.
_RUNS_THE_MODEL = r"inference|deployment|serving"
# A line's label: "- **Minimum hardware:** ...", "Baseline: ...", "* Inference GPU: ...".
_LINE_LABEL = r"[ \t]*(?:[-*+][ \t]+)?(?:\*\*)?"
# After an accelerator's count: the servers it names, and how many accelerators each holds.
_SERVERS_AFTER_RE = lazy_compile(r"\s*(?:servers|nodes|machines|hosts)\b(?:,?\s*each\s+(?:with|having|of|has)\s+"
                                 r"(\d{1,2}|two|four|eight|sixteen)\b[^.;\n]{0,40}?\b(?:GPUs|accelerators|chips|cards)\b)?",
                                 re.IGNORECASE)
# A line labelled as what runs the model: "* Inference GPU: 1 × NVIDIA V100 32 GB", "- **Minimum hardware:** 1x T4".
_USE_LABEL_RE = lazy_compile(rf"{_LINE_LABEL}[^:\n]{{0,30}}?\b(?:{_RUNS_THE_MODEL}|recommended|suggested|optimal|minimum|"
                             r"required|requirements?)\b[^:\n]{0,30}:", re.IGNORECASE)
_TIMES_COUNT_RE = lazy_compile(r"\d+\s*[x×]")  # "8xH100 nodes": the accelerators of each node, not the nodes
_PER_NODE_AFTER_RE = lazy_compile(r"\s*(?:GPUs?\s+|TPUs?\s+)?(?:per|each|/|in\s+each)\s*(?:node|machine|server|host|instance)\b",
                                  re.IGNORECASE)
_POD_AFTER_RE = lazy_compile(r"\s+pods?\b", re.IGNORECASE)
_HOURS_AFTER_RE = lazy_compile(r"[\s-]*(?:hours?|hrs?|h|days?)\b", re.IGNORECASE)
# What a model needs to run, or might have trained on, not what trained it: "the model can fit on a single V100 32GB
# GPU"; "(requires ~130GB GPU RAM, so e.g. 2xA100 80GB)"; "we could have divided this time by three, just with 2 GPUs";
# "The above command assumes training on 4 GPUs"; "The configuration has been tested on single GPU setup on a RTX5000";
# "The memory usage of model fine-tuning is tested in an `8 * H100` environment".
# A model named by its size in a sentence: "The 175B model", "the 13B-parameter model", "7B models".
# A size in apposition to a model's name (a capital or a digit in it: not "the model, a"): "GPT-J, a 6B parameter
# model", "BLOOM, a 176 billion".
_NAME = r"((?=[\w.-]*[A-Z\d])[A-Za-z][\w.]*(?:-[\w.]+)*)"
# The checkpoint a sentence names as its subject, by a name with a digit, before its size: "This l6-h384 checkpoint with
# **6** layers, **384** hidden size ... corresponds to **22 million** parameters" (no full stop between).
_THIS_NAMED_CHECKPOINT_RE = lazy_compile(r"\b[Tt]his\s+([A-Za-z][\w.]*-[\w.-]*\d[\w.-]*|[A-Za-z]+\d[\w.-]*)\s+(?:checkpoint|model|variant|version)\b"
                                         r"(?:(?!\.\s)[^\n])*$")
_SENTENCE_REACH = 300  # characters looked back for a sentence's subject
_NAME_AND_ARTICLE_BEFORE_RE = lazy_compile(rf"\b{_NAME},\s+an?\s+$")
# ... or in a relative clause after the name (and its expansion in brackets): "CPM(Chinese Pre-Trained Language Models),
# which has 2.6B parameters" on CPM-Generate-distill's card (its teacher's; a base's, "DistilGPT2, which has 82 million
# parameters" on a fine-tune's, is its own size).
_NAME_WHICH_HAS_BEFORE_RE = lazy_compile(rf"\b{_NAME}(?:\s*\([^()\n]{{0,80}}\))?,\s+which\s+(?:has|contains)\s+(?:about\s+|~)?$")
# A size said of a link to a Hub repository, in brackets after it, is that repository's model's: "leveraging
# [OPT-6.7b](https://huggingface.co/facebook/opt-6.7b) (a large language model with 6.7 billion parameters)" on
# Salesforce/blip2-opt-6.7b's card is the size of its frozen language model, not BLIP-2's.
_LINKED_REPO_BEFORE_RE = lazy_compile(r"\]\(https?://huggingface\.co/[\w.-]+/([\w.-]+?)/?\)\s*\(\s*(?:an?|the)\s[^()\n]{0,60}$")
# A size of a model this one is compared with: "it is indicated to be better than VL pretraining and Flamingo with 80B
# parameters" on microsoft/git-base's card (not "fine-tuned from Qwen2.5-Coder-32B with 32B parameters": its base).
_COMPARED = r"compared\s+(?:to|with)|versus|vs\.?"  # the words of a comparison
_COMPARED_NAME_BEFORE_RE = lazy_compile(rf"\b(?:than|{_COMPARED}|outperform\w*|beat(?:s|ing)?|surpass\w*)"
                                        rf"\s[^.;:]{{0,80}}?\b{_NAME}\s+with\s+(?:only\s+|about\s+|around\s+)?$")
# Before a size, a comparison or a denial: "63M parameters (compared to 134M parameters for DistilmBERT)", "this model is
# 774M parameter variant ..., so not the famous big 1.5B parameter variant by OpenAI": another model's.
_NOT_THIS_SIZE_BEFORE_RE = lazy_compile(rf"\b(?:{_COMPARED}|not\s+(?:the\s+|a\s+)?(?:[a-z]+\s+){{0,3}})\s*(?:about\s+|~)?$",
                                        re.IGNORECASE)
_MODEL_SIZE = r"\d+(?:\.\d+)?\s?[MB]"  # "175B", "1.3 B", "111M"
_MODEL_SIZE_RE = lazy_compile(rf"(?<![\w.])({_MODEL_SIZE})[\s-]+(?:param(?:eter)?s?[\s-]+)?(?:model|version|variant|checkpoint)s?\b")
# A model named with its size in a sentence: "For the Yi-6B base model, ... which takes about 20 minutes" (on Yi-9B's card).
_NAMED_SIZE_MODEL_RE = lazy_compile(r"(?<![\w.])[A-Za-z][\w.]*-(\d+(?:\.\d+)?[MB])(?:[\s-]+[a-z]+)?[\s-]+models?\b")
# "This is a 1.8B model trained on ...", "`replit-code-v1-3b` is a 2.7B Causal Language Model": the size the model is,
# a few words between it and "model" (not "is a 7B-parameter ..." alone, read as parameters, nor "is a 3B dataset"); not
# a size that a name holds ("Wizard Mega is a Llama 13B model fine-tuned on ...": its base's name).
_IS_A_SIZE_MODEL_RE = lazy_compile(r" is an? (?:[a-z]+ ){0,2}?(\d{1,4}(?:\.\d{1,3})? ?[MB])\b(?![\w.])"
                                   r"(?:[ -](?!param)[A-Za-z][\w]*){0,4}?[ -](?i:models?)\b")
_IS_A_SIZE_MAX = 200  # the sentences read: a card says what its model is a few times at most
_SENTENCE_START_RE = lazy_compile(r"[.!?:;]\s+|\]\([^)]*\)|\|")
_THIS_MODEL_SUBJECTS = frozenset({"this", "it", "this model", "the model", "our model", "this checkpoint"})
# A list of references cites other works.
_REFERENCES_HEADING_RE = lazy_compile(r"#+\s*(?:\W\s*)?(?:references?|bibliography|citations?|works\s+cited)\b",
                                      re.IGNORECASE)
# Under a heading about evaluation or use, training is the evaluation's fine-tuning ("## Evaluation results": "The
# training was done on a single 16GB NVIDIA Tesla V100 GPU. For MRPC/WNLI, the models were trained for 5 epochs") or the
# reader's ("#### Quick Start" on Yi's card: "num_train_epochs=4 can output a chat model, which takes about 20 minutes"),
# and hardware is what runs the model ("### Hardware Requirements": "Single V100 GPU or Intel CPU").
_EVALUATION_HEADING_RE = lazy_compile(r"#+\s*(?:\W\s*)?(?:evaluation|results|benchmarks?\b|usage|how\s+to\s+use|quick\s*start"
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
# Under a heading about running the model, a sentence that says the model was trained still states its training: NVIDIA's
# BioNeMo cards write "MegaMolBART was trained with data parallelism on 64 V100 32 GB GPUs" and "The total training time
# was approximately 120 wall-clock hours" below "## Inference:".
_RUNS_THE_MODEL_HEADING_RE = lazy_compile(rf"#+\s*(?:\W\s*)?(?:{_RUNS_THE_MODEL})", re.IGNORECASE)
_WAS_TRAINED_RE = lazy_compile(r"\b(?:was|were)\s+(?:\w+\s+){0,2}?(?:pre-?)?trained\b|\btraining\s+(?:time|took|lasted)\b",
                               re.IGNORECASE)
# A sentence whose subject is a variant of this model, by its name: "The Llama-SEA-LION-v2-8B-IT model was fine-tuned
# using 8x A100-40GB" on the card of SEA-LION v2.
_SUBJECT = r"(?:the\s+)?([A-Za-z][\w.]*(?:-[\w.]+)+)(?:\s+model)?\s+"  # a hyphenated model name as a subject
_FIELD_LABEL = r"(?:[a-z][a-z ]{0,30}:\s*)?"  # a subject after a field's label: "Hardware: Falcon-40B was trained on ..."
_SUBJECT_MODEL_RE = lazy_compile(rf"\W*{_FIELD_LABEL}{_SUBJECT}(?:is|are|was|were|has\s+been)\s+(?:pre-?train|train|fine-?tun)",
                                 re.IGNORECASE)
# A run named by the model it trains: "It takes 4 days to finetune AMD-Llama-135m-code on 4 MI250 GPUs" on the card of
# AMD-Llama-135m is its code variant's run.
_TRAINS_MODEL_RE = lazy_compile(r"\bto\s+(?:pre-?train|train|fine-?tune)\s+(?:the\s+)?([A-Za-z][\w.]*(?:-[\w.]+)+)",
                                re.IGNORECASE)
# A paragraph whose first words name a variant of this model: "Gemma-SEA-LION-v3-9B-IT was built using ... The training
# process for fine-tuning was approximately 15 hours, ... on 8x H100" on the page of Gemma-SEA-LION-v3-9B.
_PARAGRAPH_SUBJECT_RE = lazy_compile(rf"[ \t>*_-]*{_FIELD_LABEL}{_SUBJECT}(?:is|was|were|has\s+been)\b", re.IGNORECASE)
# A sentence whose subject is an earlier version: "The original version of Dolly was trained ..." (a link's dots end no
# sentence).
_EARLIER_VERSION_RE = lazy_compile(r"\b(?:original|previous|earlier|first|older)\s+(?:version|release|model)\b(?:[^.;]|\.(?=\S)){0,200}?"
                                   r"\b(?:was|were)\s+(?:pre-?|fine-?)?train", re.IGNORECASE)
# A sentence about a family's larger or smaller model: "The larger model was trained on 256 cloud TPU v3 cores" (the
# GPT-2 card, on gpt2's and its copies'), "The smallest models take under half a day", "The largest Vision Transformer
# was trained over a period of 12 days on 256 V100 GPUs" (CLIP's card, on its base-size model's).
_COMPARATIVE_SUBJECT_RE = lazy_compile(r"\W*(?:all\s+but\s+)?the\s+(?:larg|bigg|small)(?:er|est)\s+(?:[\w-]+\s+)?"
                                       r"(?:models?|versions?|variants?|checkpoints?|transformers?|networks?)\b",
                                       re.IGNORECASE)
# What a method allows, not what this run took: "(can be done on a single consumer GPU in 48 hours)"; what a
# reader's own run will take: "Your model will automatically train and upload ... in ~50 minutes".
_METHOD_ALLOWS_RE = lazy_compile(r"\b(?:can|could)\s+be\s+(?:done|trained|reproduced)\b"
                                 r"|\byour\s+(?:[\w-]+\s+){0,2}will\b", re.IGNORECASE)
_CAPACITY_RE = lazy_compile(r"\b(?:can|could|will|to)\s+(?:fit|run)\b|\bfits\s+(?:on|in|into)\b|\brequires\b|\be\.g\."
                            r"|\bbenchmarked\b"
                            r"|\b(?:could|would|might)\s+have\b|\bassum(?:es|ing)\b|\btested\s+(?:on|with|in)\b"
                            # what a reader's run will need: "For full parameter fine-tuning, you'll need 8 GPUs"
                            r"|\b(?:you(?:'ll|\s+will)?|will|would)\s+need\b|\bneeds\b"
                            # advice: "For the Yi-6B model, a node with 4 GPUs ... is recommended", "A typical hardware
                            # setup for finetuning the 34B model is a node with 8 GPUs"
                            r"|\b(?:is|are)\s+recommended\b|\bwe\s+recommend\b|\btypical\s+(?:hardware\s+)?(?:setup|configuration)\b"
                            # an example's run: "Example usage (training on 4 GPUs):" before a training script
                            r"|\bexample\s+usage\b|\busage\s+example\b"
                            # what the code supports: "We now support LoRA fine-tuning for MiniCPM-Llama3-V 2.5, using
                            # only 2 V100 GPUs!"
                            r"|\bsupports?\s+(?:[\w-]+\s+){0,2}?(?:fine-?tuning|training)\b"
                            # what a reader may do with it: "MiniCPM-Llama3-V 2.5 can be easily used in various ways: ...
                            # (3) efficient LoRA fine-tuning with only 2 V100 GPUs"; "You can train fine in colab, but if
                            # you get a K80, it's probably best to switch"
                            r"|\bcan\s+be\s+(?:\w+\s+)?used\b|\bif\s+you\b",
                            re.IGNORECASE)
# Chinese and Japanese: "4张A100" (four A100 cards), "约4小时" (about 4 hours), "約160分" (minutes).
# A card after its count may be named by its number alone: "6张3090", "3张TITAN"; its memory may come between: "160张40GB的A100".
_CJK_COUNT_RE = lazy_compile(rf"(?:(?<![\d.])(\d{{1,5}})\s*(?:张|張|台|枚|块|塊|个|個)|单卡|單卡)\s*[-–]?\s*(?:\d+\s*GB\s*的?\s*)?"
                             rf"(?:(?i:nvidia)\s*|英伟达\s*)?"  # "64 张 NVIDIA A100-SXM4-40GB": the maker's name between
                             rf"({_ACCEL}|[2-5]0[5-9]0(?:\s?Ti)?(?![\d.])|(?i:titan)(?:\s?(?:RTX|Xp?|V)\b)?)")
# A GeForce card named by its number alone, where the words make it a card: a count before a plural ("4x 4090s", "two
# 3090s") or "GPUs" after ("on 4 4090 GPUs"); a bare number is as likely a step count or, in the plural, a decade. Not
# after its maker's name ("RTX 4090 GPUs", `_HARDWARE_RE`'s) nor another number ("3090/4090 GPUs": either).
_GEFORCE_NUMBER = rf"(?:(?<![\w./])|(?<=\d[x×*]))(?<!rtx\s)(?<!gtx\s)(?<!rtx-)(?<!gtx-)(?<!geforce\s)(?<!nvidia\s)({GEFORCE_NUMBER}(?:\s?Ti)?)"
_GEFORCE_COUNT = rf"(?<![\w.,])({THOUSANDS}|\d{{1,4}}|a\s+single|single|one|dual|twin|quad|{_COUNT_WORDS})\s*(?:[x×*]\s*)?"
# The look-ahead turns down at once the positions where neither a count nor a number starts (most of a window).
_GEFORCE_RE = lazy_compile(rf"(?=[\dasodtqfen])(?:{_GEFORCE_COUNT}{_GEFORCE_NUMBER}s\b"
                           rf"|(?:{_GEFORCE_COUNT})?{_GEFORCE_NUMBER}\s+(?:GPUs?|cards)\b)", re.IGNORECASE)


def _geforce(number: str) -> str:
    """A GeForce card's name from its number: "4090" is "RTX 4090", "1080 Ti" "GTX 1080 Ti" (the 10 series is GTX)."""
    return f"{'GTX' if number[0] == '1' else 'RTX'} {number}"


# A clock's hour right before its minutes: "2017年10月14日0时25分" is 0:25, no 25 minutes of training.
_CLOCK_HOUR_BEFORE_RE = lazy_compile(r"\d\s*[时時点]\s*$")
_CJK_HOURS_AFTER_RE = lazy_compile(r"\s*(?:GPU|TPU|卡)?\s*(?:小时|小時|時間)")
# Korean days ("약 10일 학습", "10일간"), not a date's day ("5월 10일").
_CJK_DURATION_RE = lazy_compile(r"(?<![\d.])(?<!월)(?<!월 )(\d+(?:\.\d+)?)\s*(?:个|個)?(小时|小時|時間|分钟|分鐘|分(?![类類析布])|天|日間|시간"
                                r"|일(?=간|\s|$))")
# A bound or a range in Chinese and Japanese: "1000小时以上" (over), "不到4天" (less than), "至少8张" (at least); "1~2张V100",
# "3到5天" (from 3 to 5). The English words' rules, in these languages' words: "在90天内完成" (to finish within 90 days) is
# the time, as "within 90 days" is.
_CJK_BOUND_AFTER_RE = lazy_compile(r"\s*(?:以下|以上|未満)")
_CJK_BOUND_BEFORE_RE = lazy_compile(r"(?:不到|不足|少于|少於|低于|低於|不超过|不超過|最多|至多|至少|最少|多于|多於|超过|超過|大于|大於"
                                    r"|\d\s*(?:~|～|〜|到|至))\s*(?:约|約|大约|大約)?\s*$")
# Hours of data in Chinese: "Aishell 178 小时训练集" (a 178-hour training set), "1000小时的语音数据"; a clip's length: "考虑到24fps的1分钟
# 视频" (a one-minute video, Open-Sora's report).
_CJK_DATA_AFTER_RE = lazy_compile(r"\s*的?\s*[\u4e00-\u9fff]{0,4}?(?:训练集|訓練集|数据|數據|语料|語料|语音|語音|音频|音頻|视频|視頻|影片)")
_CJK_HOURS = {"小时": 1.0, "小時": 1.0, "時間": 1.0, "分钟": 1 / 60, "分鐘": 1 / 60, "分": 1 / 60, "天": 24.0,
              "日間": 24.0, "시간": 1.0, "일": 24.0}  # and the Korean hour and day: "약 4시간이 소요됐습니다"
# "on 128 GPUs", "on four GPUs", "on 2 cloud GPUs", "12x8 GPUs" (a factor before it, `_times_nodes`): a count of unnamed
# accelerators (a named one is _HARDWARE_RE's).
# Not a product's number: "on 3090/4090 GPUs" names two GeForce models, not 4,090 GPUs.
_GPU_COUNT_RE = lazy_compile(rf"(?:(?<![\w.,/])|(?<=\d[x×*]))(?!{GEFORCE_NUMBER}\s)({THOUSANDS}|\d{{1,6}}|(?i:{_COUNT_WORDS}))(?:\s+"
                             r"(?:(?i:nvidia|amd|datacenter|consumer)\s+|(?i:cloud)\s+(?=GPUs)|(?i:v[2-6])\s+(?=TPU)"  # "four cloud TPUs": boards of chips; "8 v3 TPU cores"
                             r"|(?i:graphcore)\s+(?:(?i:mk\d)\s+)?(?=IPUs))?"  # "16 Graphcore Mk2 IPUs": Graphcore's processors
                             r"(?:GPUs|TPUs|IPUs|accelerators|(?:GPU|TPU)\s+chips|TPU\s+cores)\b"
                             # "a single 8-GPU node", "two 8-GPU nodes": the GPUs of each node
                             r"|-GPU\s+(?P<node>(?i:nodes?|machines?|servers?|instances?))\b)")
# The nodes of "8-GPU nodes" counted before them: "a single", "one", "two", "4".
_NODE_COUNT_BEFORE_RE = lazy_compile(rf"(?<![\w.,])(\d{{1,5}}|a\s+single|single|one|an?|{_COUNT_WORDS})\s+$", re.IGNORECASE)
# Each sentence pattern with its anchors: lower-case words every match contains. Scanning a
# body with a pattern that starts with a number is slow (the engine tries every position);
# `str.find` finds the anchors fast and the pattern then runs on a short window around each.
# A mass without the gas, next to a word of emissions: "- Carbon emission 0.1069 Kg".
_MASS_NEAR_EMISSION_RE = lazy_compile(_MASS, re.IGNORECASE)  # its own object: the sentence reader dispatches on it
_EMISSION_WORD_RE = lazy_compile(r"emission|emitted|carbon footprint", re.IGNORECASE)
# A total over a project's runs, not one model's training: "The estimated emissions of this analysis", "for
# all experiments".
_PROJECT_TOTAL_RE = lazy_compile(r"\b(?:this|the|our|whole|entire)\s+(?:analysis|project|study)\b"
                                 r"|\ball\s+(?:the\s+|our\s+)?(?:experiments|runs|models|components)\b", re.IGNORECASE)
# A run said to be a family's: "- **GPUs:** 256 * Nvidia Tesla A100 (for whole model series training)".
_FAMILY_RUN_RE = lazy_compile(r"\bfor\s+(?:the\s+)?(?:whole|entire|all)\s+(?:the\s+)?(?:model\s+)?(?:series|family|models)\b",
                              re.IGNORECASE)
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
# A nested list item of the training's share: "    - Training: 42,17 g Co2".
_TRAINING_ITEM_RE = lazy_compile(r"[ \t]+[-*+][ \t]+(?:\*\*)?(?:model\s+)?(?:training|fine-?tuning)\b[^:\n]{0,20}:", re.IGNORECASE)
# A list item of a part that is not the training: "    - Loading dataset: 4,3e-4 g Co2", "- Evaluation: 1,07 g Co2".
_OTHER_PART_ITEM_RE = lazy_compile(r"[ \t]*[-*+][ \t]+(?:\*\*)?(?:[\w-]+\s+){0,2}(?:evaluation|inference|loading|preprocessing|"
                                   r"download(?:ing)?|testing|serving)\b[^:\n]{0,20}:", re.IGNORECASE)
# A line of a comparison's baseline: "- Baseline: 45 minutes", "- **Baseline:** 1,500 kWh, 630 kg CO₂e".
_BASELINE_LINE_RE = lazy_compile(rf"{_LINE_LABEL}baseline\b[^:\n]{{0,30}}:", re.IGNORECASE)
# After a mass: a rate ("/kWh", "per hour"), also after the rest of its unit ("0.37 KgCO2.eq/KWh", a grid's intensity).
_PER_UNIT_RE = lazy_compile(r"(?:[.\s-]?(?:eq(?:uivalent)?|e)\b\.?)?\s*(?:/|per\b|an?\s+hour\b|each\b)", re.IGNORECASE)

_SENTENCE_PATTERNS = (
    (_MASS_CO2_RE, ("co2", "co₂")),
    (_MASS_NEAR_EMISSION_RE, ("emission", "emitted", "footprint")),
    (_ENERGY_RE, ("kwh", "mwh", "gwh")),
    (_ACCEL_HOURS_RE, ("hour",)),
    (_TOKENS_RE, ("tokens",)),
    (_PARAMS_RE, ("param", "参数", "參數", "параметр", "파라미터", "파라메터")),
    (_PARAMS_STATED_RE, ("param", "パラメータ", "파라미터", "参数")),
    (_PUE_RE, ("pue",)),
    (_PUE_IN_POWER_RE, ("power usage",)),
    (_FLOPS_RE, ("flop",)),
    # Accelerators are named near these words ("100" stands for A100, H100, V100, P100, "h20" for
    # H20 and H200, "b200" for GB200; "a60" for A6000): not a number alone, which most cards hold many
    # of.
    (_HARDWARE_RE, ("100", "h20", "b200", "gh200", "a800", "h800", "gpu", "tpu", "nvidia", "tesla", "rtx", "t4", "a10", "a30",
                    "a40", "a50", "a60", "l4", "amd", "gaudi", "k80", "p40", "mi2", "mi3", "titan")),
    # "hr)" for "(~10hr)"; not "hr" alone ("three", "through") nor "6h", a digit's: anchors that start with a digit cost
    # every digit of the text a step (tables are full of them), 10% of the anchors' pass.
    (_DURATION_RE, ("hour", "hrs", "hr ", "hr)", "hr.", "hr,", "day", "week", "month", "minute", "mins")),
    (_GPU_COUNT_RE, ("gpu", "tpus", "ipus", "accelerators", "tpu cores")),  # "gpu": the hardware's own anchor, found once
    # "gpu" is the hardware's anchor, but its windows, which large cards hold many of, each cost a search: "0 gpu"
    # and "ti gpu" are the GeForce number's own.
    (_GEFORCE_RE, ("0 gpu", "ti gpu", "cards", "0s")),
    (_CUMULATIVE_HOURS_RE, ("cumulative",)),
    (_CJK_COUNT_RE, ("张", "張", "台", "枚", "块", "塊", "个", "個", "单卡", "單卡")),
    (_CJK_DURATION_RE, ("小时", "小時", "時間", "分", "天", "日間", "시간", "일")),
)
# Every anchor word once; accelerator names must start a word ("tpu" in "output" is none).
_ANCHOR_WORDS = tuple({
    word: pattern is _HARDWARE_RE for pattern, words in reversed(_SENTENCE_PATTERNS) for word in words
}.items()) + ((" is a", False),)  # and where a sentence says what the model is (`sizes_the_model_is`)
_WINDOW_BEFORE, _WINDOW_AFTER = 60, 40
_CLAUSE_MAX = 2000  # characters looked at around a figure for its clause and line
# A run in the past tense, with its duration: "It took about 126 hours with TPU v3-8" (under "### Parameters").
_PAST_RUN_RE = lazy_compile(rf"\btook\s+(?:{_ABOUT_FIGURE})?\d[\d.,]*\s*(?:hours?|days?|weeks?)\b",
                            re.IGNORECASE)
_NOT_TRAINING_RE = lazy_compile(r"inference|evaluat|generat|download|install|convert|quantiz|quantis", re.IGNORECASE)
# A sentence that goes on about the one before: "We performed a full-parameter fine-tuning ... This was carried out
# on 4 A100 80GB GPUs": the run is the previous sentence's.
_ANAPHORA_RE = lazy_compile(r"\s*(?:this|it|these|that|the\s+(?:process|run|job))\s+(?:was|were|took|ran|has\s+been)\b",
                            re.IGNORECASE)
# "Hippogriff was built with [Axolotl](...) on 8xA100 80GB": a fine-tuning tool names a training run.
# Epochs are a training's: " - 1.5 epochs taking approximately 12 hours" (its rate, "each epoch takes 2 hours", is not).
_TRAIN_CONTEXT_RE = lazy_compile(r"train|pretrain|fine-?tun|axolotl|epochs?\b|训练|訓練|学習|학습", re.IGNORECASE)

_PARAMS_BADGE_RE = lazy_compile(r"img\.shields\.io/badge/params-(\d{1,6}(?:\.\d{1,3})?[kmbt])-", re.IGNORECASE)
_AUTOTRAIN_RE = lazy_compile(rf"CO2 Emissions \(in grams\)\s*:\s*({_NUM})", re.IGNORECASE)
_PLAIN_LABEL = (
    r"gpus?(?: used)?|tpu(?:s| cores)?|hardware(?: type| used)?|hours used|(?:overall )?training time|carbon emitted"
    r"|(?:training |compute )?(?:time|duration)|duration of (?:the )?(?:training|fine-?tuning|pre-?training)|training hours"
    r"|num_devices|num_gpus?|n_gpus?|cuda_device_count|cuda_devices"
    r"|co2 emissions?|cloud provider|compute region|training tokens|number of parameters"
    # "*Total kWh = 2500", "*Total Emissions (tCO2e) = 0.8075": totals written as equations.
    r"|total (?:emissions|kwh|energy)(?: \([^()\n]{1,20}\))?(?=[ \t]*=)"
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
_H1_RE = lazy_compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


_EMISSIONS_LABEL_RE = lazy_compile(r"carbon emitted|emission|emisi[oó]n|co2|co₂|carbon footprint")  # "| Emisiones de CO₂ |"
# Not the training's total: "Annual Inference Emissions", "Energy per query", "Per-Document Energy" (a rate of
# anything but a training run is no training's figure).
_NOT_TRAINING_LABEL_RE = lazy_compile(rf"{_RUNS_THE_MODEL}|annual|yearly|\bper[\s-]+(?!(?:training\s+)?run\b)\w"
                                      r"|/\s*(?:year|day|query)|life-?\s?cycle",
                                      re.IGNORECASE)


# Words that may come before the figure of an emissions field: "~ 5 kg", "approximately 5 kg".
_FIGURE_LEAD = frozenset({"approx", "approximately", "about", "around", "roughly", "estimated", "est", "ca",
                          "circa", "total", "less", "than", "under", "below", "up", "to", "over", "more", "at", "most",
                          "least", "nearly", "almost", "only", "co", "eq"})
# What follows the mass unit of a column header: "CO2eq", "CO 2 eq" (from "CO<sub>2</sub>eq").
_CO2_SUFFIX_RE = lazy_compile(r"co\s*2.*", re.IGNORECASE)

# Before a size: an upper bound ("less than 13 billion"), or the end of a list or range of sizes.
# (An upper bound only: "over 15 trillion tokens" states the size, give or take the "+".)
_BOUND_BEFORE_RE = lazy_compile(r"(?:less|fewer)\s+than\s*~?\s*$|\b(?:up\s+to|under|below|at\s+most)\s*~?\s*$|[<≤]\s*~?\s*$",
                                re.IGNORECASE)
_SIZE_LIST_BEFORE_RE = lazy_compile(r"\d(?:\.\d+)?\s*(?:[kKMBT]|thousand|million|billion|trillion)?\s*"
                                    r"(?:,|/|-|–|—|\bto\b|\band\b|\bor\b)\s*(?:and\s+|or\s+)?~?\s*$", re.IGNORECASE)

# A figure that ends a range: "560-1200 kg", "0.5 to 0.9 t", "between 1 and 2 kg".
_RANGE_END_RE = lazy_compile(r"\d\s*(?:-|–|—|to)\s*$|\bbetween\s+~?\d[\d.,]*\s*[a-z]*\s+and\s*$", re.IGNORECASE)
# ... of sizes: "3M to 68M parameters".
_SIZE_RANGE_END_RE = lazy_compile(r"\d\s*(?:[kmbt]|million|billion)?\s*(?:-|–|—|to)\s*$", re.IGNORECASE)
# ... of counts: "4-8 GPUs", not a name's digits ("A100-8 GPUs", "v3-8 TPU").
_COUNT_RANGE_END_RE = lazy_compile(r"(?<![a-z\d.])\d+\s*(?:-|–|—|to)\s*$|\bbetween\s+\d+\s+and\s*$", re.IGNORECASE)
# Before a figure: "~", "approximately", "about" (the figure is the figure, give or take).
_APPROX = rf"\s*(?:[{APPROXIMATELY}]|(?:{_ABOUT})\s)?\s*"
_RANGE_START_RE = lazy_compile(rf"{_APPROX}{_NUM}\s*[a-z]*\s*(?:-|–|—|to)\s*{_NUM}", re.IGNORECASE)
_GENERIC_TIME_LABELS = {"time", "duration"}
_PLUS_AFTER_RE = lazy_compile(r"\s*(?:\([^()\n]{0,40}\)\s*)?\+")  # "300 hours (TPU) + 24 hours (GPU)"
# The training's own time in parentheses after a field's rounder figure: "~1 hour (44.5 minutes training time)".
_TRAINING_TIME_AFTER_RE = lazy_compile(r"\s*\(\s*(\d[^()\n]{0,30}?)\s+(?:of\s+)?training(?:\s+time)?\s*\)", re.IGNORECASE)
# Hours spent on something other than training: "~100 hours development", "(of) inference", "evaluation".
_NOT_TRAINING_AFTER_RE = lazy_compile(r"\s*(?:of\s+|for\s+|on\s+)?(?:development|dev\b|coding|engineering|inference|serving|eval(?:uation)?\b|setup"
                                      r"|annotation|labell?ing|data\s+(?:collection|preparation|processing))", re.IGNORECASE)
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
# A field's size first, then what it counts or a remark: "1.12B total", "0.57 B (total); 0.45 B (excluding ...)".
_SCALED_SIZE = rf"{_NUM}\s*{_SCALE}"  # a scale said, not a bare number
_SIZE_FIRST_RE = lazy_compile(rf"\s*[{APPROXIMATELY}]?\s*({_SCALED_SIZE})(?![\w.])(?:\s*(\(?total\b\)?))?", re.IGNORECASE)
_SCALED_SIZE_RE = lazy_compile(_SCALED_SIZE, re.IGNORECASE)
_SCALED_RE = lazy_compile(_SCALED)
_NUMBER_CELL_RE = lazy_compile(rf"\s*~?\s*{_SCALED}\s*")
_SCIENTIFIC_RE = lazy_compile(rf"({_NUM})\s*(?:(?:x|×|\*)\s*10\s*\^?\s*\{{?([+-]?\d+)\}}?)?")
# "2 hours 10 minutes", and written without spaces after a unit's letters: "2h10min", "0H:23M".
_FIELD_DURATION_RE = lazy_compile(rf"{_APPROX}({_SCALED}(?:\s*(?:(?:GPU|TPU|chip|accelerator)[- ])?[a-z]+)?"
                                  rf"(?:(?:\s*(?:,|and|&)?\s+|(?<=[a-z])\s*:?\s*){_NUM}\s*[a-z]+)*)", re.IGNORECASE)
_DURATION_PART_SEPARATOR_RE = lazy_compile(r"\s*(?:,(?!\d{3}\b)|\band\b|&)\s*", re.IGNORECASE)  # not "22,000"
_PART_AFTER_RE = lazy_compile(r"\s+(?:are\s+|is\s+)?(?:in|of|for)\s+the\s+(?:embedding|vision|text|audio|image)\b", re.IGNORECASE)
# A share of a whole, or an adapter's: "77,509,632 trainable params (2.27% of total)", "LoRA: 4.2M trainable
# parameters" (but "117M trainable parameters" of a model trained whole is its size).
_SHARE_RE = lazy_compile(r"\d\s*%|\bof\s+(?:the\s+)?(?:total|base|all)\b|\badapters?\b|\b(?:q?lora|peft)\b", re.IGNORECASE)
_VERSION_OF_AFTER_RE = lazy_compile(r"\s+(?:version|variant|checkpoint)\s+of\b", re.IGNORECASE)
_TOTAL_WORD_RE = lazy_compile(r"\btotal\b", re.IGNORECASE)
_TOTAL_AFTER_RE = lazy_compile(r"\s*(?:in\s+)?total\b", re.IGNORECASE)
_EXPERTS_AFTER_RE = lazy_compile(r"[^.\n]{0,25}?\b(?:\d+\s+experts|active|per\s+token)\b", re.IGNORECASE)
# A table's key naming the accelerators: "Compute SKU GPU Device", "GPU type" (not "GPU Memory Usage").
# Not "Estimated total per GPU" (a memory per accelerator: "~42.6 GB").
_HARDWARE_KEY_RE = lazy_compile(r"(?<!\bper )\b(?:gpu|tpu|accelerator)s?(?:\s+(?:device|type|model|name))?$")
_NODES_KEY_RE = lazy_compile(r"(?:number of |num[_ ])?(?:nodes|instances|machines)|node count")
_PER_NODE_KEY_RE = lazy_compile(r"(?:gpus?|accelerators?|tpus?|devices?|chips?) per (?:node|instance|machine|server)$")
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


_HELD_OUT_RE = lazy_compile(r"\b(?:validation|val|test|testing|eval|evaluation|benchmark)\b", re.IGNORECASE)
_VALUE_END_RE = lazy_compile(r"(?:\s*<br\s*/?>|\s*:)+\s*$", re.IGNORECASE)


def _not_training(label: str) -> bool:
    """Whether a field of emissions or energy is labelled as another's than the training's: "Annual
    Inference Emissions: 1,991 kg CO2e", "5-Year Lifecycle Emissions", "Energy per query"."""
    return _NOT_TRAINING_LABEL_RE.search(label) is not None


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
               "wall-clock time", "wall clock time", "wallclock time"} or "hour" in key and _ACCELERATOR_HOURS_LABEL_RE.fullmatch(key) \
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
    # "Model size/M: 87.42", "# of parameters (million): 46.51": the scale in the label (looked for only where it can be)
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
# model" (not an inference's runtime; nor yet "Total training time", which may sum ablations).
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


class _Reader:
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
            scale = _PER_SCALE_RE.search(label.lower()) or _HEADER_UNIT_RE.search(label)
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

    # 3. Tables -----------------------------------------------------------------------------
    def tables(self) -> None:
        for table in _find_tables(self.body, self.lower):
            if self.in_prose(table.start):
                self._table(table)

    def _table(self, table: _Table) -> None:
        if table.header and _DATA_TABLE_RE.match(table.header[0].strip()):
            return  # a row per corpus or language ("| Corpora | Number of tokens |"): no model's, no run's
        columns = [_column_kind(header) for header in table.header]
        if len({header.strip().lower().replace("_", " ") for header in table.header} & _CODECARBON_COLUMNS) >= 3:
            columns = [("emissions", "kg", kind[2]) if kind and kind[0] == "emissions" and "(" not in header else kind
                       for kind, header in zip(columns, table.header)]
        rows = [row for row in table.rows if any(cell.strip(" \\-") for cell in row[1:])]
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
            elif not named and table.without_outer_pipes:
                # GitHub's tables without outer pipes are most in projects' READMEs, of several models: the only
                # row ("ELECTRA-base" in AraBERT's README) is this model's when its name picks it.
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

    # 4. Sentences --------------------------------------------------------------------------
    def sentences(self) -> None:
        # Anchors are looked for in the prose only: code blocks (usage examples, half of an
        # AutoTrain card) state no training facts.
        self.in_prose(0)  # the rendered text's parts, found once
        segments = self.segments
        if self.used_spans:  # and not the lines read already
            segments = _subtract(segments, sorted(self.used_spans))
        whole = segments == [(0, len(self.body))]
        scan = self.lower if whole else "".join(self.lower[a:b] for a, b in segments)
        hits = _anchor_hits(scan)
        scan_starts, offset = [], 0
        for a, b in segments:
            scan_starts.append(offset)
            offset += b - a

        def in_body(positions: list[int]) -> list[int]:  # from the scanned text back to the body
            return positions if whole else [segments[i][0] + at - scan_starts[i]
                                            for at in positions for i in (bisect.bisect_right(scan_starts, at) - 1,)]

        is_a = hits.pop(" is a", None)
        if is_a:
            self.is_a_positions = in_body(is_a[:_IS_A_SIZE_MAX])
        self.anchors_found = hits.keys()
        if not hits:
            return  # most cards: nothing more to do

        # Each pattern runs near its anchors only; the clause around a match is looked at only
        # when there is a match (most cards have few).
        run_scope = "family" if any(f.scope == "family" for f in self.facts) else "model"
        train_context = _TRAIN_CONTEXT_RE
        masses: set[int] = set()  # the emissions figures read, by offset: two patterns may find one
        examined = 0
        for pattern, words in _SENTENCE_PATTERNS:
            # The first anchors only: thousands of "gpu" without an accelerator's name are no card's.
            anchors = [position for word in words if word in hits for position in hits[word][:4 * MAX_FIGURES]]
            if not anchors:
                continue
            if not whole:
                anchors = in_body(anchors)
            for match in self._anchored(pattern, anchors):
                examined += 1
                if examined > 2 * MAX_FIGURES:
                    raise _Enough  # each match looks at its clause: thousands of them are no card's
                start = match.start()
                line_before = self._line_text_before(start)
                if line_before.lstrip().startswith("|") and not _prose_cell(line_before):
                    continue  # a table row, read (or skipped) as a table; but not the prose of a label's cell
                if pattern in _RUN_PATTERNS and _RANGE_END_RE.search(line_before.rstrip("*_ ")[-24:]) or (
                        pattern is _HARDWARE_RE or pattern is _GPU_COUNT_RE or pattern is _GEFORCE_RE
                ) and _COUNT_RANGE_END_RE.search(line_before[-24:]):
                    continue  # "560-1200 kg", "350 to 500 GPU-hours", "4-8 GPUs": a range is no one figure
                if _REFERENCES_HEADING_RE.match(self._heading_before(start)):
                    continue  # a list of references cites other works ("Model Card for Mistral-7B-v0.1 ... 7 billion")
                clause = self._clause(start, match.end())
                if ILLUSTRATION_RE.search(clause) or EXAMPLE_LEAD_RE.match(line_before):
                    continue  # "- NVIDIA A100 GPU (example)", "Example: `0.0125 kWh x 420 gCO2e/kWh = 5.25 gCO2e`": illustrations
                if "xample" in clause and _IN_THIS_EXAMPLE_RE.match(clause) or self.body.find(
                        "xample", max(0, start - 400), start) >= 0 and _IN_THIS_EXAMPLE_RE.match(self._sentence_before(start)):
                    continue  # "In this example we achieve 80.74 micro F1 score on ChemProt ... Fine-tuning takes 43
                    # minutes for 5 epochs": a worked example's run, a user's, not this model's training
                if ("aseline" in line_before or "ASELINE" in line_before) and _BASELINE_LINE_RE.match(line_before):
                    continue  # "- Baseline: 0.0542 kWh (24.3 g CO2e)" above "- Optimized: ...": the comparison's run
                text = match.group(0)
                read_before = len(self.facts)
                if pattern is _MASS_CO2_RE or pattern is _MASS_NEAR_EMISSION_RE:
                    if start in masses or _PER_UNIT_RE.match(self.body, match.end()):
                        continue  # read already; or "2.6 gCO2e/kWh", "5 kg per hour": a rate, not emissions
                    if _BOUND_BEFORE_RE.search(self.body, max(0, start - 20), start):
                        continue  # "less than 1 g of CO2": a bound, not the figure
                    if pattern is _MASS_NEAR_EMISSION_RE and not _EMISSION_WORD_RE.search(clause):
                        continue
                    masses.add(start)
                    if line_before.lstrip()[:1] in ("-", "*", "+") and (
                            _OTHER_PART_ITEM_RE.match(line_before) or self._breaks_down_to_training(start, line_before)):
                        continue  # "- Emissions: 43,24 g Co2" over "    - Training: 42,17 g Co2": the training's is below;
                        # "    - Evaluation: 1,07 g Co2", "    - Loading dataset: ...": parts that are not the training
                    scope = ("market" if re.search(r"market[- ]based", clause, re.IGNORECASE)
                             else "family" if _PROJECT_TOTAL_RE.search(clause) else run_scope)
                    self.add("emissions", _grams(text), text, start, scope=scope, note="sentence")
                elif pattern is _ENERGY_RE:
                    if re.search(r"energy|consum|electricity|power", clause, re.IGNORECASE):
                        self.add("energy", parse_energy_kwh(text.replace("*", "")), text, start, scope=run_scope,
                                 note="sentence")
                elif pattern is _CUMULATIVE_HOURS_RE:
                    self.add("accelerator_hours", _number(match.group(1)), text, start, scope=run_scope,
                             note="sentence of the ML CO2 Impact calculator")
                elif pattern is _ACCEL_HOURS_RE:
                    if self._bound_before(start):
                        continue  # "< 1 GPU-hour", "up to 100 GPU hours": a bound, not the hours
                    self.add("accelerator_hours", parse_count(match.group(1)), text, start, scope=run_scope,
                             note="sentence")
                elif pattern is _TOKENS_RE or pattern is _PARAMS_RE or pattern is _PARAMS_STATED_RE:
                    before = self.body[max(0, start - 40) : start]
                    if _BOUND_BEFORE_RE.search(before):
                        continue  # "less than 13 billion parameters", "up to 2T tokens": a bound, not the size
                    if pattern is not _TOKENS_RE and ("trainable" in line_before.lower()
                                                     or "trainable" in text.lower() and _SHARE_RE.search(clause)):
                        continue  # "**Trainable Parameters:** ~0.8M parameters", "~4.7M trainable parameters (~0.97% of base)": an adapter's, not the model's size
                    # "from 7 billion to 70 billion parameters", "135M, 360M and 1.7B parameters": sizes of a family;
                    # "the 124 million parameter version of GPT-2": another model's.
                    # "GPT-J, a 6B parameter model trained on the Pile" on open_llama_7b's card: the named model's.
                    # "CPM(Chinese Pre-Trained Language Models), which has 2.6B parameters" on CPM-Generate-distill's:
                    # its teacher's.
                    # "This l6-h384 checkpoint with **6** layers ... corresponds to **22 million** parameters" on
                    # xtremedistil-l6-h256-uncased's card (copied from its sibling's): the named checkpoint's.
                    teacher = "which " in before and _NAME_WHICH_HAS_BEFORE_RE.search(line_before[-160:])
                    named = _NAME_AND_ARTICLE_BEFORE_RE.search(before) or (
                        pattern is _PARAMS_RE and " with" in before and _COMPARED_NAME_BEFORE_RE.search(line_before[-120:])) or (
                        "his " in line_before and _THIS_NAMED_CHECKPOINT_RE.search(line_before[-_SENTENCE_REACH:]))
                    linked = (pattern is not _TOKENS_RE and "huggingface.co/" in line_before
                              and _LINKED_REPO_BEFORE_RE.search(line_before, max(0, len(line_before) - 200)))
                    scope = ("family" if _SIZE_LIST_BEFORE_RE.search(before) or self._in_an_abstract(start)
                             else "other" if _VERSION_OF_AFTER_RE.match(self.body, match.end())
                             or pattern is _PARAMS_RE and _NOT_THIS_SIZE_BEFORE_RE.search(before)
                             or named and self._names_another_model(named.group(1))
                             or teacher and self._names_the_teacher(teacher.group(1))
                             or linked and self._links_another_model(linked.group(1)) else None)
                    number = parse_count(match.group(1) if pattern is not _PARAMS_RE or not match.group("scale")
                                         else f"{match.group(1)} {match.group('scale')}")
                    if pattern is _TOKENS_RE:
                        if _HELD_OUT_RE.search(line_before[-80:]):
                            continue  # "Validation was conducted using 100 million tokens": no training's
                        if (number >= 1e6 and re.search(r"train|token", clause, re.IGNORECASE)
                                and not re.search(r"context|length|window|sequence", clause, re.IGNORECASE)):
                            self.add("train_tokens", number, text, start,
                                     scope=scope or self._clause_scope(clause, match.group(1)), note="sentence")
                    elif number >= 1e5 and not _PART_AFTER_RE.match(self.body, match.end()):
                        # Not "48M parameters in the Embedding layer" (a part of the model).
                        # "a 17 billion parameter model with 16 experts": a mixture's active parameters; not
                        # "1.5B parameters total and 50M active parameters".
                        active = (_EXPERTS_AFTER_RE.match(self.body, match.end(), match.end() + 40)
                                  and not _TOTAL_AFTER_RE.match(self.body, match.end())
                                  and "total" not in match.group(0).lower())  # "141B total parameters and 39B active"
                        # "LayoutLM-Base, Uncased (...): 12-layer, ..., 113M parameters **(This Model)**" beside the
                        # Large's line: the item the card marks as this model's is its own row, as in a table.
                        marked = scope is None and _MARKED_AFTER_RE.match(self.body, match.end())
                        self.add("params_active" if active else "params", number, text, start,
                                 scope=scope or self._clause_scope(clause, match.group(1)),
                                 note="marked as this model's" if marked else "sentence",
                                 reading=Reading.OWN_ROW if marked else Reading.SENTENCE)
                elif pattern is _PUE_RE:
                    self.add("pue", float(match.group(1)), text, start, note="sentence")
                elif pattern is _PUE_IN_POWER_RE:
                    self.add("pue", 1.0, text, start, note="included in the stated power per device")
                elif pattern is _FLOPS_RE:
                    self.add("train_flops", _scientific(match.group(1)), text, start, note="sentence")
                elif ((train_context.search(clause) or self._under_training_heading(pattern, start)
                       or _PAST_RUN_RE.search(clause) and not _NOT_TRAINING_RE.search(clause)
                       or _ANAPHORA_RE.match(clause) and train_context.search(self._sentence_before(start)))
                      and not self._under_evaluation_or_use(clause, start)):
                    if (pattern is _HARDWARE_RE or pattern is _GPU_COUNT_RE or pattern is _GEFORCE_RE) and (
                            _CAPACITY_RE.search(clause) or ":" in line_before and _USE_LABEL_RE.match(line_before)) \
                            or _METHOD_ALLOWS_RE.search(clause):
                        continue  # "the model can fit on a single V100", "* Inference GPU: 1 × NVIDIA V100": what it
                        # needs or runs on, not what trained it
                    if pattern is _HARDWARE_RE:
                        self.add("hardware", match.group(2), text, start, note="sentence")
                        count = self._sentence_count(match)
                        if count:
                            self.add("accelerator_count", count, text, start, note="sentence")
                    elif pattern is _GPU_COUNT_RE:
                        if _COUNT_BOUND_BEFORE_RE.search(line_before[-80:]):
                            continue  # "At most 20 nodes were used (i.e. 80 GPUs)": a bound, not the count
                        count = counted(match.group(1))
                        if match.group("node"):
                            nodes = _NODE_COUNT_BEFORE_RE.search(self.body, max(0, start - 20), start)
                            if nodes is None and match.group("node")[-1:].lower() == "s":
                                continue  # "on 8-GPU nodes": how many is not said
                            word = nodes.group(1) if nodes else "one"
                            count *= counted(word.split()[-1])
                        else:
                            count = self._times_nodes(count, start)
                        self.add("accelerator_count", count, text, start, note="sentence")
                    elif pattern is _GEFORCE_RE:  # "4x 4090s", "on 4 4090 GPUs"
                        self.add("hardware", _geforce(match.group(2) or match.group(4)), text, start, note="sentence")
                        if count := match.group(1) or match.group(3):
                            self.add("accelerator_count", self._times_nodes(counted(count.split()[-1]), start), text,
                                     start, note="sentence")
                    elif pattern is _CJK_COUNT_RE:  # "4张A100": four A100 cards; "单卡-A100": a single card
                        if match.group(1) and _CJK_BOUND_BEFORE_RE.search(self.body, max(0, start - 8), start):
                            continue  # "1~2张V100", "至少8张A100": a range or a bound, no count
                        name = match.group(2)
                        self.add("hardware", _geforce(name) if name[0].isdigit() else name, text, start, note="sentence")
                        if match.group(1) and _CJK_HOURS_AFTER_RE.match(self.body, match.end()):
                            # "2048个A800 GPU 小时": accelerator-hours, not 2048 accelerators
                            self.add("accelerator_hours", float(match.group(1)), text, start, note="sentence")
                        else:
                            self.add("accelerator_count", int(match.group(1) or 1), text, start, note="sentence")
                    elif pattern is _CJK_DURATION_RE:
                        if not (_CJK_DATA_AFTER_RE.match(self.body, match.end())  # not a 178-hour training set
                                or match.group(2) == "分" and _CLOCK_HOUR_BEFORE_RE.search(self.body, max(0, start - 8), start)
                                # not "在1小时内" (within an hour), "3到5天" (3 to 5 days): a bound or a range
                                or _CJK_BOUND_AFTER_RE.match(self.body, match.end())
                                or _CJK_BOUND_BEFORE_RE.search(self.body, max(0, start - 8), start)):
                            hours = float(match.group(1)) * _CJK_HOURS[match.group(2)]
                            self.add("wall_hours", hours, text, start, scope=run_scope, note="sentence")
                    elif _DATA_LABEL_RE.match(line_before) or _OF_DATA_AFTER_RE.match(self.body, match.end()) \
                            or text[:1] == "(" and (text[-1:] in "hH" or _DATA_BEFORE_RE.search(line_before[-40:])
                                                    or _OF_ELSE_AFTER_RE.match(self.body, match.end())
                                                    or line_before.lstrip().startswith("#")) \
                            or "\U0001f382" in line_before and _BIRTHDAY_BEFORE_RE.search(line_before[-12:]):
                        continue  # "- **Training data:** ~19,000 clips (~43 hours)", "43 hours of training data",
                        # "our training data (~200,000 hours from YODAS2)", "(2 hours of Sonnet API calls)"; an "h" in
                        # brackets is as often a name's or a corpus's ("Vintedois (22h) Diffusion", "(~94.5h, 59,782
                        # utterances)") as a run's; and hours in brackets in a title are its data's ("# Wav2Vec2-Large-
                        # Robust - Finetuned on Librispeech (960 hours)"); huggingtweets' "GuyWithThePie (🎂 in 1 week)" counts
                        # down to the account's birthday
                    elif not (_PER_AFTER_RE.match(self.body, match.end()) or _PER_BEFORE_RE.search(line_before[-80:])):
                        # not "2 hours per epoch", "each epoch takes 2 hours"
                        self._sentence_duration(match, text, start)
                if len(self.facts) > read_before and _THIS_MODEL_RE.search(line_before[line_before.rfind(". ") + 1:]):
                    self.of_this_model.update(id(fact) for fact in self.facts[read_before:])
                if len(self.facts) > read_before and _TRAINING_HEADING_RE.match(self._heading_before(start)):
                    self.under_training_heading.update(id(fact) for fact in self.facts[read_before:])
                if len(self.facts) > read_before:
                    if self._another_size(clause):
                        # "The 175B model was trained on 992 80GB A100 GPUs" on opt-1.3b's card: the 175B model's run.
                        self._not_this_model(read_before, TRAINING_QUANTITIES, "of a model of another size")
                    elif ((subject := _SUBJECT_MODEL_RE.match(clause) or _PARAGRAPH_SUBJECT_RE.match(line_before))
                          and (self._names_a_variant(subject.group(1)) or self._names_another_size(subject.group(1)))):
                        # "Falcon-40B-Instruct was trained on AWS SageMaker, on 32 A100 40GB GPUs" on the page of
                        # falcon-7b-instruct: a model of another size is another model.
                        self._not_this_model(read_before, TRAINING_QUANTITIES, f"of {subject.group(1)}")
                    elif (trained := _TRAINS_MODEL_RE.search(clause)) and (self._names_a_variant(trained.group(1))
                                                                           or self._names_another_size(trained.group(1))):
                        self._not_this_model(read_before, TRAINING_QUANTITIES, f"of {trained.group(1)}")
                    elif (variant := self._section_subject(start)) and self._names_a_variant(variant):
                        # "## Training details\n\nGerPT2-large is trained on ... Training took roughly 12 days on
                        # 8 TPUv3 cores." on GerPT2's card: the section is about the large variant.
                        self._not_this_model(read_before, TRAINING_QUANTITIES, f"of {variant}")
                    elif ((subject := _SUBJECT_MODEL_RE.match(clause) or _SUBJECT_MODEL_RE.match(line_before))
                          and self._names_the_base(subject.group(1))):
                        # "KR-FinBert is trained ... taking 67.48 hours" on KR-FinBert-SC's card: its base's training.
                        self._not_this_model(read_before, TRAINING_QUANTITIES, f"of the base {subject.group(1)}")
                    elif _COMPARATIVE_SUBJECT_RE.match(clause):
                        self._not_this_model(read_before, TRAINING_QUANTITIES, "of a larger or smaller model of the family")
                    elif _EARLIER_VERSION_RE.search(clause):
                        # "The original version of Dolly was trained ... in just 30 minutes": an earlier version's
                        # totals (its hardware may be this one's: "... trained for 10 epochs on the same hardware").
                        self._not_this_model(read_before, _RUN_TOTALS, "of an earlier version")

    def _sentence_count(self, match: re.Match) -> int | None:
        """How many accelerators a sentence's match of `_HARDWARE_RE` names, with the words around it."""
        start, end = match.start(), match.end()
        if _HOURS_AFTER_RE.match(self.body, end, end + 12):
            return None  # "10 V100 GPU hours", "6,250 A100 GPU days": accelerator-time, not a count
        count = match.group(1) or match.group(3)
        # "a single V100"; "their dual T4 GPU environment"
        count = counted(count) if count else None
        slice_ = _SLICE_RE.search(match.group(2))
        slice_cores = int(slice_.group(1)) if slice_ else 0  # "TPU v3-8": a board of 8 cores; "v3-256": a pod slice
        pod_after = _POD_AFTER_RE.match(self.body, end) is not None  # "a TPU v3 Pod"
        if count is None:
            if cores := _CORES_AFTER_RE.match(self.body, end, end + 40):
                return int(cores.group(1))  # "trained on TPUv3 hardware (8 cores)": the cores are counted
            if ONE_IN_PARENTHESES_RE.match(self.body, end, end + 40):
                return 1  # "NVIDIA A100-SXM4-80GB (single GPU)"
            # "on TPU v3-8": one board; "Training was done on Tesla V100 GPU": one device (not in Chinese, which
            # has no plural: "16个 A100 GPU的").
            # Not a part of a server's name: "24 DGX-A800 GPU (8×80G) servers" counts servers.
            # Not one device of many: "Each MI250X GPU has two ... dies", "per A100 GPU".
            singular = (_SINGULAR_DEVICE_RE.search(match.group(0)) and not _CJK_AFTER_RE.match(self.body, end)
                        and self.body[start - 1 : start] != "-"
                        and not _EACH_BEFORE_RE.search(self.body, max(0, start - 12), start)
                        and not _LABEL_END_BEFORE_RE.search(self.body, max(0, start - 60), start))
            # "NVIDIA A100-SXM4-40GB took 10 hours 17 minutes for training": one device, the subject of the run.
            singular = singular or (not match.group(0).endswith("s") and _TOOK_AFTER_RE.match(self.body, end) is not None
                                    and not _CJK_AFTER_RE.match(self.body, end))
            # "on TPU v3-8 pod": one board, whatever it is called.
            return 1 if 0 < slice_cores <= BOARD_CORES or singular and not slice_cores and not pod_after else None
        if _PER_NODE_AFTER_RE.match(self.body, end) and not _NODES_BEFORE_RE.search(self.body[max(0, start - 40) : start]):
            return None  # "4x A100 GPU per node": one node's, and how many nodes is not said here
        if (servers := _SERVERS_AFTER_RE.match(self.body, end, end + 120)) and not _TIMES_COUNT_RE.match(match.group(0)):
            # "112 A800 SXM4 GPU servers, each with 8 NVLink A800 GPUs": 896 accelerators; without "each with", how
            # many each server holds is not said.
            each = servers.group(1)
            return count * counted(each) if each else None
        if self._bound_before(start) or _MINIMUM_BEFORE_RE.search(self.body, max(0, start - 20), start):
            return None  # "on up to 8 A100 GPUs", "with less than 4 V100", "a minimum of 8 A100": a bound, not the count
        if count == 1:
            parts = _PARTS_OF_BEFORE_RE.search(self.body[max(0, start - 40) : start])
            if parts:  # "256 cores of a Cloud TPU v3 Pod": the cores are counted
                return int(parts.group(1))
            if pod_after or slice_cores > BOARD_CORES:
                return None  # "a TPU v3-256", "a TPU v3 Pod": a pod (slice) of many hosts, not one device
        return self._times_nodes(count, start)

    def _breaks_down_to_training(self, start: int, line_before: str) -> bool:
        """Whether the list item at `start` has items nested under it (more indented, the next few lines) of which
        one is labelled the training's ("    - Training: 42,17 g Co2"): the item's figure is a total with other parts."""
        indent = len(line_before) - len(line_before.lstrip())
        end = self.body.find("\n", start)
        for line in itertools.islice(self.body[end + 1 : end + 800].splitlines(), 8) if end >= 0 else ():
            if not line.strip():
                continue
            if len(line) - len(line.lstrip()) <= indent:
                return False
            if _TRAINING_ITEM_RE.match(line):
                return True
        return False

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

    def _bound_before(self, start: int) -> bool:
        """An upper bound right before a figure ("up to", "less than", "<"): no figure of the run."""
        return _BOUND_BEFORE_RE.search(self.body, max(0, start - 40), start) is not None

    def _sentence_duration(self, match: re.Match, text: str, start: int) -> None:
        duration = _written_duration(match.group(1))
        named = _FOR_MODEL_AFTER_RE.match(self.body, match.end())  # "10 days for Yi-VL-34B": this model's, or another's
        size = _FOR_SIZE_AFTER_RE.match(self.body, match.end())  # "a month on a single node for the 70B"
        scope = "other" if (named and self._names_another_model(named.group(1))
                            or size and self._not_the_named_size([parse_count(size.group(1))])) else "model"
        if _OF_ACCELERATOR_AFTER_RE.match(self.body, match.end()):
            # "for 1000 hours of A100 80GB", "200 hours of TPU v3 time": the accelerators' hours, summed.
            self.add("accelerator_hours", parse_duration_hours(duration)[0], text, start, scope=scope,
                     note="sentence: hours of the accelerators")
            return
        self.add("wall_hours", parse_duration_hours(duration)[0], text, start, scope=scope, note="sentence")

    def _under_evaluation_or_use(self, clause: str, start: int) -> bool:
        """Whether a sentence stands under a heading about evaluation or use (`_EVALUATION_HEADING_RE`), and is not one
        that says the model was trained below a heading about inference (`_RUNS_THE_MODEL_HEADING_RE`)."""
        heading = self._heading_before(start)
        return _about_evaluation_or_use(heading) and not (
            _RUNS_THE_MODEL_HEADING_RE.match(heading) and _WAS_TRAINED_RE.search(clause))

    def _not_this_model(self, first: int, quantities, why: str) -> None:
        """The facts read from `first` on, of the given quantities, as another model's."""
        self.facts[first:] = [replace(fact, scope="other", note=f"{fact.note}; {why}")
                              if fact.quantity in quantities and fact.scope == "model" else fact
                              for fact in self.facts[first:]]

    def _another_size(self, clause: str) -> bool:
        """Whether a clause is about models of other sizes than the one this model's name states ("The
        175B model was trained on ..." on opt-1.3b's card), and of none of this size."""
        return self._not_the_named_size([parse_count(match.group(1)) for pattern in (_MODEL_SIZE_RE, _NAMED_SIZE_MODEL_RE)
                                         for match in pattern.finditer(clause)])

    def _not_the_named_size(self, sizes: list[float]) -> bool:
        """Whether sizes were stated and none is the one this model's name states."""
        return bool(self.named_size and sizes) and not any(size_agrees(size, self.named_size) for size in sizes)

    def _names_another_size(self, name: str) -> bool:
        """Whether a model's name states sizes and none is the one this model's name states ("Falcon-40B" on
        falcon-7b-instruct's page)."""
        return self._not_the_named_size([size_in_name(match) for match in SIZE_IN_NAME_RE.finditer(name)])

    def _names_a_variant(self, name: str) -> bool:
        """Whether a model's name is this one's with more words: a variant of it ("SEA-LION-v1-7B-IT" on
        SEA-LION v1's page). A name of other words may be this model's under another spelling
        ("Falcon2-11B" in falcon-11B) or a folder's name may say nothing ("ai"): not taken as another's.
        A Hub id's owner is no word of the name ("GerPT2-large" is a variant of benjamin/gerpt2)."""
        return bool(self.model_name) and name_tokens(name) > name_tokens(self.model_name.rsplit("/", 1)[-1])

    def _names_the_base(self, name: str) -> bool:
        """Whether a model's name is this one's without its fine-tuning words: its base ("KR-FinBert" on
        KR-FinBert-SC's card)."""
        if not self.model_name or not name_tokens(name) < name_tokens(self.model_name):
            return False
        return bool(base_row_words(name_tokens(name), self.model_name))

    def _names_another_model(self, name: str) -> bool:
        """Whether a model's name ("ViT-7B" after "61,440 hours for") is another than this one; a distilled model's
        name holds its teacher's, which is another model too ("CPM" on CPM-Generate-distill's card)."""
        if not self.model_name:
            return False
        named, own = name_tokens(name), name_tokens(self.model_name)
        return not named <= own or _distilled_from(named, own)

    def _names_the_teacher(self, name: str) -> bool:
        """Whether a model's name is this distilled model's without its word of distillation: the model it was
        distilled from ("CPM" on CPM-Generate-distill's card; not "l6-h384" on xtremedistil-l6-h384's)."""
        return bool(self.model_name) and _distilled_from(name_tokens(name), name_tokens(self.model_name))

    def _links_another_model(self, repository_name: str) -> bool:
        """Whether a link's Hub repository ("opt-6.7b" of facebook/opt-6.7b) is another than this model's: a link
        names its repository exactly, so any other name is another model ("blip2-opt-6.7b" holds the words of
        "opt-6.7b", its language model's), but for the base the metadata names (`base_model`): a fine-tune has
        the size of the network it was trained through."""
        linked = compact_name(repository_name)
        return bool(self.model_name) and linked != compact_name(without_owner(self.model_name)) and all(
            linked != compact_name(without_owner(base)) for base in base_models(self.card))

    def _times_nodes(self, count: int, start: int) -> int:
        """A count of accelerators times the nodes or factor written before it: "16 nodes with 4 A100
        GPUs each" is 64, "48 * 8 A100s" is 384, "4 compute nodes of 8 GPUs" is 32."""
        before = self.body[max(0, start - 40) : start]
        factor = _NODES_BEFORE_RE.search(before) or _FACTOR_BEFORE_RE.search(before)
        return count * int(factor.group(1)) if factor else count

    def _anchored(self, pattern: re.Pattern, anchors) -> Iterator[re.Match]:
        """The matches of `pattern` in the windows around its anchor words, off the lines already read, each
        once, window by window in the anchors' order. Windows that overlap ("NVIDIA A100 GPU" holds three
        anchors) are searched as one stretch of text, once; a window yields the matches of the stretch that start
        in it (whole: a window's end cut "8 A100 GPUs" short)."""
        used = self.used_lines  # a line is looked up only when some have been read
        if used:
            anchors = [anchor for anchor in anchors if self.line(anchor) not in used]
        stretches: list[tuple[int, int]] = []
        for anchor in sorted(anchors):
            if stretches and anchor - _WINDOW_BEFORE <= stretches[-1][1]:
                stretches[-1] = (stretches[-1][0], anchor + _WINDOW_AFTER)
            else:
                stretches.append((max(0, anchor - _WINDOW_BEFORE), anchor + _WINDOW_AFTER))
        matches = [match for low, high in stretches for match in pattern.finditer(self.body, low, high)
                   if not (used and self.line(match.start()) in used)]
        starts = [match.start() for match in matches]
        yielded: set[int] = set()
        for anchor in anchors:
            low, high = max(0, anchor - _WINDOW_BEFORE), anchor + _WINDOW_AFTER
            index = bisect.bisect_left(starts, low)
            while index < len(matches) and starts[index] < high:
                if index not in yielded:
                    yielded.add(index)
                    yield matches[index]
                index += 1

    def _in_an_abstract(self, start: int) -> bool:
        """Whether offset `start` is in a paper's abstract quoted on the card, whose sizes are the paper's models'
        ("Using a 1B parameter model, HuBERT shows ..." on hubert-large-ll60k's card)."""
        return any(low <= start < high for low, high in abstract_spans(self.body, self.lower))

    def _line_text_before(self, start: int) -> str:
        """The text of the line before offset `start` (its last `_CLAUSE_MAX` characters at most)."""
        low = max(0, start - _CLAUSE_MAX)
        return self.body[max(self.body.rfind("\n", low, start), self.body.rfind("\r", low, start), low - 1) + 1 : start]

    def _under_training_heading(self, pattern: re.Pattern, start: int) -> bool:
        """A duration under a heading that speaks of training ("It took about 2 hours to finish."
        under "## Training"); hardware under a heading that is about it ("## Pre-training details",
        "## Compute infrastructure"), not one that merely names training ("### Models finetuned off
        MPT-7B")."""
        if pattern is _DURATION_RE:
            return bool(_TRAIN_CONTEXT_RE.search(self._heading_before(start)))
        if pattern is _HARDWARE_RE or pattern is _GPU_COUNT_RE:
            return bool(_TRAINING_HEADING_RE.match(self._heading_before(start)))
        return False

    def _section_subject(self, start: int) -> str | None:
        """The model named as the subject of the first paragraph under the heading before `start`
        (within `_CLAUSE_MAX` characters), if it names one: "GerPT2-large is trained on ..."."""
        at = self.body.rfind("\n#", max(0, start - _CLAUSE_MAX), start)
        if at < 0:
            return None
        if at not in self.section_subjects:
            paragraph = self.body.find("\n", at + 1, start)
            while 0 <= paragraph < start and self.body.startswith("\n", paragraph + 1):
                paragraph += 1  # the blank lines after the heading
            subject = _PARAGRAPH_SUBJECT_RE.match(self.body, paragraph + 1, start) if paragraph >= 0 else None
            self.section_subjects[at] = subject.group(1) if subject else None
        return self.section_subjects[at]

    def _heading_before(self, start: int) -> str:
        """The last Markdown heading line within `_CLAUSE_MAX` characters before `start` ("" if none)."""
        low = max(0, start - _CLAUSE_MAX)
        at = self.body.rfind("\n#", low, start)
        if at < 0 and not (low == 0 and self.body.startswith("#")):  # a heading on the body's first line too
            return ""
        end = self.body.find("\n", at + 1, start)
        return self.body[at + 1 : end if end >= 0 else start]

    def _clause(self, start: int, end: int) -> str:
        """The clause around a match: from the last ".", ";" or line break before it to the next,
        within `_CLAUSE_MAX` characters each way (a search to the ends of the text per match would
        make a card of many figures quadratic). A line break inside a paragraph is no end: the Hub
        renders it as a space ("... trained ... using a single\nmachine with 8x A100 40GB GPUs.")."""
        body = self.body
        high = end + _CLAUSE_MAX
        left = self._clause_start(start)
        ends = [i for i in (_first_end(body, "\n", end, high, _block_break), body.find(";", end, high),
                            _first_end(body, ". ", end, high, _full_stop)) if i >= 0]
        return body[left : min(ends) if ends else min(high, len(body))]

    def _clause_start(self, start: int) -> int:
        body = self.body
        low = max(0, start - _CLAUSE_MAX)
        return max(_last_end(body, "\n", low, start, _block_break), body.rfind(";", low, start),
                   _last_end(body, ". ", low, start, _full_stop), low - 1) + 1

    def _sentence_before(self, start: int) -> str:
        """The sentence before the clause of `start`, in the same paragraph ("" when the clause opens it)."""
        left = self._clause_start(start)  # just after the full stop that ends the sentence before, if any
        return self._clause(left - 1, left - 1) if left and self.body[left - 1] == "." else ""

    def _clause_scope(self, clause: str, number: str) -> str:
        """Whom a figure in a clause is about, on a card that lists several models: the model
        the number itself names ("8B and 70B parameters"), else the one the clause names
        ("Llama 4 Maverick was pretrained on 22 trillion tokens"), else each of them."""
        if not self.other_names:
            return "model"
        number_tokens = name_tokens(number.replace(" ", ""))
        other_scope = "row" if self.unmatched_rows else "other"
        for names, scope in ((self.own_names, "model"), (self.other_names, other_scope)):
            if any(name <= number_tokens for name in names):
                return scope
        tokens = name_tokens(clause)
        own = any(name <= tokens for name in self.own_names)
        other = any(name <= tokens for name in self.other_names)
        if not own and not other:
            return "model"  # a statement about every model of the card ("pretrained on 15T tokens")
        if own != other:
            return "model" if own else other_scope
        if own and other:
            # "Scout was pretrained on 40T tokens and Maverick on 22T": the name said last
            # before the number.
            words = re.findall(r"[a-z0-9]+", clause[: clause.find(number)].lower()) if number in clause else []
            for word in reversed(words):
                if any(word in name for name in self.own_names):
                    return "model"
                if any(word in name for name in self.other_names):
                    return other_scope
        return "family"

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
        about training do."""
        self._cores_beside_their_slice()
        for quantity in ("wall_hours", "accelerator_hours", "accelerator_count"):
            stated = [index for index, fact in enumerate(self.facts) if fact.quantity == quantity
                      and fact.scope == "model" and fact.reading is Reading.SENTENCE]
            if len(stated) < 2 or _agree(self.facts[index].value for index in stated):
                continue
            kept: set[int] = set()
            for trusted in (self.of_this_model, self.under_training_heading):
                chosen = [index for index in stated if id(self.facts[index]) in trusted]
                if chosen and _agree(self.facts[index].value for index in chosen):
                    kept = set(chosen)
                    break
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

    def _names_from_tables(self) -> None:
        """The distinguishing words of the models that the card's tables list."""
        if not self.facts:
            return
        for fact in self.facts:
            # A table of sizes names a family's models, but states no training run: its rows do not make
            # the card's run figures a family's; nor does a table of token counts, whose rows may be the
            # corpora of the training data ("Medical crawler | 745,705,946").
            if fact.row is not None and fact.reading is not Reading.TOTAL_ROW and fact.quantity not in (
                    "params", "train_tokens"):
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


def facts_from_prose(card: Card, model_name: str | None = None,
                     named_size: float | None = None) -> tuple[list[Fact], list[FactProblem]]:
    """Every fact the body states; `model_name` picks this model's row in multi-model tables;
    `named_size`, the parameters the name states, tells a sentence about a model of another size."""
    if not card.body.strip():
        return [], []
    with numbers_as_written_in(card.body):  # "447,327 kg" in a text of "PUE 1,47" is 447.327 kg
        return _Reader(card, model_name, named_size).read()


def first_heading(card: Card) -> str | None:
    """The card's title (first level-1 heading), often the model's name."""
    match = _H1_RE.search(card.body)
    return match.group(1).strip() if match else None


# --------------------------------------------------------------------------- tables


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
                                 # a size: "| Parameters | 7B |", GPT-J's "| \\(n_{parameters}\\) | 6053381344 |"
                                 r"|(?:number of |total |no\. of |# ?of |#)?param(?:eter)?s?(?: count)?"
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


# Patterns of `_column_kind`, asked of every header cell of every table.
_HEADER_UNIT_RE = lazy_compile(r"\(([^()]*)\)")
# A column of days a run took: "| Time (in days) |", "| Training days |", "| GPU-days |" (not "| Day |" of a log).
_DAYS_COLUMN_RE = lazy_compile(r"\b(?:time|duration|training|gpu|tpu)\b[^|]*\bdays\b|\b(?:gpu|tpu)[\s-]?days\b")
_INFERENCE_COLUMN_RE = lazy_compile(r"logit|/\s*s\b|/\s*sec|\bper\b|latency|speed|throughput|decode|prefill|memory|first")
# A rate, or a figure for a fixed budget rather than the run: "A100 GPU hours taken on 300B tokens" (a speed
# comparison), "hours for 1B tokens".
_RATE_COLUMN_RE = lazy_compile(r"\brate\b|\b(?:on|for)\s+\d[\d.,]*\s*[kmbt]?\s*tokens\b")
_EMISSIONS_COLUMN_RE = lazy_compile(r"emission|(?<![a-z])carbon|co2")  # not a name that holds the word: "| ANTICARBON |"
# CodeCarbon's columns, pasted as a table: its emissions are in kilograms when the header says no unit.
_CODECARBON_COLUMNS = {"timestamp", "project name", "run id", "duration", "emissions", "emissions rate", "cpu power",
                       "gpu power", "ram power", "cpu energy", "gpu energy", "ram energy", "energy consumed"}
_ACCELERATOR_COLUMN_RE = lazy_compile(r"gpu|tpu|chip|accelerator")
_PER_SCALE_RE = lazy_compile(r"/\s*([kmb])\s*$")


_LINK_TARGET_RE = lazy_compile(r"\]\([^()\s]*\)")
# Not a run's tokens: a length ("| Max Num Tokens |"), an answer's ("| Average Tokens |" of Arena-Hard's tables) or an
# input's ("| 20 docs (Avg 2.9K tokens) |").
_NOT_TRAINING_TOKENS_COLUMN_RE = lazy_compile(r"\b(?:max|maximum|context|length|vocab|per|avg|average|mean)\b")
_MIN_MODEL_SIZE = 10_000
"""Fewer parameters than this in a table is no model's size (a setting, a component's count)."""


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


_ACCELERATORS_COLUMN_RE = lazy_compile(r"(?:#\s*|number\s+of\s+|num\.?\s+)?(?:gpus?|tpus?|accelerators?|hardware|devices)")
# A cell of that column: a count times an accelerator ("4xV100 32GB", "1× A100 80GB"), a count alone under "# GPUs", or
# an accelerator alone ("TPUv3-128": a pod's slice, no one count).
_ACCELERATORS_CELL_RE = lazy_compile(rf"\s*(?:(\d{{1,6}})\s*(?:[x×]\s*({_ACCEL})\s*)?|({_ACCEL})\s*)")
_SIZE_LABEL_RE = lazy_compile(_MODEL_SIZE, re.IGNORECASE)
_SIZE_HEADER_RE = lazy_compile(r"param|size|model", re.IGNORECASE)
_PARAMS_COLUMN_RE = lazy_compile(r"(?:#\s*)?(?:total\s+|number\s+of\s+)?(?:params|parameters?|parameter\s+count)\b"
                                  r"|[总總]?(?:参数|參數)|パラメータ|파라미터")  # "| 总参数量 |": the total parameter count
_FULL_COUNT_SCALED_RE = lazy_compile(r"(\d{7,})\s*[KMB]", re.IGNORECASE)
_PARAMETERS_AFTER_RE = lazy_compile(r"\s+(?:parameters|params)\s*$", re.IGNORECASE)
_COMMA_BEFORE_SCALE_RE = lazy_compile(r"\d{1,3},\d{3}\s*[a-z]+", re.IGNORECASE)
# "| Params (M) |", "| Params / M |", "# of parameters (million): 46.51": a bare number's scale
_PARAM_SCALES = {"K": 1e3, "M": 1e6, "B": 1e9, "THOUSAND": 1e3, "THOUSANDS": 1e3, "MILLION": 1e6, "MILLIONS": 1e6,
                 "BILLION": 1e9, "BILLIONS": 1e9}
_TOKEN_SCALES = {**_PARAM_SCALES, "T": 1e12, "TRILLION": 1e12, "TRILLIONS": 1e12}
_DATA_TABLE_RE = lazy_compile(r"(?:training\s+)?(?:corpus|corpora|datasets?|data\s*sets?|data\s+sources?|languages?)\b",
                              re.IGNORECASE)
_CELL_WORD_RE = lazy_compile(r"[a-z]{2,}[ ,]")
_RUN_TOTALS = {"emissions", "energy", "accelerator_hours", "wall_hours"}  # tokens describe each model
# The words of a run's label that name its stage, not its model ("IDEFICS-9b pretraining").
_RUN_STAGE_WORDS = frozenset({"pretraining", "pre", "training", "train", "finetuning", "fine", "tuning", "tuned",
                              "finetuned", "phase", "stage", "run", "emissions", "carbon", "footprint"})
_LIST_ITEM_RE = lazy_compile(r"[ \t]*[-*+][ \t]+\S")
_GROUP_LABEL_RE = lazy_compile(r"[ \t]*(\*\*|\*|__|_)([^*_\n]{2,80})\1[ \t]*:?[ \t]*\r?$")
_GROUP_ITEMS_MAX = 30  # list items looked back over for a group's label (bounded: linear time)
# "This model was trained ...", "We trained with 8x A100-80G GPUs for 46 hours": the sentence says whose.
# "This model", "this particular model" (granite-speech-3.3-8b's "The training of this particular model was completed in
# 13 days on 32 H100 GPUs" after "training our models over thousands of GPUs").
_THIS_MODEL_RE = lazy_compile(r"\b(?:this|our|the present)\s+(?:particular\s+|specific\s+|very\s+|exact\s+)?model\b|\bwe\s+(?:pre-?)?(?:trained|fine-?tuned|train)\b",
                              re.IGNORECASE)
_RUN_PATTERNS = (_MASS_CO2_RE, _MASS_NEAR_EMISSION_RE, _ENERGY_RE, _ACCEL_HOURS_RE)
# A heading about training or its compute: "## Pre-training details", "### Training procedure", "## Compute
# Infrastructure", "#### Hardware".
_TRAINING_HEADING_RE = lazy_compile(r"#+\s*(?:\W\s*)?(?:(?:pre-?|fine-?)?train|compute|hardware|infrastructure)",
                                    re.IGNORECASE)


def _lines_with_fields(body: str) -> Sequence[int]:
    """The lines a plain field can be on: those holding ":" ("Training time: 14 days") or, fewer,
    "=" ("*Total kWh = 2500")."""
    colons = lines_with(body, ":")
    if "=" not in body:
        return colons
    return sorted(set(colons).union(lines_with(body, "=")))


# A line that starts a block of its own: a list item, a heading, a table row, a quote, a fence.
_BLOCK_START_RE = lazy_compile(r"[ \t]{0,3}(?:[-*+][ \t]|\d{1,9}[.)][ \t]|#|\||>|```|~~~|<)")


def _block_break(body: str, at: int) -> bool:
    """Whether the line break at `at` ends a paragraph (or a one-line block) rather than
    continuing a sentence on the next line."""
    next_line = body[at + 1 : at + 1 + _CLAUSE_MAX].split("\n", 1)[0]  # bounded: a huge line costs no more
    if not next_line.strip() or _BLOCK_START_RE.match(next_line):
        return True
    line = body[max(body.rfind("\n", max(0, at - _CLAUSE_MAX), at), at - _CLAUSE_MAX) + 1 : at].strip()
    # A blank line, a heading or a table row ends there; so does a sentence ("... in our blogpost.").
    return not line or line.startswith(("#", "|")) or line.endswith((".", "!", "?", ":", "。"))


def _last_end(body: str, mark: str, low: int, start: int, ends: Callable[[str, int], bool]) -> int:
    """The last `mark` in `body[low:start]` that `ends` accepts, or -1."""
    at = body.rfind(mark, low, start)
    while at >= 0 and not ends(body, at):
        at = body.rfind(mark, low, at)
    return at


def _first_end(body: str, mark: str, end: int, high: int, ends: Callable[[str, int], bool]) -> int:
    """The first `mark` in `body[end:high]` that `ends` accepts, or -1."""
    at = body.find(mark, end, high)
    while at >= 0 and not ends(body, at):
        at = body.find(mark, at + 1, high)
    return at


# Words whose period ends no sentence: "trained for about 100 hrs. on 8 Tesla P100".
_ABBREVIATION_RE = lazy_compile(r"(?:\b(?:hrs?|mins?|secs?|approx|ca|e\.g|i\.e|vs|incl|resp|no|fig|eq|ref|cf|avg|est))$",
                                re.IGNORECASE)


def _full_stop(body: str, at: int) -> bool:
    """Whether the ". " at `at` ends a sentence (not "hrs. ", "e.g. ", "approx. ")."""
    return not _ABBREVIATION_RE.search(body, max(0, at - 6), at)


def _prose_cell(line_before: str) -> bool:
    """Whether the text before a figure on a table's line is the second cell of a row, after a short
    label, written as prose (a capital letter, then three words or more): "| **Carbon Footprint** |
    Pretraining utilized a cumulative 7680 GPU hours ... Estimated total emissions were 0.89184
    tCO2eq." (Azure's cards), "| Environment | The model was trained on the Intel Gaudi 2 processor
    (8 cards). |". Its sentences are read as the text's."""
    first = line_before.find("|")
    second = line_before.find("|", first + 1)
    if second < 0 or second - first > 81 or "|" in line_before[second + 1 :]:
        return False
    cell = line_before[second + 1 :].lstrip()
    return cell[:1].isupper() and len(_CELL_WORD_RE.findall(cell, 0, 2000)) >= 3


def _subtract(segments: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of `segments` outside the sorted `spans`."""
    result = []
    for start, end in segments:
        for span_start, span_end in spans:
            if span_end <= start or span_start >= end:
                continue
            if span_start > start:
                result.append((start, span_start))
            start = max(start, span_end)
        if start < end:
            result.append((start, end))
    return result


@functools.cache
def _anchor_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word, word_start in _ANCHOR_WORDS:
        automaton.add_word(word, (word, word_start))
    automaton.make_automaton()
    return automaton


def _anchor_hits(text: str) -> dict[str, list[int]]:
    """The anchor words `text` holds, each with where it occurs, in one pass (Aho-Corasick): a search per
    word was a pass over the text per word, a sixth of the time a long card took. An accelerator's name
    counts only where it starts a word (or follows "8x"), so that "tpu" in "output" is not an
    accelerator; "100" must follow the letter of an accelerator name (A100, H100, V100, P100, B100), so
    that "100%" is not one. A word the text holds only where it does not count is a key with no position."""
    hits: dict[str, list[int]] = {}
    for end, (word, word_start) in _anchor_automaton().iter(text):
        start = end - len(word) + 1
        positions = hits.get(word)
        if positions is None:
            positions = hits[word] = []
        if word_start:
            before = text[start - 1] if start else " "
            if not (before in "ahvpb" if word == "100" else not before.isalpha() or before == "x"):
                continue
        positions.append(start)
    return hits


# The order in which Facts.best takes figures of equal origin: the most structured reader first.
_READER_RANK = {Reading.FIELD: 0, Reading.AUTOTRAIN: 1, Reading.OWN_ROW: 2, Reading.ROW: 2, Reading.TOTAL_ROW: 3,
                Reading.LAST_ROW: 4, Reading.DEFINITION: 5, Reading.SENTENCE: 5}


def _reader_rank(fact: Fact) -> int:
    return _READER_RANK.get(fact.reading, 5)


def _close(a: float, b: float, tolerance: float = 0.01) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def _names_an_accelerator(text: str) -> bool:
    from ..hardware import names_an_accelerator  # the accelerator table: loaded only for a card that needs it

    return names_an_accelerator(text)


def _number(text: str) -> float:
    """The value of a number matched by `_NUM` ("1,234.5", "3e5"): what `parse_number` reads,
    without matching it again."""
    return float(text.replace(",", ""))


def _agree(values) -> bool:
    """Whether figures are one figure, give or take a tenth."""
    values = list(values)
    return max(values) <= min(values) * 1.1


def _names_a_place(text: str) -> bool:
    """Whether carbon-card's grid table knows the place a text names."""
    from ..location import parse_location  # here: its table is loaded only for a card that needs it

    return parse_location(text) is not None


def _grams(text: str) -> float:
    return parse_mass_grams(text.replace("*", ""))


# A row the card's authors mark as their own model: "(ours)", "This Model Training", "this work".
_OURS_RE = lazy_compile(r"\bours\b|\bthis\s+(?:model|work|checkpoint)\b", re.IGNORECASE)
_RANGE_CELL_RE = lazy_compile(r"\d[\d,.]*\s*[-–]\s*\d[\d,.]*")  # "231 - 256": checkpoints, steps or epochs of a run


# A row's label that says it is this model's: "(this)", "(ours)", "(this model)".
_THIS_ROW = r"\((?:this|ours|this\s+model|our\s+model)\)"
_THIS_ROW_RE = lazy_compile(_THIS_ROW, re.IGNORECASE)
# The same mark later on a figure's line: "12-layer, 768-hidden, 12-heads, 113M parameters **(This Model)**".
_MARKED_AFTER_RE = lazy_compile(rf"[^\n]{{0,80}}?{_THIS_ROW}", re.IGNORECASE)
# The owner of a Hub id in a row's label ("[`MoritzLaurer/mDeBERTa-v3-base`](...)", its link's address gone first):
# the model's name is what picks its row.
_HUB_ID_OWNER_RE = lazy_compile(r"\b[\w.-]+/(?=[\w.-])")
_CONFIGURATION_HEADER_RE = lazy_compile(r"\W*(?:depth|(?:num(?:ber)?[\s_]+of[\s_]+|n_?)?layers?|hidden[\s_]+(?:size|dim)|width"
                                        r"|d_model|heads?|config(?:uration)?)\W*$", re.IGNORECASE)
_MODEL_NAME_CELL_RE = lazy_compile(r"[A-Za-z]{2,}[\w.]*[-_ ]v?\d")  # "LLaMA-7B", "Pythia 1.4B", "gpt_2"


def _is_number_cell(text: str) -> bool:
    return bool(_NUMBER_CELL_RE.fullmatch(text))


def _is_total(label: str) -> bool:
    return label.strip().lower().startswith("total")


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


def _distilled_from(named: set[str], own: set[str]) -> bool:
    """Whether this model's name words (`own`) are the named model's and a word of distillation ("distill")."""
    return any(word.startswith("distil") for word in own - named)


_COMPACT_ROW_MIN = 8  # a model's name this short ("bert-base") is the end of too many others' rows' names
# A row's label that is a name after a maker's word joined to it: "***TUNiB-Electra-ko-en-base***" (not "Baseline
# Geneformer", a word before a name).
_MAKER_PREFIX_RE = lazy_compile(r"[\W_]*[A-Za-z]+[-_]([A-Za-z][\w.-]*?)[\W_]*$")


def _scientific(text: str) -> float:
    match = _SCIENTIFIC_RE.fullmatch(text.strip())
    if not match:
        raise UnitError(f"not a number: {text!r}")
    value = _number(match.group(1))
    return value * 10 ** int(match.group(2)) if match.group(2) else value
