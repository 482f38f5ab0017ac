"""The `autograder` command-line contract that instructors script against."""

import json

from helpers.cli import run_cli


def test_sources_lists_both_articles():
    result = run_cli("sources")
    assert result.returncode == 0
    lines = result.stdout.strip().split("\n")
    ids = [line.split("\t")[0] for line in lines]
    assert ids == ["iess-analysis", "brotherhood-commentary"]
    assert all(len(line.split("\t")) == 2 and line.split("\t")[1] for line in lines)


def test_verify_quote_found():
    result = run_cli("verify-quote", "the Taliban’s shrewd economic strategy of diversifying trade")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["found"] is True and out["source"] == "iess-analysis"
    assert set(out) == {"found", "source", "start", "end", "passage"}
    from considerations import load_sources

    body = load_sources()["iess-analysis"].body
    assert body[out["start"] : out["end"]] == "the Taliban’s shrewd economic strategy of diversifying trade"
    assert out["passage"] in body


def test_verify_quote_with_source_not_found():
    result = run_cli("verify-quote", "--source", "iess-analysis", "Pakistan’s economy is in the ICU")
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert out["found"] is False and out["closest_passage"]


def test_verify_quote_unusable_input_exits_2_with_one_line():
    for args in (["verify-quote", ""], ["verify-quote", "too few words"], ["verify-quote", "--source", "nyt", "four words are enough here"]):
        result = run_cli(*args)
        assert result.returncode == 2, args
        assert result.stdout == ""
        assert len(result.stderr.strip().split("\n")) == 1 and result.stderr.strip()


def test_grade_refuses_without_a_sandbox(tmp_path):
    """With no bubblewrap on PATH, grading stops and says why, unless explicitly unsafe."""
    import os
    import shutil
    from pathlib import Path

    course = tmp_path / "course"
    shutil.copytree(Path(__file__).resolve().parent.parent / "exercises" / "source", course / "source")
    env = {**os.environ, "PATH": str(tmp_path / "empty-bin")}
    result = run_cli("grade", "reading_the_sources", "--course", str(course), env=env)
    assert result.returncode == 2
    assert "refusing to run student code without a sandbox" in result.stderr
    assert "--unsafe-no-sandbox" in result.stderr
    assert not (course / "gradebook.db").exists()


def test_a_caller_in_process_gets_its_collector_back(tmp_path, capsys):
    """`grade` turns garbage collection off while it starts up and freezes its start-up objects, and the
    command freezes the heap before the process ends; a program that calls `main(argv)` (a notebook, a
    course script) keeps its collector on and nothing of its own frozen, whatever the verb returned."""
    import gc

    from autograder.cli import main

    course = tmp_path / "course"
    (course / "source" / "reading_the_sources").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    assert gc.isenabled() and gc.get_freeze_count() == 0
    code = main(["grade", "no_such_assignment", "--course", str(course), "--unsafe-no-sandbox", "--quiet"])
    assert code == 2, capsys.readouterr()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert main(["sources"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
