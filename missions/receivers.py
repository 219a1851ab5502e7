"""What missions do when the ground floor settles a representative claim."""

from partners.models import RepresentativeClaim

from .services import held_applications_discard, held_applications_release


def release_held_applications(*, claim: RepresentativeClaim, **kwargs) -> None:
    held_applications_release(claim=claim)


def discard_held_applications(*, claim: RepresentativeClaim, **kwargs) -> None:
    held_applications_discard(claim=claim)
