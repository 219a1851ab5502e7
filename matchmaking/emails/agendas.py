"""E-mails of matchmaking: agendas."""
