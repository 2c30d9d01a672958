"""Configuration: ``sigaudit.toml`` read once into immutable values.

The file is found in the working directory or given with ``--config`` (or ``SIGAUDIT_CONFIG``). Its
``[scan]``, ``[report]``, ``[verify]`` and ``[diff]`` tables give defaults for the command-line options of
the same name (dashes or underscores); ``[targets.signed]`` and ``[targets.processed]`` give per-level
targets in percent; ``[columns]`` adds register headings (column = ["heading", …]); a top-level
``policy = "FILE"`` names the validation policy of every command that validates. Every
option can also be set by an environment variable ``SIGAUDIT_<COMMAND>_<OPTION>``, e.g.
``SIGAUDIT_SCAN_FAIL_UNDER=95``. Precedence: command line, then environment, then file, then built-in
defaults. Unknown tables or keys are errors: a misspelt gate must not silently do nothing.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .aggregate.targets import PLAN_TARGETS, Targets
from .errors import ConfigError
from .model import Level
from .sources.manifest import COLUMN_ALIASES

CONFIG_NAME = "sigaudit.toml"


@dataclass(frozen=True)
class Config:
    """What the configuration file says, validated."""

    path: Path | None = None
    defaults: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # command -> option -> value
    targets: Targets = PLAN_TARGETS
    columns: tuple[tuple[str, tuple[str, ...]], ...] = ()  # extra register headings per column
    policy: Path | None = None  # validation policy file (top-level ``policy``), relative to the file


def find_config(explicit: Path | None) -> Path | None:
    """The file to read: ``--config``, else ``$SIGAUDIT_CONFIG``, else ``./sigaudit.toml`` if present."""
    if explicit is not None:
        return explicit
    env = os.environ.get("SIGAUDIT_CONFIG")
    if env:
        return Path(env)
    local = Path.cwd() / CONFIG_NAME
    return local if local.is_file() else None


@dataclass(frozen=True)
class OptionSpec:
    """How a configuration key maps to a command-line parameter."""

    param: str  # the parameter's name in the command function
    is_path: bool  # relative paths in the file are taken relative to the file's folder


def load_config(path: Path | None, options: Mapping[str, Mapping[str, OptionSpec]]) -> Config:
    """Read and check a configuration file; ``options`` maps command -> key -> parameter."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read configuration {path}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"configuration {path} is not valid TOML: {exc}") from exc
    defaults: dict[str, dict[str, Any]] = {}
    targets = PLAN_TARGETS
    columns: tuple[tuple[str, tuple[str, ...]], ...] = ()
    policy: Path | None = None
    for table, content in data.items():
        if table == "policy":
            if not isinstance(content, str) or not content.strip():
                raise ConfigError(f"{path}: policy must be the path of a policy file (a string)")
            policy = Path(_resolve_paths(path, content))
            continue
        if table == "targets":
            targets = _targets(path, content)
            continue
        if table == "columns":
            columns = _columns(path, content)
            continue
        if table not in options:
            known = ", ".join(sorted([*options, "columns", "policy", "targets"]))
            raise ConfigError(f"{path}: unknown table [{table}] (known: {known})")
        if not isinstance(content, dict):
            raise ConfigError(f"{path}: [{table}] must be a table")
        for key, value in content.items():
            spec = options[table].get(key.replace("_", "-"))
            if spec is None:
                raise ConfigError(f"{path}: unknown key {key!r} in [{table}]")
            if spec.is_path:
                value = _resolve_paths(path, value)
            defaults.setdefault(table, {})[spec.param] = value
    return Config(path=path, defaults=defaults, targets=targets, columns=columns, policy=policy)


def _columns(path: Path, content: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``[columns]``: more headings for the register columns sigaudit knows (sources/manifest.py)."""
    known = set(COLUMN_ALIASES)
    if not isinstance(content, dict):
        raise ConfigError(f"{path}: [columns] must be a table of column = [headings]")
    out = []
    for key, headings in content.items():
        if key not in known:
            raise ConfigError(
                f"{path}: unknown column {key!r} in [columns] (known: {', '.join(sorted(known))})"
            )
        if not isinstance(headings, list) or not all(isinstance(h, str) and h.strip() for h in headings):
            raise ConfigError(f"{path}: [columns] {key} must be a list of headings")
        out.append((key, tuple(headings)))
    return tuple(out)


def _resolve_paths(config_path: Path, value: Any) -> Any:
    """Relative paths in the file are relative to the file's folder, not the working directory."""
    if isinstance(value, str) and value != "-":
        candidate = Path(value)
        return str(candidate if candidate.is_absolute() else config_path.parent / candidate)
    if isinstance(value, list):
        return [_resolve_paths(config_path, v) for v in value]
    return value


def _targets(path: Path, content: Any) -> Targets:
    if not isinstance(content, dict) or set(content) - {"signed", "processed"}:
        raise ConfigError(f"{path}: [targets] takes only [targets.signed] and [targets.processed] tables")
    tables = {name: _level_shares(path, name, content.get(name, {})) for name in ("signed", "processed")}
    return Targets(
        signed=tables["signed"] or PLAN_TARGETS.signed,
        processed=tables["processed"] or PLAN_TARGETS.processed,
    )


def _level_shares(path: Path, table: str, content: Any) -> dict[Level, float]:
    if not isinstance(content, dict):
        raise ConfigError(f"{path}: [targets.{table}] must be a table of level = percentage")
    shares: dict[Level, float] = {}
    for level_name, pct in content.items():
        try:
            level = Level(level_name)
        except ValueError as exc:
            raise ConfigError(f"{path}: unknown level {level_name!r} in [targets.{table}]") from exc
        if not isinstance(pct, int | float) or not 0 <= pct <= 100:
            raise ConfigError(f"{path}: target for {level_name} must be a percentage 0–100")
        shares[level] = float(pct) / 100
    return shares
