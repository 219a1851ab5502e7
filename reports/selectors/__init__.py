"""Reads of reports, one module per subject; import from the module itself:

- ``generation``: what the PDF reports show (dossier, follow-up report), and the reports of
  each mission for the managers' page.
"""
