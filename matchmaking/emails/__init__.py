"""E-mails of matchmaking, one module per subject (``links``, ``agendas``), each in the
reader's language through ``cepex_portal.mail.send_templated_mail``.
"""
