"""`autograder export`: the CSV an instructor opens in a spreadsheet.

Golden rows: tests/golden/<scenario>/row.csv (header and the scenario's row), rendered from
the same stored results as the feedback pages; UPDATE_GOLDEN=1 regenerates them (see
tests/test_feedback.py).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from helpers.reporting import (ASSIGNMENT, GOLDEN, SCENARIOS, STORED, check_golden, cli, fixed_reference, load_scenario,
                               make_course)

from autograder.commands.export import header, row
from autograder.reporting import submission_view

NUMERIC = {"auto_score", "manual_score", "total", "max_score"}
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_text(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header(ASSIGNMENT), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def scenario_row(name: str) -> dict:
    stored, manual = load_scenario(name)
    student = stored.get("student") if isinstance(stored.get("student"), str) else name
    with fixed_reference():
        view = submission_view(stored, student, ASSIGNMENT, folder=Path("/course/feedback"), manual=manual)
        return row(view, header(ASSIGNMENT)[3:-7])


def assert_formula_safe(record: dict) -> None:
    for column, value in record.items():
        if not isinstance(value, str) or not value.lstrip(" ").startswith(FORMULA):
            continue
        if column in NUMERIC or column.startswith("q"):
            float(value)  # a score may be negative; it must still be a plain number
        else:
            assert value.startswith("'"), (column, value)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_golden_rows(scenario):
    check_golden(GOLDEN / scenario / "row.csv", csv_text([scenario_row(scenario)]))


def test_rows_say_what_the_instructor_needs():
    bob = scenario_row("partly_wrong_quote")
    assert bob["q7_timeline"] == "2.33" and bob["q9_which_witness"] == "0"
    assert bob["needs_manual_grading"] == "no" and bob["total"] == "5.33"
    carol = scenario_row("hand_graded_essay")
    assert carol["q9_which_witness"] == "3" and carol["manual_score"] == "3" and carol["total"] == "6"
    alice = scenario_row("right")
    assert alice["q9_which_witness"] == "" and alice["needs_manual_grading"] == "yes"
    dave = scenario_row("failed_run")
    assert dave["status"] == "failed" and "60 seconds" in dave["failure"] and "q5_loaded_language_answer" in dave["failure"]
    frank = scenario_row("invalid_folder")
    assert frank["status"] == "invalid" and "not a valid student id" in frank["failure"]


def test_hostile_strings_are_formula_safe_and_broken_results_noted():
    mallory = scenario_row("hostile_strings")
    assert_formula_safe(mallory)
    assert mallory["failure"] == "" or mallory["failure"].startswith("'")
    assert "=cmd|" in mallory["notes"]  # kept for the instructor, inside a cell that starts safely
    assert "could not be read" in mallory["notes"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stored=STORED)
def test_any_stored_result_exports_a_formula_safe_row(stored):
    view = submission_view(stored, "=HYPERLINK(\"x\")", ASSIGNMENT, folder=Path("/course/feedback"),
                           manual={(ASSIGNMENT, "q9_which_witness"): (2.0, "=1+1")})
    record = row(view, header(ASSIGNMENT)[3:-7])
    assert record["student"].startswith("'=")
    assert_formula_safe(record)
    csv_text([record])


# --- the command ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_export_lists_every_folder_with_its_reason_and_creates_the_target_folder(tmp_path):
    course = make_course(tmp_path, ["right", "failed_run", "hostile_strings", "invalid_folder"])
    (course / "submitted" / "=2+5" / ASSIGNMENT).mkdir(parents=True)  # a formula as a folder name
    (course / "submitted" / "gina" / ASSIGNMENT).mkdir(parents=True)  # not graded yet
    (course / "autograded" / "zoe" / ASSIGNMENT).mkdir(parents=True)
    (course / "autograded" / "zoe" / ASSIGNMENT / "autograder.json").write_text("[1, 2")  # damaged
    target = tmp_path / "new" / "folder" / "grades.csv"
    result = cli("export", ASSIGNMENT, "--course", str(course), "--to", str(target))
    assert result.returncode == 0, result.stderr
    assert "created the folder" in result.stderr
    rows = {r["student"]: r for r in csv.DictReader(target.open(encoding="utf-8"))}
    assert set(rows) == {"alice", "dave", "mallory", "frank smith", "'=2+5", "gina", "zoe"}
    assert rows["'=2+5"]["status"] == "invalid" and "not a valid student id" in rows["'=2+5"]["failure"]
    assert rows["gina"]["status"] == "not graded" and "autograder grade" in rows["gina"]["failure"]
    assert rows["zoe"]["status"] == "failed" and "damaged" in rows["zoe"]["failure"]
    assert rows["dave"]["status"] == "failed"
    for record in rows.values():
        assert_formula_safe(record)
    # The problems are on the terminal too, without escape sequences.
    assert "frank smith: invalid" in result.stderr and "\x1b" not in result.stderr


def test_export_to_a_folder_or_an_unwritable_place_is_a_clear_error(tmp_path):
    course = make_course(tmp_path, ["right"])
    result = cli("export", ASSIGNMENT, "--course", str(course), "--to", str(tmp_path))
    assert result.returncode == 2 and "is a folder" in result.stderr and "Traceback" not in result.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = cli("export", ASSIGNMENT, "--course", str(course), "--to", str(blocker / "g.csv"))
    assert result.returncode == 2 and "cannot write" in result.stderr and "Traceback" not in result.stderr


def test_export_to_standard_output(tmp_path):
    course = make_course(tmp_path, ["right"])
    result = cli("export", ASSIGNMENT, "--course", str(course), "--to", "-")
    assert result.returncode == 0
    assert next(csv.DictReader(io.StringIO(result.stdout)))["student"] == "alice"


@pytest.mark.parametrize("verb,pieces", [
    ("export", ["the assignment to export", "--course DIR", "--to FILE", "standard output", "created"]),
    ("release", ["--course DIR", "--to DIR", "notebooks"]),
])
def test_help_describes_the_arguments_and_every_option(verb, pieces):
    text = cli(verb, "--help").stdout
    for piece in pieces:
        assert piece in text, (verb, piece, text)


def test_stored_scenarios_are_json():
    for name in SCENARIOS:
        json.loads((GOLDEN / name / "stored.json").read_text())
