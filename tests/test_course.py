"""course.py on its own: the course folder, student folders (never following links), special files,
and `open_course` from inside exercises/; plus the grade verb's argument checks (no sandbox needed)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from helpers.cli import run_cli
from helpers.grading import build_course, write_submission

from autograder.course import Course, open_course, special_file_problem, valid_student_id

A = "reading_the_sources"


@pytest.fixture
def course(tmp_path):
    return Course(build_course(tmp_path / "course"))


@pytest.mark.parametrize("name, ok", [("ada", True), ("a.b@c-d_e", True), ("frank smith", False), ("=1+2", False),
                                      ("-rf", False), (".hidden", False), ("a\nb", False), ("x" * 101, False)])
def test_student_ids(name, ok):
    assert valid_student_id(name) is ok


def test_submission_folders_report_each_problem_without_following_links(course, tmp_path):
    write_submission(course.root, "ada", A, {})
    write_submission(course.root, "frank smith", A, {})
    write_submission(course.root, "other", "domestic_considerations", {})
    outside = tmp_path / "outside" / A
    outside.mkdir(parents=True)
    (course.root / "submitted" / "linked").symlink_to(outside.parent)
    (course.root / "submitted" / "inner").mkdir()
    (course.root / "submitted" / "inner" / A).symlink_to(outside)
    (course.root / "submitted" / "stray.txt").write_text("x")
    folders = {f.student: f.problem for f in course.submission_folders(A)}
    assert set(folders) == {"ada", "frank smith", "linked", "inner"}
    assert folders["ada"] is None
    assert "valid student id" in folders["frank smith"]
    assert "symbolic link" in folders["linked"] and str(outside) not in folders["linked"]
    assert "not a plain folder" in folders["inner"]
    assert course.students_with_submissions(A) == sorted(folders)


def test_special_files_anywhere_in_the_submission(tmp_path):
    folder = tmp_path / "sub"
    (folder / "deep" / "er").mkdir(parents=True)
    (folder / "nb.ipynb").write_text("{}")
    assert special_file_problem(folder) is None
    (folder / "deep" / "er" / "link").symlink_to("/etc/passwd")
    problem = special_file_problem(folder)
    assert "deep/er/link" in problem and "symbolic link" in problem and "passwd" not in problem
    (folder / "deep" / "er" / "link").unlink()
    os.mkfifo(folder / "deep" / "fifo")
    assert "not a regular file" in special_file_problem(folder)
    (folder / "deep" / "fifo").unlink()
    solution = tmp_path / "source" / "solution.ipynb"  # e.g. the instructor's notebook, same file system
    solution.parent.mkdir()
    solution.write_text("{}")
    os.link(solution, folder / "deep" / "nb2.ipynb")
    problem = special_file_problem(folder)
    assert "deep/nb2.ipynb" in problem and "hard link" in problem and "solution" not in problem


def test_open_course_from_inside_the_course_folder(course, monkeypatch, capsys):
    monkeypatch.chdir(course.root)
    found = open_course("exercises", [A], "grade")
    assert found is not None and found.root == course.root
    assert open_course("exercises", ["nope"], "grade") is None
    assert "unknown assignment 'nope'" in capsys.readouterr().err
    monkeypatch.chdir(course.root.parent)
    assert open_course("exercises", [A], "grade") is None
    assert "not a course folder" in capsys.readouterr().err


def test_grade_refuses_bad_arguments(course):
    write_submission(course.root, "ada", A, {})
    for bad in ("-5", "0", "abc"):
        result = run_cli("grade", A, "--course", str(course.root), "--timeout", bad, "--unsafe-no-sandbox")
        assert result.returncode == 2 and "--timeout" in result.stderr, bad
    result = run_cli("grade", A, "--course", str(course.root), "--workers", "0", "--unsafe-no-sandbox")
    assert result.returncode == 2 and "--workers" in result.stderr
    result = run_cli("grade", A, "--course", str(course.root), "--student", "zed", "--unsafe-no-sandbox")
    assert result.returncode == 2 and "zed" in result.stderr and "ada" in result.stderr


def test_grade_help_describes_every_option():
    text = run_cli("grade", "--help").stdout
    entries = re.split(r"\n  (?=-)", text.split("options:", 1)[1])
    for option in ("--course", "--workers", "--timeout", "--student", "--force", "--scheduler", "--cold",
                   "--unsafe-no-sandbox", "--quiet"):
        entry = next(e for e in entries if e.split() and e.split()[0] == option)
        words = entry.split()[1:]
        assert len(words) >= 3, (option, entry)  # a description, not just the option's name


def test_course_needs_a_source_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a course folder"):
        Course(tmp_path)
    assert isinstance(Course(build_course(tmp_path / "c")).root, Path)
