"""Watchlists: be told when a story moves.

A watchlist is a full-text query (``--query``), an entity (``--entity``: its articles in any
script, through the canonical entity ids) or a story (``--story``). ``run_watches`` reads the
articles that arrived since the watchlist's last run (a cursor over the store's ingest order,
kept in the store), stores one alert per matching article (never twice for one article) and,
when the watchlist has a webhook, POSTs the new alerts as JSON to that URL and nowhere else:

* header ``X-Storyline-Signature: sha256=<hex HMAC-SHA256 of the body>``, with the secret
  read from the environment variable the watchlist names (never stored);
* retries with exponential backoff on network errors, 5xx, 408 and 429; no redirects are
  followed and no proxy is used, so the body only goes to the configured address;
* every attempt is logged on the alert (``delivery``: status, attempts with time and result).

Alerts are also served as an Atom feed (``/feeds/watch/NAME.atom``). Watchlists run after
every ingest (:meth:`storyline.api.Storyline.ingest`) and on a schedule in ``storyline serve``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from storyline import __version__
from storyline.errors import NotFoundError, StorylineError
from storyline.model import Article
from storyline.store.base import Store
from storyline.store.schema import now_iso
from storyline.store.textquery import parse_query

log = logging.getLogger(__name__)

KINDS = ("query", "entity", "story")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
DEFAULT_SECRET_ENV = "STORYLINE_WEBHOOK_SECRET"
SIGNATURE_HEADER = "X-Storyline-Signature"
MAX_ALERTS_PER_POST = 100
READ_PAGE = 5000  # new articles read per watchlist and run at most (the cursor moves on)


class WatchError(StorylineError):
    """A watchlist that cannot be created or run as asked."""


@dataclass
class Delivery:
    """How many tries, how long to wait, how long one try may take."""

    attempts: int = 4
    backoff: float = 1.0  # seconds before the second try; doubled each time
    timeout: float = 10.0


@dataclass
class RunResult:
    watch: str
    read: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)
    delivery: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "watch": self.watch,
            "read": self.read,
            "alerts": self.alerts,
            "delivery": self.delivery,
        }


# -- managing --------------------------------------------------------------------------------
def add_watch(
    store: Store,
    name: str,
    kind: str,
    value: str,
    *,
    webhook: str | None = None,
    secret_env: str | None = None,
    replace: bool = False,
) -> dict[str, Any]:
    """Create a watchlist; it alerts on articles ingested from now on."""
    if not NAME_RE.match(name or ""):
        raise WatchError(
            f"bad watchlist name {name!r}: use 1-64 letters, digits, '.', '_' or '-' "
            "(it is part of the feed URL)"
        )
    if kind not in KINDS:
        raise WatchError(f"unknown watchlist kind {kind!r}; use one of {', '.join(KINDS)}")
    value = (value or "").strip()
    if not value:
        raise WatchError(f"--{kind} needs a value")
    if kind == "query" and parse_query(value).empty:
        raise WatchError(f"query {value!r} has no word to search for")
    if kind == "story" and store.get_story(value) is None:
        raise NotFoundError(f"no story {value!r}: `storyline stories` lists them")
    config: dict[str, Any] = {}
    if webhook:
        if not re.match(r"^https?://[^\s/]+", webhook):
            raise WatchError(f"webhook {webhook!r} is not an http(s) URL")
        env = secret_env or DEFAULT_SECRET_ENV
        if not os.environ.get(env):
            raise WatchError(
                f"webhook needs a signing secret: set the environment variable {env} "
                "(or name another one with --secret-env); the secret is never stored"
            )
        config = {"webhook": webhook, "secret_env": env}
    if store.get_watch(name) is not None and not replace:
        raise WatchError(f"watchlist {name!r} exists; `storyline watch remove {name}` first")
    row = {
        "name": name,
        "kind": kind,
        "value": value,
        "created": now_iso(),
        "cursor": store.count_articles(),
        "config": config,
    }
    store.put_watch(row)
    return row


def remove_watch(store: Store, name: str) -> None:
    if not store.delete_watch(name):
        raise NotFoundError(f"no watchlist {name!r}: `storyline watch list` lists them")


# -- matching --------------------------------------------------------------------------------
def _live_story(store: Store, story_id: str) -> str:
    """The story a (possibly merged-away) story id now lives in."""
    seen = 0
    while seen < 50:
        st = store.get_story(story_id)
        if st is None or st.alive:
            return story_id
        nxt = [m.target for m in store.merge_log(story_id)
               if m.kind == "story-merge" and story_id in m.sources]
        if not nxt:
            return story_id
        story_id, seen = nxt[-1], seen + 1
    return story_id


def _entity_ids(store: Store, value: str) -> dict[str, str]:
    """Entity ids (with names) a watch value stands for: an id, or a name in any script."""
    found = {}
    row = store.get_entity(value)
    if row is not None:
        found[str(row["id"])] = str(row.get("name") or value)
    for r in store.find_entities(value):
        found[str(r["id"])] = str(r.get("name") or value)
    return found


def _matcher(store: Store, watch: dict[str, Any]) -> Callable[[list[Article]], dict[str, str]]:
    """A function from new articles to {article id: why it matched}."""
    kind, value = watch["kind"], watch["value"]
    if kind == "query":
        query = parse_query(value)

        def by_query(arts: list[Article]) -> dict[str, str]:
            ids = [a.id for a in arts]
            hits = store.search_text(query, among=ids, limit=len(ids) or 1)
            return {aid: f"matches the query {value!r}" for aid, _ in hits}

        return by_query
    if kind == "entity":

        def by_entity(arts: list[Article]) -> dict[str, str]:
            ents = _entity_ids(store, value)
            out: dict[str, str] = {}
            for a in arts:
                for m in store.article_mentions(a.id):
                    eid = str(m["entity_id"])
                    if eid in ents:
                        out[a.id] = f"names {ents[eid]} ({eid})"
                        break
            return out

        return by_entity

    def by_story(arts: list[Article]) -> dict[str, str]:
        sid = _live_story(store, value)
        return {a.id: f"joined story {sid}" for a in arts if a.story_id == sid}

    return by_story


def _alert_data(a: Article, why: str) -> dict[str, Any]:
    return {
        "title": a.title,
        "url": a.url,
        "source": a.source_name,
        "lang": a.lang.lang if a.lang else None,
        "date": a.date.value if a.date else None,
        "date_is_estimate": a.date.is_estimate if a.date else True,
        "event_id": a.event_id,
        "story_id": a.story_id,
        "matched": why,
    }


# -- running ---------------------------------------------------------------------------------
def run_watches(
    store: Store,
    names: list[str] | None = None,
    *,
    deliver: bool = True,
    delivery: Delivery | None = None,
) -> list[RunResult]:
    """Check every watchlist (or those named) against what arrived since its last run."""
    watches = store.list_watches()
    if names:
        known = {w["name"] for w in watches}
        for n in names:
            if n not in known:
                raise NotFoundError(f"no watchlist {n!r}: `storyline watch list` lists them")
        watches = [w for w in watches if w["name"] in set(names)]
    results = []
    for w in watches:
        res = RunResult(watch=w["name"])
        cursor = int(w.get("cursor", 0))
        arts = list(store.iter_articles(offset=cursor, limit=READ_PAGE))
        res.read = len(arts)
        if arts:
            why = _matcher(store, w)(arts)
            rows = [
                {"article_id": a.id, "at": now_iso(), "data": _alert_data(a, why[a.id])}
                for a in arts
                if a.id in why
            ]
            with store.transaction():  # alerts and the cursor move together
                res.alerts = store.add_alerts(w["name"], rows)
                store.put_watch({**w, "cursor": cursor + len(arts)})
        if res.alerts and deliver and w.get("config", {}).get("webhook"):
            res.delivery = deliver_alerts(store, w, res.alerts, delivery or Delivery())
        results.append(res)
    return results


# -- webhooks --------------------------------------------------------------------------------
class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kw: Any) -> None:
        return None  # a redirect is answered as an error: the body goes nowhere else


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=<hex HMAC-SHA256 of the body>``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def payload(watch: dict[str, Any], alerts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "watch": watch["name"],
        "kind": watch["kind"],
        "value": watch["value"],
        "alerts": [
            {"seq": a["seq"], "article_id": a["article_id"], "at": a["at"], **a["data"]}
            for a in alerts
        ],
    }


def post_json(url: str, body: bytes, headers: dict[str, str], d: Delivery) -> list[dict[str, Any]]:
    """POST with retries; the log of attempts (the last one tells the outcome)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    attempts: list[dict[str, Any]] = []
    for i in range(max(d.attempts, 1)):
        if i:
            time.sleep(d.backoff * 2 ** (i - 1))
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        entry: dict[str, Any] = {"at": now_iso(), "try": i + 1}
        try:
            with opener.open(req, timeout=d.timeout) as resp:
                entry["status"] = int(resp.status)
        except urllib.error.HTTPError as exc:
            entry["status"] = int(exc.code)
            entry["error"] = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            entry["error"] = str(getattr(exc, "reason", exc))
        attempts.append(entry)
        status = entry.get("status")
        if status is not None and 200 <= status < 300:
            break
        if status is not None and 300 <= status < 500 and status not in (408, 429):
            break  # the receiver refused it (or redirected): trying again will not help
    return attempts


def deliver_alerts(
    store: Store, watch: dict[str, Any], alerts: list[dict[str, Any]], d: Delivery
) -> dict[str, Any]:
    """POST ``alerts`` to the watchlist's webhook (in chunks); logs the result on each."""
    cfg = watch.get("config") or {}
    url, env = str(cfg["webhook"]), str(cfg.get("secret_env") or DEFAULT_SECRET_ENV)
    secret = os.environ.get(env)
    outcome: dict[str, Any] = {"url": url, "status": "delivered", "posts": 0}
    for k in range(0, len(alerts), MAX_ALERTS_PER_POST):
        chunk = alerts[k : k + MAX_ALERTS_PER_POST]
        if not secret:
            attempts = [{"at": now_iso(), "try": 0, "error": f"${env} is not set; not sent"}]
        else:
            body = json.dumps(payload(watch, chunk), ensure_ascii=False).encode("utf-8")
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": f"storyline/{__version__}",
                SIGNATURE_HEADER: sign(secret, body),
                "X-Storyline-Watch": watch["name"],
            }
            attempts = post_json(url, body, headers, d)
            outcome["posts"] += 1
        last = attempts[-1]
        code = last.get("status")
        ok = isinstance(code, int) and 200 <= code < 300
        status = "delivered" if ok else "failed"
        if not ok:
            outcome["status"] = "failed"
            log.warning("watchlist %s: webhook %s failed: %s", watch["name"], url,
                        last.get("error") or last.get("status"))
        for a in chunk:
            a["delivery"] = {"url": url, "status": status, "attempts": attempts}
            store.set_alert_delivery(int(a["seq"]), a["delivery"])
    return outcome
