"""`autograder check-evidence`: one JSON object on stdout, exit 0 / 1 / 2 as the contract says."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

AUTOGRADER = Path(sys.executable).parent / "autograder"


def check(*args: str) -> tuple[int, dict]:
    result = subprocess.run([str(AUTOGRADER), "check-evidence", *args], capture_output=True, text=True, timeout=60)
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 1, result.stdout + result.stderr  # exactly one JSON object
    return result.returncode, json.loads(lines[0])


def test_verbatim_and_about_the_consideration_exits_0():
    code, out = check("--source", "brotherhood-commentary", "--consideration", "economy",
                      "Pakistan's economy is in the ICU, heavily dependent on IMF bailout packages")
    assert code == 0
    assert out["found"] is True and out["about"] is True and out["arguable"] is False
    assert out["source"] == "brotherhood-commentary"
    assert out["sentence_ids"] == ["brotherhood-commentary-s023"]
    assert "economy" in out["considerations"]
    assert out["reason"] == "Found in the “Brotherhood” commentary, in a sentence about The economy."


def test_found_but_about_something_else_exits_1_and_names_it():
    code, out = check("--source", "iess-analysis", "--consideration", "economy",
                      "The Durand Line issue may also have some, albeit limited, impact.")
    assert code == 1
    assert out["found"] is True and out["about"] is False
    assert out["considerations"] == ["durand_line"]
    assert out["reason"] == "Found in the IESS analysis, but its sentence is about The Durand Line, not The economy."


def test_not_found_exits_1_with_the_closest_sentence():
    code, out = check("--source", "brotherhood-commentary", "--consideration", "economy",
                      "Pakistan's economy is in intensive care, heavily dependent on IMF bailout packages")
    assert code == 1
    assert out["found"] is False and out["about"] is False and out["sentence_ids"] == []
    assert out["reason"].startswith("Not found word for word in the “Brotherhood” commentary")
    assert out["closest_passage"].startswith("Pakistan’s economy is in the ICU")


def test_quote_from_the_other_article_exits_1_and_names_that_article():
    code, out = check("--source", "iess-analysis", "--consideration", "economy",
                      "Pakistan's economy is in the ICU, heavily dependent")
    assert code == 1
    assert out["found"] is False and out["source"] == "brotherhood-commentary"
    assert out["reason"].startswith("Found, but in the “Brotherhood” commentary, not in the IESS analysis")


def test_ellipsis_dropping_not_exits_1_and_says_so():
    code, out = check("--consideration", "russian_recognition",
                      "Officials have stated, “We will … make any decision until the Taliban ensures")
    assert code == 1 and out["found"] is False
    assert "leaves out “not”" in out["reason"]


def test_without_source_or_consideration_any_article_and_what_it_bears_on():
    code, out = check("calling the Taliban their brothers")
    assert code == 0
    assert out["found"] is True and out["about"] is None and out["source"] == "brotherhood-commentary"
    assert out["considerations"] == ["brotherhood_2021"]
    assert "bears on The 2021 “brotherhood”" in out["reason"]


@pytest.mark.parametrize("args, message", [
    ([""], "the quote is empty"),
    (["too few words"], "the quote has 3 word(s); quote at least 4 words"),
    (["--source", "nyt", "four words are enough here"], "unknown source id 'nyt'; known sources:"),
    (["--consideration", "trade", "four words are enough here"], "unknown consideration id 'trade'; known considerations:"),
    (["word " * 500], "too long to be a quote"),
])
def test_unusable_input_exits_2_with_a_json_error(args, message):
    code, out = check(*args)
    assert code == 2
    assert set(out) == {"error"} and message in out["error"]


def test_help_describes_every_option():
    result = subprocess.run([str(AUTOGRADER), "check-evidence", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for option in ("--source ID", "--consideration ID", "QUOTE", "exit 0", "exit 1", "exit 2", "ellipsis"):
        assert option in text, option
