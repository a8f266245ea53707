"""The reader's surface of storyline: REST API, web UI and Atom feeds over one store.

>>> import storyline
>>> from storyline.web import create_app
>>> app = create_app(storyline.open("news.db"))      # an ASGI app (FastAPI)

``storyline serve`` runs it with uvicorn; :func:`serve` does the same from Python and refuses
to listen beyond localhost with writable endpoints and no bearer token.
"""

from __future__ import annotations

from storyline.web.app import DEFAULT_MAX_BODY, ServeError, check_bind, create_app, serve

__all__ = ["DEFAULT_MAX_BODY", "ServeError", "check_bind", "create_app", "serve"]
