"""Storage for private uploads (brochures): under MEDIA_ROOT and never served by URL.

Files reach users only through views that check who asks; ``url()`` refuses, so that no
template can leak a direct link by mistake.
"""

from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="cepex_portal.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT, read lazily so that tests can point it elsewhere."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; serve them through a view.")


private_storage = PrivateStorage()
