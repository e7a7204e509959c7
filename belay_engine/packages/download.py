"""HTTP downloads with bounded retries and backoff, host redirection for tests and mirrors, and checks."""

import ast
import hashlib
import http.client
import io
import json
import os
import socket
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Optional

from attrs import define, field

from .errors import DownloadError, IntegrityError, PackageError

#: ``BELAY_HOSTS``: a JSON object mapping URL prefixes to replacements, e.g.
#: ``{"https://raw.githubusercontent.com": "http://127.0.0.1:8000/raw"}`` (a mirror, or a test server).
HOSTS_VARIABLE = "BELAY_HOSTS"
TIMEOUT = 30.0
ATTEMPTS = 3
BACKOFF = 0.5  # seconds before the second attempt, doubled for each one after
_RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}
USER_AGENT = "belay-jupyter"


def host_mapping(environ: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """The URL prefix replacements of ``BELAY_HOSTS`` (none when unset)."""
    text = (environ if environ is not None else os.environ).get(HOSTS_VARIABLE, "").strip()
    if not text:
        return {}
    try:
        mapping = json.loads(text)
    except ValueError as error:
        raise PackageError(f"{HOSTS_VARIABLE} is not a JSON object: {error}") from None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise PackageError(f"{HOSTS_VARIABLE} must map URL prefixes to URL prefixes")
    return {k.rstrip("/"): v.rstrip("/") for k, v in mapping.items()}


def redirect(url: str, hosts: Mapping[str, str]) -> str:
    """`url` with its longest matching prefix in `hosts` replaced."""
    for prefix in sorted(hosts, key=len, reverse=True):
        if url == prefix or url.startswith(prefix + "/"):
            return hosts[prefix] + url[len(prefix) :]
    return url


class NotFound(DownloadError):
    """The server answered 404 (or 410): the thing is not there, so trying again will not help."""


@define
class Fetcher:
    """Fetches URLs; `requests` counts the HTTP requests made (each attempt counts)."""

    hosts: dict[str, str] = field(factory=host_mapping)
    attempts: int = ATTEMPTS
    backoff: float = BACKOFF
    timeout: float = TIMEOUT
    requests: int = 0

    def get(self, url: str, accept: Optional[str] = None) -> bytes:
        """The body at `url`; NotFound for 404/410, DownloadError naming the URL after the last attempt."""
        target = redirect(url, self.hosts)
        headers = {"User-Agent": USER_AGENT}
        if accept:
            headers["Accept"] = accept
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            self.requests += 1
            try:
                request = urllib.request.Request(target, headers=headers)
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as error:
                if error.code in (404, 410):
                    raise NotFound(f"{url}: not found (HTTP {error.code})") from None
                if error.code not in _RETRY_STATUSES or attempt == self.attempts:
                    raise DownloadError(f"{url}: HTTP {error.code} {error.reason}") from None
            except (urllib.error.URLError, http.client.HTTPException, OSError, socket.timeout) as error:
                if attempt == self.attempts:
                    reason = getattr(error, "reason", None) or error
                    raise DownloadError(f"{url}: {reason} (after {attempt} attempts)") from None
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")


def sha256(data: bytes) -> str:
    """The hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def check_short_hash(data: bytes, expected: str, url: str) -> None:
    """The micropython-lib index check: the first hex digits of the SHA-256 must be `expected`."""
    actual = sha256(data)
    if not actual.startswith(expected.lower()):
        raise IntegrityError(f"{url}: SHA-256 {actual[: len(expected)]}... does not match the index hash {expected}")


def check_parses(path: str, data: bytes, origin: str) -> None:
    """A ``.py`` file must be valid Python (so a broken or truncated download never lands)."""
    if not path.endswith(".py"):
        return
    try:
        ast.parse(data.decode("utf-8"), filename=path)
    except (SyntaxError, ValueError, UnicodeDecodeError) as error:
        line = f" line {error.lineno}:" if isinstance(error, SyntaxError) and error.lineno else ""
        reason = error.msg if isinstance(error, SyntaxError) else str(error)
        raise PackageError(f"{path} from {origin} is not valid Python:{line} {reason}") from None


def _safe(member: str) -> Optional[str]:
    path = PurePosixPath(member)
    if path.is_absolute() or ".." in path.parts:
        return None
    return path.as_posix()


def unpack(data: bytes, origin: str, strip: bool = True) -> dict[str, bytes]:
    """The files of a ``.tar``, ``.tar.gz`` or ``.zip`` archive by path; a single top folder removed if `strip`."""
    files: dict[str, bytes] = {}
    try:
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    name = _safe(info.filename)
                    if name and not info.is_dir():
                        files[name] = archive.read(info)
        else:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
                for member in archive.getmembers():
                    name = _safe(member.name)
                    if name and member.isfile():
                        extracted = archive.extractfile(member)
                        if extracted is not None:
                            files[name] = extracted.read()
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as error:
        raise PackageError(f"{origin}: not a readable .tar.gz or .zip archive: {error}") from None
    tops = {name.split("/", 1)[0] for name in files}
    if strip and len(tops) == 1 and all("/" in name for name in files):
        files = {name.split("/", 1)[1]: content for name, content in files.items()}
    return files
