"""HTML to PDF with WeasyPrint, offline: a rendered document reaches nothing but our own
static files.

Templates of PDFs link their stylesheet with ``{{ pdf_static }}css/...`` (a ``file://`` URL
of the static folder, see ``static_base_url``), and the stylesheet names its fonts by relative
URL: they are vendored in ``static/fonts/`` with their licences, so Arabic is shaped with
the same font on every machine. ``LocalStaticFetcher`` serves those files and refuses any
other address (the network, ``data:`` URLs, any file outside the static folders): whatever a
user typed into a document cannot make the renderer fetch anything.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)


def static_roots() -> list[Path]:
    """The folders a PDF may read from: the static sources, and ``collectstatic``'s copy."""
    roots = [Path(folder).resolve() for folder in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def static_base_url() -> str:
    """``file:///.../static/``: where a PDF template links its stylesheet from."""
    return Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalStaticFetcher(URLFetcher):
        """Serve ``file://`` URLs inside the static folders; refuse everything else."""

        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"PDF rendering fetches local static files only, not {url}")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in static_roots()) or not path.is_file():
                raise ValueError(f"not a static file: {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return LocalStaticFetcher


def local_url_fetcher():
    """A WeasyPrint URL fetcher limited to our static files (see the module's docstring)."""
    return _fetcher_class()()


@dataclass(frozen=True)
class RenderedPdf:
    """A rendered document: its bytes and how many pages it has."""

    data: bytes
    pages: int


def render_pdf(html: str) -> RenderedPdf:
    """Render an HTML document to PDF, with local static files only, and count its pages.

    WeasyPrint is imported here, not at module level: it loads Pango and friends, which only
    the processes that render PDFs need.
    """
    import weasyprint

    document = weasyprint.HTML(
        string=html, base_url=static_base_url(), url_fetcher=local_url_fetcher()
    ).render()
    return RenderedPdf(data=document.write_pdf(), pages=len(document.pages))


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document to PDF bytes, with local static files only."""
    return render_pdf(html).data
