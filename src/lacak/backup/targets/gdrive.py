"""Google Drive target through google-api-python-client (Drive v3).

Layout: `<root>/<YYYY>/<MM>/lacak-backup-YYYY-MM-DD.tar.gz`. The static discovery
document's rootUrl is replaced by LACAK_GDRIVE_API_BASE_URL, so the same client code
talks to Google or to a local fake. The client is synchronous (httplib2, not thread
safe): every operation runs in a worker thread with its own service object.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from googleapiclient import discovery, discovery_cache
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaFileUpload, MediaIoBaseDownload

from lacak.backup.archive import ArchiveInfo, file_md5
from lacak.backup.progress import NO_PROGRESS, Progress
from lacak.backup.targets.base import StoredBackup, Target, TargetError, archive_name, backup_id_of
from lacak.backup.targets.gdrive_auth import load_credentials
from lacak.config import Settings
from lacak.files import open_private

log = logging.getLogger(__name__)

FOLDER = "application/vnd.google-apps.folder"
FIELDS = "id,name,size,md5Checksum,createdTime,modifiedTime,mimeType"
RETRYABLE = (429, 500, 502, 503, 504)


def build_service(settings: Settings) -> Any:
    """A Drive v3 service on the configured endpoint with the configured credentials."""
    doc = json.loads(discovery_cache.get_static_doc("drive", "v3") or "{}")
    root = settings.gdrive_api_base_url.rstrip("/") + "/"
    doc["rootUrl"] = root
    doc["baseUrl"] = root + doc["servicePath"]
    doc.pop("mtlsRootUrl", None)
    return discovery.build_from_document(doc, credentials=load_credentials(settings))


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _oldest_first(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(files, key=lambda f: (f.get("createdTime", ""), f["id"]))


class DriveClient:
    """The handful of Drive calls backups need, with retries where they are safe."""

    def __init__(self, settings: Settings, root_name: str) -> None:
        self.settings = settings
        self.root_name = root_name
        self.service = build_service(settings)
        self.backoff = 0.25

    def find(self, name: str | None, parent: str, folder: bool | None) -> list[dict[str, Any]]:
        """Non-trashed children of `parent` (optionally with `name`), oldest first."""
        clauses = [f"'{_quote(parent)}' in parents", "trashed = false"]
        if name is not None:
            clauses.insert(0, f"name = '{_quote(name)}'")
        if folder is True:
            clauses.append(f"mimeType = '{FOLDER}'")
        elif folder is False:
            clauses.append(f"mimeType != '{FOLDER}'")
        files: list[dict[str, Any]] = []
        token = None
        while True:
            page = (
                self.service.files()
                .list(
                    q=" and ".join(clauses),
                    spaces="drive",
                    fields=f"nextPageToken,files({FIELDS})",
                    pageSize=1000,
                    pageToken=token,
                )
                .execute(num_retries=3)
            )
            files.extend(page.get("files", []))
            token = page.get("nextPageToken")
            if not token:
                return _oldest_first(files)

    def ensure_folder(self, name: str, parent: str) -> str:
        """The folder `name` under `parent`, created when missing.

        Two runs racing may both create it; each lists again after creating, keeps the
        oldest (createdTime, then id) and deletes its own copy if it lost.
        """
        found = self.find(name, parent, folder=True)
        if found:
            return str(found[0]["id"])
        body = {"name": name, "mimeType": FOLDER, "parents": [parent]}
        mine = self.service.files().create(body=body, fields=FIELDS).execute(num_retries=3)
        found = self.find(name, parent, folder=True) or [mine]
        keep = found[0]
        if keep["id"] != mine["id"]:
            log.info("Drive folder %r was created twice; keeping the older one", name)
            self.service.files().delete(fileId=mine["id"]).execute(num_retries=3)
        return str(keep["id"])

    def root_id(self) -> str:
        """The backup root folder id."""
        return self.settings.gdrive_root_folder_id or self.ensure_folder(self.root_name, "root")

    def month_folder(self, backup_id: str) -> str:
        """`<root>/YYYY/MM` for a backup id, created when missing."""
        year, month, _ = backup_id.split("-")
        return self.ensure_folder(month, self.ensure_folder(year, self.root_id()))

    def upload(
        self, path: Path, name: str, parent: str, md5: str, progress: Progress
    ) -> dict[str, Any]:
        """Upload (or replace the same-named file) and insist Drive's md5 matches ours."""
        existing = self.find(name, parent, folder=False)
        attempts = self.settings.gdrive_upload_attempts
        problem = ""
        for attempt in range(1, attempts + 1):
            media = MediaFileUpload(
                str(path),
                mimetype="application/gzip",
                resumable=True,
                chunksize=self.settings.gdrive_chunk_size,
            )
            if existing:
                request = self.service.files().update(
                    fileId=existing[0]["id"], media_body=media, fields=FIELDS
                )
            else:
                body = {"name": name, "parents": [parent]}
                request = self.service.files().create(body=body, media_body=media, fields=FIELDS)
            progress.phase(f"upload (attempt {attempt})" if attempt > 1 else "upload", media.size())
            uploaded = self._send(request, progress)
            if uploaded.get("md5Checksum") == md5:
                for extra in existing[1:]:
                    self.service.files().delete(fileId=extra["id"]).execute(num_retries=3)
                return uploaded
            problem = f"Drive reports md5 {uploaded.get('md5Checksum')}, local file has {md5}"
            log.warning("upload of %s not intact (attempt %d): %s", name, attempt, problem)
            existing = [uploaded, *[f for f in existing if f["id"] != uploaded["id"]]]
        raise TargetError(f"upload of {name} failed verification {attempts} times: {problem}")

    def _send(self, request: Any, progress: Progress) -> dict[str, Any]:
        # num_retries=0: on a 5xx the client enters its error state and our next call asks
        # the server how much it has (Content-Range: bytes */N) and resumes from there.
        response = None
        failures = 0
        sent = 0
        while response is None:
            try:
                status, response = request.next_chunk(num_retries=0)
            except HttpError as exc:
                if exc.resp.status not in RETRYABLE or failures >= 5:
                    raise
                failures += 1
                time.sleep(self.backoff * 2**failures)
                continue
            if status is not None:
                progress.advance(status.resumable_progress - sent)
                sent = status.resumable_progress
        return dict(response)

    def download(self, file_id: str, dest: Path, progress: Progress) -> None:
        """Fetch a file's content in chunks."""
        request = self.service.files().get_media(fileId=file_id)
        with open_private(dest, "wb") as fh:
            downloader = MediaIoBaseDownload(fh, request, chunksize=self.settings.gdrive_chunk_size)
            done = False
            got = 0
            while not done:
                status, done = downloader.next_chunk(num_retries=3)
                progress.advance(status.resumable_progress - got)
                got = status.resumable_progress

    def backups(self) -> list[StoredBackup]:
        """Every backup archive under root/YYYY/MM."""
        found: list[StoredBackup] = []
        root = self.settings.gdrive_root_folder_id
        if root is None:
            # Listing must not create anything: no root folder simply means no backups.
            roots = self.find(self.root_name, "root", folder=True)
            if not roots:
                return found
            root = str(roots[0]["id"])
        for year in self.find(None, root, folder=True):
            for month in self.find(None, year["id"], folder=True):
                for item in self.find(None, month["id"], folder=False):
                    backup_id = backup_id_of(item["name"])
                    if backup_id is None:
                        continue
                    modified = item.get("modifiedTime")
                    found.append(
                        StoredBackup(
                            backup_id,
                            item["name"],
                            int(item["size"]) if item.get("size") else None,
                            datetime.fromisoformat(modified.replace("Z", "+00:00"))
                            if modified
                            else None,
                            f"gdrive:{self.root_name}/{year['name']}/{month['name']}/{item['name']}",
                            ref=item["id"],
                        )
                    )
        return sorted(found, key=lambda b: b.backup_id)


class GDriveTarget(Target):
    """Backups in Google Drive under a root folder, by year and month."""

    def __init__(self, settings: Settings, root_name: str | None = None) -> None:
        self.settings = settings
        self.root_name = root_name or settings.gdrive_root_folder
        self.description = f"gdrive:{self.root_name}"

    def _client(self) -> DriveClient:
        return DriveClient(self.settings, self.root_name)

    async def put(
        self, archive: Path, backup_id: str, info: ArchiveInfo, progress: Progress = NO_PROGRESS
    ) -> str:
        """Resumable upload into root/YYYY/MM, verified by md5."""

        def work() -> str:
            client = self._client()
            parent = client.month_folder(backup_id)
            name = archive_name(backup_id)
            client.upload(archive, name, parent, info.md5, progress)
            year, month, _ = backup_id.split("-")
            return f"gdrive:{self.root_name}/{year}/{month}/{name}"

        return await self._call(work)

    async def list(self) -> list[StoredBackup]:
        """Every backup in the root folder."""
        return await self._call(lambda: self._client().backups())

    async def fetch(self, backup_id: str, workdir: Path, progress: Progress = NO_PROGRESS) -> Path:
        """Download the archive into `workdir`, checked against Drive's md5."""
        stored = await self.find(backup_id)
        dest = workdir / stored.name

        def work() -> Path:
            progress.phase("download", stored.size)
            client = self._client()
            client.download(stored.ref, dest, progress)
            meta = client.service.files().get(fileId=stored.ref, fields=FIELDS).execute()
            if meta.get("md5Checksum") and meta["md5Checksum"] != file_md5(dest):
                raise TargetError(
                    f"download of {stored.name} is damaged (md5 differs from Drive's)"
                )
            return dest

        return await self._call(work)

    async def delete(self, backup: StoredBackup) -> None:
        """Delete the archive file (the month folder stays)."""
        await self._call(lambda: self._client().service.files().delete(fileId=backup.ref).execute())

    async def _call(self, work: Any) -> Any:
        try:
            return await asyncio.to_thread(work)
        except HttpError as exc:
            raise TargetError(f"Google Drive said {exc.status_code}: {exc.reason}") from exc
