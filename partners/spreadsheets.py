"""Spreadsheet files in and out of the admin: what cannot hurt staff on the way out.

Companies type their names and cities into the public form, and staff open the exports in
Excel or LibreOffice. A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to a spreadsheet (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``), so every
exported text that starts so is written with a leading single quote, OWASP's rule for CSV
injection: it stays text. :func:`spreadsheet_safe` is the one home of that rule; the
resources apply it to every exported cell, and :class:`XLSX` writes every text as a text
cell, never as a formula. django-import-export's own ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT``
is left off: it only drops a leading ``=`` (changing what staff read, and leaving ``+``, ``-``
and ``@`` live).

On the way in, staff's files come as their spreadsheet saved them: French Excel writes CSV
with semicolons in Windows-1252, "Unicode text" is UTF-16 with tabs, others write UTF-8
with or without a byte order mark. :class:`CSV` finds the encoding and the separator;
a file it cannot read raises :class:`UnreadableFile`, which the admin turns into a message.

What a file may hold is bounded: ``IMPORT_FILE_MAX_BYTES`` as sent (checked by the admin's
form), ``IMPORT_FILE_MAX_ROWS`` rows, and an Excel workbook (a zip of XML files) is judged by
its content, not its name, and refused unread if it would unpack to more than
``IMPORT_FILE_MAX_UNPACKED_BYTES`` (a "zip bomb" of a few kilobytes can unpack to gigabytes).
"""

import codecs
import csv
import io
import re
import zipfile

import tablib
from django.conf import settings
from import_export.formats import base_formats

# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A plain number, or a phone number as people write it (+21671234567, +216 71 234 567,
# -12.5): spreadsheets read it as a number, never as a formula, so it stays as it is.
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d .]*$", flags=re.ASCII)


def _is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(text)


def spreadsheet_safe(value):
    """A cell's value that no spreadsheet will run: formula-like text gets a leading ``'``.

    Anything that is not text (numbers, dates, None) is returned as it is.
    """
    if isinstance(value, str) and _is_formula_like(value):
        return "'" + value
    return value


def spreadsheet_unescape(text: str) -> str:
    """Undo :func:`spreadsheet_safe` on import, so that an exported file imports unchanged.

    Only the quote it adds is removed (``'=1+1`` is read as ``=1+1``); any other text,
    ``=1+1`` included, is kept as it was typed.
    """
    if text.startswith("'") and _is_formula_like(text[1:]):
        return text[1:]
    return text


class UnreadableFile(ValueError):
    """The file is not text in a known encoding, or not CSV; ``line`` is where it broke."""

    def __init__(self, reason: str, *, line: int | None = None):
        super().__init__(reason if line is None else f"{reason} (line {line})")
        self.line = line


class FileTooBig(UnreadableFile):
    """The file holds more than the import takes: rows, or bytes once unpacked."""


def _count_row(count: int) -> int:
    count += 1
    if count > settings.IMPORT_FILE_MAX_ROWS:
        raise FileTooBig(f"more than {settings.IMPORT_FILE_MAX_ROWS} rows")
    return count


ZIP_MAGIC = b"PK\x03\x04"


def check_workbook(data: bytes) -> None:
    """An Excel workbook is a zip archive: refuse anything else, and an archive that would
    unpack to more than ``IMPORT_FILE_MAX_UNPACKED_BYTES``, before any of it is unpacked.
    """
    if not data.startswith(ZIP_MAGIC):
        raise UnreadableFile("not an Excel workbook (.xlsx)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("a damaged Excel workbook") from exc
    if unpacked > settings.IMPORT_FILE_MAX_UNPACKED_BYTES:
        raise FileTooBig(f"unpacks to {unpacked} bytes")


# Byte order marks, longest first: they say the encoding for sure.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SEPARATORS = (",", ";", "\t")


def decode_text(data: bytes | str) -> str:
    """Text of a file: UTF-8 or UTF-16 by their byte order mark, else UTF-8, else Windows-1252.

    Windows-1252 last: French text saved by Excel is never valid UTF-8 (``é`` is the byte
    0xE9 alone), while UTF-8 text is almost never meant as Windows-1252.
    """
    if isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                try:
                    text = data[len(bom) :].decode(encoding)
                except UnicodeDecodeError as exc:
                    raise UnreadableFile(f"not {encoding} despite its byte order mark") from exc
                break
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    text = data.decode("cp1252")
                except UnicodeDecodeError as exc:
                    raise UnreadableFile("neither UTF-8 nor Windows-1252 text") from exc
    if "\x00" in text:
        raise UnreadableFile("binary data, or UTF-16 without a byte order mark")
    return text


def guess_separator(text: str) -> str:
    """The separator the first line uses most: comma, semicolon (French Excel) or tab.

    The first line names the columns, and column names hold none of the three.
    """
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {separator: first_line.count(separator) for separator in SEPARATORS}
    best = max(SEPARATORS, key=counts.__getitem__)  # a tie goes to the comma
    return best if counts[best] else ","


class CSV(base_formats.CSV):
    """CSV in the encodings and with the separators spreadsheets write.

    The admin hands the uploaded bytes over untouched (``is_binary``), so that this class,
    not a fixed encoding, decides how to read them.
    """

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text = decode_text(in_stream)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=guess_separator(text))
        dataset = None
        rows = 0
        try:
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue  # blank lines, or a line of separators only
                rows = _count_row(rows)
                if dataset is None:
                    dataset = tablib.Dataset(headers=[cell.strip() for cell in row])
                    width = len(row)
                    continue
                if any(cell.strip() for cell in row[width:]):
                    raise UnreadableFile("more cells than column names", line=reader.line_num)
                dataset.append((row + [""] * (width - len(row)))[:width])
        except csv.Error as exc:
            raise UnreadableFile(str(exc), line=reader.line_num) from exc
        return dataset if dataset is not None else tablib.Dataset()


class XLSX(base_formats.XLSX):
    """Excel workbooks: every text is a text cell, formulas are neither written nor read.

    openpyxl takes any string that starts with ``=`` for a formula; here a text cell stays a
    text cell whatever it starts with. On import a formula cell gives its formula as text
    (never a value Excel once computed and stored beside it).
    """

    def create_dataset(self, in_stream):
        from io import BytesIO

        import openpyxl

        check_workbook(in_stream)
        workbook = openpyxl.load_workbook(BytesIO(in_stream), read_only=True, data_only=False)
        rows = workbook.active.iter_rows(values_only=True)
        dataset = tablib.Dataset()
        headers = next(rows, None) or ()
        dataset.headers = [
            header.strip() if isinstance(header, str) else header for header in headers
        ]
        ignore_blanks = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        width = len(dataset.headers)
        count = 0
        for row in rows:
            if ignore_blanks and all(value is None for value in row):
                continue
            count = _count_row(count)
            # Cells past the last named column have nowhere to go; short rows are padded.
            dataset.append(tuple(row[:width]) + (None,) * (width - len(row)))
        return dataset

    def export_data(self, dataset, **kwargs):
        from io import BytesIO

        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=(dataset.title or "export")[:31])
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)

        def cell(value, font=None):
            if isinstance(value, str):
                # Control characters cannot be stored in a workbook; a user typed them.
                text = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
                written = WriteOnlyCell(sheet, value=text)
                written.data_type = "s"  # text, even if it starts with "="
            else:
                written = WriteOnlyCell(sheet, value=value)
            if font is not None:
                written.font = font
            return written

        headers = list(dataset.headers or [])
        widths = [len(str(header)) for header in headers]
        for row in dataset:
            for index, value in enumerate(row[: len(widths)]):
                widths[index] = max(widths[index], len(str(value or "")))
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)

        if headers:
            sheet.append([cell(header, bold) for header in headers])
        for row in dataset:
            sheet.append([cell(value) for value in row])
        stream = BytesIO()
        workbook.save(stream)
        return stream.getvalue()
