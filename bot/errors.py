"""Domain errors shared by the pure parsers and the services."""

from __future__ import annotations

from typing import Any


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
