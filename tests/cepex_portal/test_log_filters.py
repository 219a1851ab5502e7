"""Logging filters keep notices nobody can act on out of the console."""

import logging

from django.conf import settings

from cepex_portal.log_filters import HarfBuzzSubsetNotice


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("weasyprint", logging.WARNING, __file__, 1, message, (), None)


def test_the_harfbuzz_subset_notice_is_dropped():
    notice = _record('Using fontTools instead of HarfBuzz-Subset for font "CEPEX Sans".')

    assert HarfBuzzSubsetNotice().filter(notice) is False


def test_other_weasyprint_warnings_pass():
    assert HarfBuzzSubsetNotice().filter(_record("Failed to load image at 'x.png'")) is True


def test_the_console_handler_uses_the_filter():
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["harfbuzz_subset"]
    assert settings.LOGGING["filters"]["harfbuzz_subset"]["()"].endswith("HarfBuzzSubsetNotice")


def test_fonttools_speaks_only_of_problems():
    assert settings.LOGGING["loggers"]["fontTools"] == {"level": "WARNING"}
