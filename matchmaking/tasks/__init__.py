"""Celery tasks of matchmaking (thin: they take ids and call services), one module per
subject; imported here so that Celery's autodiscovery finds them all.
"""

from .agendas import *  # noqa: F403
from .links import *  # noqa: F403
from .scheduling import *  # noqa: F403
