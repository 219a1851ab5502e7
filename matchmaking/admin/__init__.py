"""The staff's side of matchmaking: requests and partners' links, suggestions, meetings, the
day grid and auto-scheduling runs. One module each; this one only imports them so that they
register.
"""

from . import feeds, links, meetings, requests, runs, suggestions

__all__ = ["feeds", "links", "meetings", "requests", "runs", "suggestions"]
