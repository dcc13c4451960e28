"""Log lines that typed text cannot forge."""

from __future__ import annotations

import logging
import re
import unicodedata

# Colour codes (werkzeug colours its request lines on a terminal): dropped, not escaped, so a
# development log stays readable; a colour code forges nothing.
COLOURS = re.compile(r"\x1b\[[0-9;]*m")


def escape_controls(text: str) -> str:
    """Control characters (newline, carriage return, escape codes) as visible escapes.

    A newline typed into a form field would otherwise start a forged log line.
    """
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) == "Cc" else ch
        for ch in COLOURS.sub("", text)
    )


class EscapingFormatter(logging.Formatter):
    """Escapes the message only; a traceback appended after it keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)
