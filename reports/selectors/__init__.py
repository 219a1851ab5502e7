"""Reads of reports, one module per subject; import from the module itself:

- ``followup``: a company's leads, overdue leads, what a reminder asks about;
- ``generation``: what the PDF reports show (dossier, follow-up report), and the reports of
  each mission for the managers' page.
"""
