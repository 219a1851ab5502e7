"""``manage.py build_report``: the same PDF, synchronously, into a file; one line and exit 2
on an unknown mission, kind or language."""

import pytest
from django.core.management import ManagementUtility, call_command
from django.utils import translation

from tests.reports.factories_pdfreports import build_world

pytestmark = pytest.mark.django_db


def _run(*argv) -> int:
    """Run the command as the shell does; its exit code."""
    with pytest.raises(SystemExit) as caught:
        ManagementUtility(["manage.py", "build_report", *argv]).execute()
    return caught.value.code


def test_build_report_writes_the_pdf_and_says_so(tmp_path, capsys):
    build_world()
    out = tmp_path / "dossier.pdf"

    call_command("build_report", "wallonie-2027", kind="dossier", lang="en", out=str(out))

    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    line = capsys.readouterr().out
    assert line.startswith(f"{out}: Mission dossier of wallonie-2027 (en), ")
    assert line.endswith(f" pages, {len(data)} bytes.\n")
    assert [path.name for path in tmp_path.iterdir()] == ["dossier.pdf"]


def test_build_report_without_lang_uses_the_missions_language(tmp_path, capsys):
    world = build_world()
    world.mission.language = "en"
    world.mission.save(update_fields=["language"])
    out = tmp_path / "followup.pdf"

    with translation.override("fr"):  # as from a shell: the agency's language is active
        call_command("build_report", "wallonie-2027", kind="followup", out=str(out))

    # The PDF in the mission's language; the command's line in English all the same.
    assert capsys.readouterr().out.startswith(f"{out}: Follow-up report of wallonie-2027 (en), ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["nowhere", "--kind", "dossier"],
            "CommandError: No mission has the slug 'nowhere'.",
        ),
        (
            ["wallonie-2027", "--kind", "annual"],
            "CommandError: Unknown kind of report “annual”: choose dossier, followup.",
        ),
        (
            ["wallonie-2027", "--kind", "followup", "--lang", "de"],
            "CommandError: Unknown language “de”: choose fr, en, ar.",
        ),
        (
            ["wallonie-2027"],
            "CommandError: Say which report with --kind dossier or followup.",
        ),
    ],
)
def test_build_report_bad_input_exits_2_with_one_line(argv, message, capsys, tmp_path):
    build_world()

    code = _run(*argv, "--out", str(tmp_path / "x.pdf"))

    assert code == 2
    assert capsys.readouterr().err == message + "\n"
    assert list(tmp_path.iterdir()) == []


def test_build_report_unwritable_file_exits_1_with_one_line(capsys, tmp_path):
    build_world()
    (tmp_path / "taken").write_text("a file, not a folder")

    code = _run("wallonie-2027", "--kind", "followup", "--out", str(tmp_path / "taken" / "x.pdf"))

    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"CommandError: Could not write {tmp_path / 'taken' / 'x.pdf'}: ")
    assert err.count("\n") == 1
