"""Places where meetings happen (a partner hosts at its own), and travel times between them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cepex_portal.models import TimeStampedModel


class Venue(TimeStampedModel):
    """A place where meetings happen; ``tables`` is how many meetings it holds at once."""

    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    tables = models.PositiveSmallIntegerField(_("tables"), default=1)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "city"], name="venue_unique_name_city"),
            models.CheckConstraint(condition=Q(tables__gte=1), name="venue_tables_gte_1"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="venue_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="venue_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class TravelTimeQuerySet(models.QuerySet):
    def between(self, a: Venue, b: Venue):
        low, high = sorted([a.pk, b.pk])
        return self.filter(from_venue_id=low, to_venue_id=high)


class TravelTime(models.Model):
    """Minutes to travel between two venues, either way.

    Stored once per pair, the venue with the lower id first, so that a pair cannot be given
    two different times.
    """

    from_venue = models.ForeignKey(
        Venue, verbose_name=_("from"), on_delete=models.CASCADE, related_name="travel_from"
    )
    to_venue = models.ForeignKey(
        Venue, verbose_name=_("to"), on_delete=models.CASCADE, related_name="travel_to"
    )
    minutes = models.PositiveSmallIntegerField(_("minutes"))

    objects = TravelTimeQuerySet.as_manager()

    class Meta:
        verbose_name = _("travel time")
        verbose_name_plural = _("travel times")
        ordering = ["from_venue", "to_venue"]
        constraints = [
            models.UniqueConstraint(fields=["from_venue", "to_venue"], name="travel_unique_pair"),
            models.CheckConstraint(
                condition=Q(from_venue__lt=F("to_venue")), name="travel_pair_ordered"
            ),
            models.CheckConstraint(condition=Q(minutes__gte=0), name="travel_minutes_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.from_venue} ↔ {self.to_venue}: {self.minutes} min"

    def clean(self) -> None:
        if self.from_venue_id and self.to_venue_id:
            if self.from_venue_id == self.to_venue_id:
                raise ValidationError(_("A travel time joins two different venues."))
            if self.from_venue_id > self.to_venue_id:
                # Either order may be typed; one order is stored.
                self.from_venue_id, self.to_venue_id = self.to_venue_id, self.from_venue_id
