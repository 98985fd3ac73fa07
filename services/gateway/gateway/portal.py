"""The web portal's built files (web/dist), served on the gateway's origin.

The API lives under ``/api`` (gateway.dispatch); every other path belongs to
the portal: a file of the build when there is one (the hashed ``/assets/…``
with a year of cache, being immutable), otherwise ``index.html`` with
``no-store`` so that the client router (history mode) takes the path and a new
release is picked up at once. ``/certificates/verify`` is the address printed
in every certificate's QR code: a browser gets the portal's check page, an API
client (``Accept`` without text/html) keeps the JSON verdict.
"""
import gzip
import mimetypes
import os
from functools import lru_cache
from pathlib import Path

from werkzeug.security import safe_join
from werkzeug.wrappers import Response

API_PREFIX = "/api"
LONG_CACHE = "public, max-age=31536000, immutable"
NOT_BUILT = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>四川省技能人才服务大厅</title></head><body style="font-family:sans-serif;padding:1em">
<h1>门户尚未构建</h1><p>网页门户的文件还没有生成：请在项目目录运行 <code>make run</code>
（它会用 <code>npm ci</code> 和 <code>vite build</code> 生成 <code>web/dist</code>）。</p>
<p>The portal is not built yet: <code>make run</code> builds it. The API is at
<a href="/api/docs">/api/docs</a>.</p></body></html>"""
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    # the build has no inline script; Element Plus sets inline styles
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data: blob:; "
                                "style-src 'self' 'unsafe-inline'; object-src 'none'; "
                                "frame-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'"),
}


def web_dir(config=None):
    configured = (config or {}).get("SKILLCERT_WEB_DIR") or os.environ.get("SKILLCERT_WEB_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "web" / "dist"


def wants_html(request):
    """Does the client take a page (a browser), rather than only JSON?"""
    accept = request.accept_mimetypes
    return accept.quality("text/html") > 0 and accept.quality("text/html") >= accept.quality(
        "application/json") and "text/html" in request.headers.get("Accept", "")


def serve(request, root):
    """The answer for a non-API path: a built file, or index.html."""
    rel = request.path.lstrip("/")
    headers = dict(SECURITY_HEADERS)
    if request.method not in ("GET", "HEAD"):
        return None
    path = safe_join(str(root), rel) if rel else None
    if path and os.path.isfile(path) and not os.path.basename(path).startswith("."):
        immutable = rel.startswith("assets/")
        headers["Cache-Control"] = LONG_CACHE if immutable else "no-cache"
        return _file(request, path, headers)
    index = os.path.join(str(root), "index.html")
    headers["Cache-Control"] = "no-store"
    if not os.path.isfile(index):
        return Response(NOT_BUILT, status=200 if rel == "" else 404, headers=headers,
                        content_type="text/html; charset=utf-8")
    return _file(request, index, headers)


def _file(request, path, headers):
    media = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if media.startswith("text/") or media in ("application/javascript", "image/svg+xml",
                                               "application/json"):
        media += "; charset=utf-8"
    stat = os.stat(path)
    body = _read(path, stat.st_mtime_ns, stat.st_size)
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    headers["ETag"] = etag
    headers["Vary"] = "Accept-Encoding"
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers=headers)
    if len(body) > 1024 and "gzip" in request.headers.get("Accept-Encoding", "") and \
            not media.startswith(("image/png", "image/jpeg", "font/woff")):
        body = _gzipped(path, stat.st_mtime_ns, stat.st_size)
        headers["Content-Encoding"] = "gzip"
    return Response(b"" if request.method == "HEAD" else body, headers=headers,
                    content_type=media)


@lru_cache(maxsize=256)
def _read(path, _mtime, _size):
    with open(path, "rb") as f:
        return f.read()


@lru_cache(maxsize=256)
def _gzipped(path, mtime, size):
    return gzip.compress(_read(path, mtime, size), compresslevel=9, mtime=0)
