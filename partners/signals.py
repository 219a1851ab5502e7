"""Signals the ground floor sends to the apps above it, which it must not import.

A representative claim concerns a company (here), but what was held with it (applications
to missions) belongs to the apps above: they listen, and act in the same transaction.
"""

from django.dispatch import Signal

# Sent inside the transaction that approved or declined a claim; keyword argument ``claim``.
claim_approved = Signal()
claim_declined = Signal()
