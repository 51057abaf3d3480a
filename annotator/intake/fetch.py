"""Fetching a URL: http and https only, a clear user agent, timeouts, a size cap."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from .. import __version__
from ..domain import Progress, no_progress
from ..errors import FormatError

USER_AGENT = f"media-bias-annotator/{__version__} (article import for annotation)"
TIMEOUT_S = 20.0
MAX_BYTES = 30 * 1024 * 1024
CHUNK = 64 * 1024
SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    data: bytes
    content_type: str  # media type, lower case, no parameters
    charset: str | None


def is_url(value: str) -> bool:
    """Whether a command-line argument names a URL (any scheme) rather than a file."""
    scheme = urlsplit(value).scheme
    return len(scheme) > 1 and "://" in value  # "C:\\x" is a Windows path


def check_url(url: str) -> None:
    """Refuse (FormatError naming it) a URL that is not http(s) with a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise FormatError(f"only http and https addresses are fetched, not {parts.scheme}:",
                          file=url)
    if not parts.hostname:
        raise FormatError("the address names no host", file=url)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_Redirects)


def fetch(url: str, *, timeout: float | None = None, accept: str = "text/html,*/*;q=0.8",
          progress: Progress = no_progress) -> Fetched:
    """GET ``url`` (``timeout`` seconds per network wait, default ``TIMEOUT_S``);
    every failure is a FormatError naming it. ``progress(bytes read, expected)``
    is called per chunk read, so a Cancel (it raises) stops a slow download."""
    check_url(url)
    timeout = TIMEOUT_S if timeout is None else timeout
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            headers: Message = response.headers
            expected = int(headers.get("Content-Length") or 0) if (
                headers.get("Content-Length") or "").isdigit() else 0
            chunks: list[bytes] = []
            size = 0
            while size <= MAX_BYTES:
                chunk = response.read(CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                progress(size, max(expected, size))
            data = b"".join(chunks)
            final = response.geturl()
    except urllib.error.HTTPError as exc:
        raise FormatError(f"the server answered {exc.code} {exc.reason}", file=url) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise FormatError(f"no answer within {timeout:g} s (timed out)", file=url) from None
        raise FormatError(f"cannot fetch: {reason}", file=url) from None
    except TimeoutError:
        raise FormatError(f"no answer within {timeout:g} s (timed out)", file=url) from None
    except (OSError, ValueError) as exc:  # a connection reset, a malformed answer
        raise FormatError(f"cannot fetch: {exc}", file=url) from None
    if len(data) > MAX_BYTES:
        raise FormatError(f"larger than {MAX_BYTES // 2**20} MB; not imported", file=url)
    return Fetched(final, data, headers.get_content_type().lower(),
                   headers.get_content_charset())
