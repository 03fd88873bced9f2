"""Whose figures are they: attribution of the prose's training figures to this model or another.

Cards quote figures that are not their model's own: a quantised copy embeds the original
model's card, a fine-tune quotes its base model's pre-training, a family card states one total
for all its sizes, a community repository re-uses another model's card unchanged. The readers
in `prose` find the figures; this pass asks, for each one, which model the text around it is
about, with eight rules a reader can state:

1. A repository that converts weights (its name says GGUF, GPTQ, AWQ, 4bit, MLX, ONNX,
   Core ML, ...; not a width of bits beside a word of training: "finetune-LoRA-4bit"), was duplicated from another model's (`duplicated_from` in its metadata) or
   says near its start that it is a copy ("This is a re-upload of ...", "This model card is
   for demo purposes. The original model card for this model is ...") trained nothing: every
   training figure in its prose is the original model's.
2. A heading or a bold label that names a model for what follows ("# Original model card:
   Meta's CodeLlama 7B", "**Stable Diffusion v1** **Estimated Emissions**", "# Stable
   Diffusion v2 Model Card", "### About ruGPT-3 XL model") makes the figures under it, up to the next heading of the same or
   a higher level, that model's: a family containing this one (the name is a part of this
   model's name) or another model (the name is not this model's).
3. A paragraph about several models ("training all 9 Code Llama models", "in aggregate",
   "Training the SVD checkpoints") states family totals.
4. A table row whose label is this model's name without its fine-tuning words (the row
   "Llama 2 7B" for "Llama-2-7b-chat-hf") is the base model's pre-training, not this model's
   training: `prose` asks `base_row_words` when it picks a row.
5. On the card of a fine-tune ("This model is a fine-tuned version of the RoBERTa large
   model", a title "Finetuned for Named Entity Recognition"), a section that takes its figures
   from the paper ("We present the hardware type and hours used based on the associated paper")
   or another model's card ("as described in the RoBERTa large model card:"), or a section
   about pre-training ("### Pretraining"), states the base's training.

6. A sentence that introduces an estimate as another's than the training's ("For evaluation and
   development of our approach we estimate the following CO2 emissions", "for inference we
   estimate") makes the figures after it, up to the next heading, not this model's training.

7. A line that introduces a variant of a size ("Estimated CO₂ emissions for training the 3B
   variant:") makes the figures after it, up to the next heading, that variant's: this model's
   when its name states that size, another's when it states another, a family member's when it
   states none.

8. A paper's abstract quoted on the card (under a heading or a bold label "Abstract") speaks of
   the paper's models: its figures, up to the next heading, are the family's ("Using a 1B parameter
   model, HuBERT shows up to 19% ... WER reduction" on hubert-large-ll60k's card).

Only figures the readers scoped as this model's are moved, and only away from it: attribution
never makes a figure this model's.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace

from .._regex import lazy_compile
from ..card import Card, word_positions
from ..markdown import lines_with, prose_segments
from ..units import parse_count
from .base import Copied, Fact, Reading

__all__ = ["CONVERSION_WORDS", "TRAINING_QUANTITIES", "abstract_spans", "attribute", "autotrain_job_elsewhere", "base_row_words",
           "copied_from", "copied_metadata", "model_words", "names_owner", "size_agrees"]

# Training figures: what a conversion, a base or a family section states of a training run.
# (Parameters are not moved: a quantised 8B model still has 8B parameters.)
TRAINING_QUANTITIES = frozenset({"emissions", "energy", "wall_hours", "accelerator_hours", "accelerator_count", "hardware",
                       "location", "cloud_provider", "pue", "train_tokens", "train_flops"})

CONVERSION_WORDS = frozenset({
    "gguf", "ggml", "gptq", "awq", "exl2", "exl3", "bnb", "4bit", "8bit", "3bit", "2bit", "int4", "int8", "nf4",
    "mlx", "onnx", "coreml", "openvino", "quantized", "quantised", "quant", "fp8", "w4a16", "w8a8",
    "paddle", "tflite", "tfjs", "tensorrt", "ct2", "hqq", "candle", "q2", "q3", "q4", "q5", "q6", "q8",
})
"""Words of a repository name that mark converted or quantised weights of another model."""
_TRAINED_WORDS = frozenset({"finetune", "finetuned", "finetuning", "lora", "qlora", "sft", "dpo", "orpo", "trained"})
"""Words of a repository name that say the model was trained: beside a width of bits, a fine-tune in 4-bit."""
_BIT_WORDS = frozenset({"4bit", "8bit", "3bit", "2bit", "int4", "int8", "nf4", "bnb", "fp8", "quant", "quantized",
                        "quantised"})
"""Conversion words that say a width of bits, which a fine-tune trained in it (QLoRA) has too."""
_FORMAT_WORDS = CONVERSION_WORDS - _BIT_WORDS
"""Conversion words of a file format or a runtime (GGUF, ONNX): a conversion, trained words or not."""

_FINE_TUNING_NEUTRAL = frozenset({"hf", "meta", "base", "pt", "model", "original", "safetensors", "pytorch",
                                  "torch", "transformers", "checkpoint", "release", "official", "v1"})
"""Words of a model's name that do not make it a different model from a row naming the rest
("Meta-Llama-3-8B" is the row "Llama 3 8B"; "Llama-2-13b-hf" is "Llama 2 13B")."""

# Words of a heading that say what the section is, not whose: what is left names a model.
_LABEL_WORDS = frozenset({
    "model", "models", "card", "for", "of", "the", "a", "an", "and", "estimated", "estimate", "emissions", "emission",
    "emitted", "carbon", "footprint", "co2", "co2eq", "environmental", "impact", "training", "train", "details",
    "s", "about", "on", "by", "in", "with",
    # How a model was made, not which: "Model Card for Aya Expanse 8B with LoRA Finetuning" names Aya Expanse 8B.
    "lora", "qlora", "peft", "adapter", "finetuning", "finetuned", "fine", "tuning", "tuned",
})
_FIGURE_RE = lazy_compile(r"\d\s*(?:kg|g|t|tonnes?|tons?|kwh|mwh|hours?|hrs?|h)\b", re.IGNORECASE)
_ORIGINAL_RE = lazy_compile(r"\b(?:original|base|parent|upstream|source)\s+model(?:'s)?(?:\s+card)?\b", re.IGNORECASE)
# A heading about a model: "### About ruGPT-3 XL model" over the base's training, on RusEnQA's card.
_ABOUT_RE = lazy_compile(r"[\W\d]*about\s", re.IGNORECASE)
_LABEL_TOPIC_RE = lazy_compile(r"\bmodel\s+card\b|\bemissions?\b|\bcarbon\b|\bco2|\benvironmental\s+impact\b",
                               re.IGNORECASE)
_HEADING_RE = lazy_compile(r"^[ \t]{0,3}(#{1,6})[ \t]+([^\n]+?)[ \t#]*\r?$", re.MULTILINE)
# A line of bold or italic pieces only ("**Stable Diffusion v1** **Estimated Emissions**"):
# a label for what follows, up to the next heading.
_BOLD_LABEL_RE = lazy_compile(r"^[ \t]*(?:(?:\*\*|__)[^*_\n]{1,80}(?:\*\*|__)[ \t]*){1,3}\r?$", re.MULTILINE)
# Training several models at once: "In aggregate, training all 9 Code Llama models required ...".
# "Training the SVD checkpoints required a total of ...": checkpoints or variants, whatever the count.
_SEVERAL_MODELS_RE = lazy_compile(
    r"\bin aggregate\b|\b(?:(?:pre-?)?train(?:ing|ed)?|fine-tun(?:ing|ed))\s+(?:all|each of|both|the)\s+"
    r"(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twelve|of (?:the|our|these))\b[^.\n]{0,40}\bmodels\b"
    r"|[^.\n]{0,40}?\b(?:checkpoints|variants)\b)",
    re.IGNORECASE)
# Where a match of `_SEVERAL_MODELS_RE` can start, lower-cased: each of its branches begins with one.
_SEVERAL_MODELS_STARTS = ("in aggregate", "train", "pretrain", "pre-train", "fine-tun")
# A card that says it fine-tunes another model ("This model is a fine-tuned version of the RoBERTa large model", "a
# fine-tune checkpoint of DistilBERT-base-uncased", "model is fine-tuned on a dataset in English", the template's
# "**Parent Model:** [XLM-RoBERTa-large](...)" linking it), and a section that takes its figures from the paper (rule 5).
_FINE_TUNE_OF_RE = lazy_compile(r"\bis\s+an?\s+fine-?tun(?:ed\s+version|e\s+checkpoint|ed\s+checkpoint)\s+of\b"
                                r"|\bmodel\s+is\s+fine-?tuned\s+on\b|\bparent\s+model:?\**:?\s*\[", re.IGNORECASE)
# "... based on the [associated paper]", "Also as described in the [RoBERTa large model card](...):".
_FROM_THE_PAPER_RE = lazy_compile(r"\b(?:based\s+on|from|in|according\s+to)\s+the\s+\[?(?:associated|original)\s+paper\b"
                                  r"|\b(?:described|stated|reported)\s+in\s+the\s+\[[^\]\n]{1,60}\bmodel\s+card\]",
                                  re.IGNORECASE)
# A fine-tune's title ("# Ælæctra - Finetuned for Named Entity Recognition on the DaNE dataset"), and a section
# about pre-training ("### Pretraining"): the base's, on such a card (rule 5).
_FINE_TUNED_TITLE_RE = lazy_compile(r"\s*#[ \t]+[^\n]*\bfine-?tuned\s+(?:for|on)\b", re.IGNORECASE)
_PRETRAINING_HEADING_RE = lazy_compile(r"^#{2,6}[ \t]+(?:\W[ \t]*)?pre-?training\b[^\n]*$", re.IGNORECASE | re.MULTILINE)
# A repository that says it holds a copy of another's model (rule 1).
_COPY_STATEMENT_RE = lazy_compile(
    r"\bthis\s+(?:model|repo(?:sitory)?|is)\s+(?:is\s+)?(?:a|an\s+exact)\s+(?:re-?upload|mirror|copy|duplicate)\s+of\b"
    r"|\bthis\s+copy\s+of\b|\b(?:this|it)\s+is\s+the\s+same\s+model\s+as\b"
    r"|\boriginal\s+model\s+card\s+(?:for\s+this\s+model\s+)?is\b|\bmodel\s+card\s+is\s+for\s+demo\s+purposes\b"
    # A heading that says the repository converts a model: "# ONNX convert all-MiniLM-L6-v2", "## Conversion of [X]".
    r"|^#{1,6}[ \t]+(?:onnx\s+convert(?:ed|sion)?|conversion\s+of)\b",
    re.IGNORECASE | re.MULTILINE)
_COPY_STATEMENT_WITHIN = 3000  # characters of the body: a copy says so before it says anything else
# Words each match of the two patterns above holds, lower-cased: the patterns run only where one is.
_FINE_TUNE_OF_WORDS = ("version of", "checkpoint of", "tuned on", "parent model")
_COPY_STATEMENT_WORDS = ("upload of", "mirror of", "copy of", "duplicate of", "original model card", "demo purposes",
                         "same model as", "# onnx convert", "# conversion of")
# "This is a merge of pre-trained language models", "is a SLERP merge of": a merge trains nothing.
_MERGE_STATEMENT_RE = lazy_compile(r"\bis\s+an?\s+(?:[\w-]+\s+){0,2}merge\s+of\b", re.IGNORECASE)
_CONTEXT_LENGTH_RE = lazy_compile(r"\d+k")
_WORD_SPLIT_RE = lazy_compile(r"[^a-z0-9]+")
_SECTIONS_MAX = 100  # sections of rule 5 kept (a real card has one or two)
_PARAGRAPH_MAX = 3000  # characters looked at each way for a paragraph's ends (bounded: linear time)


_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def model_words(name: str) -> set[str]:
    """The words of a model's name, with versions spelt alike ("v1" and "1" are one word) and
    umlauts as repository names write them ("Würstchen" is "wuerstchen")."""
    return set(_model_words(name))  # a copy: callers may change theirs


# A card's name, folder and headings are split again by the readers, the attribution and the rules.
@functools.lru_cache(maxsize=1024)
def _model_words(name: str) -> frozenset[str]:
    lower = name.lower()
    if not lower.isascii():
        lower = unicodedata.normalize("NFKD", lower.translate(_TRANSLITERATION))
    # "v-1-4" is "v1-4": a lone "v" marks the version that follows, it is no word of the name.
    return frozenset(_version(word) for word in _WORD_SPLIT_RE.split(lower) if word and word != "v")


def versions(name: str) -> tuple[str, ...]:
    """The numbers of a name in order, versions spelt alike ("Stable Diffusion v1" is ("1",),
    "stable-diffusion-v1-1" is ("1", "1"), "stable-diffusion-2-1-unclip" ("2", "1"))."""
    return tuple(word for word in (_version(word) for word in _WORD_SPLIT_RE.split(name.lower())) if word.isdigit())


def names_owner(card: Card, model_id: str | None) -> bool:
    """Whether the card names the owner of the repository `model_id` ("owner/name"): a repository
    whose card never names its owner holds another's card (a copy, a re-upload)."""
    owner = model_id.rsplit("/", 1)[0].strip() if model_id and "/" in model_id else ""
    return bool(owner) and owner.lower() in card.body_lower


def without_owner(name: str) -> str:
    """A repository id's name ("Llama-2-13b-hf" of "NousResearch/Llama-2-13b-hf"): the owner's
    words are not the model's."""
    return name.rsplit("/", 1)[-1]


def _version(word: str) -> str:
    return word[1:] if len(word) > 1 and word[0] == "v" and word[1:].isdigit() else word


def base_row_words(row_words: set[str], model_name: str) -> set[str]:
    """The words of this model's name beyond a table row's label that make it another model
    than the row (its fine-tuning: "chat", "ko", "function", "calling"); empty when the row is
    this model."""
    own = model_words(without_owner(model_name))
    row = {_version(word) for word in row_words}
    # Sizes, versions and dates ("17b", "16e", "0924") name the same model; a context length
    # ("262k") is a fine-tuning of it.
    return {word for word in own - row - _FINE_TUNING_NEUTRAL
            if not any(c.isdigit() for c in word) or _CONTEXT_LENGTH_RE.fullmatch(word)}


def attribute(card: Card, facts: list[Fact], model_name: str | None, copied: Copied | None = None,
              name_is_id: bool = False, named_size: float | None = None) -> list[Fact]:
    """The prose facts with the scope of each figure that another model's text states moved
    away from this model (see the module's rules). `model_name` is the name the model is known
    by (a repository id, the `model-index` name, a folder name, the title); `copied`, whether
    the repository trained nothing (`copied_from`).

    A heading that names a model with none of this model's words is another model's only when
    `name_is_id` (the name is a repository id or the card's `model-index` name): a folder or a
    project is often named otherwise than the model its card describes.

    `named_size` is the parameter count the model's name states ("pythia-1.4b"): a sentence's
    size far from it ("2.8B parameters", "175B parameters" on opt-1.3b's card) is another
    model's."""
    if named_size is not None:
        facts = [_other_size(fact, named_size) for fact in facts]
    if copied:
        # A copy trained nothing: AutoTrain's line too is the original model's, copied with its card.
        return [replace(fact, scope="other", note=_noted(fact, copied.note)) if _movable(fact, copied=True) else fact
                for fact in facts]
    if not any(_movable(f) for f in facts):
        return facts
    name = without_owner(model_name) if model_name else ""
    own = model_words(name) if name else set()
    sections = _Sections(card, own, name_is_id, versions(name), compact_name(name)) if own else None
    body = card.body
    paragraphs = _several_model_lines(card) if "odels" in body or "ggregate" in body else []
    based = _base_sections(card) if "paper" in body or "model card" in body or "retrain" in body else []
    purposes = _other_purpose_sections(card)
    variants = _variant_sections(card, named_size)
    abstracts = _abstract_sections(card)
    moved = []
    for fact in facts:
        if not _movable(fact):
            moved.append(fact)
            continue
        if sections is not None and (subject := sections.subject_at(fact.line)) is not None:
            scope, label = subject
            fact = replace(fact, scope=scope, note=_noted(fact, f"under '{label}'"), section=label)
        elif any(start <= fact.line <= end for start, end in paragraphs):
            fact = replace(fact, scope="family", note=_noted(fact, "in a paragraph about several models"))
        elif any(start <= fact.line <= end for start, end in based):
            fact = replace(fact, scope="other", note=_noted(fact, "the base's training, on a fine-tune's card"))
        elif any(start <= fact.line <= end for start, end in purposes):
            fact = replace(fact, scope="other", note=_noted(fact, "an estimate of another's than the training (rule 6)"))
        elif scope := next((scope for start, end, scope in variants if start <= fact.line <= end), None):
            fact = replace(fact, scope=scope, note=_noted(fact, "a variant's of another size, or of a family (rule 7)"))
        elif any(start <= fact.line <= end for start, end in abstracts):
            fact = replace(fact, scope="family", note=_noted(fact, "in a paper's abstract (rule 8)"))
        moved.append(fact)
    return moved


def _base_sections(card: Card) -> list[tuple[int, int]]:
    """(first line, last line) of each stretch, up to the next heading, that takes its figures from
    a paper or another model's card, or that is about pre-training, on the card of a fine-tune
    (rule 5)."""
    body, lower = card.body, card.body_lower
    # The patterns run only where their words are (a pass of str.find each): on most cards they are not.
    says_fine_tune = (any(word in lower for word in _FINE_TUNE_OF_WORDS)
                      and next(_matches_near(_FINE_TUNE_OF_RE, card, _FINE_TUNE_OF_ANCHORS), None))
    if not says_fine_tune and not ("tuned" in lower[:2000] and _FINE_TUNED_TITLE_RE.match(body)):
        return []
    matches = itertools.chain(_matches_near(_FROM_THE_PAPER_RE, card, _FROM_THE_PAPER_ANCHORS),
                              _PRETRAINING_HEADING_RE.finditer(body))
    return [_to_next_heading(card, match.start(), match.end())  # each fact is looked up in them: bounded
            for match in itertools.islice(matches, _SECTIONS_MAX)]


# A word each match of the patterns holds (lower case), and the most characters a match starts before it: the patterns
# start with `\b` and an alternation, so that `re` tries them at every character of a body; near their words, a fine-tune's
# card costs a few windows ("fine" of "is a fine-tuned version of", "paper" of "based on the associated paper").
_FINE_TUNE_OF_ANCHORS = (("fine", 60), ("parent", 0))
_FROM_THE_PAPER_ANCHORS = (("paper", 120), ("card]", 200))
_WINDOW_REACH_AFTER = 80  # and the most characters a match goes on after the word's start


def _matches_near(pattern: re.Pattern, card: Card, anchors: tuple[tuple[str, int], ...]) -> Iterator[re.Match]:
    """The matches of `pattern` in the card's body, in order and without overlap as `finditer` gives them, looked for
    near the places of the anchors' words only (the body whole when the lower-cased body moves a letter)."""
    body, lower = card.body, card.body_lower
    if card.case_folds_elsewhere:
        yield from pattern.finditer(body)
        return
    found: dict[int, re.Match] = {}
    for word, reach in anchors:
        for at in word_positions(lower, word):
            for match in pattern.finditer(body, max(0, at - reach), at + _WINDOW_REACH_AFTER):
                start = match.start()
                if start not in found:  # matched again on the whole body: the window's end may have cut a word
                    found[start] = pattern.match(body, start)
    end = 0
    for start in sorted(found):
        match = found[start]
        if match is not None and start >= end:
            end = match.end()
            yield match


def _to_next_heading(card: Card, start: int, after: int) -> tuple[int, int]:
    """(first line, last line) of the body from `start` to the next heading after `after`, or to its end."""
    end = card.body.find("\n#", after)
    return (card.line_of_offset(card.body_span[0] + start),
            card.line_of_offset(card.body_span[0] + (end if end >= 0 else len(card.body))))


# "For evaluation and development of our approach we estimate the following CO2 emissions" (rule 6); not
# "For training and evaluation, we estimate": the training's is among them.
# Looked for only before an "estimate" (a pass of str.find): tried at every character it cost the real cards 3%.
_OTHER_PURPOSE_BEFORE_RE = lazy_compile(r"\bfor\s+(?:the\s+)?(?:evaluation|development|inference|experimentation|testing|serving)\b"
                                        r"(?:\s+(?:and|&)\s+(?:evaluation|development|inference|testing|serving))?[^.\n]{0,60}$",
                                        re.IGNORECASE)


def _other_purpose_sections(card: Card) -> list[tuple[int, int]]:
    """(first line, last line) of each stretch, up to the next heading, after a sentence that
    introduces an estimate of something other than the training (rule 6)."""
    body, lower = card.body, card.body_lower
    spans = []
    at = lower.find("estimate")
    while at >= 0 and len(spans) < _SECTIONS_MAX:
        match = _OTHER_PURPOSE_BEFORE_RE.search(body, max(0, at - 120), at)
        if match:
            spans.append(_to_next_heading(card, match.start(), at))
        at = lower.find("estimate", at + 8)
    return spans


# "Estimated CO₂ emissions for training the 3B variant:" (rule 7): a size's variant introduces what follows.
# Looked for only before a line's closing ":" after one of `_VARIANT_WORDS` (a pass of str.find each).
_VARIANT_INTRO_RE = lazy_compile(r"\bfor\s+(?:(?:pre-?)?training\s+|fine-?tuning\s+)?(?:the|our|a)\s+(\d+(?:\.\d+)?\s?[MB])"
                                 r"[\s-]+(?:param(?:eter)?s?[\s-]+)?(?:variant|model)\s*$", re.IGNORECASE)
_VARIANT_WORDS = ("variant:", "model:")


def _variant_sections(card: Card, named_size: float | None) -> list[tuple[int, int, str]]:
    """(first line, last line, scope) of each stretch, up to the next heading, after a line that introduces a
    variant of a size ("Estimated CO₂ emissions for training the 3B variant:", rule 7): another model's when this
    model's name states another size, a family member's when it states none, this model's when it states that one."""
    body, lower = card.body, card.body_lower
    spans: list[tuple[int, int, str]] = []
    for word in _VARIANT_WORDS:
        at = lower.find(word)
        while at >= 0 and len(spans) < _SECTIONS_MAX:
            match = _VARIANT_INTRO_RE.search(body, max(0, at - 120), at + len(word) - 1)
            # The line ends at the colon: it introduces what follows.
            if match and (lower.startswith(("\n", "\r"), at + len(word)) or at + len(word) == len(lower)):
                size = parse_count(match.group(1))
                if named_size is None or not size_agrees(size, named_size):
                    spans.append((*_to_next_heading(card, match.start(), at), "family" if named_size is None else "other"))
            at = lower.find(word, at + len(word))
    return spans


# The title of a paper's abstract: "## Abstract", "**Abstract**", "Abstract:" on a line of its own.
_ABSTRACT_TITLE_RE = lazy_compile(r"^[ \t]*(?:#{1,6}[ \t]*|\*\*|__)?abstract(?:\*\*|__)?[ \t]*:?[ \t]*\r?$",
                                  re.IGNORECASE | re.MULTILINE)


@functools.lru_cache(maxsize=16)  # the sizes' reader and attribution ask in turn for one card's
def abstract_spans(body: str, lower: str) -> tuple[tuple[int, int], ...]:
    """(start, end) offsets in `body` of each paper's abstract, its title to the next heading (rule 8). The title's
    pattern is tried at the lines that say "abstract" only (`word_positions` of `lower`, the lower-cased body), or over
    the whole body when lower-casing moved its letters (as `_matches_near`)."""
    if "abstract" not in lower:
        return ()
    if len(lower) == len(body):
        titles = (_ABSTRACT_TITLE_RE.match(body, max(body.rfind("\n", 0, at), body.rfind("\r", 0, at)) + 1)
                  for at in word_positions(lower, "abstract"))
    else:
        titles = _ABSTRACT_TITLE_RE.finditer(body)
    spans: list[tuple[int, int]] = []
    for match in itertools.islice(filter(None, titles), _SECTIONS_MAX):
        if not spans or match.start() >= spans[-1][1]:
            end = body.find("\n#", match.end())
            spans.append((match.start(), end if end >= 0 else len(body)))
    return tuple(spans)


def _abstract_sections(card: Card) -> list[tuple[int, int]]:
    """(first line, last line) of each paper's abstract (rule 8)."""
    first = card.body_span[0]
    return [(card.line_of_offset(first + start), card.line_of_offset(first + end)) for start, end in abstract_spans(card.body, card.body_lower)]


def copied_from(card: Card, model_name: str | None, folder_name: str | None = None) -> Copied | None:
    """Whether this repository trained nothing: it converts another model's weights, was
    duplicated from another model's repository or says it is a copy (None when none of these)."""
    own = model_words(without_owner(model_name)) if model_name else set()
    named = own | (model_words(folder_name) if folder_name else set())
    # A name that says the model was trained ("finetune-LoRA-4bit": a fine-tune in 4-bit) is no conversion by its bits;
    # a file format's word ("-GGUF") still is.
    conversion = named & (_FORMAT_WORDS if named & _TRAINED_WORDS else CONVERSION_WORDS)
    if conversion:
        return Copied("the original model", f"this repository converts it ({', '.join(sorted(conversion))})")
    original = _duplicated_from(card, own, model_name)
    if original:
        return Copied(original, "this repository duplicates it")
    # "This model card is for demo purposes. The original model card for this model is https://...", "This is a
    # re-upload of ...", "This copy of the Lambda Labs model only adds the fp16 branch", "This is the same model as
    # SantaCoder but it can be loaded with ...": the card says so near its start.
    start = card.body_lower[:_COPY_STATEMENT_WITHIN]
    said = _COPY_STATEMENT_RE.search(card.body, 0, _COPY_STATEMENT_WITHIN) if any(
        word in start for word in _COPY_STATEMENT_WORDS) else None
    if said is not None:
        return Copied("the original model", f"the card says it is a copy ('{said.group(0)}')")
    merged = _MERGE_STATEMENT_RE.search(card.body, 0, _COPY_STATEMENT_WITHIN) if "merge of" in start else None
    if merged is not None:
        return Copied("the merged models", f"the card says it is a merge ('{merged.group(0)}'): a merge trains nothing")
    return None


# AutoTrain's job id ("- Model ID: 492513457"), and the repository it names: AutoTrain calls a job's repository after it
# ("madhurjindal/autonlp-Gibberish-Detector-492513457").
_AUTOTRAIN_JOB_RE = lazy_compile(r"Model ID:\s*(\d{5,})")
_JOB_REPOSITORY_BEFORE_RE = lazy_compile(r"\b([\w.-]+)/([\w.-]+-)$")


def autotrain_job_elsewhere(card: Card, model_name: str | None) -> bool:
    """Whether the card names this repository under one owner and its AutoTrain job's repository under another: the
    card of a re-upload ("wajidlinux99/gibberish-text-detector" in its code, "# Original Repository
    ***madhurjindal/autonlp-Gibberish-Detector-492513457" at its end). Then whether AutoTrain's line is this
    repository's run is a reading, not a statement. (A repository renamed or moved keeps its old id in the card's code:
    the card does not say which it is.)"""
    if model_name is None or "Model ID" not in card.body:
        return False
    job = _AUTOTRAIN_JOB_RE.search(card.body)
    if job is None:
        return False
    name = without_owner(model_name)
    compact = compact_name(name)
    owners, at = set(), card.body.find(job.group(1), job.end())
    while at >= 0 and len(owners) < _SECTIONS_MAX:
        if repository := _JOB_REPOSITORY_BEFORE_RE.search(card.body, max(0, at - 100), at):
            if compact_name(repository.group(2) + job.group(1)) == compact:
                return False  # this repository is the job's
            owners.add(repository.group(1).lower())
        at = card.body.find(job.group(1), at + len(job.group(1)))
    if not owners or f"/{name}" not in card.body:
        return False
    # An owner starts a word and is short (the Hub's are at most 96 characters): each match starts once, not at every
    # letter of a long run.
    own = {found.group(1).lower()
           for found in re.finditer(rf"(?<![\w.-])([\w.-]{{1,96}})/{re.escape(name)}(?![\w.-])", card.body)}
    return bool(own) and not own & owners


def copied_metadata(facts: list[Fact], copied: Copied | None) -> list[Fact]:
    """The metadata's training facts of a repository that trained nothing (`copied_from`): its
    `co2_eq_emissions`, copied with the original's card, are the original model's."""
    if copied is None:
        return facts
    return [replace(fact, scope="other", note=_noted(fact, copied.note))
            if fact.origin == "yaml" and fact.scope == "model" and fact.quantity in TRAINING_QUANTITIES else fact
            for fact in facts]


def _duplicated_from(card: Card, own: set[str], model_id: str | None) -> str | None:
    """The repository this one was duplicated from (the Hub's `duplicated_from`), when it is
    another model's: its card, copied unchanged, states the original's training. A repository
    of the same name is the same model moved only when its owner is known and its card names
    them (lllyasviel/control_v11p_sd15_canny from ControlNet-1-1-preview's, its card linking
    lllyasviel's code); otherwise a copy (Narsil/bert-base-uncased from bert-base-uncased)."""
    original = (card.metadata or {}).get("duplicated_from")
    if not isinstance(original, str) or not original.strip():
        return None
    moved = own and model_words(without_owner(original)) == own and names_owner(card, model_id)
    return None if moved else original.strip()[:100]


# A size that starts a word: not after a letter, a digit or "." ("v1.5b" states no size). The
# look-behind also keeps the engine from retrying at every digit of a long number. An underscore
# between digits is a decimal point ("stablelm-2-1_6b", "pangu_2_6B"), not after another number.
# BLOOM's names put the scale where the decimal point is: "bloom-1b1", "bloom-7b1" (1.1B, 7.1B), "rwkv-4-pile-1b5".
# (The look-ahead turns down at once the positions where no digit is.) Hashes' digits state no size: no size
# is written with a leading zero ("-022b-" of a UUID, "mt5-small-00001b") or with five digits ("truncated-69081b"), nor
# is a UUID's 4-hex-digit group one ("127a20cd-e8f6-480b-9eb6-..."); and a count after a year is its data's
# ("twitter-roberta-base-2021-124m": the tweets up to 2021).
SIZE_IN_NAME_RE = lazy_compile(r"(?=[0-9])(?<![^\W_]|\.)(?!0[0-9])(?<!(?:19|20)[0-9]{2}[-_])"
                               r"(?!(?<=[0-9a-fA-F]{4}-)[0-9a-fA-F]{4}-[0-9a-fA-F]{4})"
                               r"(?:(?:(?<![0-9]_)[0-9]{1,4}_[0-9]+|[0-9]{1,4}(?:\.[0-9]+)?)[mMbB](?![a-zA-Z0-9])"
                               r"|[0-9][bB][0-9](?![a-zA-Z0-9.]))")  # one digit each side: not a hash's "22b9"


def size_in_name(match: re.Match) -> float:
    """The parameters a `SIZE_IN_NAME_RE` match states: "1_6b" is 1.6e9, "160m" 1.6e8, "7b1" 7.1e9."""
    text = match.group(0)
    if text[-1].isdigit():
        return float(text[:-2] + "." + text[-1]) * 1e9
    return float(text[:-1].replace("_", ".")) * (1e9 if text[-1] in "bB" else 1e6)


_SIZE_TOLERANCE = 1.25  # "1.3B" names 1,418,678,272 parameters; "2.8B" is not "1.4B"


def size_agrees(size: float, named_size: float) -> bool:
    """Whether a stated size is the one a model's name states: within a quarter of it, and a whole
    number of billions or millions in a name rounds ("MPT-1b" and "SSD-1B" have 1.3B parameters)."""
    unit = next((unit for unit in (1e9, 1e6) if named_size >= unit and named_size % unit == 0), 0.0)
    return named_size / _SIZE_TOLERANCE <= size <= max(named_size * _SIZE_TOLERANCE, named_size + unit / 2)


def _other_size(fact: Fact, named_size: float) -> Fact:
    if fact.quantity != "params" or fact.scope != "model" or fact.origin != "prose" or not fact.value:
        return fact
    if fact.reading is Reading.DEFINITION:
        return fact  # "This is a 1.8B model" on cosmo-1b's card: the sentence names the model, its name rounds
    if size_agrees(fact.value, named_size):
        return fact
    return replace(fact, scope="other", note=_noted(fact, f"the model's name says {named_size:.3g} parameters"))


def _movable(fact: Fact, copied: bool = False) -> bool:
    """A training figure the prose states of this model, which another model's text may have said.
    AutoTrain's line is written by AutoTrain for the model it trained: this model's, unless the
    repository is a copy (`copied`) of that model."""
    return (fact.origin == "prose" and fact.scope == "model" and fact.quantity in TRAINING_QUANTITIES
            and fact.line is not None and (copied or fact.reading is not Reading.AUTOTRAIN))


def _noted(fact: Fact, why: str) -> str:
    return f"{fact.note}; {why}" if fact.note else why


class _Sections:
    """The headings and bold labels of a card that name a model other than this one, with the
    lines they govern."""

    def __init__(self, card: Card, own: set[str], name_is_id: bool, own_versions: tuple[str, ...] = (),
                 own_compact: str = ""):
        self.spans: list[tuple[int, int, str, str]] = []  # (start line, end line, scope, label), sorted
        headings: list[tuple[int, int, str]] = []  # (body offset, level, text); level 7: a bold label
        body = card.body
        # The patterns are tried only at the lines that hold a "#" (or "**", "__"): trying them at every
        # character was a twentieth of checking the gold cards.
        hashes = lines_with(body, "#")
        bold = sorted(set(lines_with(body, "**")) | set(lines_with(body, "__"))) if "**" in body or "__" in body else []
        for start, end in prose_segments(body):
            headings += [(match.start(), len(match.group(1)), match.group(2)) for match in
                         _matches_at(_HEADING_RE, body, hashes, start, end)]
            headings += [(match.start(), 7, match.group(0).replace("*", " ").replace("__", " ").strip())
                         for match in _matches_at(_BOLD_LABEL_RE, body, bold, start, end)]
        headings.sort()
        line = lambda offset: card.line_of_offset(card.body_span[0] + offset)  # noqa: E731
        for index, (offset, level, text) in enumerate(headings):
            scope = _label_scope(text, own, name_is_id, own_versions)
            if scope is not None and _names_compactly(text, own_compact):
                scope = None  # "Model Card: Nous-Hermes-Llama2-7b" over Nous-Hermes-llama-2-7b: this model, written otherwise
            title = index == 0 and level == 1
            if scope is None or title and (scope == "row" and _titles_this_model(text, own)
                                           or scope == "other" and _shares_a_name(text, own)):
                # The card's title names the model the card is about, whatever its folder, and in its own
                # words ("Norwegian T5 Base model Trained on the NCC" over nb-t5-base-v2).
                continue
            # The card's title names the model the whole card is about; another heading governs
            # up to the next heading of the same or a higher level (a bold label: the next heading).
            following = None if index == 0 and level == 1 else next(
                (other for other, other_level, _ in itertools.islice(headings, index + 1, None) if other_level <= min(level, 6)),
                None)
            end = line(following) - 1 if following is not None else card.line_of_offset(len(card.text))
            self.spans.append((line(offset), end, scope, " ".join(text.split())[:80]))
        self.starts = [span[0] for span in self.spans]

    def subject_at(self, line: int) -> tuple[str, str] | None:
        """(scope, label) of the innermost span holding `line`, or None."""
        index = bisect.bisect_right(self.starts, line)
        while index > 0:
            start, end, scope, label = self.spans[index - 1]
            if start <= line <= end:
                return scope, label
            index -= 1
        return None


_COMPACT_MIN = 6  # a name this short ("bert") is a part of too many others'
_NOT_ALNUM_RE = lazy_compile(r"[\W_]+")


def compact_name(text: str) -> str:
    """A name's letters and digits run together, lower-cased: "Nous-Hermes-Llama2-7b" and "Nous-Hermes-llama-2-7b" are
    both "noushermesllama27b"."""
    return _NOT_ALNUM_RE.sub("", text.lower())


def _names_compactly(text: str, own_compact: str) -> bool:
    """Whether a label names this model in other separators ("Nous-Hermes-Llama2-7b"), with no number more (not
    "Stable Diffusion v2 Model Card" over stablediffusion/, another version) nor another model's mark ("Original")."""
    if len(own_compact) < _COMPACT_MIN or _ORIGINAL_RE.search(text):
        return False
    label = compact_name(text)
    at = label.find(own_compact)
    return at >= 0 and not any(c.isdigit() for c in label[:at] + label[at + len(own_compact):])


def _matches_at(pattern: re.Pattern, body: str, line_starts: list[int], start: int, end: int) -> Iterator[re.Match]:
    """The matches of a line-anchored `pattern` in `body[start:end]`, tried at the given line starts only."""
    for line_start in line_starts[bisect.bisect_left(line_starts, start):]:
        if line_start >= end:
            break
        match = pattern.match(body, line_start, end)
        if match is not None:
            yield match


def _label_scope(text: str, own: set[str], name_is_id: bool, own_versions: tuple[str, ...] = ()) -> str | None:
    """`family`, `other`, or None (the label names this model, or no model) for a heading's text;
    `own_versions`, the numbers of this model's name in order (`versions`)."""
    original = _ORIGINAL_RE.search(text)
    if not original and not _LABEL_TOPIC_RE.search(text) and not ("bout" in text and _ABOUT_RE.match(text)):
        return None  # most headings: their words are not looked at
    if _FIGURE_RE.search(text):
        return None  # "**Estimated one-time training carbon cost: ~3 kg CO₂**": a statement, not a model's name
    text = _SECTION_NUMBER_RE.sub("", text)  # "6. Environmental Impact Assessment": a section's number, no version
    named = model_words(text) - _LABEL_WORDS
    if original:
        # "Original model card: Meta's CodeLlama 7B"; but "BERT base model (uncased)" names this model.
        return None if own and own - _LABEL_WORDS <= named else "other"
    # A model's name carries a version or a size ("Stable Diffusion v1", "Llama 2 7B"): without
    # one the words are a topic ("Emissions of fine-tuning"), not a name.
    if not named or not any(any(c.isdigit() for c in word) for word in named):
        return None
    label_versions = versions(text)
    if label_versions and own_versions and named - set(label_versions) <= own:
        # The label names this model's series by a version: "Stable Diffusion v1" over stable-diffusion-v1-1's
        # figures is the series this model's version extends; over stable-diffusion-2-1-unclip's, another one.
        if own_versions[: len(label_versions)] == label_versions:
            if len(label_versions) < len(own_versions) and all(word.isdigit() for word in own - named - _FINE_TUNING_NEUTRAL):
                return "family"
        elif label_versions[: len(own_versions)] != own_versions:
            return "other"
    if own - _LABEL_WORDS <= named:
        return None  # this model's name (and maybe more words)
    if named < own:
        # "Stable Diffusion v1" over the figures of stable-diffusion-v1-4: the series this
        # model belongs to. Other extra words (a project's, an author's) leave it this model's.
        extra = own - named - _FINE_TUNING_NEUTRAL
        return "family" if extra and all(word.isdigit() for word in extra) else None
    if not (named & own) and not name_is_id:
        return "row"  # a versioned model the folder or title does not name: another's, or this one's?
    return "other"


_SIZE_WORD_RE = lazy_compile(r"\d+(?:\.\d+)?[kmbt]?")
_SECTION_NUMBER_RE = lazy_compile(r"^[\s#*_]*\d{1,2}(?:\.\d{1,2})*[.)]\s+")
# A title that says it is another model's card ("Original model card: ..."; not "T5 Base model", a size).
_ANOTHERS_TITLE_RE = lazy_compile(r"\b(?:original|parent|upstream|source)\s+model\b", re.IGNORECASE)
_TEMPLATE_TITLE_RE = lazy_compile(r"\W*model\s+card\s+for\b", re.IGNORECASE)  # the Hub template's "Model Card for {{ model_id }}"


def _titles_this_model(text: str, own: set[str]) -> bool:
    """Whether a title naming a versioned model none of whose words the folder's name has is still the
    card's own: the template's title ("Model Card for vgg16" in a project's folder), or a name the folder
    writes as one word ("Stable Diffusion v2 Model Card" in stablediffusion/). Otherwise the card is a copy
    of that model's ("Stable Diffusion v1-5 Model Card" over gina-the-cat, a community repository that
    kept it): its figures are that model's."""
    if _TEMPLATE_TITLE_RE.match(text):
        return True
    named = [word for word in model_words(text) - _LABEL_WORDS if len(word) >= 4 and not _SIZE_WORD_RE.fullmatch(word)]
    return any(word in folder_word or folder_word in word for word in named for folder_word in own if len(folder_word) >= 4)


def _shares_a_name(text: str, own: set[str]) -> bool:
    """Whether a title that names another model is this model's in other words: the template's title sharing
    a word of this model's name that is no mere size ("Model Card for Zephyr 141B-A39B" over
    zephyr-orpo-141b-A35b-v0.1), or a part of one its name runs together, or another title sharing two and stating no version or size the name lacks
    ("Norwegian T5 Base model" over nb-t5-base-v2; but "Stable Diffusion v1-5 Model Card" over a copy
    named stable-diffusion-wtx-app is Stable Diffusion's); never a card that says it is another's
    ("Original model card: ...")."""
    if _ANOTHERS_TITLE_RE.search(text):
        return False
    named = model_words(text) - _LABEL_WORDS
    shared = [word for word in named & own if not _SIZE_WORD_RE.fullmatch(word)]
    if _TEMPLATE_TITLE_RE.match(text):
        # Or a part of a word the name runs together: "Model Card for LoRA-finetuned Mistral-7B" over LoRA4Mistral-7b-v2.
        return bool(shared) or any(len(word) >= 4 and not _SIZE_WORD_RE.fullmatch(word) and word in own_word
                                   for word in named for own_word in own)
    # Two words at least: one ("BERT base model (uncased)" over Cl_Merge_Bert) is a family's, a copy's.
    return len(shared) >= 2 and all(word in own for word in named if any(c.isdigit() for c in word))


def _several_models_matches(card: Card) -> list[re.Match]:
    """The matches of `_SEVERAL_MODELS_RE` in the card's body, the pattern tried only where one of its branches can
    start (its scan of every position was a sixth of checking the gold cards)."""
    return list(card.matches_at_words(_SEVERAL_MODELS_RE, _SEVERAL_MODELS_STARTS))


def _several_model_lines(card: Card) -> list[tuple[int, int]]:
    """(first line, last line) of each paragraph that speaks of several models."""
    body = card.body
    spans = []
    for match in _several_models_matches(card):
        low = max(0, match.start() - _PARAGRAPH_MAX)
        start = body.rfind("\n\n", low, match.start())
        end = body.find("\n\n", match.end(), match.end() + _PARAGRAPH_MAX)
        start = low if start < 0 else start + 2
        end = min(len(body), match.end() + _PARAGRAPH_MAX) if end < 0 else end
        if spans and spans[-1][1] >= start:
            continue
        spans.append((start, end))
    offset = card.body_span[0]
    return [(card.line_of_offset(offset + a), card.line_of_offset(offset + b)) for a, b in spans]
