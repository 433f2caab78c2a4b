"""The single error type a user sees for a bad config, and its one-line rendering."""

from __future__ import annotations


class ConfigError(ValueError):
    """A config problem, rendered as ``error: FILE: KEY: MESSAGE`` on one line.

    Parameters
    ----------
    source : str
        The file (or ``--set``) the problem comes from.
    key : str or None
        Dotted config key, e.g. ``game.structural.japan.balancing_cost``.
    message : str
        Short description of what is wrong.
    """

    def __init__(self, source: str, key: str | None, message: str) -> None:
        self.source = source
        self.key = key
        self.message = " ".join(str(message).split())  # always one line
        super().__init__(self.render())

    def render(self) -> str:
        parts = [self.source] + ([self.key] if self.key else []) + [self.message]
        return "error: " + ": ".join(parts)
