"""Writes of matchmaking, one module per subject; import from the module itself:

- ``requests``: meeting requests from wishes, staff and suggestions; the partner's answer;
- ``links``: the partners' signed links (issue, send, resolve, revoke) and availability;
- ``suggestions``: ranked partners for each company, with reasons;
- ``meetings``: meetings created, moved, cancelled by hand, checked against the rules;
- ``scheduling``: auto-scheduling runs (the engine on a mission), preview and apply;
- ``agendas``: calendar feeds and the e-mails that carry .ics files.
"""
