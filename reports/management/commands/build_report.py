"""``manage.py build_report SLUG --kind dossier|followup [--lang fr|en|ar] [--out FILE.pdf]``:
make a mission's PDF report now (in the mission's language unless ``--lang`` says otherwise),
in this process, and write it to a file.

The same PDF the worker makes for the managers' page (``report_render``), without a
``Report`` row: for a script, a cron job, or a look at a template being written. The file is
written whole or not at all (a temporary file renamed into place). One line on success; on
an unknown mission, kind or language, exit 2 with one line (no traceback); a report that
cannot be rendered or written, exit 1 with one line.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from missions.models import Mission
from reports.enums import ReportKind
from reports.services.generation import report_check_choice, report_render, write_file_atomically


class Command(BaseCommand):
    help = "Make the PDF mission dossier or follow-up report of a mission, now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The mission's slug, e.g. wallonie-2017.")
        # Not argparse "choices": a wrong value must give one line and exit 2, not a usage.
        parser.add_argument(
            "--kind", required=False, default="", help=f"{' or '.join(ReportKind.values)}."
        )
        parser.add_argument(
            "--lang",
            default="",
            help=f"{', '.join(code for code, _name in settings.LANGUAGES)} "
            "(default: the mission's language).",
        )
        parser.add_argument(
            "--out", default="", help="The PDF file to write (default SLUG-KIND-LANG.pdf)."
        )

    def handle(self, *args, slug: str, kind: str, lang: str, out: str, **options) -> None:
        mission = Mission.objects.filter(slug=slug).first()
        if mission is None:
            raise CommandError(f"No mission has the slug {slug!r}.", returncode=2)
        lang = lang or mission.language
        if not kind:
            raise CommandError(
                f"Say which report with --kind {' or '.join(ReportKind.values)}.", returncode=2
            )
        try:
            report_check_choice(kind=kind, language=lang)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from exc
        path = Path(out or f"{mission.slug}-{kind}-{lang}.pdf")
        try:
            rendered = report_render(mission=mission, kind=kind, language=lang)
        except Exception as exc:  # one line, never a traceback: the error says what
            raise CommandError(f"Could not make the report: {type(exc).__name__}: {exc}") from exc
        try:
            write_file_atomically(path=path.resolve(), data=rendered.data)
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc.strerror or exc}") from exc
        with translation.override("en"):  # the command speaks English, whatever the PDF's
            label = str(ReportKind(kind).label)
        self.stdout.write(
            f"{path}: {label} of {mission.slug} ({lang}), "
            f"{rendered.pages} pages, {len(rendered.data)} bytes."
        )
