"""Celery tasks of reports (thin: ids in, services do the work), one module per subject;
imported here so that Celery's autodiscovery finds them all.
"""

from .followup import *  # noqa: F403
from .generation import *  # noqa: F403
