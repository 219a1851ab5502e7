"""What missions do when the ground floor settles a representative claim.

An approved claim releases nothing: what was held with it waits for a representative of the
company, logged in, to read it and submit or discard it (``services.held_application_submit``).
"""

from partners.models import RepresentativeClaim

from .services import held_applications_discard


def discard_held_applications(*, claim: RepresentativeClaim, **kwargs) -> None:
    held_applications_discard(claim=claim)
