"""E-mails of matchmaking: links."""
