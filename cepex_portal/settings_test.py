"""Settings of the test suite (pytest-django's DJANGO_SETTINGS_MODULE): the project's own
settings in test mode. Test mode is said here, explicitly, not guessed from what is imported.
"""

import os

os.environ["DJANGO_TESTING"] = "1"

from cepex_portal.settings import *  # noqa: F403
