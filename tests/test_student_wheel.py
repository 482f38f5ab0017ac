"""The wheel students install holds the course library and its data, nothing of the grader
(issue 12 item 7, review R5): this opens the built wheel itself, and installs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from helpers import ROOT

sys.path.insert(0, str(ROOT / "packaging"))
import student_wheel  # noqa: E402 (a build script, not a package)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return student_wheel.build(tmp_path_factory.mktemp("wheel"))


def test_the_file_name_is_the_one_students_are_told(wheel):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert wheel.name == f"pakistan_taliban_recognition-{version}-py3-none-any.whl"


def test_only_the_course_library_is_inside(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"considerations"}
    assert not [n for n in names if "autograder" in n or "/keys" in n or "exercises" in n or "tests/" in n]
    assert not [n for n in names if n.endswith("entry_points.txt")]  # no `autograder` command
    for name in names:  # no solutions, keys or answer tables, whatever the file is called
        content = zipfile.ZipFile(wheel).read(name)
        assert b"### BEGIN SOLUTION" not in content and b"KEYS = {" not in content, name


def test_the_data_is_inside_without_the_answer_tables(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in ("sources.csv", "claims.csv", "sentences.csv", "readings.csv", "considerations.csv"):
        assert f"considerations/_data/{table}" in names
    assert {f"considerations/_data/sources/{p.name}" for p in (ROOT / "data" / "sources").glob("*.txt")} <= names
    assert "considerations/_course.toml" in names
    for table in student_wheel.INSTRUCTOR_ONLY:
        shipped = zipfile.ZipFile(wheel).read(f"considerations/_data/{table}").decode()
        assert shipped.count("\n") <= 1, f"{table} ships rows: answers to graded questions"


def test_its_description_is_the_student_readme(wheel):
    archive = zipfile.ZipFile(wheel)
    metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    message = Parser().parsestr(archive.read(metadata).decode())
    body = message.get_payload()
    assert body.strip() == (ROOT / "considerations" / "README.md").read_text().strip()
    assert "make test" not in body and "autograder" not in body
    assert "pip install pakistan_taliban_recognition-" in body


def test_installed_alone_it_loads_the_data_and_has_no_grader(wheel, tmp_path):
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                              "--target", str(target), str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    assert not (target / "bin").exists()  # no console script
    # -S: no site-packages processing, so the checkout's editable install (a .pth naming the
    # repository) is not on the path; the venv's libraries are, as plain folders.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), sysconfig.get_paths()["purelib"]])}
    env.pop("CONSIDERATIONS_DATA", None)
    code = ("import considerations, importlib.util as u;"
            "from considerations.paths import data_dir;"
            "print(considerations.__file__); print(data_dir());"
            "print(len(considerations.load_claims()));"
            "print(considerations.verify_quote('Pakistan has so far acted cautiously').found);"
            "print(u.find_spec('autograder'))")
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    module, data, claims, found, grader = result.stdout.split("\n")[:5]
    assert module.startswith(str(target)) and data == str(target / "considerations" / "_data")
    assert int(claims) > 100 and found == "True" and grader == "None"
    check = subprocess.run([sys.executable, "-S", "-m", "considerations"], capture_output=True, text=True, env=env,
                           cwd=tmp_path)
    assert check.returncode == 0 and "is valid" in check.stdout, check.stdout + check.stderr


def test_the_instructor_install_still_has_the_autograder_command():
    # The repository's pyproject.toml (pip install -e ".[course,test]") keeps the grader and its command.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["autograder"] == "autograder.cli:main"
    assert (Path(sys.executable).parent / "autograder").is_file()
