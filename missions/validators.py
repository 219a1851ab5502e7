"""Validators of what companies send with an application."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PDF_MAGIC = b"%PDF-"


def validate_pdf_upload(upload) -> None:
    """A brochure is a PDF of at most 5 MB, judged by its content, not its name."""
    if upload.size > settings.BROCHURE_MAX_BYTES:
        raise ValidationError(
            _("The brochure is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "size": f"{upload.size / 1024 / 1024:.1f}",
                "limit": settings.BROCHURE_MAX_BYTES // (1024 * 1024),
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head.lstrip().startswith(PDF_MAGIC):
        raise ValidationError(_("The brochure must be a PDF file."), code="not_pdf")
