"""What kind of document a card file is: a model card, or a README of something else.

A `README.md` in a repository is not always a model card: a project's README, a docs page, a
dataset card or a Space's README say things ("the project emitted 1.5 t", "RTX 4090 for
inference") that are not a model's training. A file is a model card when something marks it
as one; it is something else only when nothing does and something marks it as that other
kind. The benefit of the doubt goes to the model card, so that no card loses its facts:

- front matter: a model card's, unless its keys are only a dataset card's (and its folder holds no model files), a
  Space's or a web page's (the Hub's blog: "title", "authors", "thumbnail"; a docs site's "sidebar_position");
- without front matter, a model card when its file or its folder is named as one (`model_card.md`,
  `docs/model_cards/x.md`), its
  folder holds model files (`config.json`, weights), a heading names a model-card section
  (Model Details, Intended Uses, Training Data, Environmental Impact, ...; an Environmental
  Impact alone does not, beside a project's sections) or it asks the climate performance model
  card's questions; otherwise a project README when it has a project's sections or set-up steps
  (Installation, Requirements, Project structure, `git clone`, ...). A model card that only its headings mark
  (`BY_HEADINGS`), like one nothing marks (`UNMARKED`), states in its sentences the document's runs, not
  its model's, until the model is named (`Document.sentences_are_the_models`);
- a dataset card when its title says so ("# Dataset Card for ..."), unless its front matter
  has a model card's keys; or, with nothing that marks a model card, when its title names a
  dataset, a corpus or a benchmark and no model ("# ConceptFR dataset").

A card from the Hub's listing is a model repository's, and a card the user names a model for
(`--model-id`, or `model-id` in the configuration) is that model's: both are model cards.
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Collection
from typing import NamedTuple

from ._regex import lazy_compile
from .card import Card
from .markdown import hidden_spans, inside, lines_with


class DocumentKind(enum.Enum):
    MODEL_CARD = "a model card"
    DATASET_CARD = "a dataset card"
    SPACE = "a Space's README"
    PROJECT = "a project README"
    PAGE = "a web page's source (a blog post, a docs page)"


# A NamedTuple, not a frozen dataclass: `check` defines it at every start, and a dataclass costs five
# times as much to define (Python 3.11 compiles each method it generates).
class Document(NamedTuple):
    kind: DocumentKind
    reason: str
    """Why, in words, for the finding's message."""

    @property
    def is_model_card(self) -> bool:
        return self.kind is DocumentKind.MODEL_CARD

    @property
    def sentences_are_the_models(self) -> bool:
        """Whether the runs its sentences state are the model's: not on a file that, without front matter, only its
        headings mark as a model card, or nothing does (a repository's README often describes several models)."""
        return self is not UNMARKED and self is not BY_HEADINGS


MODEL_CARD = Document(DocumentKind.MODEL_CARD, "")
UNMARKED = Document(DocumentKind.MODEL_CARD, "nothing marks it as a model card, nor as anything else")
"""A model card by the benefit of the doubt: no front matter, no model-card section, no project's."""
BY_HEADINGS = Document(DocumentKind.MODEL_CARD, "no front matter, but a model card's sections")
"""A model card by its headings alone ("## Model Details", "## How to use"): no front matter, no model card's file
name, no model files beside it, no model named for it."""

# Front matter keys only a model card has, and those only a dataset card or a Space has.
_MODEL_KEYS = {"model-index", "co2_eq_emissions", "pipeline_tag", "library_name", "base_model", "base_model_relation",
               "widget", "inference", "model_name"}
_DATASET_KEYS = {"task_categories", "size_categories", "dataset_info", "annotations_creators", "source_datasets",
                 "task_ids", "language_creators", "multilinguality", "pretty_name"}
_SPACE_KEYS = {"sdk", "app_file", "sdk_version", "app_port"}
# A static site's page (the Hub's blog, a docs site): its front matter holds only a page's keys, one of which a
# model card never has ("title: ...", "authors: ...", "thumbnail: ..." over a blog post; "sidebar_position: 3").
_PAGE_ONLY_KEYS = {"title", "authors", "author", "layout", "permalink", "date", "slug", "sidebar_position", "nav_order"}
_PAGE_KEYS = _PAGE_ONLY_KEYS | {"sidebar_label", "weight", "draft", "categories", "description", "summary", "toc",
                                "thumbnail", "tags", "keywords"}

# Files that only a model's folder holds.
_MODEL_FILES = {"config.json", "adapter_config.json", "pytorch_model.bin", "model.safetensors", "tf_model.h5",
                "generation_config.json", "tokenizer_config.json"}
_MODEL_SUFFIXES = (".safetensors", ".gguf", ".onnx", ".ckpt", ".bin")

_CARD_NAME_RE = lazy_compile(r"model[\s_-]?card", re.IGNORECASE)
_HEADING_RE = lazy_compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t#]*\r?$|^\*\*(.+?)\*\*[ \t]*:?[ \t]*\r?$", re.MULTILINE)
# The sections of the Hub's model card template and of Mitchell et al. (2019).
_CARD_SECTION_RE = lazy_compile(
    r"model[\s_-]?card|model (?:details|description|summary|specs|specification|overview|information|type|"
    r"architecture and objective|sources)|intended (?:uses?|users?)|out-of-scope|direct use|downstream use|"
    r"training (?:data|procedure|details|hyperparameters|regime|results|specs)|framework versions|"
    r"environmental impact|bias, risks|limitations and bias|bias and limitations|how to (?:use|get started)|"
    r"evaluation (?:data|results)|technical specifications|ethical considerations",
    re.IGNORECASE,
)
# The same sections in the languages model READMEs are written in: "## 模型介绍", "## ⚙️ 训练细节", "## 📋 모델 정보",
# "### 훈련 설정", "## モデル概要", "## Descripción del modelo".
_CARD_SECTION_ELSEWHERE_RE = lazy_compile(
    r"模型(?:介绍|介紹|简介|簡介|下载|下載|信息|資訊|详情|詳情|细节|細節|结构|結構|架构|架構|描述|概述|概览|规格|参数)|训练(?:细节|細節|数据|數據|过程|過程|详情|設定|设置|配置)|"
    r"訓練(?:細節|數據|過程)|모델\s*(?:정보|소개|설명|개요|다운로드|세부\s*정보)|(?:훈련|학습)\s*(?:세부\s*사항|데이터|설정|과정)|"
    r"モデル(?:概要|の?詳細|の?説明|情報)|学習(?:データ|の?詳細|設定)|"
    r"descripci[oó]n del modelo|detalles del modelo|datos de entrenamiento|descri[cç][aã]o do modelo|"
    r"description du mod[eè]le|donn[eé]es d.entra[iî]nement|modellbeschreibung|trainingsdaten|"
    r"descrizione del modello|dati di addestramento",
    re.IGNORECASE,
)
_IMPACT_RE = lazy_compile(r"environmental impact", re.IGNORECASE)
_CLIMATE_QUESTIONS_RE = lazy_compile(r"how much co2\w* (?:was )?emitted", re.IGNORECASE)
# A project's sections and set-up steps.
_PROJECT_SECTION_RE = lazy_compile(
    r"^(?:\W*\s*)?(?:installation|install|requirements|prerequisites|set ?up|setup|getting started|quick ?start|"
    r"project (?:structure|organi[sz]ation)|contributing|development|roadmap|build|установка|требования)\b",
    re.IGNORECASE,
)
_PROJECT_STEP_RE = lazy_compile(r"\bgit clone\b|\bpip install -r\b|\brequirements\.txt\b|\bsetup\.py\b|\bconda create\b"
                                r"|\bnpm install\b|\bdocker compose\b|\bmake install\b", re.IGNORECASE)
# Its words, one of which each match is: the pattern is tried where they stand (`_project_step`).
_PROJECT_STEP_WORDS = ("git clone", "pip install -r", "requirements.txt", "setup.py", "conda create", "npm install",
                       "docker compose", "make install")
_DATASET_TITLE_RE = lazy_compile(r"^dataset card\b", re.IGNORECASE)
# A title naming a dataset, a corpus or a benchmark, and no model: "# ConceptFR dataset".
_DATASET_NAMED_RE = lazy_compile(r"^(?![^\n]*\b(?:models?|tun\w*|train\w*|for|on|with)\b)[^\n]{1,60}?\b(?:dataset|corpus|benchmark)s?$",
                                 re.IGNORECASE)


# A heading that says it copies a model's page on the Hub: "## README([From Huggingface](https://huggingface.co/o/m))".
_HUB_PAGE_HEADING_RE = lazy_compile(r"^#{1,6}[ \t]*readme\W*\(?\[?from\s+hugging\s*face\]?\(https?://huggingface\.co/[\w.-]+/[\w.-]+\)",
                                    re.IGNORECASE | re.MULTILINE)


def document_kind(card: Card, folder: str | os.PathLike | None = None, names: Collection[str] | None = None) -> Document:
    """What the card's file is: `MODEL_CARD` unless something marks it as another kind.
    `names` are the names in `folder` when they are already listed (None: listed here)."""
    metadata = card.metadata
    if metadata:
        keys = {key for key in metadata if isinstance(key, str)}
        if keys & _MODEL_KEYS:
            return MODEL_CARD
        if keys & _DATASET_KEYS:
            if folder is not None and _holds_model_files(folder, names):
                return MODEL_CARD  # a model's repository whose card copied its dataset's metadata
            return Document(DocumentKind.DATASET_CARD, f"its front matter has a dataset card's keys "
                                                       f"({', '.join(sorted(keys & _DATASET_KEYS)[:2])})")
        if "sdk" in keys and keys & (_SPACE_KEYS - {"sdk"}):
            return Document(DocumentKind.SPACE, "its front matter configures a Space (`sdk`)")
        if keys <= _PAGE_KEYS and keys & _PAGE_ONLY_KEYS:
            return Document(DocumentKind.PAGE, f"its front matter has only a web page's keys "
                                               f"({', '.join(sorted(keys & _PAGE_ONLY_KEYS)[:2])})")
        return MODEL_CARD
    headings = _headings(card.body)
    if headings and _DATASET_TITLE_RE.match(headings[0]):
        # "# Dataset Card for Food-101" under the dataset template's unrendered `{{ card_data }}`: a front
        # matter without a model card's keys does not make it a model card.
        return Document(DocumentKind.DATASET_CARD, "its title says it is a dataset card")
    if card.yaml_span is not None or card.problem is not None and card.problem.kind != "missing":
        return MODEL_CARD  # a front matter the author meant, even if broken: the rules say what is wrong
    if any(_CARD_NAME_RE.search(os.path.basename(path)) for path in (card.path, os.path.dirname(card.path))):
        return MODEL_CARD  # "MODEL_CARD.md", "docs/model_cards/gatv2-case-encoder.md": named as a model card
    if folder is not None and _holds_model_files(folder, names):
        return MODEL_CARD
    sections = (heading for heading in headings if _CARD_SECTION_RE.search(heading))
    # A project's README may end with an "Environmental Impact" of its own: that section alone,
    # beside a project's sections, does not make it a model card.
    impact_only = None
    for section in sections:
        if not _IMPACT_RE.search(section):
            return BY_HEADINGS
        impact_only = section
    if "how much co2" in card.body_lower and _CLIMATE_QUESTIONS_RE.search(card.body):
        return MODEL_CARD
    if impact_only is None and headings and _DATASET_NAMED_RE.match(headings[0]):
        return Document(DocumentKind.DATASET_CARD, f"no front matter, no model-card section and its title names a "
                                                   f"dataset ('{headings[0][:40]}')")
    if _HUB_PAGE_HEADING_RE.search(card.body, 0, 2000):
        return MODEL_CARD  # "## README([From Huggingface](https://huggingface.co/Qwen/...))": a Hub card's copy
    project = next((heading for heading in headings if _PROJECT_SECTION_RE.match(heading)), None)
    step = _project_step(card)
    if impact_only is not None and project is None and step is None:
        return BY_HEADINGS
    if any(_CARD_SECTION_ELSEWHERE_RE.search(heading) for heading in headings):
        # A model's README in another language ("## 模型介绍" beside "## 安装"): a model card, its sentences the
        # document's as on an unmarked one (a repository's README often describes several models).
        return UNMARKED
    if project is not None or step is not None:
        said = f"a section '{project[:40]}'" if project is not None else f"'{step.group(0)}'"
        return Document(DocumentKind.PROJECT, f"no front matter, no model-card section and {said}")
    return UNMARKED


def _project_step(card: Card) -> re.Match | None:
    """The first set-up step in the body, the pattern tried where its words stand (each match is one of them)."""
    return next(card.matches_at_words(_PROJECT_STEP_RE, _PROJECT_STEP_WORDS), None)


def _headings(body: str) -> list[str]:
    """The texts of the body's headings, in order, none in code or an HTML comment (a Python comment in a code block,
    "# Build the inputs to vLLM", is no section). `_HEADING_RE` is matched only at the lines holding "#" or "**" (a
    heading is one line): run over the whole body, a pattern anchored at line starts is tried at every character."""
    hidden = hidden_spans(body)
    starts = sorted({*lines_with(body, "#"), *lines_with(body, "**")})
    return [(match.group(1) or match.group(2)).strip()
            for match in filter(None, (_HEADING_RE.match(body, start) for start in starts if not inside(start, hidden)))]


def _holds_model_files(folder: str | os.PathLike, names: Collection[str] | None) -> bool:
    if names is not None:
        return any(name in _MODEL_FILES or name.endswith(_MODEL_SUFFIXES) for name in names)
    try:
        with os.scandir(folder) as entries:
            return any(entry.name in _MODEL_FILES or entry.name.endswith(_MODEL_SUFFIXES) for entry in entries)
    except OSError:
        return False
