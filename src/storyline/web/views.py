"""Shaping store objects for the API, the templates and the feeds (no store access here)."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

import jinja2
import markupsafe
from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.routing import Mount, NoMatchFound, replace_params

from storyline.model import Article, Event, JoinReason, MergeLogEntry, Quarantined, Story
from storyline.render import event_dict, story_dict

logger = logging.getLogger(__name__)

T = TypeVar("T")

LANG_NAMES = {
    "ar": "Arabic",
    "bn": "Bengali",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "gu": "Gujarati",
    "he": "Hebrew",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "kn": "Kannada",
    "ml": "Malayalam",
    "mr": "Marathi",
    "ne": "Nepali",
    "pa": "Punjabi",
    "pt": "Portuguese",
    "ru": "Russian",
    "ta": "Tamil",
    "te": "Telugu",
    "tr": "Turkish",
    "ur": "Urdu",
    "zh": "Chinese",
    "und": "undetermined",
}
_BCP47 = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def lang_name(code: str | None) -> str:
    if not code:
        return "unknown"
    return LANG_NAMES.get(code, code)


def lang_attr(code: str | None) -> str:
    """A value for an HTML ``lang`` attribute, or "" when the language is unknown."""
    if not code or code == "und" or not _BCP47.match(code):
        return ""
    return code


def text_attrs(code: str | None) -> markupsafe.Markup:
    """`` lang="hi" dir="auto"`` for a text block (just ``dir`` when the language is unknown)."""
    tag = lang_attr(code)
    if tag:  # lang_attr only lets [a-z0-9-] through, so this is safe markup
        return markupsafe.Markup(f' lang="{tag}" dir="auto"')
    return markupsafe.Markup(' dir="auto"')


def main_lang(langs: dict[str, int]) -> str:
    """The language with most articles ("" for none)."""
    if not langs:
        return ""
    return max(sorted(langs), key=lambda k: langs[k])


def article_lang(a: Article) -> str:
    return a.lang.lang if a.lang else "und"


def group_by_lang(articles: Iterable[Article]) -> list[tuple[str, list[Article]]]:
    """Articles grouped by detected language, biggest group first."""
    groups: dict[str, list[Article]] = {}
    for a in articles:
        groups.setdefault(article_lang(a), []).append(a)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; single newlines inside one are kept by CSS."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def page(items: Sequence[T], limit: int, offset: int) -> list[T]:
    return list(items[offset : offset + limit])


def counts(values: Iterable[str | None]) -> list[tuple[str, int]]:
    """Value counts, most frequent first (None dropped)."""
    c = Counter(v for v in values if v)
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))


# -- JSON shapes -----------------------------------------------------------------------------
def story_json(s: Story) -> dict[str, Any]:
    d = story_dict(s)
    d["event_count"] = len(s.event_ids)
    d["article_count"] = sum(s.languages.values())
    d["links"] = {
        "html": f"/stories/{s.id}",
        "api": f"/api/stories/{s.id}",
        "atom": f"/feeds/story/{s.id}.atom",
    }
    return d


def event_json(e: Event) -> dict[str, Any]:
    d = event_dict(e)
    d["article_count"] = len(e.article_ids)
    d["links"] = {"html": f"/events/{e.id}", "api": f"/api/events/{e.id}"}
    return d


def join_json(j: JoinReason) -> dict[str, Any]:
    return dataclasses.asdict(j)


def merge_json(m: MergeLogEntry) -> dict[str, Any]:
    return dataclasses.asdict(m)


def quarantine_json(q: Quarantined) -> dict[str, Any]:
    return {
        "source": q.source,
        "line": q.line,
        "reason": q.reason,
        "message": q.message,
        "raw_sha256": q.raw_sha256,
        "at": q.at,
        "sample": q.sample[:200].decode("utf-8", errors="replace"),
    }


# -- template helpers ------------------------------------------------------------------------
@jinja2.pass_context
def _path(ctx: Any, name: str, /, **params: Any) -> str:
    """URL path of a named route (honours a proxy's root_path)."""
    request: Request = ctx["request"]
    root = request.scope.get("root_path", "")
    safe = tuple(sorted((k, _segment(v)) for k, v in params.items()))
    return root + _route_path(request.app, name, safe)


def _route_path(app: Any, name: str, params: tuple[tuple[str, str], ...]) -> str:
    """``app.url_path_for`` (which walks every route, raising and catching an exception
    for each that does not match: a page with hundreds of links spent a fifth of its time
    there), remembered per app (its routes do not change; the memo goes with the app), up
    to 50,000 paths; a path not seen yet is asked of the routes of that name only."""
    memo: dict[tuple[str, tuple[tuple[str, str], ...]], str] | None = getattr(
        app.state, "route_paths", None
    )
    if memo is None:
        memo = app.state.route_paths = {}
    key = (name, params)
    path = memo.get(key)
    if path is None:
        path = _url_path(app, name, dict(params))
        if len(memo) >= 50_000:
            memo.clear()
        memo[key] = path
    return path


def _url_path(app: Any, name: str, params: dict[str, str]) -> str:
    by_name: dict[str, list[Any]] | None = getattr(app.state, "routes_by_name", None)
    if by_name is None:
        by_name = {}
        for route_name, route in _named_routes(app.routes):
            by_name.setdefault(route_name, []).append(route)
        app.state.routes_by_name = by_name
    for route in by_name.get(name, ()):
        if isinstance(route, tuple):  # (path format, parameter convertors) of a plain route
            fmt, convertors = route
            if set(params) == set(convertors):
                path, rest = replace_params(fmt, convertors, dict(params))
                if not rest:
                    return path
            continue
        try:
            return str(route.url_path_for(name, **params))
        except NoMatchFound:
            continue
    return str(app.url_path_for(name, **params))  # mounts, or an error that says why


def _named_routes(routes: Iterable[Any]) -> Iterator[tuple[str, Any]]:
    """(name, route) of every named route, those of included routers too (FastAPI keeps an
    included router as one route whose ``effective_route_contexts()`` are its routes). A
    plain route (no mount) comes as its (path format, parameter convertors), read once: a
    route context computes them again on every ``url_path_for`` (50 µs a link)."""
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if callable(contexts):
            yield from _named_routes(contexts())
            continue
        name = getattr(getattr(route, "original_route", route), "name", None)
        if not isinstance(name, str):
            continue
        fmt = getattr(route, "path_format", None)
        convertors = getattr(route, "param_convertors", None)
        if isinstance(route, Mount) or not isinstance(fmt, str) or not isinstance(convertors, dict):
            yield name, route
        else:
            yield name, (fmt, dict(convertors))


def _segment(value: Any) -> str:
    """A path parameter made safe for one URL segment ("a/b" from a query string, or a
    name with a slash, must not break the page): ``%``, ``/``, ``?`` and ``#`` escaped."""
    s = str(value)
    for ch, esc in (("%", "%25"), ("/", "%2F"), ("?", "%3F"), ("#", "%23")):
        s = s.replace(ch, esc)
    return s


@jinja2.pass_context
def _qs(ctx: Any, /, **changes: Any) -> str:
    """The current query string with *changes* applied (None removes a key; offset resets)."""
    request: Request = ctx["request"]
    params = {k: v for k, v in request.query_params.items() if v != ""}
    if "offset" not in changes:
        params.pop("offset", None)
    for k, v in changes.items():
        if v is None or v == "":
            params.pop(k, None)
        else:
            params[k] = str(v)
    return "?" + urlencode(params) if params else "?"


def _fmt_score(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def _fmt_days(x: float | None) -> str:
    if x is None:
        return "unknown"
    return f"{x:.0f} day" + ("" if round(x) == 1 else "s")


def install_template_helpers(templates: Jinja2Templates, *, version: str) -> None:
    from storyline.web.people import TYPE_NAMES, claim_key, script_attrs, script_name

    env = templates.env
    env.globals.update(
        version=version,
        path=_path,
        qs=_qs,
        lang_name=lang_name,
        lang_attr=lang_attr,
        main_lang=main_lang,
        article_lang=article_lang,
        text_attrs=text_attrs,
        group_by_lang=group_by_lang,
        script_attrs=script_attrs,
        claim_key=claim_key,
        script_name=script_name,
        type_name=lambda t: TYPE_NAMES.get(t, str(t).lower()),
    )
    env.filters.update(score=_fmt_score, days=_fmt_days, paragraphs=paragraphs)
    env.trim_blocks = True
    env.lstrip_blocks = True
    # the templates ship with the package: not stat-ed on every render (restart to reload)
    env.auto_reload = False
