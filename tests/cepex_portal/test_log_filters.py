"""Logging filters keep notices nobody can act on out of the console."""

import copy
import io
import logging
import logging.config

from django.conf import settings

from cepex_portal.log_filters import HarfBuzzSubsetNotice


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("weasyprint", logging.WARNING, __file__, 1, message, (), None)


def test_the_harfbuzz_subset_notice_is_dropped():
    notice = _record('Using fontTools instead of HarfBuzz-Subset for font "CEPEX Sans".')

    assert HarfBuzzSubsetNotice().filter(notice) is False


def test_other_weasyprint_warnings_pass():
    assert HarfBuzzSubsetNotice().filter(_record("Failed to load image at 'x.png'")) is True


def _console_output(*records: tuple[str, int, str]) -> str:
    """What the console handler of ``settings.LOGGING`` prints for these (logger, level,
    message) records: the settings' own configuration, its stream swapped for a buffer."""
    config = copy.deepcopy(settings.LOGGING)
    buffer = io.StringIO()
    config["handlers"]["console"]["stream"] = buffer
    root, loggers = logging.getLogger(), {name: logging.getLogger(name) for name in ("fontTools",)}
    saved = root.handlers[:], root.level, {name: lg.level for name, lg in loggers.items()}
    try:
        logging.config.dictConfig(config)
        for name, level, message in records:
            logging.getLogger(name).log(level, message)
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        for name, level in saved[2].items():
            loggers[name].setLevel(level)
    return buffer.getvalue()


def test_the_console_prints_weasyprint_warnings_but_not_the_harfbuzz_notice():
    output = _console_output(
        ("weasyprint", logging.WARNING, 'Using fontTools instead of HarfBuzz-Subset for "X".'),
        ("weasyprint", logging.WARNING, "Failed to load image at 'x.png'"),
    )

    assert "HarfBuzz" not in output
    assert "WARNING weasyprint Failed to load image at 'x.png'" in output


def test_the_console_prints_fonttools_problems_only():
    output = _console_output(
        ("fontTools.subset", logging.INFO, "maxp subsetting"),
        ("fontTools.subset", logging.WARNING, "glyph 42 missing"),
    )

    assert "maxp subsetting" not in output
    assert "WARNING fontTools.subset glyph 42 missing" in output
