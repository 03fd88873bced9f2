"""Card bodies built to make a reader slow: each piece repeated to any size (an unclosed `<table`,
"8 x A100" sentences, tables of thousands of rows, placeholders under thousands of headings,
text without a line break). Shared by tests/test_adversarial.py and benchmarks/adversarial.py."""

from __future__ import annotations

PIECES = {
    "unclosed table": "<table",
    "accelerator sentences": "trained 8 x A100 gpu ",
    "pipe table rows": "| Model | Carbon emitted (tCO2eq) | 1.2 |\n",
    "field table rows": "| Hardware Type | 8 x A100 |\n",
    "labelled fields": "- **Hardware Type:** A100\n",
    "co2 words": "co2 ",
    "digits": "1 ",
    "a run of digits": "1",
    "digits and commas": "1,",
    "headings": "# Model 7B emissions\n",
    "headings naming a model": "## Llama 2 7B emissions\nTrained on 8 A100 for 3 days.\n",
    "code fences": "```\n",
    "html comments": "<!-- ",
    "chinese without breaks": "4张A100约4小时训练",
    "took": "It took 3 hours. ",
    "cumulative": "A cumulative of 3 hours of computation ",
    "sizes": "a 7B parameter model with 8 experts ",
    "plain fields": "- Time: 3 hours\n",
    "climate questions": "| 7. How much CO2eq was emitted to train the final model? | N/A |\n",
    "equations": "- **Hardware:** 1 = 2 = 3 TPU\n",
    "bold markers": "**",
    "gpus": "on 128 GPUs ",
    "ranges": "8-12 hours ",
    "html rows": "<tr><td>7B</td><td>1.2 tCO2eq</td></tr>",
    "placeholders under headings": "- **Hardware Type:** [More Information Needed]\n## Environmental Impact\n",
    "suppressions": "<!-- carbon-card: ignore CC203 -->",
    "unclosed suppressions": "<!-- carbon-card: ignore CC203 ",
    "unclosed html comments": "<!-- [More Information Needed] ",
    "yaml-like lines": "co2_eq_emissions: 1 # carbon-card: ignore CC203\n",
    "one table of unclosed rows": ("<tr><td>7B", "<table>", "</table>"),
    "run labels": "*Model 7B pretraining*\n- **Hours used:** 3\n- **Hardware Type:** 8 x A100\n\n",
    "list item fences": "1. Install\n    ```bash\n    pip install x\n",
    "lines of one paragraph": "trained on\n8 A100 for\n",
    "nodes": "We trained on 16 nodes with 4 A100 GPUs each ",
    "fields of nodes": "| Number of Nodes | 8 |\n| GPUs per node | 8 |\n",
    "a fine-tune's pretraining sections": ("### Pretraining\nThe Llama-2-7B model was trained on 8 A100 for 3 days "
                                           "(based on the associated paper).\n",
                                           "# X - Finetuned for NER on Y\nThis model is a fine-tuned version of Z.\n", ""),
    "subjects of paragraphs": "Llama-SEA-LION-v3-8B-IT was fine-tuned in 3 hours on 8x H100. It took 2 days with 4 A100.\n",
    # Blank and illustrated template fields, parts of hours, counts that disagree, non-answers in sentences.
    "template fields of this session": ("- **Hours used:**\n- **Carbon Emitted:** 0.5 kg CO2 (example)\n"
                                        "- **Hours used:** ~3 hours (TPU) + ~2 hours (GPU)\n"
                                        "- **Compute Region:** hours were not publicly reported\n"
                                        "Trained on 2 A100 and on a single V100 for this analysis, 3 kg CO2. ",
                                        "## Environmental Impact\n", ""),
    "references": "## References\n1. A model with 7 billion parameters trained on 8 A100.\n",
    # Counts in words, products and brackets, code-span fields, Chinese hours and scales, columns of accelerators.
    "counts and columns of this session": ("trained on four GPUs, 12x8 GPUs, a single GPU (Titan V), a **Tesla V100** GPU, "
                                           "taking 3 hours in less than 2 days, 2.788M H800 GPU hours, .5 kg CO2. "
                                           "使用6张3090训练，2048个A800 GPU 小时，总参数量为2.75亿，178 小时训练集。\n"
                                           "`GPUs: 2 GeForce GTX 1070`\n| 24-03-22 | 2.27 | 4xV100 32GB |\n",
                                           "| Release | Test WER | GPUs |\n|---|---|---|\n", ""),
    "a bold line of colons": ("**a: b" + ": b" * 100, "", ""),
    "bold labels of field tables": ("| **Carbon Emitted** | ~150 kg CO₂ eq |\n", "| Metric | Value |\n|---|---|\n", ""),
    # Worked-out fields, hours spent otherwise or with the training's time in brackets, "&" in durations, the
    # larger model's and the method's sentences, the Hub documentation's block text in prose.
    "fields and sentences of the latest session": (
        "- **Carbon Emitted:** 250W x 10h = 2.5 kWh x 0.57 kg eq. CO2/kWh = 1.42 kg eq. CO2\n"
        "- **Hours used:** ~1 hour (44.5 minutes training time)\n- Hours used: ~100 hours development\n"
        "The larger model was trained on 256 cloud TPU v3 cores. It can be done on a single GPU in 48 hours. "
        "Training took 6 days & 5 hours. This copy of the model. Training type: pre-training or fine-tuning\n",
        "## Environmental Impact\n\n", ""),
    "a line of equals": ("- **Carbon Emitted:** " + "= 1 kg " * 2000 + "\n", "", ""),
    # Code-span fields, fields tables of training time and hardware, durations cut before a part that is no time,
    # counts in words, ranges "between ... and".
    "fields of this session": ("- **Training Duration:** `13 hours`\n| Training time | ~7 hours, 5700 steps |\n"
                               "| Training hardware | Single NVIDIA RTX 3060 |\n- Training time: 1 hours, "
                               + "2 steps, " * 200 + "\nTrained on between 4 and 8 A100 GPUs, 1-2 kg CO2.\n",
                               "| Item | Value |\n|---|---|\n", ""),
    # Fields ending in a line break, a colon or another cell; counts after the name in brackets or glued after the
    # vendor; size fields with what they count; X's for digits, with and without a unit of CO2.
    "fields and figures of this session": ("**GPUs:** 512 H100-80G<br>\n- Hardware: 384 A100 GPUs (48 nodes):\n"
                                           "- **Hardware Type:** TPU v4  | Number of chips: 4 | Tesla T4 (x2) | NVIDIA "
                                           "2xH200\n- **Parameters:** 1.12B total; 0.45 B (excluding) ~XX kg CO2 "
                                           + "XX " * 50 + "X.X X 9.XX\n", "## Environmental Impact\n\n", " co2"),
    # Rows whose second cell is prose, read as sentences: many rows, and one row of a cell without end.
    "prose cells": ("| **Carbon Footprint** | Pretraining utilized 7680 GPU hours on V100. The model was trained on 8 "
                    "A100 GPUs for 3 days and emitted 5 kg CO2. |\n", "| Item | Details |\n|---|---|\n", ""),
    "one prose cell without end": ("was trained on 8 A100 GPUs for 3 days, ", "| Item | The model ", ""),
    # Labels of sizes with their scale, on one line without end and on many lines.
    "size labels on one line": "parameters (million) model size/M ",
    "size labels": "- Parameters (B): 1.3\n* Model size/M: 87.42\n",
    # An hours field that goes on and on to other durations; durations listed after one; Korean days; hours in
    # brackets spent on something else.
    "durations of an hours field": ("3 hours for pre-training, 1 hour (40 min) ", "- **Hours used:** ", "\n"),
    "durations of this session": "It took ~17 hours to train on A, ~40 hours to train on B and (2 hours of calls, 10일 학습) ",
    "sentences that go on about the one before": "We fine-tuned it. This was carried out on 4 A100 GPU servers, each with 8 "
                                                 "GPUs, 0.37 KgCO2.eq/KWh; ",
    "labelled lines of use and baselines": "- Baseline: 0.05 kWh (24.3 g CO2e)\n* Inference GPU: 1 × V100, 16 TPU-v4 chips\n",
    # Fields after a field on one line without end (each value was cut from the rest, once quadratic); GeForce
    # cards by their numbers; "over" a time after the accelerators.
    "fields on one line": ("Training time: 48h. GPUs: 8; ", "- Hardware: 4 * NVIDIA A100. ", "\n"),
    # Rows without outer pipes, a row's spaces without end (a lazy group before the closing pipe was quadratic).
    "tables without outer pipes": "Model | Hardware | Time (in days)\n ---|:---:|:---:\nm-1B | TPUv3-8 | 9\n",
    "a row of spaces without end": ("  ", "a | b\n-|-\nx |", "y\n"),
    "geforce numbers and over": "We trained on 4x 4090s, two 3090s and 8 GPUs over 3 days, 2 1080 Ti cards; ",
    # The template's fields as a table's rows, and one whose cell of spaces has no closing pipe (spaces matched before
    # the value's group were rescanned to the line's end once per space: quadratic).
    "template rows": ("| Hours used | — |\n| Compute region | TBD |\n", "## Environmental Impact\n", ""),
    "a template row of spaces without end": ("  ", "## Environmental Impact\n| Hours used | ", "x\n"),
    "a question row of spaces without end": ("  ", "| How much CO2eq was emitted to train the final model? | ", "x\n"),
    # COMPL-AI's fields, a heading each, their values hidden in comments or left as dashes; and a co2_eq_emissions block
    # in a code block after each mention of emissions.
    "heading fields and quoted blocks": "## num_gpus\n<!--- n -->\n-\n\n## time_to_train\n\nCO2 emissions:\n```\n"
                                        "co2_eq_emissions:\n  emissions: 1.2 (in kg)\n```\n",
    # One label's fields under sibling headings, each disagreeing (CC405 asks which section each stands in); fields
    # nested under items of inference; sizes' variants introduced; headings about other models.
    "sections of one shape and nested uses": ("#### Platform 1\n- **Training Time**: 3 minutes\n- **Location**: India\n"
                                              "#### Platform 2\n- **Training Time**: 5 minutes\n- **Location**: Spain\n"
                                              "- **Inference**:\n    - **Hardware Used**: 1 x T4\n        - GPU: 0 kWh\n"
                                              "Emissions for training the 3B variant:\n- **Carbon Emitted:** 2 kg CO2\n"
                                              "### About Llama-2 7B model\nTrained on 8 A100 for 3 days.\n"),
    # Decimal commas and figures either convention could read (the text is looked at once, on the first such figure);
    # a run named by the model it trains; nodes named by their accelerator; a clock's minutes.
    "decimal commas of one text": "PUE 1,4; 271,7 h; 447,327 kg CO₂eq; | Emisiones de CO₂ | 283,482 kg |\n"
                                  "It takes 4 days to finetune m-135m-code on 4 MI250 nodes each of which has 4 MI250 GPUs. "
                                  "2017年10月14日0时25分，160张40GB的A100。\n",
    # The thirteenth session's readers: the size the model is, glued hours, ranges and bounds in Chinese, Russian scales,
    # plain size fields, sizes compared with, counts of IPUs and of a fine-tuner's environment.
    "sizes the model is and glued hours": "This is a 1.8B model. Trained on 4xA100s for 6H, 2 weeks per model (~10hr). "
                                          "训练仅使用1~2张V100，3到5天以上，32个NVIDIA A100，模型参数大小130亿。125 млн параметров.\n"
                                          "- Model Size: 8.03B\n- cuda_device_count: 2\n82M parameters (compared to 125M "
                                          "parameters for X) on 16 Graphcore Mk2 IPUs; 4090 x 2.\n",
    # The sixteenth session's readers: paper abstracts, overlapping anchors' windows searched as one stretch, worked
    # examples, birthdays, hours in titles, checkpoints a sentence names and rows after a maker's word.
    "abstracts, examples and anchors' stretches": "**Abstract**\nUsing a 1B parameter model. NVIDIA A100 GPU x 8 Tesla "
                                                  "V100 GPUs. In this example we achieve 1. Fine-tuning takes 43 minutes. "
                                                  "GuyWithThePie (🎂 in 1 week). This l6-h384 checkpoint has 22 million "
                                                  "parameters.\n# Wav2Vec2 - Finetuned on Librispeech (960 hours)\n"
                                                  "| TUNiB-Electra-ko-en-base | 133M |\n",
    # The nineteenth session's: emissions in sentences that disagree, each figure weighed against the others (a
    # thousand figures, the cap, are grouped by bisection, not pair by pair); a mass "de" CO2.
    "emissions in sentences that disagree": "The training emitted 1.2 kg CO2eq. An e-mail emits 4 gCO₂eq; a shower 1.88 "
                                            "kg CO2. Run 2 emitted 7.9 g CO2eq, i.e. 0,0079 kg de CO₂.\n",
    # The twentieth session's: counts in Chinese numerals and machines of cards, "卡" in every graphics card, a GeForce
    # number after its maker's name, what a card allows, and the totals' fields.
    "counts in chinese and totals' fields": "训练使用了十台八卡A100，一张3090/4090可全参数微调，两张显卡 4 x Nvidia 4090 "
                                            "can be fine-tuned on a single NVIDIA GeForce 3090 Ti.\n- Total wall time: "
                                            "`4.45` minutes\n- Total training runtime: ~11 minutes\n",
    # The twenty-first session's: the released models' training under a heading about use, what a command needs, a
    # count of GPUs named in brackets, a CO₂ column over rows of activities, and a figure after a bold label.
    "released models, commands and activities": "## How To Use\nThe pre-trained models provided here were trained on "
                                                "8xV100. Below is a command that works on a machine with 4 A100 GPUs, "
                                                "4 gpu(Tesla V100).\n| Resource | CO₂ equivalent (estimate) |\n|---|---|\n"
                                                "| Colab T4 inference (ablations) | ~5g CO₂ |\n**Infrastructure**: 4x "
                                                "Tesla v100\n",
    # The twenty-second session's: a Chinese total, thousands separated by dots, a field's full stop, a title in a code
    # block, under a model card's heading without front matter.
    "a chinese total and dotted thousands": "## Model Details\n拥有3890亿总参数和520亿激活参数, 8 milyar parametreli.\n- "
                                            "**Parameters:** 13.444.287.\n```python\n# 单轮数据格式\n```\n1.234.567.",
}


def card(piece: str | tuple[str, str, str], size: int) -> str:
    """A card of `size` characters of body: front matter, then `piece` repeated (a piece given as
    (piece, before, after) is repeated between the two)."""
    piece, before, after = piece if isinstance(piece, tuple) else (piece, "", "")
    return "---\nlicense: mit\n---\n" + before + (piece * (size // len(piece) + 1))[:size] + after
