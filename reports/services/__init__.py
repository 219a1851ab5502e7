"""Writes of reports, one module per subject; import from the module itself:

- ``followup``: outcomes of meetings, leads and their pipeline, reminders, digests;
- ``generation``: PDF reports (dossier, follow-up report) made by the worker.
"""
