"""The safety data files: where the packaged ones live, reading one, and the error it raises.

The packaged files sit in ``bot/safety_data/`` (inside the package, so an installed wheel carries
them); an operator may add or replace them with files of the same format.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.errors import ConfigError

_DATA_DIR = Path(__file__).resolve().parent.parent / "safety_data"
DEFAULT_PHRASES = _DATA_DIR / "phrases.toml"
DEFAULT_RESOURCES = _DATA_DIR / "resources.toml"


class SafetyDataError(ConfigError):
    """A phrase or resources file cannot be used; the message names the file and the problem."""


def read_toml(path: Path, what: str) -> dict[str, object]:
    """The parsed contents of ``path``; ``what`` ("crisis phrase file") starts every error."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SafetyDataError(f"{what} {path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise SafetyDataError(f"{what} {path} is not valid TOML: {error}") from None
    except OSError as error:
        raise SafetyDataError(f"{what} {path} cannot be read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise SafetyDataError(f"{what} {path} is not UTF-8 text") from None
