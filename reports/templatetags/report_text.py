"""Filters of the PDF reports' templates.

``text_dir``: the direction of a text typed by a user, from its first letter that has one
("rtl" for Arabic or Hebrew, else "ltr"). A French objective in an Arabic report (or the
reverse) is set in its own direction, so that its punctuation stays where it belongs;
WeasyPrint does not implement ``dir="auto"``, so the templates say it.
"""

import unicodedata

from django import template

register = template.Library()


@register.filter
def text_dir(value) -> str:
    for char in str(value or ""):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
