"""deploy/: the systemd units and the settings file are valid and name only real things."""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values

from lacak.config import Settings
from tests import cli_tree

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "lacak.env.example"
ADMIN = DEPLOY / "lacak-admin"
UNITS = sorted(DEPLOY.glob("*.service"))
BINARY = "/opt/lacak/bin/lacak"
STATE = "/var/lib/lacak"
# The venv's own `lacak` script: an executable that exists, for `systemd-analyze verify`.
LACAK_SCRIPT = Path(sys.executable).parent / "lacak"
# systemd-analyze's words for a unit file it cannot take as written.
COMPLAINTS = re.compile(
    r"unknown|ignoring|invalid|failed|not found|not executable|deprecated|"
    r"bad|missing|cannot|unsafe|warning",
    re.IGNORECASE,
)


def env_names() -> dict[str, str]:
    """Environment name → Settings field, as pydantic-settings reads them."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    names = {}
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        env = alias.choices[0] if alias is not None else prefix + name.upper()  # type: ignore[union-attr]
        names[str(env)] = name
    return names


def directives(path: Path) -> list[tuple[str, str, str]]:
    """(section, key, value) of a unit file, in order; repeated keys kept."""
    found: list[tuple[str, str, str]] = []
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        found.append((section, key.strip(), value.strip()))
    return found


def values(path: Path, key: str) -> list[str]:
    """Every value given to `key` in a unit file."""
    return [v for _, k, v in directives(path) if k == key]


def test_the_deploy_folder_has_its_parts() -> None:
    names = {p.name for p in DEPLOY.iterdir()}
    expected = {"lacak.service", "lacak@.service", "lacak-migrate.service"}
    assert expected | {"lacak.env.example", "lacak-admin"} <= names


# --- the settings file -----------------------------------------------------------------


def test_every_name_in_the_env_example_is_a_real_setting() -> None:
    named = set(dotenv_values(ENV_EXAMPLE))
    unknown = sorted(named - set(env_names()))
    assert not unknown, f"deploy/lacak.env.example names settings that do not exist: {unknown}"
    assert {"LACAK_DATABASE_URL", "LACAK_API_TOKEN", "TELEGRAM_BOT_TOKEN", "ADMIN_IDS"} <= named
    assert {"WHATSAPP_PROVIDER", "WHATSAPP_CLOUD_TOKEN", "FONNTE_TOKEN"} <= named


def test_env_example_lines_read_the_same_in_systemd_and_sh() -> None:
    # systemd's EnvironmentFile= and lacak-admin's `. file` agree on KEY=value without
    # quotes or spaces; anything fancier would be read differently by the two.
    bad = [
        line
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*=[^\s'\"`$\\]*", line)
    ]
    assert not bad, f"lines systemd and sh would read differently: {bad}"


def test_env_example_loads_and_leaves_every_secret_blank() -> None:
    settings = Settings(_env_file=ENV_EXAMPLE)
    assert settings.effective_database_url.startswith("sqlite")
    fields = env_names()
    given = dotenv_values(ENV_EXAMPLE)
    secrets = [
        env
        for env, name in fields.items()
        if env in given and "SecretStr" in str(Settings.model_fields[name].annotation)
    ]
    assert len(secrets) >= 8, secrets  # the check below must have something to check
    filled = [env for env in [*secrets, "LACAK_DATABASE_URL"] if given[env]]
    assert not filled, f"secrets must be blank in the example: {filled}"
    assert all(getattr(settings, fields[env]) is None for env in secrets)


def test_env_example_leaves_the_state_folder_to_the_unit() -> None:
    # The file's values override the unit's Environment=; LACAK_VAR_DIR= here (even empty)
    # would move lacak's data out of the only folder it may write.
    assert "LACAK_VAR_DIR" not in dotenv_values(ENV_EXAMPLE)


# --- the units -------------------------------------------------------------------------


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_unit_environment_names_real_settings(unit: Path) -> None:
    names = []
    for value in values(unit, "Environment"):
        names += [word.partition("=")[0] for word in shlex.split(value)]
    unknown = sorted(set(names) - set(env_names()))
    assert not unknown, f"{unit.name}: Environment= names no setting: {unknown}"
    assert values(unit, "Environment") == [f"LACAK_VAR_DIR={STATE}"]
    assert values(unit, "EnvironmentFile")[0] == "/etc/lacak/lacak.env"


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_unit_runs_real_lacak_commands(unit: Path) -> None:
    commands = values(unit, "ExecStartPre") + values(unit, "ExecStart")
    assert commands
    for command in commands:
        program, *words = shlex.split(command.lstrip("-+!@:"))
        assert program == BINARY, f"{unit.name}: {program} (expected {BINARY})"
        assert cli_tree.check_words(words, command) == []


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_unit_keeps_lacak_in_its_state_folder_with_hardening(unit: Path) -> None:
    one = {k: v for _, k, v in directives(unit)}
    assert one["User"] == one["Group"] == "lacak"
    assert one["StateDirectory"] == "lacak" and one["WorkingDirectory"] == STATE
    assert STATE in one["ReadWritePaths"].split()
    hardening = {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "RestrictSUIDSGID": "yes",
        "CapabilityBoundingSet": "",
        "UMask": "0077",
    }
    assert {k: one.get(k) for k in hardening} == hardening


def test_single_unit_migrates_before_serving_and_restarts_on_failure() -> None:
    unit = DEPLOY / "lacak.service"
    assert values(unit, "ExecStartPre") == [f"{BINARY} db upgrade"]
    assert values(unit, "ExecStart") == [f"{BINARY} serve"]
    assert values(unit, "Restart") == ["on-failure"]
    assert values(unit, "WantedBy") == ["multi-user.target"]


def test_instances_wait_for_one_migration() -> None:
    template, migrate = DEPLOY / "lacak@.service", DEPLOY / "lacak-migrate.service"
    assert values(template, "ExecStart") == [f"{BINARY} serve --port %i"]
    assert "lacak-migrate.service" in values(template, "Requires")
    assert "lacak-migrate.service" in " ".join(values(template, "After")).split()
    assert values(template, "Restart") == ["on-failure"]
    assert values(migrate, "Type") == ["oneshot"]
    assert values(migrate, "ExecStart") == [f"{BINARY} db upgrade"]
    # Without RemainAfterExit every instance start runs the (idempotent) migration again.
    assert values(migrate, "RemainAfterExit") in ([], ["no"])


def _verify(folder: Path, names: list[str]) -> tuple[int, list[str]]:
    """Run `systemd-analyze verify` on units in `folder`; its complaints about them."""
    analyze = shutil.which("systemd-analyze")
    assert analyze is not None
    done = subprocess.run(
        [analyze, "verify", *(str(folder / n) for n in names)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = (done.stdout + done.stderr).splitlines()
    # Other units on the machine may draw remarks of their own; only ours count.
    ours = [
        line for line in lines if str(folder) in line or any(n.split("@")[0] in line for n in names)
    ]
    return done.returncode, [line for line in ours if COMPLAINTS.search(line)] or ours


def _copy_units(folder: Path, extra: str = "") -> list[str]:
    # verify insists that ExecStart= names an executable, so point it at a real one.
    assert LACAK_SCRIPT.is_file() and os.access(LACAK_SCRIPT, os.X_OK)
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8").replace(BINARY, str(LACAK_SCRIPT))
        (folder / unit.name).write_text(text.replace("[Service]\n", f"[Service]\n{extra}"))
    # The template is checked through an instance, as systemd would load it.
    return [u.name.replace("@.", "@8001.") for u in UNITS]


needs_systemd = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)


@needs_systemd
def test_systemd_analyze_verify_accepts_every_unit(tmp_path: Path) -> None:
    code, complaints = _verify(tmp_path, _copy_units(tmp_path))
    assert code == 0 and complaints == [], complaints


@needs_systemd
def test_systemd_analyze_verify_would_report_a_bad_directive(tmp_path: Path) -> None:
    # The check above means something only if this systemd reports what it ignores.
    code, complaints = _verify(tmp_path, _copy_units(tmp_path, extra="ProtectEverything=yes\n"))
    assert any("ProtectEverything" in line for line in complaints), (code, complaints)


@needs_systemd
def test_systemd_rates_the_units_well_confined(tmp_path: Path) -> None:
    names = _copy_units(tmp_path)
    for name in names:
        done = subprocess.run(
            ["systemd-analyze", "security", "--offline=yes", str(tmp_path / name)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if "--offline" in done.stderr and done.returncode != 0:
            pytest.skip("this systemd-analyze has no --offline (systemd < 250)")
        found = re.search(r"exposure level for \S+: (\d+\.\d+)", done.stdout)
        assert found is not None, done.stdout[-500:] + done.stderr
        # 10 = no confinement, under 2 = "OK": the hardening block may not be dropped.
        assert float(found.group(1)) <= 2.0, (name, found.group(0))


# --- lacak-admin -----------------------------------------------------------------------


def test_lacak_admin_is_valid_sh_and_names_the_unit_paths() -> None:
    subprocess.run(["sh", "-n", str(ADMIN)], check=True, timeout=30)
    text = ADMIN.read_text(encoding="utf-8")
    assert os.access(ADMIN, os.X_OK)
    for fact in (BINARY, STATE, "/etc/lacak/lacak.env"):
        assert fact in text, fact


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="lacak-admin switches users: needs root and util-linux setpriv",
)
def test_lacak_admin_runs_commands_with_the_example_settings(tmp_path: Path) -> None:
    # The example file as shipped, read the way lacak-admin reads it, in a fresh folder.
    env_file = tmp_path / "lacak.env"
    shutil.copy(ENV_EXAMPLE, env_file)
    state = tmp_path / "state"
    env = {
        "PATH": "/usr/bin:/bin",
        "LACAK_STATE_DIR": str(state),
        "LACAK_ENV_FILE": str(env_file),
        "LACAK_BIN": str(LACAK_SCRIPT),
        "LACAK_USER": pwd.getpwuid(os.geteuid()).pw_name,
    }
    upgrade = subprocess.run(
        [str(ADMIN), "db", "upgrade"], env=env, capture_output=True, text=True, timeout=300
    )
    assert upgrade.returncode == 0, upgrade.stderr[-2000:]
    assert (state / "lacak.db").is_file()
    assert state.stat().st_mode & 0o777 == 0o700
    # The example file says LACAK_LANGUAGE=id; `--lang en` for the English line read below.
    doctor = subprocess.run(
        [str(ADMIN), "--lang", "en", "doctor"], env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert doctor.returncode == 0, doctor.stdout[-2000:] + doctor.stderr[-2000:]
    assert f"database: reachable (sqlite+aiosqlite:///{state}/lacak.db)" in doctor.stdout


def test_lacak_admin_refuses_a_missing_settings_file(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "LACAK_ENV_FILE": str(tmp_path / "nope.env")}
    done = subprocess.run([str(ADMIN), "doctor"], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip().startswith("error: cannot read") and "Traceback" not in done.stderr
