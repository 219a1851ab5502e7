"""Admin of missions, their programme and venues, and the selection of applications.

Statuses are never typed in a form: a mission moves along its workflow and an application
is accepted, wait-listed or rejected through ``services.py`` (admin actions and the decision
buttons of an application), so that capacity, the wait-list and the e-mails are honoured.

The times of a mission's programme are shown and typed in the mission's own time zone, not
in the server's: staff read "09:00" in Brussels as the delegation will live it.
"""

from . import applications, companies, missions

__all__ = ["applications", "companies", "missions"]
