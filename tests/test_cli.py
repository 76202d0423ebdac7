"""The operator's commands: one line and a distinct exit status per kind of failure, private files.

Each failure an operator can meet (a setting, the database, Telegram, the backup's target) is one
line on stderr that names what failed and where, with the status README.md lists, and no
traceback unless BETWEEN_LOG_LEVEL=DEBUG asks for one.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import __main__ as cli
from bot.__main__ import main
from bot.config import ENV_NAMES
from bot.localapi import LocalBotAPI
from bot.store.db import Database, DatabaseUnavailable

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_NAMES.values():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    # configure() would replace the test run's own log handlers.
    monkeypatch.setattr("bot.__main__.configure", lambda level, token: None)


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.endswith("\n"), f"not one line: {err!r}"
    assert "Traceback" not in err
    return err


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


# --- exit statuses ------------------------------------------------------------------------------


def test_the_statuses_are_distinct_and_the_readme_lists_them():
    statuses = [cli.OK, cli.FAILED, cli.CONFIG, cli.DATABASE, cli.TELEGRAM, cli.TARGET, cli.INTERRUPTED]
    assert statuses == [0, 1, 2, 3, 4, 5, 130]
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    table = readme.split("### Exit status", 1)[1].split("\n\n## ", 1)[0]
    cells = [line.split("|")[1].strip() for line in table.splitlines() if line.startswith("|")]
    listed = [int(cell) for cell in cells if cell.isdigit()]
    assert listed == statuses


def test_backup_into_a_missing_folder_is_one_line_and_status_5(tmp_path, monkeypatch, capsys):
    make_database(tmp_path / "between.sqlite3")
    monkeypatch.setenv("BETWEEN_DB", str(tmp_path / "between.sqlite3"))
    assert main(["backup", "/nonexistent/dir/x"]) == cli.TARGET
    err = one_line(capsys.readouterr().err)
    assert "/nonexistent/dir/x" in err and "/nonexistent/dir does not exist" in err


def test_backup_of_a_missing_database_is_status_3(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BETWEEN_DB", str(tmp_path / "none.sqlite3"))
    assert main(["backup", str(tmp_path / "copy.sqlite3")]) == cli.DATABASE
    assert str(tmp_path / "none.sqlite3") in one_line(capsys.readouterr().err)
    assert not list(tmp_path.iterdir())


def test_run_with_a_database_in_a_missing_folder_names_it_with_status_3(monkeypatch, capsys):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BETWEEN_DB", "/nonexistent/x.sqlite3")
    assert main(["run"]) == cli.DATABASE
    err = one_line(capsys.readouterr().err)
    assert "/nonexistent/x.sqlite3" in err and "the folder /nonexistent does not exist" in err


@pytest.mark.parametrize("command", [["migrate"], ["invite", "--bot-username", "b"], ["chat"]])
def test_every_command_that_opens_the_database_reports_it_alike(monkeypatch, capsys, command):
    monkeypatch.setenv("BETWEEN_DB", "/nonexistent/x.sqlite3")
    assert main(command) == cli.DATABASE
    assert "cannot create the database /nonexistent/x.sqlite3" in one_line(capsys.readouterr().err)


def test_a_file_that_is_not_a_database_is_status_3(tmp_path, monkeypatch, capsys):
    (tmp_path / "notes.txt").write_text("not a database, but long enough to have a header " * 10)
    monkeypatch.setenv("BETWEEN_DB", str(tmp_path / "notes.txt"))
    assert main(["migrate"]) == cli.DATABASE
    assert "not an SQLite database" in one_line(capsys.readouterr().err)


def test_a_folder_as_the_database_is_status_3(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BETWEEN_DB", str(tmp_path))
    assert main(["migrate"]) == cli.DATABASE
    assert "that is a folder" in one_line(capsys.readouterr().err)


def between(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` in a process of its own, with ``env`` as its only settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BETWEEN_", "TELEGRAM_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def migrated(path: Path) -> Path:
    """A database that needs no migration (so `run` logs nothing before it fails)."""
    assert between({"BETWEEN_DB": str(path)}, "migrate").returncode == 0
    return path


def test_unreachable_telegram_is_one_line_and_status_4(tmp_path):
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{closed_port()}/bot",
        "BETWEEN_DB": str(migrated(tmp_path / "between.sqlite3")),
    }
    done = between(env, "run")
    assert done.returncode == cli.TELEGRAM
    err = one_line(done.stderr)
    assert err.startswith("between: cannot reach Telegram at http://127.0.0.1:")
    assert TOKEN not in err


def test_a_refused_token_is_one_line_and_status_4(tmp_path, monkeypatch, capsys):
    with LocalBotAPI("987654321:the-token-telegram-knows") as api:
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.base_url,
            "BETWEEN_DB": str(migrated(tmp_path / "between.sqlite3")),
        }
        done = between(env, "run")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert main(["invite"]) == cli.TELEGRAM
    assert done.returncode == cli.TELEGRAM
    assert "refused the bot token" in one_line(done.stderr)
    err = one_line(capsys.readouterr().err)
    assert "refused the bot token" in err
    assert TOKEN not in err + done.stderr


def test_anything_else_is_one_line_and_status_1(tmp_path, monkeypatch, capsys):
    def boom(args, settings):
        raise RuntimeError("something\nunforeseen")

    monkeypatch.setattr("bot.__main__._dispatch", boom)
    assert main(["migrate"]) == cli.FAILED
    err = one_line(capsys.readouterr().err)
    assert "RuntimeError: something unforeseen" in err and "BETWEEN_LOG_LEVEL=DEBUG" in err


def test_debug_shows_the_traceback_too(monkeypatch, capsys):
    monkeypatch.setenv("BETWEEN_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("BETWEEN_DB", "/nonexistent/x.sqlite3")
    assert main(["migrate"]) == cli.DATABASE
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.splitlines()[-1].startswith("between: cannot create the database /nonexistent/x.sqlite3")


def test_a_settings_mistake_is_still_status_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BETWEEN_DB", str(tmp_path / "between.sqlite3"))
    monkeypatch.setenv("BETWEEN_GRACE_MINUTES", "soon")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert main(["run"]) == cli.CONFIG
    assert "BETWEEN_GRACE_MINUTES" in one_line(capsys.readouterr().err)
    monkeypatch.setenv("BETWEEN_LOG_LEVEL", "LOUD")
    assert main(["migrate"]) == cli.CONFIG
    assert "BETWEEN_LOG_LEVEL" in one_line(capsys.readouterr().err)
    assert not (tmp_path / "between.sqlite3").exists()


def test_commands_that_never_reach_telegram_read_only_their_own_settings(tmp_path, monkeypatch, capsys):
    # A token still to be filled in, or a mistake in a setting only `run` uses, is reported by
    # `run`; `migrate`, `backup`, `import` and `invite --bot-username` do not stop on it.
    monkeypatch.setenv("BETWEEN_DB", str(tmp_path / "between.sqlite3"))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "paste-the-token-from-BotFather-here")
    monkeypatch.setenv("BETWEEN_GRACE_MINUTES", "soon")
    assert main(["migrate"]) == cli.OK
    assert main(["backup", str(tmp_path / "copy.sqlite3")]) == cli.OK
    assert main(["invite", "--bot-username", "between_bot"]) == cli.OK
    capsys.readouterr()
    assert main(["invite"]) == cli.CONFIG
    assert "TELEGRAM_BOT_TOKEN does not look like a bot token" in one_line(capsys.readouterr().err)
    assert main(["run"]) == cli.CONFIG


# --- between run says who it is ------------------------------------------------------------------


def test_run_logs_the_bot_it_runs_as_and_stops_on_sigterm(tmp_path):
    token = "123456789:TEST-token-for-the-cli"
    with LocalBotAPI(token, bot_username="between_cli_bot") as api:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BETWEEN_", "TELEGRAM_"))}
        env.update(
            TELEGRAM_BOT_TOKEN=token,
            TELEGRAM_API_URL=api.base_url,
            BETWEEN_DB=str(tmp_path / "between.sqlite3"),
        )
        with subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        ) as process:
            try:
                lines = _read_until(process, "running as", timeout=30)
                process.send_signal(signal.SIGTERM)
                assert process.wait(timeout=30) == 0
            finally:
                process.kill()
    assert any(line.endswith("running as @between_cli_bot") for line in lines), lines


def _read_until(process: subprocess.Popen[str], text: str, timeout: float) -> list[str]:
    assert process.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=deadline - time.monotonic()):
                break
            line = process.stderr.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if text in line:
                return lines
    raise AssertionError(f"{text!r} never came; stderr was: {lines}")


# --- files readable by their owner alone --------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(*paths: Path | str) -> list[int]:
    return [mode(Path(path)) for path in paths]


async def test_the_database_and_its_wal_and_shm_are_created_private_whatever_the_umask(tmp_path):
    path = tmp_path / "between.sqlite3"
    umask = os.umask(0o022)
    try:
        db = await Database.open(path)
        try:
            async with db.transaction() as conn:
                await conn.execute("CREATE TABLE t (x)")
                await conn.execute("INSERT INTO t VALUES (1)")
            # While it is open, the WAL and the shared-memory file exist beside it.
            assert modes(path, f"{path}-wal", f"{path}-shm") == [0o600, 0o600, 0o600]
        finally:
            await db.close()
    finally:
        os.umask(umask)


async def test_an_existing_database_keeps_the_mode_its_operator_gave_it(tmp_path):
    path = tmp_path / "between.sqlite3"
    make_database(path)
    path.chmod(0o640)
    db = await Database.open(path)
    await db.close()
    assert mode(path) == 0o640


async def test_opening_in_a_missing_folder_creates_nothing(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="missing does not exist"):
        await Database.open(tmp_path / "missing" / "between.sqlite3")
    assert not list(tmp_path.iterdir())


def test_the_command_line_creates_private_files_and_restores_the_umask(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BETWEEN_DB", str(tmp_path / "between.sqlite3"))
    before = os.umask(0o022)
    try:
        assert main(["migrate"]) == cli.OK
        assert main(["backup", str(tmp_path / "backup.sqlite3")]) == cli.OK
        assert os.umask(0o022) == 0o022  # main() gave the process its umask back
    finally:
        os.umask(before)
    capsys.readouterr()
    assert mode(tmp_path / "between.sqlite3") == 0o600
    assert mode(tmp_path / "backup.sqlite3") == 0o600


def test_between_chat_keeps_its_journal_and_saved_files_private(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BETWEEN_", "TELEGRAM_"))}
    env.update(BETWEEN_DB=str(tmp_path / "between.sqlite3"), PYTHONIOENCODING="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "import os, sys; os.umask(0o022); from bot.__main__ import main;"
         " sys.exit(main(['chat']))"],
        input="/start\nsomething I wrote\n/export\n/quit\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    saved = sorted(tmp_path.glob("between-export-*"))
    assert [p.suffix for p in saved] == [".json", ".md"], done.stdout
    for path in [tmp_path / "between.sqlite3", *saved]:
        assert mode(path) == 0o600, path.name


# --- between invite -----------------------------------------------------------------------------


def test_invite_without_a_username_or_token_says_what_it_needs(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BETWEEN_DB", str(tmp_path / "between.sqlite3"))
    assert main(["invite"]) == cli.CONFIG
    err = one_line(capsys.readouterr().err)
    assert "--bot-username" in err and "TELEGRAM_BOT_TOKEN" in err
    assert not (tmp_path / "between.sqlite3").exists()


def test_invite_with_a_username_needs_no_token(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BETWEEN_DB", str(tmp_path / "between.sqlite3"))
    assert main(["invite", "--bot-username", "@between_bot"]) == cli.OK
    assert capsys.readouterr().out.startswith("https://t.me/between_bot?start=")
    assert main(["invite", "--bot-username", "not a name"]) == cli.CONFIG
    assert "--bot-username" in one_line(capsys.readouterr().err)


def test_invite_help_says_it_needs_a_username_or_token(capsys):
    with pytest.raises(SystemExit):
        main(["invite", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--bot-username" in text and "TELEGRAM_BOT_TOKEN" in text
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "needs --bot-username or TELEGRAM_BOT_TOKEN" in " ".join(capsys.readouterr().out.split())
