"""The sentences reader: figures stated in running text ("trained on 8 A100 GPUs for 3 days"), each
with the clause, the sentence's subject and the section that say whose it is."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Iterator

import ahocorasick

from ..._regex import lazy_compile
from ...units import (
    APPROXIMATELY,
    BOARD_CORES,
    CJK_DIGITS,
    GEFORCE_NUMBER,
    NODES_OF,
    NUMBER_WORDS,
    ONE_IN_PARENTHESES_RE,
    THOUSANDS,
    UnitError,
    cjk_counted,
    counted,
    parse_count,
    parse_duration_hours,
    parse_energy_kwh,
)
from ..attribution import (
    SIZE_IN_NAME_RE,
    TRAINING_QUANTITIES,
    abstract_spans,
    base_row_words,
    compact_name,
    size_agrees,
    size_in_name,
    without_owner,
)
from ..base import Reading
from ..metadata import EXAMPLE_LEAD_RE, ILLUSTRATION_RE, base_models
from .grammar import (
    MAX_FIGURES,
    _ABOUT,
    _ACCEL,
    _BOUND_BEFORE_RE,
    _CLAUSE_MAX,
    _COUNT_WORDS,
    _ENERGY_RE,
    _Enough,
    _FOR_MODEL_AFTER_RE,
    _GAS,
    _HARDWARE_RE,
    _HELD_OUT_RE,
    _MASS,
    _MASS_NUM,
    _MASS_START,
    _MASS_UNIT,
    _MODEL_SIZE,
    _NUM,
    _NUMBER_START,
    _PARAMS_RE,
    _PER_UNIT_RE,
    _RANGE_END_RE,
    _RESULTS,
    _RUNS_THE_MODEL,
    _RUN_TOTALS,
    _SCALED,
    _SLICE_RE,
    _THIS_ROW,
    _TOKENS_RE,
    _about_evaluation_or_use,
    _grams,
    _number,
    name_tokens,
)


# A mass of CO2e in prose needs the gas: "2290 tCO2eq", "**11,390** tons CO2eq", "5.6 KgCO2".
_MASS_CO2_RE = lazy_compile(rf"{_MASS_START}({_MASS_NUM})\s*\**\s*({_MASS_UNIT})(?=[^a-z]|$|co)\**{_GAS}", re.IGNORECASE)


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


_NUMBER_WORD = "|".join(NUMBER_WORDS)  # "a", "an", "one", ... "twelve"


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
# took 40 minutes" (not "one epoch took 3 hours": a training of one epoch); what one epoch takes, in the present: "One
# training epoch of around 600K training samples takes around 6 minutes" (MatterGen's card), a rate.
_PER_BEFORE_RE = lazy_compile(r"\b(?:(?:each|every|per)\s+(?:training\s+)?(?:epoch|step|iteration|run|fold)|an\s+(?:epoch|iteration))\b"
                              r"[^.;]{0,40}$", re.IGNORECASE)
_ONE_EPOCH_BEFORE_RE = lazy_compile(r"(?<!\bfor\s)\bone\s+(?:training\s+)?epoch\b[^.;]{0,60}$", re.IGNORECASE)  # before "takes"


_ACCEL_WORD = r"(?:GPU|TPU|chip|accelerator|device)"
# After a duration, the accelerators it is of: "for 1000 hours of A100 80GB", "200 hours of TPU v3 time".
_OF_ACCELERATOR_AFTER_RE = lazy_compile(rf"\s+of\s+(?:{_ACCEL}|(?i:GPU|TPU)\b)")


# "300 V100 GPU hours", "2.788M H800 GPU hours", "61,440 TPU-hours", "200,000 A100 80GB hours".
_ACCEL_HOURS_RE = lazy_compile(rf"{_NUMBER_START}({_SCALED})\**\s*(?:{_ACCEL}[- ]+(?:{_ACCEL_WORD}[- ])?|{_ACCEL_WORD}[- ])"
                               rf"hours?\b", re.IGNORECASE)


# The ML CO2 Impact calculator's text: "A cumulative of 1 hours of computation was performed on
# hardware of type Tesla P100 (TDP of 250W)": hours summed over the accelerators.
_CUMULATIVE_HOURS_RE = lazy_compile(rf"cumulative\s+of\s+({_NUM})\s+hours?\s+of\s+computation", re.IGNORECASE)


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
# A list item that is only a link to a section of the page: "* [Training accuracy: NVIDIA DGX-1 (8x V100 16G)](#...)".
_CONTENTS_ENTRY_RE = lazy_compile(r"[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+\[[^\]\n]*\]\(#[^()\s]*\)[ \t]*\r?")
# A maximum right before a duration's words: "a maximum wall clock time of 8 hours" (a cluster's limit on each job).
_MAXIMUM_BEFORE_RE = lazy_compile(r"\bmax(?:imum)?\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
_COUNT_BOUND_BEFORE_RE = lazy_compile(r"\b(?:at\s+(?:most|least)|up\s+to|as\s+many\s+as|an?\s+(?:maximum|minimum)\s+of)\b[^;]{0,40}$",
                                     re.IGNORECASE)
# A minimum right before a count, what a run needs at least: "which can use a minimum of 8 40GB A100 GPUs", "at least 4
# GPUs" (not "More than 64 A100s", which the corpus reads as the count).
_MINIMUM_BEFORE_RE = lazy_compile(r"\b(?:at\s+least|(?:an?\s+)?minimum\s+of)\s*$", re.IGNORECASE)


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


_MODEL_SIZE_RE = lazy_compile(rf"(?<![\w.])({_MODEL_SIZE})[\s-]+(?:param(?:eter)?s?[\s-]+)?(?:model|version|variant|checkpoint)s?\b")
# A model named with its size in a sentence: "For the Yi-6B base model, ... which takes about 20 minutes" (on Yi-9B's card).
_NAMED_SIZE_MODEL_RE = lazy_compile(r"(?<![\w.])[A-Za-z][\w.]*-(\d+(?:\.\d+)?[MB])(?:[\s-]+[a-z]+)?[\s-]+models?\b")


_IS_A_SIZE_MAX = 200  # the sentences read: a card says what its model is a few times at most


# A list of references cites other works.
_REFERENCES_HEADING_RE = lazy_compile(r"#+\s*(?:\W\s*)?(?:references?|bibliography|citations?|works\s+cited)\b",
                                      re.IGNORECASE)


# Under a heading about running the model, a sentence that says the model was trained still states its training: NVIDIA's
# BioNeMo cards write "MegaMolBART was trained with data parallelism on 64 V100 32 GB GPUs" and "The total training time
# was approximately 120 wall-clock hours" below "## Inference:".
_RUNS_THE_MODEL_HEADING_RE = lazy_compile(rf"#+\s*(?:\W\s*)?(?:{_RUNS_THE_MODEL})", re.IGNORECASE)
_WAS_TRAINED_RE = lazy_compile(r"\b(?:was|were)\s+(?:\w+\s+){0,2}?(?:pre-?)?trained\b|\btraining\s+(?:time|took|lasted)\b",
                               re.IGNORECASE)
# A sentence about the released models' own training, under any heading of use but one of results: "The pre-trained
# models provided here were trained on 8xV100" under BigGAN-PyTorch's "## How To Use This Code".
_RELEASED_WERE_TRAINED_RE = lazy_compile(
    r"\b(?:the|our)\s+(?:(?:pre-?trained|released|provided|published|final)\s+)+(?:models?|checkpoints?|weights)\b"
    r"(?:\s+[\w-]+){0,3}?\s+(?:was|were)\s+(?:\w+\s+)?trained\b", re.IGNORECASE)
_RESULTS_HEADING_RE = lazy_compile(rf"#+\s*(?:\W\s*)?(?:{_RESULTS})", re.IGNORECASE)
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
# "The MicroLaVa model ... can be pre-trained and fine-tuned on a single Nvidia RTX 4090": what it allows, not a run.
_METHOD_ALLOWS_RE = lazy_compile(r"\b(?:can|could)\s+be\s+(?:\w+\s+)?(?:done|(?:pre-?)?trained|fine-?tuned|reproduced)\b"
                                 r"|\byour\s+(?:[\w-]+\s+){0,2}will\b", re.IGNORECASE)
_CAPACITY_RE = lazy_compile(r"\b(?=[abcefimnrstuwy])(?:(?:can|could|will|to)\s+(?:fit|run)\b|fits\s+(?:on|in|into)\b|requires\b|e\.g\."
                            r"|benchmarked\b"
                            r"|(?:could|would|might)\s+have\b|assum(?:es|ing)\b|tested\s+(?:on|with|in)\b"
                            # what a reader's run will need: "For full parameter fine-tuning, you'll need 8 GPUs"
                            r"|(?:you(?:'ll|\s+will)?|will|would)\s+need\b|needs\b"
                            # advice: "For the Yi-6B model, a node with 4 GPUs ... is recommended", "A typical hardware
                            # setup for finetuning the 34B model is a node with 8 GPUs"
                            r"|(?:is|are)\s+recommended\b|we\s+recommend\b|typical\s+(?:hardware\s+)?(?:setup|configuration)\b"
                            # an example's run: "Example usage (training on 4 GPUs):" before a training script
                            r"|example\s+usage\b|usage\s+example\b"
                            # what the code supports: "We now support LoRA fine-tuning for MiniCPM-Llama3-V 2.5, using
                            # only 2 V100 GPUs!"
                            r"|supports?\s+(?:[\w-]+\s+){0,2}?(?:fine-?tuning|training)\b"
                            # what a reader may do with it: "MiniCPM-Llama3-V 2.5 can be easily used in various ways: ...
                            # (3) efficient LoRA fine-tuning with only 2 V100 GPUs"; "You can train fine in colab, but if
                            # you get a K80, it's probably best to switch"
                            r"|can\s+be\s+(?:\w+\s+)?used\b|if\s+you\b"
                            # what a command needs: "To further fine-tune our Darwin-7b ..., below is a command that
                            # works on a machine with 4 A100 80G GPUs"
                            r"|(?:command|script|recipe)\s+(?:that|which)\b|works\s+(?:on|with)\b)",
                            re.IGNORECASE)
# Chinese and Japanese: "4张A100" (four A100 cards), "约4小时" (about 4 hours), "約160分" (minutes).
# A card after its count may be named by its number alone: "6张3090", "3张TITAN"; its memory may come between: "160张40GB的A100".
# The count in Chinese numerals: "一张A100-SXM-80GB" (one), "两张 A40"; of machines, each with its cards: "10台8卡A100" (80).
_CJK_NUMERALS = "".join(CJK_DIGITS) + "十"
_CJK_NUMBER = rf"(?<![\d.第每])(?:\d{{1,5}}|[{_CJK_NUMERALS}]{{1,3}})"
# What a count of cards starts with: a digit, a numeral, "单" of "单卡" (a single card).
_CJK_COUNT_START = _CJK_NUMERALS + "单單"
# The look-ahead turns down in one step the positions where no count starts (most of a window).
_CJK_COUNT_RE = lazy_compile(rf"(?=[\d{_CJK_COUNT_START}])"
                             rf"(?:(?:(?P<machines>{_CJK_NUMBER})\s*台\s*)?(?P<count>{_CJK_NUMBER})\s*(?:张|張|台|枚|块|塊|个|個|卡)"
                             rf"|单卡|單卡)\s*[-–]?\s*(?:\d+\s*GB\s*的?\s*)?"
                             rf"(?:(?i:nvidia)\s*|英伟达\s*)?"  # "64 张 NVIDIA A100-SXM4-40GB": the maker's name between
                             rf"(?P<name>{_ACCEL}|[2-5]0[5-9]0(?:\s?Ti)?(?![\d.])|(?i:titan)(?:\s?(?:RTX|Xp?|V)\b)?)")
# What the cards allow, said after them: "一张3090/4090可全参数微调" (one 3090 or 4090 can fully fine-tune it), "即可" (suffices).
_CJK_ALLOWS_AFTER_RE = lazy_compile(r"[^。，,；;\n]{0,12}?(?:可以?|能够?|即可|就能|足以)")
# A GeForce card named by its number alone, where the words make it a card: a count before a plural ("4x 4090s", "two
# 3090s") or "GPUs" after ("on 4 4090 GPUs"); a bare number is as likely a step count or, in the plural, a decade. Not
# after its maker's name ("RTX 4090 GPUs", `_HARDWARE_RE`'s) nor another number ("3090/4090 GPUs": either).
_GEFORCE_NUMBER = rf"(?:(?<![\w./])|(?<=\d[x×*]))(?<!rtx\s)(?<!gtx\s)(?<!rtx-)(?<!gtx-)(?<!geforce\s)(?<!nvidia\s)({GEFORCE_NUMBER}(?:\s?Ti)?)"
_GEFORCE_COUNT = rf"(?<![\w.,])({THOUSANDS}|\d{{1,4}}|a\s+single|single|one|dual|twin|quad|{_COUNT_WORDS})\s*(?:[x×*]\s*)?"
# The look-ahead turns down at once the positions where neither a count nor a number starts (most of a window).
_GEFORCE_RE = lazy_compile(rf"(?=[\dasodtqfen])(?:{_GEFORCE_COUNT}{_GEFORCE_NUMBER}s\b"
                           rf"|(?:{_GEFORCE_COUNT})?{_GEFORCE_NUMBER}\s+(?:GPUs?|cards)\b)", re.IGNORECASE)


_MAKER_AND_NUMBER_RE = lazy_compile(rf"(?:(?i:nvidia|geforce)\s)+({GEFORCE_NUMBER}(?:\s?Ti)?)")


def _card_name(name: str) -> str:
    """An accelerator's name as the hardware table knows it: "Nvidia 4090" is the RTX 4090, a slice named alone in
    brackets after its kind ("cloud TPU (`v3-8`)") a TPU v3-8."""
    if name[-1:].isdigit() or name[-2:].lower() == "ti":
        if number := _MAKER_AND_NUMBER_RE.fullmatch(name):
            return _geforce(number.group(1))
        if "(" in name:  # "Cloud TPU (`v3-8": a TPU's slice in brackets
            return f"TPU {name.rpartition('(')[2].strip(' `')}"
    return name


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


# A nested list item of the training's share: "    - Training: 42,17 g Co2".
_TRAINING_ITEM_RE = lazy_compile(r"[ \t]+[-*+][ \t]+(?:\*\*)?(?:model\s+)?(?:training|fine-?tuning)\b[^:\n]{0,20}:", re.IGNORECASE)
# A list item of a part that is not the training: "    - Loading dataset: 4,3e-4 g Co2", "- Evaluation: 1,07 g Co2".
_OTHER_PART_ITEM_RE = lazy_compile(r"[ \t]*[-*+][ \t]+(?:\*\*)?(?:[\w-]+\s+){0,2}(?:evaluation|inference|loading|preprocessing|"
                                   r"download(?:ing)?|testing|serving)\b[^:\n]{0,20}:", re.IGNORECASE)
# A line of a comparison's baseline: "- Baseline: 45 minutes", "- **Baseline:** 1,500 kWh, 630 kg CO₂e".
_BASELINE_LINE_RE = lazy_compile(rf"{_LINE_LABEL}baseline\b[^:\n]{{0,30}}:", re.IGNORECASE)


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
    (_CJK_COUNT_RE, ("张", "張", "台", "枚", "块", "塊", "个", "個", "卡")),
    (_CJK_DURATION_RE, ("小时", "小時", "時間", "分", "天", "日間", "시간", "일")),
)
# Every anchor word once; accelerator names must start a word ("tpu" in "output" is none).
_ANCHOR_WORDS = tuple({
    word: pattern is _HARDWARE_RE or word == "卡" for pattern, words in reversed(_SENTENCE_PATTERNS) for word in words
}.items()) + ((" is a", False),)  # and where a sentence says what the model is (`sizes_the_model_is`)
# What "卡" (card) counts after, as "8卡A100" does: not "显卡" (a graphics card), in most Chinese texts about GPUs.
_CARDS_COUNTED_AFTER = frozenset("0123456789" + _CJK_COUNT_START)
_WINDOW_BEFORE, _WINDOW_AFTER = 60, 40


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


_SIZE_LIST_BEFORE_RE = lazy_compile(r"\d(?:\.\d+)?\s*(?:[kKMBT]|thousand|million|billion|trillion)?\s*"
                                    r"(?:,|/|-|–|—|\bto\b|\band\b|\bor\b)\s*(?:and\s+|or\s+)?~?\s*$", re.IGNORECASE)


# ... of counts: "4-8 GPUs", not a name's digits ("A100-8 GPUs", "v3-8 TPU").
_COUNT_RANGE_END_RE = lazy_compile(r"(?<![a-z\d.])\d+\s*(?:-|–|—|to)\s*$|\bbetween\s+\d+\s+and\s*$", re.IGNORECASE)


_SCIENTIFIC_RE = lazy_compile(rf"({_NUM})\s*(?:(?:x|×|\*)\s*10\s*\^?\s*\{{?([+-]?\d+)\}}?)?")


_PART_AFTER_RE = lazy_compile(r"\s+(?:are\s+|is\s+)?(?:in|of|for)\s+the\s+(?:embedding|vision|text|audio|image)\b", re.IGNORECASE)
# A share of a whole, or an adapter's: "77,509,632 trainable params (2.27% of total)", "LoRA: 4.2M trainable
# parameters" (but "117M trainable parameters" of a model trained whole is its size).
_SHARE_RE = lazy_compile(r"\d\s*%|\bof\s+(?:the\s+)?(?:total|base|all)\b|\badapters?\b|\b(?:q?lora|peft)\b", re.IGNORECASE)
_VERSION_OF_AFTER_RE = lazy_compile(r"\s+(?:version|variant|checkpoint)\s+of\b", re.IGNORECASE)


_TOTAL_AFTER_RE = lazy_compile(r"\s*(?:in\s+)?total\b", re.IGNORECASE)
_EXPERTS_AFTER_RE = lazy_compile(r"[^.\n]{0,25}?\b(?:\d+\s+experts|active|per\s+token)\b", re.IGNORECASE)


_CELL_WORD_RE = lazy_compile(r"[a-z]{2,}[ ,]")


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
    that "100%" is not one; "卡" only after a count ("8卡", "单卡"). A word the text holds only where it does not count
    is a key with no position."""
    hits: dict[str, list[int]] = {}
    for end, (word, word_start) in _anchor_automaton().iter(text):
        start = end - len(word) + 1
        positions = hits.get(word)
        if positions is None:
            positions = hits[word] = []
        if word_start:
            before = text[start - 1] if start else " "
            if word == "卡":
                if before not in _CARDS_COUNTED_AFTER:
                    continue
            elif not (before in "ahvpb" if word == "100" else not before.isalpha() or before == "x"):
                continue
        positions.append(start)
    return hits


# The same mark later on a figure's line: "12-layer, 768-hidden, 12-heads, 113M parameters **(This Model)**".
_MARKED_AFTER_RE = lazy_compile(rf"[^\n]{{0,80}}?{_THIS_ROW}", re.IGNORECASE)


def _distilled_from(named: set[str], own: set[str]) -> bool:
    """Whether this model's name words (`own`) are the named model's and a word of distillation ("distill")."""
    return any(word.startswith("distil") for word in own - named)


def _scientific(text: str) -> float:
    match = _SCIENTIFIC_RE.fullmatch(text.strip())
    if not match:
        raise UnitError(f"not a number: {text!r}")
    value = _number(match.group(1))
    return value * 10 ** int(match.group(2)) if match.group(2) else value


class _SentenceReaders:
    """The sentences reader's methods of `_Reader` (reader.py), which holds the state they share."""

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
                if "[" in line_before and self._contents_entry(start, line_before):
                    continue  # "* [Training accuracy: NVIDIA DGX-1 (8x V100 16G)](#training-accuracy-...)": a link to a
                    # section of the page (a table of contents), its title; no statement
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
                        self.add("hardware", _card_name(match.group(2)), text, start, note="sentence")
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
                        count = match.group("count")
                        if count and _CJK_BOUND_BEFORE_RE.search(self.body, max(0, start - 8), start):
                            continue  # "1~2张V100", "至少8张A100": a range or a bound, no count
                        if _CJK_ALLOWS_AFTER_RE.match(self.body, match.end()):
                            continue  # "一张3090/4090可全参数微调": what a card allows, not what trained the model
                        name = match.group("name")
                        self.add("hardware", _geforce(name) if name[0].isdigit() else name, text, start, note="sentence")
                        count = cjk_counted(count) if count else 1
                        machines = cjk_counted(match.group("machines")) if match.group("machines") else 1
                        count = count * machines if count and machines else None  # "二四张": no number
                        if count and match.group("count") and _CJK_HOURS_AFTER_RE.match(self.body, match.end()):
                            # "2048个A800 GPU 小时": accelerator-hours, not 2048 accelerators
                            self.add("accelerator_hours", float(count), text, start, note="sentence")
                        elif count:
                            self.add("accelerator_count", count, text, start, note="sentence")
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
                    elif not (_PER_AFTER_RE.match(self.body, match.end()) or _PER_BEFORE_RE.search(line_before[-80:])
                              or text[:5].lower() == "takes" and _ONE_EPOCH_BEFORE_RE.search(line_before[-80:])
                              or "max" in line_before and _MAXIMUM_BEFORE_RE.search(line_before[-40:])):
                        # not "2 hours per epoch", "each epoch takes 2 hours"; nor "clusters with a maximum wall clock
                        # time of 8 hours", a limit
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

    def _contents_entry(self, start: int, line_before: str) -> bool:
        """Whether the figure at `start` is in a list item that is only a link to a section of the page: a table of
        contents' entry."""
        end = self.body.find("\n", start, start + _CLAUSE_MAX)
        end = end if end >= 0 else start + _CLAUSE_MAX
        return ("](#" in line_before or self.body.find("](#", start, end) >= 0) and _CONTENTS_ENTRY_RE.fullmatch(
            line_before + self.body[start:end]) is not None

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
            _RUNS_THE_MODEL_HEADING_RE.match(heading) and _WAS_TRAINED_RE.search(clause)
            or not _RESULTS_HEADING_RE.match(heading) and _RELEASED_WERE_TRAINED_RE.search(clause))

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
