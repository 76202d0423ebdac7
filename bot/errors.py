"""Errors shared across Between: what a person typed that cannot be used, what an operator must fix.

They live here, below everything else, so that any module can raise them without importing the
module that reports them (bot/config.py re-exports :class:`ConfigError`, bot/__main__.py prints it).
"""

from __future__ import annotations

from typing import Any


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line an operator can act on."""


class BadInput(Exception):
    """Something a person typed that Between cannot use.

    ``code`` names the kind one-line answer in ``templates/bad_input.j2``; ``params`` fill it in.
    Raising it must leave nothing changed: parsers raise it before any write happens.
    """

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __repr__(self) -> str:  # params may echo what the person typed: keep it out of reprs
        return f"BadInput({self.code!r})"
