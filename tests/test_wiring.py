"""The composition root wires every button, command and menu entry (bot/app.py)."""

from __future__ import annotations

import pytest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app import JOURNEYS, build_application
from bot.render import Renderer
from bot.views.buttons import Action, is_action, pack, pattern, unpack
from bot.views.menu import MENU
from tests.conftest import make_settings


@pytest.fixture
def application(api, clock, tmp_path):
    return build_application(make_settings(api, tmp_path / "x.sqlite3"), db=None, clock=clock)  # type: ignore[arg-type]


def _button_handlers(application):
    return [
        h
        for handlers in application.handlers.values()
        for h in handlers
        if isinstance(h, CallbackQueryHandler) and h.pattern is not None
    ]


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.name)
def test_every_button_has_exactly_one_handler(application, action):
    data = pack(action, 42, 1)
    matching = [h for h in _button_handlers(application) if h.pattern.match(data)]
    assert len(matching) == 1


def test_every_menu_command_has_a_handler_a_description_and_help(application):
    commands = {
        name
        for handlers in application.handlers.values()
        for h in handlers
        if isinstance(h, CommandHandler)
        for name in h.commands
    }
    renderer = Renderer()
    help_text = renderer.render("help.j2", commands=MENU)
    for name in MENU:
        assert name in commands
        assert renderer.label(f"cmd_{name}")
        assert f"/{name}" in help_text or name in ("start", "help")
    assert commands <= set(MENU)


def test_every_journey_registers_itself():
    assert all(callable(getattr(journey, "add_handlers", None)) for journey in JOURNEYS)


def test_button_data_round_trips_and_refuses_what_is_not_ours():
    data = pack(Action.RECAP_DISCUSSED_ALL, -7, "abc")
    press = unpack(data)
    assert press is not None and press.action is Action.RECAP_DISCUSSED_ALL
    assert press.owner == -7 and press.args == ("abc",)
    assert unpack("nope:1:2") is None
    assert unpack("rm:x:2") is None
    assert unpack("rm:²:2") is None
    assert unpack("rm:1:²").number() is None  # type: ignore[union-attr]
    assert is_action(data, Action.RECAP_DISCUSSED_ALL)
    assert not is_action(data, Action.RECAP_DISCUSSED)
    assert not pattern(Action.RECAP_DISCUSSED).match(data)
    with pytest.raises(ValueError):
        pack(Action.ZONE, 1, "x" * 70)
