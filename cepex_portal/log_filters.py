"""Logging filters: lines that say nothing an operator can act on stay out of the logs."""

from __future__ import annotations

import logging


class HarfBuzzSubsetNotice(logging.Filter):
    """Drop WeasyPrint's notice that it subsets fonts with fontTools.

    WeasyPrint prefers the system library HarfBuzz-Subset (Debian's ``libharfbuzz-subset0``)
    and falls back on fontTools when it is missing, with a warning for every PDF. The PDF is
    the same; only subsetting is slower. A command such as ``build_report`` prints its result
    or its one error line on stderr, so this notice must not come before it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "instead of HarfBuzz-Subset" not in record.getMessage()
