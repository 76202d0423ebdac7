"""The deploy/ files agree with the code they run: commands, settings, paths and stop times.

Docker and systemd are not needed: the files are read as text and checked against pyproject.toml,
``bot.config`` and the ``between`` command line itself.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.config import ENV_NAMES, ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VALID_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


# --- readers ------------------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in (DEPLOY / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, rest = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends in a continued line"
    return instructions


def final_stage() -> list[tuple[str, str]]:
    """The instructions of the last stage (the image that runs)."""
    instructions = dockerfile()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def docker_env(instructions: list[tuple[str, str]]) -> dict[str, str]:
    """Every ``ENV NAME=value`` pair set in ``instructions``."""
    env: dict[str, str] = {}
    for keyword, args in instructions:
        if keyword == "ENV":
            for pair in shlex.split(args):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def single(instructions: list[tuple[str, str]], keyword: str) -> str:
    """The arguments of the one instruction ``keyword`` (the last one wins, as in Docker)."""
    found = [args for kw, args in instructions if kw == keyword]
    assert found, f"no {keyword} in the Dockerfile"
    return found[-1]


def unit() -> dict[str, list[tuple[str, str]]]:
    """The systemd unit as section -> [(key, value)]; keys may repeat, as systemd allows."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in (DEPLOY / "between.service").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        assert current is not None, f"a setting outside any section: {line}"
        key, sep, value = line.partition("=")
        assert sep, f"not a key=value line: {line}"
        current.append((key.strip(), value.strip()))
    return sections


def service(key: str) -> list[str]:
    """Every value of ``key`` in the unit's [Service] section."""
    return [value for k, value in unit()["Service"] if k == key]


def env_example() -> tuple[dict[str, str], dict[str, str]]:
    """(active, commented) ``NAME=value`` assignments in between.env.example."""
    active: dict[str, str] = {}
    commented: dict[str, str] = {}
    for line in (DEPLOY / "between.env.example").read_text().splitlines():
        if match := re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line):
            active[match[1]] = match[2]
        elif match := re.fullmatch(r"#\s*([A-Z][A-Z0-9_]*)=(\S*)", line):
            commented[match[1]] = match[2]
    return active, commented


def compose() -> dict[str, Any]:
    """compose.yaml as nested dicts and lists of strings.

    Reads the block-style subset a compose file is written in (mappings, lists of scalars,
    comments), enough to check it without adding a YAML library to the project.
    """
    root: dict[str, Any] = {}
    # (indent, container) pairs; a key whose value is on the following lines waits in `open_key`.
    stack: list[tuple[int, Any]] = [(-1, root)]
    open_key: tuple[int, dict[str, Any], str] | None = None
    for raw in (DEPLOY / "compose.yaml").read_text().splitlines():
        text = raw.split(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not text.strip():
            continue
        indent = len(text) - len(text.lstrip())
        body = text.strip()
        if open_key is not None:
            key_indent, parent, key = open_key
            if indent > key_indent or body.startswith("- "):  # else the key's value stays empty
                parent[key] = [] if body.startswith("- ") else {}
                stack.append((key_indent, parent[key]))
            open_key = None
        while stack[-1][0] >= indent and not (
            body.startswith("- ") and isinstance(stack[-1][1], list) and stack[-1][0] == indent
        ):
            stack.pop()
        container = stack[-1][1]
        if body.startswith("- "):
            assert isinstance(container, list), f"a list item where a mapping was expected: {raw}"
            container.append(_scalar(body[2:]))
            continue
        key, sep, value = body.partition(":")
        assert sep and isinstance(container, dict), f"cannot read compose.yaml line: {raw}"
        if value.strip():
            container[key.strip()] = _scalar(value)
        else:
            container[key.strip()] = None
            open_key = (indent, container, key.strip())
    return root


def _scalar(text: str) -> str:
    return text.strip().strip("\"'")


def between_command(line: str) -> list[str]:
    """The arguments after the ``between`` program in a command line."""
    words = shlex.split(line)
    assert words and Path(words[0]).name == "between", f"not a between command: {line}"
    return words[1:]


def assert_is_a_between_command(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """``between ARGS`` is accepted by the real command line (checked with --help, which exits 0
    after parsing; an unknown command or option exits 2 instead)."""
    with pytest.raises(SystemExit) as exit_info:
        main([*args, "--help"])
    capsys.readouterr()
    assert exit_info.value.code == 0, f"`between {' '.join(args)}` is not a valid command"


# --- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_installs_the_project_with_pip():
    runs = [args for keyword, args in dockerfile() if keyword == "RUN"]
    installs = [args for args in runs if re.search(r"pip install --no-cache-dir \.(\s|$)", args)]
    assert installs, "the Dockerfile does not `pip install --no-cache-dir .`"


def test_dockerfile_copies_everything_the_wheel_is_built_from():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    needed = {"pyproject.toml", project["project"]["readme"], *wheel["packages"]}
    needed |= set(wheel.get("force-include", {}))
    copied: set[str] = set()
    for keyword, args in dockerfile():
        if keyword == "COPY" and "--from" not in args:
            copied.update(Path(source).as_posix() for source in shlex.split(args)[:-1])
    missing = needed - copied
    assert not missing, f"the Dockerfile does not copy {sorted(missing)} into the build"
    for source in copied:
        assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which does not exist"


def test_entrypoint_is_the_console_script_and_cmd_a_real_command(capsys):
    stage = final_stage()
    entrypoint = json.loads(single(stage, "ENTRYPOINT"))
    cmd = json.loads(single(stage, "CMD"))
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert entrypoint == ["between"]
    assert scripts["between"] == "bot.__main__:main"
    assert cmd == ["run"]
    assert_is_a_between_command(cmd, capsys)


def test_image_runs_unprivileged_with_the_database_in_the_volume():
    stage = final_stage()
    env = docker_env(stage)
    volume = single(stage, "VOLUME").strip('[]" ')
    user = single(stage, "USER")
    assert user not in {"root", "0"} and not user.startswith(("root:", "0:"))
    assert single(stage, "WORKDIR") == volume == "/data"
    assert Path(env["BETWEEN_DB"]).parent == Path(volume)
    assert load_settings(env).db_path == Path("/data/between.sqlite3")
    assert env["PYTHONUNBUFFERED"] == "1"
    assert single(stage, "STOPSIGNAL") == "SIGTERM"
    # The program sets it itself (bot/__main__.py); a second place to change it would drift.
    assert "PTB_TIMEDELTA" not in docker_env(dockerfile())


def test_image_python_satisfies_requires_python():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    minimum = re.fullmatch(r">=(\d+)\.(\d+)", project["requires-python"])
    assert minimum, "requires-python is no longer a plain >=X.Y; update this test"
    for keyword, args in dockerfile():
        if keyword == "FROM" and "--from" not in args:
            image = args.split()[0]
            version = re.fullmatch(r"python:(\d+)\.(\d+)-slim", image)
            assert version, f"unexpected base image {image}"
            assert tuple(map(int, version.groups())) >= tuple(map(int, minimum.groups()))


def test_the_volume_directory_is_prepared_before_it_is_declared():
    # Docker discards changes made to a volume's directory after VOLUME, and a new named volume
    # copies the directory's owner and mode: the chown/chmod must come first.
    stage = final_stage()
    keywords = [keyword for keyword, _ in stage]
    prepare = next(i for i, (kw, args) in enumerate(stage) if kw == "RUN" and "chmod 700 /data" in args)
    assert prepare < keywords.index("VOLUME")


# --- between.env.example ------------------------------------------------------------------------


def test_env_example_names_exactly_the_real_settings():
    active, commented = env_example()
    named = set(active) | set(commented)
    real = set(ENV_NAMES.values())
    assert named - real == set(), f"the example names settings Between does not read: {named - real}"
    assert real - named == set(), f"settings missing from the example: {real - named}"
    assert not set(active) & set(commented), "a setting appears both set and commented out"


def test_env_example_lines_are_read_alike_by_docker_and_systemd():
    for line in (DEPLOY / "between.env.example").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*=[^\s\"'#]*", line), f"not a plain NAME=value: {line}"


def test_env_example_as_copied_asks_for_the_token_by_name():
    active, _ = env_example()
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        load_settings(active)


def test_env_example_with_a_token_loads_and_matches_the_image():
    active, _ = env_example()
    # Compose's env_file goes on top of the image's ENV.
    settings = load_settings({**docker_env(final_stage()), **active, "TELEGRAM_BOT_TOKEN": VALID_TOKEN})
    assert settings.token == VALID_TOKEN
    assert str(settings.db_path) == docker_env(final_stage())["BETWEEN_DB"]


def test_env_example_commented_lines_are_valid_and_show_the_defaults():
    _, commented = env_example()
    defaults = Settings(token=None)
    needs_existing_file = {ENV_NAMES["crisis_resources"], ENV_NAMES["prompts_dir"]}
    for name, value in commented.items():
        if name in needs_existing_file:
            continue
        load_settings({name: value})  # raises ConfigError for an example that would not work
    shows_default = ("api_url", "invite_only", "log_level", "grace", "recap_lead", "webhook_listen")
    for key in (*shows_default, "webhook_port"):
        name = ENV_NAMES[key]
        shown = getattr(load_settings({name: commented[name]}), key)
        assert shown == getattr(defaults, key), f"{name}={commented[name]} is not the default"
    assert defaults.grace == timedelta(minutes=int(commented["BETWEEN_GRACE_MINUTES"]))


def test_env_example_tells_systemd_operators_where_the_database_goes():
    text = (DEPLOY / "between.env.example").read_text()
    assert f"{service('WorkingDirectory')[0]}/between.sqlite3" in text


def test_env_example_sets_nothing_but_the_token_it_asks_for():
    # An active default overrides what the unit and the image arrange: BETWEEN_DB=/data/...
    # (the image's path) made every systemd start fail in ExecStartPre and retry every 10 s.
    active, commented = env_example()
    assert set(active) == {"TELEGRAM_BOT_TOKEN"}
    assert commented["BETWEEN_DB"] == str(Settings(token=None).db_path)


def test_env_example_under_systemd_puts_the_database_in_the_state_directory():
    active, _ = env_example()
    settings = load_settings({**active, "TELEGRAM_BOT_TOKEN": VALID_TOKEN})
    where = Path(service("WorkingDirectory")[0]) / settings.db_path
    assert where == Path("/var/lib/between/between.sqlite3")
    assert where.parent == Path("/var/lib") / service("StateDirectory")[0]
    assert str(where.parent) in " ".join(service("ReadWritePaths")).split()


def test_env_example_as_copied_migrates_and_then_stops_for_good_on_the_token(tmp_path, monkeypatch, capsys):
    # systemd applies RestartPreventExitStatus to ExecStart only, not to ExecStartPre: the
    # migration must get through a token still to be filled in, and `run` must stop on it.
    for name in ENV_NAMES.values():
        monkeypatch.delenv(name, raising=False)
    active, _ = env_example()
    for name, value in active.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    monkeypatch.setattr("bot.__main__.configure", lambda level, token: None)
    monkeypatch.chdir(tmp_path)  # the unit's WorkingDirectory
    assert [between_command(line)[0] for line in service("ExecStartPre")] == ["migrate"]
    assert main(between_command(service("ExecStartPre")[0])) == 0
    assert (tmp_path / "between.sqlite3").is_file()
    capsys.readouterr()
    assert main(between_command(service("ExecStart")[0])) == int(service("RestartPreventExitStatus")[0])
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_the_backup_timer_in_the_readme_finds_the_database_where_the_bot_keeps_it():
    text = (DEPLOY / "README.md").read_text()
    block = text.split("`/etc/systemd/system/between-backup.service`:", 1)[1].split("```ini", 1)[1]
    lines = block.split("```", 1)[0].splitlines()
    assert f"WorkingDirectory={service('WorkingDirectory')[0]}" in lines
    assert f"EnvironmentFile={service('EnvironmentFile')[0]}" in lines


# --- between.service ----------------------------------------------------------------------------


def test_unit_runs_between_from_the_virtualenv_with_the_environment_file(capsys):
    start = service("ExecStart")
    assert start == ["/opt/between/bin/between run"]
    assert service("ExecStartPre") == ["/opt/between/bin/between migrate"]
    assert service("EnvironmentFile") == ["/etc/between/between.env"]
    for line in start + service("ExecStartPre"):
        assert_is_a_between_command(between_command(line), capsys)


def test_unit_writes_only_to_its_own_state_directory():
    state = service("StateDirectory")
    assert state == ["between"]
    assert service("WorkingDirectory") == [f"/var/lib/{state[0]}"]
    assert f"/var/lib/{state[0]}" in " ".join(service("ReadWritePaths")).split()
    assert service("ProtectSystem") == ["strict"]
    assert service("UMask") == ["0077"], "the database holds journals: files for this user only"
    user = service("User")
    assert user and user[0] not in {"root", "0"}


def test_unit_hardening():
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "Restart": "on-failure",
        "KillSignal": "SIGTERM",
    }.items():
        assert service(key) == [value], f"{key}={value} expected"


def test_unit_does_not_restart_on_the_exit_status_of_a_settings_mistake(monkeypatch, capsys):
    # RestartPreventExitStatus names the status `between` returns for a ConfigError.
    for name in ENV_NAMES.values():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    monkeypatch.setattr("bot.__main__.configure", lambda level, token: None)
    status = main(["run"])
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    assert service("RestartPreventExitStatus") == [str(status)]
    assert status != 0


# --- compose.yaml -------------------------------------------------------------------------------


def test_compose_builds_the_dockerfile_from_the_repository_root():
    build = compose()["services"]["between"]["build"]
    context = (DEPLOY / build["context"]).resolve()
    assert context == ROOT
    assert (context / build["dockerfile"]).resolve() == (DEPLOY / "Dockerfile").resolve()


def test_compose_keeps_the_database_in_a_named_volume_at_the_image_volume():
    spec = compose()
    # Without a fixed project name the volume is named after the folder ("deploy_..."), and a
    # checkout in another place would start with an empty database.
    assert spec["name"] == "between"
    between = spec["services"]["between"]
    mounts = [entry.split(":") for entry in between["volumes"]]
    data = [source for source, target, *_ in mounts if target == single(final_stage(), "VOLUME")]
    assert len(data) == 1, "one volume at the image's data directory"
    assert not data[0].startswith((".", "/")), "a named volume, not a host path"
    assert data[0] in spec["volumes"]


def test_compose_settings_come_from_the_copied_example():
    between = compose()["services"]["between"]
    assert between["env_file"] == ["between.env"]
    assert (DEPLOY / "between.env.example").is_file()
    assert between["restart"] == "unless-stopped"


def test_compose_and_systemd_give_the_bot_the_same_time_to_stop():
    grace = compose()["services"]["between"]["stop_grace_period"]
    assert grace == "30s"
    assert service("TimeoutStopSec") == [grace.removesuffix("s")]


def test_compose_reader_understands_the_file():
    # Guards the small reader above: if compose.yaml grows a construct it cannot read, this fails
    # rather than the other tests silently checking less.
    spec = compose()
    assert set(spec) == {"name", "services", "volumes"}
    between = spec["services"]["between"]
    assert between["logging"]["options"] == {"max-size": "10m", "max-file": "3"}
    assert between["tmpfs"] == ["/tmp"]
