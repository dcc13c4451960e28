"""Static files as the ecosystem serves them: fingerprinted, precompressed, cached for a year.

`make static` (run by `make run` and the test targets) runs Flask-Static-Digest's
`flask digest compile`: a copy of every static file named after its content's MD5
(`app-<md5>.css`), `.gz` and `.br` variants, and `static/cache_manifest.json`; all generated,
none committed. Templates keep writing `url_for('static', filename=...)`: a URL default maps the
name through the manifest. WhiteNoise answers `/static/` before Flask sees the request (no session,
no user, no database), picks the `.br`/`.gz` variant the browser accepts, and marks fingerprinted
names immutable. Flask-Compress compresses the pages themselves.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from flask_compress import Compress
from flask_static_digest import FlaskStaticDigest
from flask_static_digest.cli import digest
from werkzeug.datastructures import Headers
from whitenoise import WhiteNoise

from .security import CONTENT_SECURITY_POLICY

log = logging.getLogger(__name__)

# Flask-Static-Digest's names: `<stem>-<32 hex digits of MD5><suffix>`.
FINGERPRINTED = re.compile(r"-([0-9a-f]{32})(?:\.[^/]*)?$")
ONE_YEAR = "public, max-age=31536000, immutable"


def init_app(app: Flask) -> None:
    if app.config.get("STATIC_FOLDER"):
        # Tests point the app at a compiled copy of static/.
        app.static_folder = str(app.config["STATIC_FOLDER"])
    app.config.setdefault("FLASK_STATIC_DIGEST_COMPRESSION", ["gzip", "brotli"])
    # Sample CSV files are downloaded under their own names (`<a download>`).
    app.config.setdefault("FLASK_STATIC_DIGEST_BLACKLIST_FILTER", [".csv"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config["COMPRESS_REGISTER"] = False  # compressed only as _compress_page decides
    app.cli.add_command(digest)
    static = Path(str(app.static_folder))
    manifest = current_entries(FlaskStaticDigest(app).manifests.get("static", {}), static)

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest.get(values["filename"], values["filename"])

    compress = Compress(app)

    @app.after_request
    def _compress_page(response: Response) -> Response:
        # BREACH: a compressed page carrying a secret (the CSRF token) next to text an attacker
        # can put in the URL leaks the secret through its size. Such measuring needs requests
        # another site starts; the browser says who started one (Fetch Metadata), and only the
        # site's own (or the user's typing) get compressed pages.
        response.vary.add("Sec-Fetch-Site")
        if request.headers.get("Sec-Fetch-Site") in ("same-origin", "none"):
            return compress.after_request(response)
        return response

    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(static),
        prefix=app.static_url_path,
        allow_all_origins=False,
        immutable_file_test=lambda path, url: FINGERPRINTED.search(url) is not None,
        add_headers_function=_static_headers,
    )


def current_entries(manifest: dict[str, str], static: Path) -> dict[str, str]:
    """The manifest's entries whose fingerprint still matches the file: after an edit without
    `make static` the plain (revalidated) name is served rather than last build's copy."""
    entries = {}
    for name, fingerprinted in manifest.items():
        found = FINGERPRINTED.search(fingerprinted)
        source = static / name
        if (
            found
            and source.is_file()
            and (static / fingerprinted).is_file()
            and hashlib.md5(source.read_bytes(), usedforsecurity=False).hexdigest() == found[1]
        ):
            entries[name] = fingerprinted
            continue
        log.warning("static file %s changed since `make static`; served unfingerprinted", name)
    return entries


def _static_headers(headers: Headers, path: str, url: str) -> None:
    # The headers Flask's after_request would set, for files Flask never sees.
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    if FINGERPRINTED.search(url):
        headers["Cache-Control"] = ONE_YEAR
    else:
        # A name that stays the same across changes is revalidated every time.
        headers["Cache-Control"] = "no-cache"
