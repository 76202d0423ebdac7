"""The layers point one way (docs/architecture.md). Read from the imports, so the rule keeps
holding as the code grows: a change that breaks it fails here, with the import named."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
MAX_LINES = 600


def _modules() -> list[Path]:
    return sorted(path for path in BOT.rglob("*.py") if "_data" not in path.parts)


def _name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module this file imports, at any depth (also inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


# (what imports, what it must never import, why)
RULES = [
    ("bot.services", "telegram", "services hold the rules; Telegram is the handlers' and views' business"),
    ("bot.store", "telegram", "the store knows no Telegram"),
    ("bot.services", "bot.views", "services decide; views draw what they decided"),
    ("bot.store", "bot.services", "the store is the bottom: it serves services, never calls them"),
    ("bot.handlers", "bot.store.db", "handlers hold no storage: they call a service"),
]
# Below the handlers nothing reaches back up into them.
BELOW_HANDLERS = ("bot.views", "bot.services", "bot.store", "bot.dispatch", "bot.intake", "bot.webhook")
# Handlers may use the store's record types (a Person, an Entry) but never its queries.
STORE_QUERY_MODULES = ("db", "people", "entries", "deliveries", "moods", "reminders", "sessions",
                       "invites", "inbox", "recap", "export", "backup", "migrate")  # fmt: skip


def _breaches() -> list[str]:
    found = []
    for path in _modules():
        module = _name(path)
        for imported in _imports(path):
            for importer, forbidden, why in RULES:
                if _under(module, importer) and _under(imported, forbidden):
                    found.append(f"{module} imports {imported}: {why}")
            if any(_under(module, low) for low in BELOW_HANDLERS) and _under(imported, "bot.handlers"):
                found.append(f"{module} imports {imported}: nothing below the handlers imports them")
    return sorted(set(found))


def test_layers_point_one_way() -> None:
    assert _breaches() == []


def _store_queries(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "bot.store":
            found += [f"bot.store.{a.name}" for a in node.names if a.name in STORE_QUERY_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot.store."):
            # Record types (dataclasses) are fine; functions that take a connection are not.
            found += [f"{node.module}.{a.name}" for a in node.names if a.name[:1].islower()]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if _under(a.name, "bot.store")]
    return found


def _transactions(tree: ast.AST) -> int:
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("transaction", "read")
        and isinstance(node.value, ast.Attribute) and node.value.attr == "db"
    )  # fmt: skip


@pytest.mark.parametrize("path", sorted((BOT / "handlers").glob("*.py")), ids=lambda p: p.name)
def test_handlers_hold_no_storage(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _store_queries(tree) == [], "a handler calls a service instead of the store"
    assert _transactions(tree) == 0, "a handler opens no transaction: a service does, once per decision"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(BOT)))
def test_no_module_is_too_long(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines: split it along its seams"


def test_the_rules_can_fail() -> None:
    """The checks above find a breach when there is one (a check that cannot fail is no check)."""
    bad = ast.parse(
        "from bot.store import people\n"
        "async def f(context):\n"
        "    async with context.db.transaction():\n"
        "        pass\n"
    )
    assert _store_queries(bad) == ["bot.store.people"]
    assert _transactions(bad) == 1
