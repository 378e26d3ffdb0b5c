"""A local fake of Google Drive v3 (the subset lacak's backups use) and Google's token endpoint.

Speaks the real wire format so the real google-api-python-client can drive it:
files.list with a `q` subset (name =, '<id>' in parents, mimeType =/!=, trashed = false),
files.create (metadata, multipart, resumable), files.get (metadata, alt=media with Range),
files.update (metadata + media), files.delete; resumable sessions answer 308 with a Range
header. Faults: a 503 halfway through a resumable chunk, a wrong md5Checksum, expired
access tokens (401 until refreshed), and a slow list (to make folder creation race).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import hashlib
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.server import FakeServer

FOLDER = "application/vnd.google-apps.folder"
EPOCH = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)

_CLAUSES = [
    ("name", re.compile(r"name\s*=\s*'((?:[^'\\]|\\.)*)'")),
    ("parent", re.compile(r"'((?:[^'\\]|\\.)*)'\s+in\s+parents")),
    ("mime", re.compile(r"mimeType\s*=\s*'((?:[^'\\]|\\.)*)'")),
    ("not_mime", re.compile(r"mimeType\s*!=\s*'((?:[^'\\]|\\.)*)'")),
    ("trashed", re.compile(r"trashed\s*=\s*false")),
]
_AND = re.compile(r"\s+and\s+")


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def parse_q(q: str) -> list[tuple[str, str]]:
    """Clauses of a Drive query; ValueError for anything outside the supported subset."""
    clauses: list[tuple[str, str]] = []
    pos = 0
    while pos < len(q):
        for kind, pattern in _CLAUSES:
            match = pattern.match(q, pos)
            if match:
                clauses.append((kind, _unescape(match.group(1)) if match.groups() else ""))
                pos = match.end()
                break
        else:
            raise ValueError(f"unsupported query at {q[pos:]!r}")
        joiner = _AND.match(q, pos)
        if joiner:
            pos = joiner.end()
        elif pos < len(q):
            raise ValueError(f"expected 'and' at {q[pos:]!r}")
    return clauses


@dataclass
class DriveFile:
    """A stored file or folder."""

    id: str
    name: str
    mime_type: str
    parents: list[str]
    created: datetime
    modified: datetime
    content: bytes = b""
    trashed: bool = False

    def resource(self, wrong_md5: bool = False) -> dict[str, Any]:
        """The files resource JSON."""
        doc: dict[str, Any] = {
            "kind": "drive#file",
            "id": self.id,
            "name": self.name,
            "mimeType": self.mime_type,
            "parents": self.parents,
            "createdTime": _stamp(self.created),
            "modifiedTime": _stamp(self.modified),
            "trashed": self.trashed,
        }
        if self.mime_type != FOLDER:
            md5 = hashlib.md5(self.content, usedforsecurity=False).hexdigest()
            doc["size"] = str(len(self.content))
            doc["md5Checksum"] = "0" * 32 if wrong_md5 else md5
        return doc


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class UploadSession:
    """A resumable upload in progress."""

    metadata: dict[str, Any]
    file_id: str | None
    total: int | None
    data: bytearray = field(default_factory=bytearray)


def _error(status: int, message: str, reason: str = "badRequest") -> JSONResponse:
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"reason": reason, "message": message}],
        }
    }
    return JSONResponse(body, status_code=status)


class FakeDrive(FakeServer):
    """Google Drive v3 + OAuth token endpoint on localhost."""

    def __init__(self, port: int | None = None) -> None:
        super().__init__(port)
        self.files: dict[str, DriveFile] = {}
        self.sessions: dict[str, UploadSession] = {}
        self.valid_tokens: set[str] = set()
        self.refreshes = 0
        self.chunk_faults = 0  # next N chunk PUTs keep half their bytes, then answer 503
        self.wrong_md5 = 0  # next N finished uploads report a wrong md5Checksum
        self.list_delay = 0.0
        self.chunk_puts = 0
        self._ids = itertools.count(1)
        self._tick = itertools.count(1)
        self._mutex = threading.Lock()
        self.route("/token", self._token, ["POST"])
        self.route("/drive/v3/files", self._files, ["GET", "POST"])
        self.route("/drive/v3/files/{file_id}", self._file, ["GET", "PATCH", "DELETE"])
        self.route("/upload/drive/v3/files", self._upload, ["POST"])
        self.route("/upload/drive/v3/files/{file_id}", self._upload, ["PATCH"])
        self.route("/upload/session/{sid}", self._chunk, ["PUT"])

    # --- helpers ------------------------------------------------------------------------
    def _now(self) -> datetime:
        # Strictly increasing times, so "oldest" is well defined like on Drive.
        return EPOCH + timedelta(milliseconds=next(self._tick))

    def _new_id(self) -> str:
        return f"f{next(self._ids):05d}"

    def expire_tokens(self) -> None:
        """Every access token handed out so far now gets 401."""
        self.valid_tokens.clear()

    def add(
        self, name: str, parent: str, mime_type: str = FOLDER, content: bytes = b""
    ) -> DriveFile:
        """Create a file directly (test setup)."""
        now = self._now()
        item = DriveFile(self._new_id(), name, mime_type, [parent], now, now, content)
        self.files[item.id] = item
        return item

    def children(self, parent: str, name: str | None = None) -> list[DriveFile]:
        """Non-trashed children of `parent` (test assertions)."""
        return [
            f
            for f in self.files.values()
            if parent in f.parents and not f.trashed and (name is None or f.name == name)
        ]

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        return header.startswith("Bearer ") and header[7:] in self.valid_tokens

    def _unauthorised(self) -> JSONResponse:
        return _error(401, "Request had invalid authentication credentials.", "authError")

    def _finish(self, item: DriveFile) -> JSONResponse:
        wrong = False
        with self._mutex:
            if self.wrong_md5 > 0:
                self.wrong_md5 -= 1
                wrong = True
        return JSONResponse(item.resource(wrong_md5=wrong))

    # --- OAuth --------------------------------------------------------------------------
    async def _token(self, request: Request, body: bytes) -> Response:
        form = await request.form()
        grant = str(form.get("grant_type", ""))
        token = f"access-{next(self._ids)}"
        doc: dict[str, Any] = {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
        if grant == "refresh_token":
            if form.get("refresh_token") != "refresh-me":
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            self.refreshes += 1
        elif grant == "authorization_code":
            if form.get("code") != "good-code" or not form.get("code_verifier"):
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            doc["refresh_token"] = "refresh-me"
        elif grant != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        self.valid_tokens.add(token)
        return JSONResponse(doc)

    # --- metadata -----------------------------------------------------------------------
    async def _files(self, request: Request, body: bytes) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        if request.method == "POST":
            meta = json.loads(body or b"{}")
            now = self._now()
            item = DriveFile(
                self._new_id(),
                meta["name"],
                meta.get("mimeType", "application/octet-stream"),
                list(meta.get("parents") or ["root"]),
                now,
                now,
            )
            self.files[item.id] = item
            return JSONResponse(item.resource())
        if self.list_delay:
            await asyncio.sleep(self.list_delay)
        try:
            clauses = parse_q(request.query_params.get("q", ""))
        except ValueError as exc:
            return _error(400, f"Invalid Value: {exc}", "invalid")
        found = [f for f in self.files.values() if _matches(f, clauses)]
        return JSONResponse({"kind": "drive#fileList", "files": [f.resource() for f in found]})

    async def _file(self, request: Request, body: bytes) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        item = self.files.get(request.path_params["file_id"])
        if item is None or item.trashed:
            return _error(404, "File not found.", "notFound")
        if request.method == "DELETE":
            del self.files[item.id]
            return Response(status_code=204)
        if request.method == "PATCH":
            meta = json.loads(body or b"{}")
            item.name = meta.get("name", item.name)
            item.modified = self._now()
            return JSONResponse(item.resource())
        if request.query_params.get("alt") != "media":
            return JSONResponse(item.resource())
        return _ranged(item.content, request.headers.get("range"))

    # --- uploads ------------------------------------------------------------------------
    async def _upload(self, request: Request, body: bytes) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        file_id = request.path_params.get("file_id")
        if file_id is not None and file_id not in self.files:
            return _error(404, "File not found.", "notFound")
        kind = request.query_params.get("uploadType")
        if kind == "resumable":
            sid = f"s{next(self._ids)}"
            total = request.headers.get("x-upload-content-length")
            meta = json.loads(body) if body else {}
            self.sessions[sid] = UploadSession(meta, file_id, int(total) if total else None)
            return Response(
                status_code=200, headers={"Location": f"{self.url}/upload/session/{sid}"}
            )
        if kind == "multipart":
            meta, content = _split_multipart(request.headers["content-type"], body)
        elif kind == "media":
            meta, content = {}, body
        else:
            return _error(400, f"Invalid uploadType {kind!r}", "invalid")
        return self._store(meta, file_id, content)

    def _store(self, meta: dict[str, Any], file_id: str | None, content: bytes) -> Response:
        now = self._now()
        if file_id is not None:
            item = self.files[file_id]
            item.content, item.modified = content, now
            item.name = meta.get("name", item.name)
        else:
            item = DriveFile(
                self._new_id(),
                meta.get("name", "Untitled"),
                meta.get("mimeType", "application/octet-stream"),
                list(meta.get("parents") or ["root"]),
                now,
                now,
                content,
            )
            self.files[item.id] = item
        return self._finish(item)

    async def _chunk(self, request: Request, body: bytes) -> Response:
        session = self.sessions.get(request.path_params["sid"])
        if session is None:
            return _error(404, "Upload session not found.", "notFound")
        self.chunk_puts += 1
        spec = request.headers.get("content-range", "")
        match = re.fullmatch(r"bytes (\*|(\d+)-(\d+))/(\*|\d+)", spec)
        if match is None:
            return _error(400, f"bad Content-Range {spec!r}")
        if match.group(4) != "*":
            session.total = int(match.group(4))
        if match.group(1) != "*":
            start = int(match.group(2))
            if start > len(session.data):
                return _error(400, "chunk starts past the bytes received")
            piece = body
            with self._mutex:
                fail = self.chunk_faults > 0
                if fail:
                    self.chunk_faults -= 1
            if fail:
                piece = body[: len(body) // 2]
            del session.data[start:]
            session.data.extend(piece)
            if fail:
                return _error(503, "Backend Error", "backendError")
        if session.total is not None and len(session.data) >= session.total:
            del self.sessions[request.path_params["sid"]]
            return self._store(session.metadata, session.file_id, bytes(session.data))
        headers = {"Range": f"bytes=0-{len(session.data) - 1}"} if session.data else {}
        return Response(status_code=308, headers=headers)


def _matches(item: DriveFile, clauses: list[tuple[str, str]]) -> bool:
    for kind, value in clauses:
        if kind == "name" and item.name != value:
            return False
        if kind == "parent" and value not in item.parents:
            return False
        if kind == "mime" and item.mime_type != value:
            return False
        if kind == "not_mime" and item.mime_type == value:
            return False
        if kind == "trashed" and item.trashed:
            return False
    return True


def _ranged(content: bytes, header: str | None) -> Response:
    match = re.fullmatch(r"bytes=(\d+)-(\d*)", header or "")
    if match is None:
        return Response(content, media_type="application/octet-stream")
    start = int(match.group(1))
    end = min(int(match.group(2)) if match.group(2) else len(content) - 1, len(content) - 1)
    headers = {"Content-Range": f"bytes {start}-{end}/{len(content)}"}
    return Response(content[start : end + 1], status_code=206, headers=headers)


def _split_multipart(content_type: str, body: bytes) -> tuple[dict[str, Any], bytes]:
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=email.policy.HTTP
    )
    parts = [part for part in message.walk() if not part.is_multipart()]
    meta_raw = parts[0].get_payload(decode=True)
    content = parts[1].get_payload(decode=True)
    assert isinstance(meta_raw, bytes) and isinstance(content, bytes)
    return json.loads(meta_raw or b"{}"), content
