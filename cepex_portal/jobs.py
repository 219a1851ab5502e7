"""Enqueueing background jobs: after commit, and never at the cost of the request.

A web request that records something (an application, a login link) must answer even when
the broker is down or, with tasks run in process, when the mail server is unreachable: the
record is saved, the failure is logged with what was lost, and the visitor sees the same
answer either way (an error for known addresses only would tell strangers which exist).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Any, /, **kwargs: Any) -> bool:
    """Send ``task`` with keyword arguments now; return False, logged, if that failed."""
    try:
        task.delay(**kwargs)
    except Exception:  # broker down, or an eager task that failed: never the caller's problem
        logger.exception("could not run or enqueue %s with %s", task.name, sorted(kwargs))
        return False
    return True


def enqueue_on_commit(task: Any, /, **kwargs: Any) -> None:
    """Send ``task`` once the current transaction commits (a worker must see the rows)."""
    transaction.on_commit(lambda: enqueue(task, **kwargs))
