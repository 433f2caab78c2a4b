"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner


@pytest.fixture()
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A click runner working in a fresh directory, so runs/ and reports/ land there."""
    monkeypatch.chdir(tmp_path)
    return CliRunner()
