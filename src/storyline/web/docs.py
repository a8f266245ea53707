"""``/docs``: Swagger UI served from the ``swagger_ui_bundle`` package, with no CDN.

The bundled Swagger UI (4.x) reads OpenAPI 3.0 only, while FastAPI describes the API in
OpenAPI 3.1, so the docs page loads ``/docs/openapi-3.0.json``: the same document with the
3.1-only schema forms rewritten (``type: null`` alternatives become ``nullable``, schema
``examples`` lists become ``example``...). ``/openapi.json`` itself stays 3.1 for tools.

The page's one inline script is allowed by its hash in the page's own Content-Security-Policy,
so /docs loads nothing from anywhere but this server.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from storyline.errors import StorylineError

logger = logging.getLogger(__name__)

ASSETS_URL = "/docs/assets"
SPEC_URL = "/docs/openapi-3.0.json"
ASSET_FILES = frozenset({
    "swagger-ui-bundle.js", "swagger-ui-bundle.js.map", "swagger-ui.css", "swagger-ui.css.map",
    "favicon-32x32.png", "favicon-16x16.png",
})
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


class DocsError(StorylineError):
    """The Swagger UI files are missing: reinstall storyline (it depends on swagger-ui-bundle)."""


def swagger_dir() -> Path:
    """The folder of the packaged Swagger UI files."""
    try:
        import swagger_ui_bundle
    except ImportError as exc:  # a broken install: say how to fix it
        raise DocsError(
            "the swagger-ui-bundle package is missing; `pip install swagger-ui-bundle` "
            "(a dependency of storyline) to serve /docs"
        ) from exc
    path = Path(swagger_ui_bundle.swagger_ui_path)
    missing = sorted(f for f in ("swagger-ui-bundle.js", "swagger-ui.css")
                     if not (path / f).is_file())
    if missing:
        raise DocsError(f"swagger-ui-bundle at {path} lacks {missing}; reinstall it")
    return path


class SwaggerAssets(StaticFiles):
    """The few files /docs needs, nothing else of the package folder."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path not in ASSET_FILES:
            raise HTTPException(404, f"no docs asset {path!r}")
        return await super().get_response(path, scope)


def _nullable(schema: dict[str, Any], key: str) -> None:
    """``anyOf: [X, {type: null}]`` → X with ``nullable: true`` (``allOf`` wraps a $ref)."""
    alts = schema.get(key)
    if not isinstance(alts, list) or not any(a == {"type": "null"} for a in alts):
        return
    rest = [a for a in alts if a != {"type": "null"}]
    del schema[key]
    schema["nullable"] = True
    if len(rest) == 1:
        only = rest[0]
        if "$ref" in only:
            schema["allOf"] = [only]
        else:
            for k, v in only.items():
                schema.setdefault(k, v)
    elif rest:
        schema[key] = rest


def downgrade(node: Any) -> Any:
    """Rewrite OpenAPI 3.1 schema forms into their 3.0 equivalents, in place."""
    if isinstance(node, list):
        for item in node:
            downgrade(item)
        return node
    if not isinstance(node, dict):
        return node
    for key in ("anyOf", "oneOf"):
        _nullable(node, key)
    t = node.get("type")
    if isinstance(t, list):
        kinds = [k for k in t if k != "null"]
        if len(kinds) < len(t):
            node["nullable"] = True
        node["type"] = kinds[0] if len(kinds) == 1 else "string"
    if isinstance(node.get("examples"), list) and node.get("examples"):
        node.setdefault("example", node["examples"][0])  # a schema's examples (3.0: a map)
        del node["examples"]
    if "const" in node:
        node["enum"] = [node.pop("const")]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = node.get(bound)
        if isinstance(value, int | float) and not isinstance(value, bool):
            node[plain] = value
            node[bound] = True
    if "contentMediaType" in node:
        node.pop("contentMediaType")
        node.setdefault("format", "binary")
    for value in node.values():
        downgrade(value)
    return node


def openapi_30(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document as 3.0.3 (a copy; the app's own stays untouched)."""
    import copy

    doc = copy.deepcopy(app.openapi())
    doc["openapi"] = "3.0.3"
    doc.pop("jsonSchemaDialect", None)
    doc.pop("webhooks", None)
    info = doc.get("info", {})
    info.pop("summary", None)
    info.get("license", {}).pop("identifier", None)
    return dict(downgrade(doc))


def docs_csp(html: str) -> str:
    """A policy for the docs page: its inline scripts by hash, everything else same-origin."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


def install_docs(app: FastAPI) -> None:
    """Add ``/docs``, its 3.0 document and the Swagger UI files to *app* (created with
    ``docs_url=None``). Without the Swagger UI files /docs answers 503 saying how to fix it;
    the rest of the app works."""
    try:
        folder: Path | None = swagger_dir()
    except DocsError as exc:
        logger.warning("/docs disabled: %s", exc)
        folder, problem = None, str(exc)
    if folder is not None:
        app.mount(ASSETS_URL, SwaggerAssets(directory=str(folder)), name="docs_assets")
    cache: dict[str, Any] = {}

    @app.get(SPEC_URL, include_in_schema=False)
    def docs_spec() -> JSONResponse:
        if "spec" not in cache:
            cache["spec"] = openapi_30(app)
        return JSONResponse(cache["spec"])

    @app.get("/docs", include_in_schema=False)
    def docs_page(request: Request) -> HTMLResponse:
        if folder is None:
            raise HTTPException(503, problem)
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=root + SPEC_URL,
            title=f"{app.title} {app.version} · API",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon-32x32.png",
            oauth2_redirect_url=None,
        )
        html = bytes(page.body).decode()
        return HTMLResponse(html, headers={"content-security-policy": docs_csp(html),
                                           "x-frame-options": "DENY"})
