"""The pipeline (`carbon_card.pipeline`) and the formats registry (`carbon_card.formats`), as
`check` uses them: real cards of the gold corpus, the real command line (click's runner)."""

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import CORPUS, ROOT

import carbon_card.estimate
from carbon_card import formats
from carbon_card.card import parse_card, read_card
from carbon_card.cli import cli
from carbon_card.formats import FORMATS, Format
from carbon_card.formats.records import record
from carbon_card.pipeline import Result, Settings, run
from carbon_card.rules import RULES

GOLD = CORPUS / "gold" / "cards"
# A card that states its size, accelerators and training time ("approximately 10 days for Yi-VL-34B") and no
# emissions: --unsafe-fixes writes carbon-card's estimate from its compute (tier T2).
ESTIMATED = "01-ai__Yi-VL-34B"
# A card whose reported emissions CC501 holds against the estimate of its own facts ("Carbon Emitted: 2500 g" beside a
# "Model size" of 7B: 8e-05x what they imply).
CROSS_CHECKED = "bilirkesi__turkish-nlp__models_osmanlica-v1_model_card"


def lay_out(tmp_path, *stems):
    """The gold cards as `<stem>/README.md` folders, as check finds cards."""
    for stem in stems:
        (tmp_path / stem).mkdir()
        shutil.copyfile(GOLD / f"{stem}.md", tmp_path / stem / "README.md")
    return tmp_path


@pytest.fixture
def estimates(monkeypatch):
    """The facts of every call of the real estimator (wrapped, not replaced)."""
    real = carbon_card.estimate.estimate
    calls = []

    def counted(facts, **kwargs):
        calls.append(facts)
        return real(facts, **kwargs)

    monkeypatch.setattr(carbon_card.estimate, "estimate", counted)
    return calls


def _same(a, b):
    return (a.facts, a.problems, a.model_name) == (b.facts, b.problems, b.model_name)


def test_the_estimate_is_computed_once_for_the_rules_the_patch_and_the_report(tmp_path, estimates):
    folder = lay_out(tmp_path, ESTIMATED) / ESTIMATED
    result = run(read_card(folder / "README.md"), folder, Settings(unsafe_fixes=True), want_patch=True)
    written = record(result, show_diff=True)
    # The patch wrote the estimate and the report shows it: both from one computation.
    assert "estimate by carbon-card" in written["diff"]
    assert written["estimate"]["tier"] == "T2"
    assert result.estimate is result.estimate
    assert len([facts for facts in estimates if facts is result.facts]) == 1
    # The patch's second round (on the patched card, new facts) is the only other estimate.
    assert not any(_same(facts, result.facts) for facts in estimates if facts is not result.facts)


def test_the_cross_check_takes_the_cards_estimate(estimates):
    # CC501's own example: every fact is said in a structured place, so the cross-check's facts
    # are the card's, and the report's estimate is the one the rule computed.
    result = run(parse_card(RULES["CC501"].bad.card.encode(), "model/README.md"))
    assert [f.code for f in result.assessment.findings] == ["CC501"]
    assert estimates == [result.facts]
    assert result.estimate.cross_check is not None
    assert estimates == [result.facts]


def test_a_cross_check_on_fewer_facts_is_its_own_estimate(tmp_path, estimates):
    # A card that also states figures in sentences: CC501 weighs its structured facts only, a
    # different estimate from the card's; each is computed once.
    folder = lay_out(tmp_path, CROSS_CHECKED) / CROSS_CHECKED
    result = run(read_card(folder / "README.md"), folder)
    assert "CC501" in {f.code for f in result.assessment.findings}
    assert len(estimates) == 1 and len(estimates[0].facts) < len(result.facts.facts)
    assert result.estimate.tier == "T1"
    assert len(estimates) == 2 and estimates[1] is result.facts


def test_text_output_computes_no_estimate(tmp_path, estimates):
    folder = lay_out(tmp_path, ESTIMATED)
    outcome = CliRunner().invoke(cli, ["check", "--fail-on", "never", str(folder)])
    assert outcome.exit_code == 0, outcome.output
    assert estimates == []


def test_check_estimates_no_facts_twice(tmp_path, estimates):
    """Over real cards with every output that needs the estimate: no card's facts are
    estimated twice (the rules, the patch and the JSON record share one)."""
    folder = lay_out(tmp_path, ESTIMATED, CROSS_CHECKED, "openai-community__gpt2-xl", "Den4ikAI__DLM_CHITCHAT_500M")
    outcome = CliRunner().invoke(cli, ["check", "--format", "json", "--diff", "--unsafe-fixes", "--fill-template",
                                       "--fail-on", "never", str(folder)])
    assert outcome.exit_code == 0, outcome.output
    records = json.loads(outcome.output)
    assert len(records) == 4 and all(r["estimate"]["tier"] != "none" for r in records)
    assert sum("estimate by carbon-card" in (r["diff"] or "") for r in records) >= 3
    assert len(estimates) >= 4
    for i, facts in enumerate(estimates):
        assert not any(_same(facts, other) for other in estimates[i + 1:]), facts.model_name


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_registered_format_is_an_output_of_check(name, monkeypatch):
    arguments = ["check", "--output-format", name, "--fail-on", "never", str(ROOT / "examples")]
    plain = CliRunner().invoke(cli, arguments)
    assert plain.exit_code == 0 and plain.stdout, plain.output
    seen = []
    registered = formats.format_class(name)

    class Watched(registered):
        def begin(self):
            seen.append("begin")
            super().begin()

        def result(self, result):
            seen.append(result.card.path)
            super().result(result)

        def end(self, summary):
            seen.append("end")
            super().end(summary)

    monkeypatch.setitem(FORMATS, name, Watched)
    watched = CliRunner().invoke(cli, arguments)
    assert watched.stdout == plain.stdout
    assert seen == ["begin", str(ROOT / "examples" / "bad" / "README.md"),
                    str(ROOT / "examples" / "good" / "README.md"), "end"]


class Tiers(Format):
    """A format only this test knows: each card's path and tier, then the number of cards."""

    def result(self, result: Result) -> None:
        self.out.write(f"{result.card.path} {result.assessment.disclosure_tier.split()[0]}\n")

    def end(self, summary) -> None:
        self.out.write(f"{summary.cards} cards\n")


def test_a_format_added_to_the_registry_needs_no_change_in_check(monkeypatch, tmp_path):
    monkeypatch.setitem(FORMATS, "tiers", Tiers)
    assert "tiers" in CliRunner().invoke(cli, ["check", "--help"]).output
    folder = lay_out(tmp_path, ESTIMATED, CROSS_CHECKED)
    outcome = CliRunner().invoke(cli, ["check", "--format", "tiers", str(folder)])
    assert outcome.stdout == (f"{folder / ESTIMATED / 'README.md'} T2\n"
                              f"{folder / CROSS_CHECKED / 'README.md'} T1\n2 cards\n")
    assert outcome.exit_code == 1  # the findings' verdict, as every format
    unknown = CliRunner().invoke(cli, ["check", "--format", "nope", str(folder)])
    assert unknown.exit_code == 2 and "'nope' is not one of" in unknown.output


def test_markdown_is_the_job_summary_of_github_comment(tmp_path):
    """`check --format markdown --diff` writes what `github-comment` appends to the job summary
    from the JSON report of the same cards."""
    folder = lay_out(tmp_path, ESTIMATED, CROSS_CHECKED)
    options = ["--diff", "--unsafe-fixes", "--fail-on", "never", str(folder)]
    report = tmp_path / "report.json"
    report.write_text(CliRunner().invoke(cli, ["check", "--format", "json", *options]).stdout)
    summary = tmp_path / "summary.md"
    done = CliRunner().invoke(cli, ["github-comment", "--report", str(report), "--summary", str(summary), "--no-annotations",
                                    "--no-comment"])
    assert done.exit_code == 0, done.output
    markdown = CliRunner().invoke(cli, ["check", "--format", "markdown", *options])
    assert markdown.exit_code == 0
    assert "estimate by carbon-card" in markdown.stdout
    assert markdown.stdout == summary.read_text()
