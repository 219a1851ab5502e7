"""The French and Arabic catalogues are complete, and what is compiled is what is written."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def _unquote(line: str) -> str:
    return ast.literal_eval(line.strip())


def parse_po(path: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) for every entry but the header; a small reader for .po files."""
    entries, msgid, msgstrs, fuzzy, current, context = [], None, [], False, None, None

    def flush():
        if msgid:  # the header has an empty msgid
            # gettext keys an entry with a context as "context\x04msgid"
            key = f"{context}\x04{msgid}" if context is not None else msgid
            entries.append((key, msgstrs, fuzzy))

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            flush()
            msgid, msgstrs, fuzzy, current = None, [], True, None
        elif line.startswith("msgctxt "):
            flush()
            fuzzy = fuzzy and msgid is None
            msgid, msgstrs, context, current = None, [], _unquote(line[8:]), "msgctxt"
        elif line.startswith("msgid "):
            if current not in ("flag", "msgctxt"):
                flush()
                fuzzy = fuzzy and msgid is None
                context = None
            msgid, msgstrs, current = _unquote(line[6:]), [], "msgid"
        elif line.startswith("msgid_plural "):
            current = "plural"
        elif line.startswith("msgstr"):
            msgstrs.append(_unquote(line.split(" ", 1)[1]))
            current = "msgstr"
        elif line.startswith('"'):
            if current == "msgid":
                msgid += _unquote(line)
            elif current == "msgctxt":
                context += _unquote(line)
            elif current == "msgstr":
                msgstrs[-1] += _unquote(line)
        elif not line:
            flush()
            msgid, msgstrs, fuzzy, current, context = None, [], False, None, None
    flush()
    return entries


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_catalogue_every_message_translated_and_none_fuzzy(language):
    entries = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")

    untranslated = [msgid for msgid, msgstrs, _fuzzy in entries if not all(msgstrs)]
    fuzzy = [msgid for msgid, _msgstrs, is_fuzzy in entries if is_fuzzy]
    assert len(entries) > 300
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_catalogue_compiled_file_matches_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog

    missing = [
        msgid
        for msgid, _msgstrs, _fuzzy in parse_po(folder / "django.po")
        if msgid not in catalog and (msgid, 0) not in catalog
    ]
    assert missing == [], "run `make messages` to compile the catalogues"


def test_arabic_catalogue_has_six_plural_forms():
    header = (LOCALE / "ar" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")

    assert "nplurals=6;" in header


def test_catalogues_hold_every_message_of_the_code(tmp_path):
    """``makemessages`` on a copy of the project finds nothing the catalogues lack: a new
    message in the code or a template without its French and Arabic translation fails here
    (the tests above only read the catalogues as they are)."""
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        pytest.skip("needs GNU gettext's xgettext (apt-get install gettext)")
    copy = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "media", "var", "staticfiles", "node_modules", "__pycache__", "*.mo"
        ),
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update({"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "-l", "ar", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )

    for language in ("fr", "ar"):
        entries = parse_po(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        untranslated = [msgid for msgid, msgstrs, fuzzy in entries if fuzzy or not all(msgstrs)]
        assert untranslated == [], language
