"""Where the data files that travel with the package live.

In an installed wheel, ``prompts/`` and ``migrations/`` sit inside the package under ``_data``;
in a source checkout (an editable install, or tests run from the repository) they sit at the top
of the repository. Both layouts resolve here, and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the directory holding the packaged data folder ``name`` (``prompts``, ``migrations``)."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"data folder {name!r} is missing from this installation")


def templates_dir() -> Path:
    """Return the directory of the Jinja templates (always inside the package)."""
    return _PACKAGE_DIR / "templates"
