"""``manage.py solve_schedule``: a summary line and a solution, or exit 2 and one line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from matchmaking.scheduling import load_instance, parse_solution, validate
from tests.matchmaking.scheduling.builders import base, changed, examples_dir

ROOT = Path(__file__).resolve().parents[3]


def test_solve_schedule_writes_a_valid_solution_and_one_summary_line(tmp_path, capsys):
    target = tmp_path / "solution.json"

    call_command(
        "solve_schedule", str(examples_dir() / "tiny.json"), str(target), "--time-limit", "10"
    )

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("tiny-wallonie: priority total 10, scheduled 5/5, idle holes 2, ")
    assert lines[0].endswith(" s")
    instance = load_instance(examples_dir() / "tiny.json")
    report = validate(instance, parse_solution(json.loads(target.read_text())))
    assert (report.violations, report.priority_total) == ((), 10)
    assert [p.name for p in tmp_path.iterdir()] == ["solution.json"]


def test_solve_schedule_unknown_participant_exits_2_and_writes_nothing(tmp_path):
    source = tmp_path / "instance.json"
    source.write_text(json.dumps(changed(base(), "requests.1.b", "p9")))
    target = tmp_path / "solution.json"

    with pytest.raises(CommandError) as caught:
        call_command("solve_schedule", str(source), str(target))

    assert caught.value.returncode == 2
    assert str(caught.value) == f"{source}: requests[1] 'r2'.b: unknown participant 'p9'"
    assert not target.exists()


def test_solve_schedule_huge_priority_exits_2_and_writes_nothing(tmp_path):
    # A priority of 1e30 used to reach CP-SAT and crash it (a traceback, exit 1).
    source = tmp_path / "instance.json"
    source.write_text(json.dumps(changed(tiny(), "requests.0.priority", 1e30)))
    target = tmp_path / "solution.json"

    with pytest.raises(CommandError) as caught:
        call_command("solve_schedule", str(source), str(target), "--time-limit", "5")

    assert caught.value.returncode == 2
    assert str(caught.value) == (
        f"{source}: requests[0] 'r1'.priority: must be at most 1000000, not 1e+30"
    )
    assert not target.exists()


def tiny() -> dict:
    return json.loads((examples_dir() / "tiny.json").read_text())


def test_solve_schedule_unreadable_file_exits_2(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("solve_schedule", str(tmp_path / "absent.json"), str(tmp_path / "out.json"))

    assert caught.value.returncode == 2
    assert str(caught.value) == (
        f"{tmp_path / 'absent.json'}: cannot read the file (No such file or directory)"
    )


def run_command(*args: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment["DJANGO_DEBUG"] = "1"
    return subprocess.run(  # noqa: S603 (our own manage.py, arguments from the test)
        [sys.executable, "manage.py", "solve_schedule", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_solve_schedule_process_bad_instance_prints_one_line_and_exits_2(tmp_path):
    source = tmp_path / "instance.json"
    source.write_text(json.dumps(changed(base(), "requests.0.priority", -3)))
    target = tmp_path / "solution.json"

    result = run_command(str(source), str(target))

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"CommandError: {source}: requests[0] 'r1'.priority: must be at least 1, not -3\n"
    )
    assert not target.exists()


def test_solve_schedule_process_huge_priority_prints_one_line_and_exits_2(tmp_path):
    source = tmp_path / "instance.json"
    source.write_text(json.dumps(changed(tiny(), "requests.0.priority", 1e30)))
    target = tmp_path / "solution.json"

    result = run_command(str(source), str(target), "--time-limit", "5")

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"CommandError: {source}: requests[0] 'r1'.priority: must be at most 1000000, not 1e+30\n"
    )
    assert not target.exists()


def test_solve_schedule_process_writes_solution_and_exits_0(tmp_path):
    target = tmp_path / "solution.json"

    result = run_command(str(examples_dir() / "tiny.json"), str(target), "--time-limit", "10")

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("tiny-wallonie: priority total 10, scheduled 5/5, ")
    assert result.stdout.count("\n") == 1
    assert json.loads(target.read_text())["format"] == "b2b-schedule/1"
