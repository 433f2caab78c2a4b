"""``offshore app``: an interactive briefing room (Shiny for Python, the ``app`` extra).

The app shows the live headline figures with intervals, the 2x2 table, equilibrium
sets, Japan's burden distribution and components, the paper's claims, pinned
scenarios with paired differences, and exports the current view as a config TOML
that ``offshore run`` reproduces exactly. Modules, one job each: ``state`` (controls
-> ``--set`` overrides -> validated config), ``compute`` (the run's engine path,
adaptive sample size, pins, claims), ``figures`` (the report's charts as data URIs),
``views`` (HTML fragments), ``layout`` (the page), ``server`` (reactive wiring).

Importing this package does not import shiny: :func:`launch` does, after
:func:`require_shiny` has said, in one line, how to install it if it is missing.
"""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path

EXTRA_HINT = "offshore app needs the 'app' extra: pip install -e '.[app]' (or pip install 'offshore[app]')"


class AppUnavailable(RuntimeError):
    """Shiny (the ``app`` extra) is not installed."""


def require_shiny() -> None:
    """Raise :class:`AppUnavailable` with an install hint when shiny is missing."""
    if importlib.util.find_spec("shiny") is None or importlib.util.find_spec("uvicorn") is None:
        raise AppUnavailable(EXTRA_HINT)


def port_free(host: str, port: int) -> bool:
    """Whether ``host:port`` can be bound now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def launch(
    config: Path | None,
    host: str = "127.0.0.1",
    port: int = 8050,
    samples: int | None = None,
    jobs: int | None = None,
    runs_dir: Path = Path("runs"),
    reports_dir: Path = Path("reports"),
) -> None:
    """Serve the app for ``config`` on ``host:port`` until interrupted."""
    require_shiny()
    import matplotlib

    matplotlib.use("Agg")
    import uvicorn

    from model.app.server import build_app

    app = build_app(config, samples, jobs, runs_dir, reports_dir)
    print(f"offshore app: http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


__all__ = ["EXTRA_HINT", "AppUnavailable", "launch", "port_free", "require_shiny"]
