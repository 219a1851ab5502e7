"""The privacy pages of the back office: erasures (read only), and the export and erase
pages that the contact and company pages link to (templates/admin/partners/...).

Superusers only, unless a user is given the permissions by hand: ``privacy.export_personal_data``
to export, ``privacy.add_erasure`` to erase. The groups of chargés de mission and managers
get neither (docs/privacy.md says who answers a person's request).
"""

from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import Company, Contact

from .models import Erasure, ErasureReason
from .selectors import company_data, contact_data
from .services import contact_erase, export_csv_zip, export_json

logger = logging.getLogger(__name__)

FORMATS = {
    "json": ("application/json", export_json),
    "zip": ("application/zip", export_csv_zip),
}


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    list_display = ("contact_id", "reason", "erased_by", "erased_at")
    list_filter = ("reason", "erased_at")
    list_select_related = ("erased_by",)
    fields = ("contact_id", "reason", "erased_by", "erased_at", "scrubbed")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the record of an erasure is kept

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "export/contact/<int:pk>.<str:fmt>",
                view(self.export_contact_view),
                name="privacy_erasure_export_contact",
            ),
            path(
                "export/company/<int:pk>.<str:fmt>",
                view(self.export_company_view),
                name="privacy_erasure_export_company",
            ),
            path("erase/<int:pk>/", view(self.erase_view), name="privacy_erasure_erase"),
            *super().get_urls(),
        ]

    # --- Export ---

    def _export(self, request, *, data, name: str, fmt: str) -> HttpResponse:
        if not request.user.has_perm("privacy.export_personal_data"):
            raise PermissionDenied
        if fmt not in FORMATS:
            raise Http404
        content_type, build = FORMATS[fmt]
        # Who exported whose data, and when: the log line names ids, never the data.
        logger.info("personal data of %s exported as %s by user %s", name, fmt, request.user.pk)
        response = HttpResponse(build(data=data), content_type=content_type)
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def export_contact_view(self, request, pk: int, fmt: str) -> HttpResponse:
        contact = get_object_or_404(Contact, pk=pk)
        return self._export(
            request, data=contact_data(contact=contact), name=f"contact-{pk}", fmt=fmt
        )

    def export_company_view(self, request, pk: int, fmt: str) -> HttpResponse:
        company = get_object_or_404(Company, pk=pk)
        return self._export(
            request, data=company_data(company=company), name=f"company-{pk}", fmt=fmt
        )

    # --- Erasure ---

    def erase_view(self, request, pk: int):
        if not request.user.has_perm("privacy.add_erasure"):
            raise PermissionDenied
        contact = get_object_or_404(Contact, pk=pk)
        change_url = reverse("admin:partners_contact_change", args=[contact.pk])
        if contact.erased_at is not None:
            self.message_user(request, _("This contact was already erased."), messages.INFO)
            return redirect(change_url)
        if request.method == "POST":
            if request.POST.get("confirm") != "yes":
                self.message_user(
                    request, _("Tick the box to confirm the erasure."), messages.ERROR
                )
            else:
                contact_erase(contact=contact, by=request.user, reason=ErasureReason.REQUEST)
                self.message_user(
                    request,
                    _("The contact's personal data was erased; the business records remain."),
                    messages.SUCCESS,
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": Contact._meta,
            "title": gettext_lazy("Erase this contact's personal data"),
            "contact": contact,
            "data": contact_data(contact=contact),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/privacy/erase_contact.html", context)
