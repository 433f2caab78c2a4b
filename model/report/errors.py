"""The one exception the report package raises for bad input."""

from __future__ import annotations


class ReportError(Exception):
    """A report cannot be rendered; the message is one line naming the cause."""
