"""The Bot API 10.0 schema, and the checks every call goes through.

The schema ships inside the package (``bot/telegram_spec/``) and is loaded lazily, once. It gives
the method names (matched case-insensitively, as Telegram does), each method's fields and types
(:func:`validate_params` refuses unknown and missing fields and coerces every value) and the emoji
a bot may react with. Which of its methods the stand-in implements is registered here too
(:func:`_implements`, :data:`_IMPLEMENTATIONS`).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.localapi.records import UploadedFile, _bad

SPEC_PATH = Path(__file__).parent.parent / "telegram_spec" / "bot-api-10.0.json"

_spec_lock = threading.Lock()


@functools.cache
def _spec() -> dict[str, Any]:
    with _spec_lock, SPEC_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@functools.cache
def _method_names() -> dict[str, str]:
    """Lower-case name -> canonical name: Telegram matches method names case-insensitively."""
    return {name.lower(): name for name in _spec()["methods"]}


@functools.cache
def _method_fields(method: str) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in _spec()["methods"][method].get("fields", [])}


@functools.cache
def allowed_reactions() -> frozenset[str]:
    """The emoji a bot may react with, read from the schema's description of ReactionTypeEmoji."""
    fields = _spec()["types"]["ReactionTypeEmoji"]["fields"]
    description = next(f["description"] for f in fields if f["name"] == "emoji")
    return frozenset(re.findall(r'"([^"]+)"', description))


_INTEGER = re.compile(r"[+-]?\d{1,19}")
_NO_MATCH = object()


def _coerce_one(value: Any, type_name: str) -> Any:
    """``value`` as ``type_name`` (a schema type), or _NO_MATCH."""
    if type_name.startswith("Array of "):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return _NO_MATCH
        if not isinstance(value, list):
            return _NO_MATCH
        inner = type_name[len("Array of ") :]
        items = [_coerce_one(item, inner) for item in value]
        return _NO_MATCH if any(item is _NO_MATCH for item in items) else items
    if type_name == "Integer":
        if isinstance(value, bool):
            return _NO_MATCH
        if isinstance(value, int):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        return _NO_MATCH
    if type_name == "Float":
        if isinstance(value, bool):
            return _NO_MATCH
        if isinstance(value, int | float):
            return float(value)
        try:
            return float(value) if isinstance(value, str) else _NO_MATCH
        except ValueError:
            return _NO_MATCH
    if type_name == "Boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        return _NO_MATCH
    if type_name == "String":
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)  # Telegram reads a JSON number where a string is expected
        return _NO_MATCH
    if type_name == "InputFile":
        return value if isinstance(value, UploadedFile) else _NO_MATCH
    # Any other name is an object type (InlineKeyboardMarkup, ReplyParameters, ...).
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return _NO_MATCH
    return value if isinstance(value, dict) else _NO_MATCH


def _has_surrogates(value: Any) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, list):
        return any(_has_surrogates(v) for v in value)
    if isinstance(value, dict):
        return any(_has_surrogates(k) or _has_surrogates(v) for k, v in value.items())
    return False


def validate_params(method: str, raw: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
    """Check ``raw`` against the schema of ``method`` and coerce every value to its type.

    Unknown fields are refused (Telegram ignores them; the stand-in is strict on purpose so that a
    misspelt parameter is caught), missing required ones too.
    """
    fields = _method_fields(method)
    raw = dict(raw)
    for name, value in list(raw.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.pop(value[len("attach://") :], None)
            if attached is not None:
                raw[name] = attached
    for name, upload in files.items():
        raw[name] = upload
    params: dict[str, Any] = {}
    for name, value in raw.items():
        spec = fields.get(name)
        if spec is None:
            raise _bad(f"unknown parameter {name}")
        if _has_surrogates(value):
            raise _bad("strings must be encoded in UTF-8")
        for type_name in spec["types"]:
            coerced = _coerce_one(value, type_name)
            if coerced is not _NO_MATCH:
                params[name] = coerced
                break
        else:
            raise _bad(f'field "{name}" must be of type {" or ".join(spec["types"])}')
    for name, spec in fields.items():
        if spec["required"] and name not in params:
            raise _bad(f"{name} is required")
    return params


_IMPLEMENTATIONS: dict[str, str] = {}


def _implements(method: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a LocalBotAPI method as the implementation of Bot API ``method``."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _IMPLEMENTATIONS[method] = func.__name__
        return func

    return register
