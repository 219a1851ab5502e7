"""One way to count the queries of a page or a block, for the query-count tests every list
page has (the same count with one row and with many).
"""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(block: Callable[[], object]) -> int:
    """How many queries ``block()`` makes."""
    with CaptureQueriesContext(connection) as queries:
        block()
    return len(queries)


def page_queries(client, url: str, *, status: int = 200) -> int:
    """How many queries one GET of ``url`` makes; the page must answer ``status``."""

    def get() -> None:
        response = client.get(url)
        assert response.status_code == status, response

    return queries_of(get)
