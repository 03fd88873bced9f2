"""A README that is not a model card (CC007) through the real command line: reported once,
judged on nothing else, never changed by a fix; and a model card beside it is judged as ever."""

import json
import shutil

import pytest

from conftest import CORPUS
from test_cli import run

GOLD = CORPUS / "gold" / "cards"
PROJECT = GOLD / "catundchat__stable-diffusion-v1.5-lora__README.md"  # Requirements, "took about 2.5h"
MODEL = GOLD / "Ayaka__bart-base-cantonese.md"


def _repository(tmp_path):
    (tmp_path / "bart-base-cantonese").mkdir()
    shutil.copyfile(PROJECT, tmp_path / "README.md")
    shutil.copyfile(MODEL, tmp_path / "bart-base-cantonese" / "README.md")
    return tmp_path


def test_a_project_readme_is_one_info_finding_and_the_model_card_is_judged(tmp_path):
    repository = _repository(tmp_path)
    result = run("check", "--format", "json", "--fail-on", "never", repository)
    records = {record["path"]: record for record in json.loads(result.stdout)}
    project = records[str(repository / "README.md")]
    model = records[str(repository / "bart-base-cantonese" / "README.md")]
    assert project["document"] == "project" and project["facts"] == []
    assert [f["code"] for f in project["findings"]] == ["CC007"]
    assert model["document"] == "model_card" and any(f["quantity"] == "emissions" for f in model["facts"])

    text = run("check", repository / "README.md")
    assert text.returncode == 0  # info only: the hook does not fail on the project's README
    assert "a project README, not a model card" in text.stdout and "1 is not a model card." in text.stdout


def test_no_fix_touches_a_file_that_is_not_a_model_card(tmp_path):
    repository = _repository(tmp_path)
    before = (repository / "README.md").read_bytes()
    run("check", "--fix", "--unsafe-fixes", "--fill-template", repository / "README.md")
    assert (repository / "README.md").read_bytes() == before
    assert run("check", "--diff", "--unsafe-fixes", repository / "README.md").returncode == 0


def test_naming_the_model_reads_the_file_as_its_card(tmp_path):
    repository = _repository(tmp_path)
    named = run("check", "--format", "json", "--fail-on", "never", "--model-id", "catundchat/sd-lora",
                repository / "README.md")
    (record,) = json.loads(named.stdout)
    assert record["document"] == "model_card" and "CC007" not in {f["code"] for f in record["findings"]}
    estimate = run("estimate", repository / "README.md")
    assert estimate.returncode == 1 and "not a model card (CC007)" in estimate.stderr


def test_the_folder_listed_by_the_walk_judges_as_a_folder_listed_alone(tmp_path):
    # The walk's listing of a card's folder stands in for a second one: a project README beside
    # a model's config.json is a model card, with the Trainer's facts, found or named alone.
    (tmp_path / "m").mkdir()
    shutil.copyfile(PROJECT, tmp_path / "m" / "README.md")
    (tmp_path / "m" / "config.json").write_text('{"model_type": "bert", "num_hidden_layers": 2}')
    (tmp_path / "m" / "train_results.json").write_text('{"train_runtime": 7200.0}')
    walked = json.loads(run("check", "--format", "json", "--fail-on", "never", tmp_path).stdout)
    named = json.loads(run("check", "--format", "json", "--fail-on", "never", tmp_path / "m" / "README.md").stdout)
    assert walked == named and walked[0]["document"] == "model_card"
    assert any(fact["origin"] == "file" for fact in walked[0]["facts"])
    (tmp_path / "m" / "config.json").unlink()
    (tmp_path / "m" / "train_results.json").unlink()
    walked = json.loads(run("check", "--format", "json", "--fail-on", "never", tmp_path).stdout)
    assert walked[0]["document"] == "project"


def test_a_readme_whose_title_names_a_dataset_is_a_dataset_card(tmp_path):
    # "# ConceptFR dataset": a dataset's README, whose "Carbon print" section ("660 g" for the
    # experiments) is no model's training.
    (tmp_path / "conceptfr").mkdir()
    shutil.copyfile(GOLD / "asnota__conceptfr__README.md", tmp_path / "conceptfr" / "README.md")
    result = run("check", "--format", "json", "--fail-on", "never", tmp_path)
    (record,) = json.loads(result.stdout)
    assert record["document"] == "dataset_card" and record["facts"] == []
    assert "its title names a dataset ('ConceptFR dataset')" in record["findings"][0]["message"]


def test_a_model_s_folder_makes_a_card_with_a_dataset_card_s_keys_a_model_card(tmp_path):
    # BlackKakapo/t5-base-paraphrase-ro-v2's card copied its dataset's metadata (annotations_creators, task_ids, ...):
    # alone, a dataset card's README; beside the model's files (a clone of the model's repository), a model card.
    (tmp_path / "t5").mkdir()
    shutil.copyfile(GOLD / "BlackKakapo__t5-base-paraphrase-ro-v2.md", tmp_path / "t5" / "README.md")
    (record,) = json.loads(run("check", "--format", "json", "--fail-on", "never", tmp_path).stdout)
    assert record["document"] == "dataset_card"
    (tmp_path / "t5" / "config.json").write_text('{"model_type": "t5"}')
    (record,) = json.loads(run("check", "--format", "json", "--fail-on", "never", tmp_path).stdout)
    assert record["document"] == "model_card"
    assert not any(finding["code"] == "CC007" for finding in record["findings"])


def test_a_title_that_names_a_model_trained_on_a_dataset_is_a_model_card():
    from carbon_card.card import parse_card
    from carbon_card.document import document_kind

    for title in ("# BERT fine-tuned on the IMDB dataset", "# Sentiment model for Amazon reviews dataset"):
        assert document_kind(parse_card(f"{title}\n\nIt classifies reviews.\n", "README.md")).is_model_card


def test_a_copy_of_a_hub_model_page_is_a_model_card(tmp_path):
    # PaddleNLP's mirror of Hub READMEs: "## README([From Huggingface](https://huggingface.co/Qwen/...))", the front
    # matter left out, then the card with its "## Requirements": a model card, not a project's README.
    (tmp_path / "qwen").mkdir()
    shutil.copyfile(GOLD / "Qwen__Qwen2.5-7B-Instruct-1M.md", tmp_path / "qwen" / "README.md")
    (record,) = json.loads(run("check", "--format", "json", "--fail-on", "never", tmp_path).stdout)
    assert "## README([From Huggingface](https://huggingface.co/Qwen/Qwen2.5-7B-Instruct-1M))" in (
        GOLD / "Qwen__Qwen2.5-7B-Instruct-1M.md").read_text()
    assert record["document"] == "model_card"
    assert 7.61e9 in {fact["value"] for fact in record["facts"] if fact["quantity"] == "params"}


@pytest.mark.parametrize("text", [
    "Run `git clone https://x` then `pip install -r requirements.txt`.",
    "GİT CLONE the repository; python ſetup.py install; pıp install -r",  # İ, ı and ſ: the pattern's i and s
    "No set-up steps here: clone, install, setup.",
    "No set-up steps here either: agit clone, mysetup.py, requirements.txts, then pip install -r2 and Make Installer",
    "A \u212aelvin sign: MA\u212aE INSTALL; No set-up in the step words, but the pattern's \u212a is a k",
    None,  # the gold cards
])
def test_a_projects_steps_are_looked_for_wherever_the_pattern_finds_them(text):
    # The set-up step is looked for where its words stand: it must be the first the whole text's search finds.
    import re

    from carbon_card.card import parse_card
    from carbon_card.document import _PROJECT_STEP_RE, _project_step

    full = re.compile(_PROJECT_STEP_RE.pattern, _PROJECT_STEP_RE.flags)
    cards = ([parse_card(text.encode(), "README.md")] if text else
             [parse_card(path.read_bytes(), path.name) for path in GOLD.glob("*.md")])
    found = [step.span() if (step := _project_step(card)) else None for card in cards]
    assert found == [step.span() if (step := full.search(card.body)) else None for card in cards]
    assert any(found) == (text is None or "No set-up steps here" not in text)


@pytest.mark.parametrize("name, folder, heading", [
    # HIT-SCIR's Chinese-Mixtral-8x7B README: "## 📥 模型下载" (model download) and "## ⚙️ 训练细节" (training details)
    # beside "#### 环境准备" (set-up): a model's README, as "## Model Details" would make it.
    ("HIT-SCIR__Chinese-Mixtral-8x7B__README.md", "Chinese-Mixtral-8x7B", "\n## ⚙️ 训练细节\n"),
    # Baichuan-13B's README: "# 模型细节" (model details) beside "# 推理和部署" and `pip install -r requirements.txt`.
    ("baichuan-inc__Baichuan-13B__README.md", "Baichuan-13B", "\n# 模型细节\n"),
])
def test_a_model_readme_in_another_language_is_a_model_card_its_sentences_the_document_s(tmp_path, name, folder,
                                                                                           heading):
    # On a repository that describes several models, what its sentences state is the document's.
    (tmp_path / folder).mkdir()
    card = GOLD / name
    shutil.copyfile(card, tmp_path / folder / "README.md")
    assert heading in card.read_text()
    (record,) = json.loads(run("check", "--format", "json", "--fail-on", "never", tmp_path).stdout)
    assert record["document"] == "model_card"
    assert "CC007" not in {finding["code"] for finding in record["findings"]}
    assert not [fact for fact in record["facts"] if fact["chosen"] and fact["reading"] == "sentence"]


def test_a_field_under_a_quick_start_heading_in_another_language_is_no_training_s():
    # "## 快速开始" (quick start) over "本人的软硬件配置（供参考）" (my machine, for reference): "* GPU: NVIDIA GeForce RTX
    # 3090 (24GB) * 8" is the author's machine, as under "## Quick Start"; MiniMind trains on one 3090.
    from carbon_card.card import read_card
    from carbon_card.facts import gather

    card = read_card(GOLD / "jingyaogong__minimind__README.md")
    assert "* GPU: NVIDIA GeForce RTX 3090 (24GB) * 8" in card.text
    facts = gather(card, None, "jingyaogong/minimind")
    line = card.text.splitlines().index("* GPU: NVIDIA GeForce RTX 3090 (24GB) * 8") + 1
    assert not [fact for fact in facts.facts if fact.line == line]
