"""Reference lists staff extend in the admin: sectors and certifications."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedNameMixin(models.Model):
    """A name kept in French (the reference) with English and Arabic renderings."""

    name = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True, default="")
    name_ar = models.CharField(_("name (Arabic)"), max_length=120, blank=True, default="")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        if language in ("en", "ar"):
            return getattr(self, f"name_{language}") or self.name
        return self.name


class Sector(TranslatedNameMixin):
    """An economic sector; staff extend the list in the admin."""

    slug = models.SlugField(_("slug"), unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position", "name"]


class Certification(models.Model):
    """A quality certification a company may hold (GMP, ISO 13485, ...)."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
