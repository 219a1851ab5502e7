"""The staff's side of reports: outcomes, leads and reminders (``followup``), generated
reports (``generation``). One module each; this one imports them so that they register.
"""

from . import followup, generation

__all__ = ["followup", "generation"]
