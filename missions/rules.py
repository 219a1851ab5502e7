"""Rules on applications that models, services, forms and the admin all apply.

Kept below the models (it imports no model) so that ``WishedPartner.clean()`` and the
services use the very same function: one home per rule.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .enums import WishPriority

MAX_WISHES = 10
WISH_MOTIVATION_MAX_LENGTH = 500


def wishes_check(
    *, allowed_partner_ids: Iterable[int], wishes: Sequence[tuple[Any, int, str]]
) -> None:
    """The rule for a company's wished partners on a mission.

    ``wishes`` is a list of (partner, priority, motivation). Every partner takes part in
    the mission and is named once, at most ``MAX_WISHES`` of them, priority 1 (must meet) to
    3, a motivation of at most 500 characters. Raises ValidationError on the first breach.
    """
    if len(wishes) > MAX_WISHES:
        raise ValidationError(
            _("You may name at most %(count)d partners.") % {"count": MAX_WISHES},
            code="too_many",
        )
    allowed = set(allowed_partner_ids)
    seen: set[int] = set()
    for partner, priority, motivation in wishes:
        if partner.pk not in allowed:
            raise ValidationError(
                _("%(partner)s does not take part in this mission.") % {"partner": partner},
                code="not_in_mission",
            )
        if partner.pk in seen:
            raise ValidationError(
                _("%(partner)s is named more than once.") % {"partner": partner},
                code="duplicate",
            )
        seen.add(partner.pk)
        if priority not in WishPriority.values:
            raise ValidationError(_("The priority goes from 1 to 3."), code="priority")
        if len(motivation or "") > WISH_MOTIVATION_MAX_LENGTH:
            raise ValidationError(
                _("Keep the motivation under 500 characters."), code="motivation_length"
            )
