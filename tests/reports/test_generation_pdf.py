"""The PDF reports as a reader gets them: rendered by WeasyPrint for real and read back with
pypdf (text, pages, bookmarks, fonts). Each render takes about a second, so they are few; the
content itself is tested on the HTML (test_generation_html.py) and the data
(test_generation_selectors.py).
"""

import datetime as dt
import io
import re

import pypdf
import pytest
from fontTools.ttLib import TTFont

from reports.services.generation import report_render
from tests.reports.factories_pdfreports import build_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2028, 6, 1)


@pytest.fixture
def world():
    return build_world()


def _render(world, kind: str, language: str) -> pypdf.PdfReader:
    rendered = report_render(mission=world.mission, kind=kind, language=language, today=TODAY)
    assert rendered.data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(rendered.data))
    assert len(reader.pages) == rendered.pages
    return reader


def _text(page) -> str:
    """A page's text, each run of spaces and line breaks as one space (cells wrap)."""
    return " ".join(page.extract_text().split())


def _outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every bookmark, in order."""
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return found


def _toc(text: str, title: str) -> int:
    """The page number the table of contents gives ``title`` ("Title ....... 7")."""
    found = re.search(re.escape(title) + r" ?\.{3,} ?(\d+)", text)
    assert found, f"{title!r} not in the table of contents: {text}"
    return int(found.group(1))


def _fonts(reader: pypdf.PdfReader) -> set[str]:
    """Family names of the fonts embedded in the document."""
    families = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            data = descriptor.get_object()["/FontFile2"].get_object().get_data()
            families.add(TTFont(io.BytesIO(data))["name"].getDebugName(1))
    return families


def test_dossier_english_a4_cover_toc_page_numbers_bookmarks_and_agendas(world):
    reader = _render(world, "dossier", "en")

    pages = [_text(page) for page in reader.pages]
    total = len(pages)
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)
    # The cover: no running header, no page number.
    assert "Wallonie biotech 2027" in pages[0]
    assert "Mission dossier" in pages[0]
    assert "Page 1 of" not in pages[0]
    # Every other page: the mission's title on top, "Page x of y" at the bottom (pypdf reads
    # the page's margins after its body).
    for number, text in enumerate(pages[1:], start=2):
        assert text.endswith(f"Wallonie biotech 2027 Mission dossier Page {number} of {total}")
    # The table of contents gives the page where each part begins.
    toc = pages[1]
    assert toc.startswith("Contents Objectives and context ...")
    for title in ("Programme day by day", "The delegation", "The partners", "Contacts"):
        assert pages[_toc(toc, title) - 1].startswith(title)
    delegation = pages[_toc(toc, "The delegation") - 1]
    assert "Société Médicale de Sfax" in delegation
    assert "Laboratoires Pharmaceutiques Hédi SA" in delegation
    assert "Amira Ben Salah, Directrice export" in delegation
    assert "Gamma Rejetée SARL" not in " ".join(pages)
    partners = pages[_toc(toc, "The partners") - 1]
    assert "BioPark Charleroi" in partners
    assert "10 companies" in partners
    programme = pages[_toc(toc, "Programme day by day") - 1]
    assert "Monday 12 July 2027" in programme
    assert "Travel from BioPark Gosselies to BioWin Bruxelles: 20 min" in programme
    # One agenda per company, each from its own page, listed in the contents.
    agenda_medis = pages[_toc(toc, "Société Médicale de Sfax") - 1]
    assert "Agenda of Société Médicale de Sfax" in agenda_medis
    assert "Meeting with BioPark Charleroi" in agenda_medis
    agenda_hedi = pages[_toc(toc, "Laboratoires Pharmaceutiques Hédi SA") - 1]
    assert "Agenda of Laboratoires Pharmaceutiques Hédi SA" in agenda_hedi
    # Bookmarks: the parts, and under them the companies, the partners and the agendas.
    outline = _outline(reader)
    titles = [(level, title) for level, title, _page in outline]
    assert (1, "The delegation") in titles
    assert (2, "Société Médicale de Sfax") in titles
    assert (2, "BioPark Charleroi") in titles
    assert (2, "Agenda of Laboratoires Pharmaceutiques Hédi SA") in titles
    assert "Contents" not in [title for _level, title in titles]
    by_title = {title: page for level, title, page in outline if level == 1}
    assert by_title["The partners"] == _toc(toc, "The partners") - 1
    assert _fonts(reader) == {"Noto Sans"}


def test_followup_english_figures_charts_agreements_and_overdue_actions(world):
    reader = _render(world, "followup", "en")

    pages = [_text(page) for page in reader.pages]
    text = " ".join(pages)
    assert "Follow-up report" in pages[0]
    assert "Situation on 1 June 2028" in pages[0]
    toc = pages[1]
    figures = pages[_toc(toc, "Figures against the objectives") - 1]
    assert "2 Companies in the delegation capacity: 8" in figures
    assert "1 Meetings held 33 % of the meetings planned" in figures
    assert "250,000.00 EUR Value of the agreements" in figures
    assert "Trouver des partenaires technologiques pour les vaccins." in figures
    meetings = pages[_toc(toc, "Meetings") - 1]
    assert "Planned (not cancelled) 3" in meetings
    assert "Meetings by state" in meetings
    assert "Total in EUR 250,000.00 EUR" in text
    overdue = pages[_toc(toc, "Overdue actions") - 1]
    assert "Envoyer le projet de contrat Sami Trabelsi 1 March 2028 92" in overdue
    assert "Société Médicale de Sfax" in text
    assert ("Page 3 of " + str(len(pages))) in pages[2]
    assert [title for level, title, _page in _outline(reader) if level == 1] == [
        "Figures against the objectives",
        "Meetings",
        "Outcomes by stage and kind",
        "Agreements",
        "Leads per company",
        "Leads per partner",
        "Overdue actions",
    ]


# Words that pypdf gives back exactly from Noto Naskh (see tests/matchmaking/test_agendas.py:
# letters drawn as a skeleton plus dots may come back as a sister letter).
ARABIC_WORDS = ["السلام", "المعهد"]


def test_dossier_arabic_right_to_left_with_the_arabic_font(world):
    world.medis.legal_name = "المعهد السلام"
    world.medis.save()

    reader = _render(world, "dossier", "ar")

    text = " ".join(page.extract_text() for page in reader.pages)
    for word in ARABIC_WORDS:
        assert word in text
    assert "Laboratoires Pharmaceutiques Hédi SA" in text
    assert "Noto Naskh Arabic" in _fonts(reader)
    assert _fonts(reader) <= {"Noto Naskh Arabic", "Noto Sans"}
    # The Arabic name is a bookmark too.
    assert "المعهد السلام" in [title for _level, title, _page in _outline(reader)]


def test_pdf_renders_typed_markup_as_text_and_fetches_only_static_files(world, monkeypatch):
    world.medis.description = '<img src="https://example.com/x.png"><script>alert(1)</script>'
    world.medis.save()
    world.biowin.name = '<link rel="stylesheet" href="https://example.com/evil.css">BioWin'
    world.biowin.save()
    fetched = []
    from cepex_portal import pdf

    original = pdf.local_url_fetcher

    def spy():
        fetcher = original()
        fetch = fetcher.fetch

        def recording(url, headers=None):
            fetched.append(url)
            return fetch(url, headers)

        fetcher.fetch = recording
        return fetcher

    monkeypatch.setattr(pdf, "local_url_fetcher", spy)

    reader = _render(world, "dossier", "en")

    text = " ".join(_text(page) for page in reader.pages)
    assert '<img src="https://example.com/x.png"><script>alert(1)</script>' in text
    assert 'href="https://example.com/evil.css">BioWin' in text
    assert fetched
    assert all(url.startswith("file://") for url in fetched)
