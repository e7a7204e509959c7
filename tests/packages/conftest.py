"""A local HTTP server standing in for GitHub, GitLab, a mip index and plain web hosts, and project helpers."""

import hashlib
import io
import json
import tarfile
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional

import pytest
from attrs import define, field

from belay_engine.packages import load_project

#: Real URL prefixes and the server folders that stand in for them (BELAY_HOSTS maps one to the other).
HOSTS = {
    "https://raw.githubusercontent.com": "/gh-raw",
    "https://codeload.github.com": "/gh-codeload",
    "https://api.github.com": "/gh-api",
    "https://gitlab.com": "/gitlab",
    "https://micropython.org/pi/v2": "/index",
    "https://example.com": "/web",
}


@define
class Server:
    """Routes (path → body) served on 127.0.0.1; `requests` lists the paths asked for, in order."""

    base: str = ""
    routes: dict[str, bytes] = field(factory=dict)
    drop: dict[str, int] = field(factory=dict)  # path → how many more times to cut the body short
    fail: dict[str, list[int]] = field(factory=dict)  # path → error statuses to answer first, in order
    requests: list[str] = field(factory=list)

    def put(self, url: str, body: bytes) -> None:
        """Serve `body` at real URL `url` (one of HOSTS' prefixes)."""
        self.routes[local_path(url)] = body

    def count(self) -> int:
        return len(self.requests)


def local_path(url: str) -> str:
    for prefix, folder in HOSTS.items():
        if url.startswith(prefix):
            return folder + url[len(prefix) :]
    raise ValueError(f"{url} is not under a test host")


def _handler(server: Server) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            server.requests.append(path)
            body = server.routes.get(path)
            failures = server.fail.get(path)
            if body is None or failures:
                self.send_response(failures.pop(0) if failures else 404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if server.drop.get(path, 0) > 0:
                server.drop[path] -= 1
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def server(monkeypatch, tmp_path):
    """The stand-in hosts, with BELAY_HOSTS pointing at them and a fresh download cache."""
    state = Server()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv("BELAY_HOSTS", json.dumps({real: state.base + folder for real, folder in HOSTS.items()}))
    monkeypatch.setenv("BELAY_CACHE_DIR", str(tmp_path / "cache"))
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


def commit_of(ref: str) -> str:
    """A made-up commit id for `ref`."""
    return hashlib.sha1(ref.encode()).hexdigest()


def tar_gz(files: dict[str, bytes], top: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, data in files.items():
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def zip_bytes(files: dict[str, bytes], top: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in files.items():
            archive.writestr(f"{top}/{path}", data)
    return buffer.getvalue()


def serve_github(server: Server, owner: str, repo: str, ref: str, files: dict[str, bytes]) -> str:
    """Serve a GitHub repository at `ref` as GitHub does: raw files, a commit API and a .tar.gz; its commit."""
    commit = commit_of(f"{owner}/{repo}@{ref}")
    server.put(f"https://api.github.com/repos/{owner}/{repo}/commits/{ref}", commit.encode())
    for name in (ref, commit):
        for path, data in files.items():
            server.put(f"https://raw.githubusercontent.com/{owner}/{repo}/{name}/{path}", data)
        server.put(f"https://codeload.github.com/{owner}/{repo}/tar.gz/{name}", tar_gz(files, f"{repo}-{commit[:7]}"))
    return commit


def serve_gitlab(server: Server, owner: str, repo: str, ref: str, files: dict[str, bytes]) -> str:
    """Serve a GitLab repository at `ref` as GitLab does; its commit."""
    commit = commit_of(f"gitlab/{owner}/{repo}@{ref}")
    project = f"{owner}%2F{repo}"
    server.put(
        f"https://gitlab.com/api/v4/projects/{project}/repository/commits/{ref}", json.dumps({"id": commit}).encode()
    )
    for name in (ref, commit):
        for path, data in files.items():
            server.put(f"https://gitlab.com/{owner}/{repo}/-/raw/{name}/{path}", data)
        archive = tar_gz(files, f"{repo}-{name}-{commit}")
        server.put(f"https://gitlab.com/{owner}/{repo}/-/archive/{name}/{repo}-{name}.tar.gz", archive)
    return commit


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


def serve_index_package(
    server: Server,
    name: str,
    version: str,
    files: dict[str, bytes],
    deps: Optional[list[list[str]]] = None,
    latest: bool = True,
    hashes: Optional[dict[str, str]] = None,
) -> None:
    """Serve an index package (micropython-lib layout): its package.json and its files by hash."""
    entries = []
    for dest, data in files.items():
        digest = (hashes or {}).get(dest, short_hash(data))
        entries.append([dest, digest])
        server.put(f"https://micropython.org/pi/v2/file/{digest[:2]}/{digest}", data)
    package = json.dumps({"hashes": entries, "deps": deps or [], "version": version}).encode()
    server.put(f"https://micropython.org/pi/v2/package/py/{name}/{version}.json", package)
    if latest:
        server.put(f"https://micropython.org/pi/v2/package/py/{name}/latest.json", package)


def write_project(folder: Path, text: str):
    """A project folder with pyproject.toml `text`, loaded."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(text)
    return load_project(folder)


@pytest.fixture
def project_dir(tmp_path):
    return tmp_path / "project"
