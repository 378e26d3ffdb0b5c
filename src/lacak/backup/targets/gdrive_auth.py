"""Google credentials: a service-account key, or an OAuth user token got once headless.

`lacak backup auth gdrive` prints a consent URL; the user opens it anywhere, approves,
and pastes back the code (or the whole redirect URL, which fails to load on purpose when
the redirect is http://localhost). The code is exchanged (PKCE) at the token endpoint and
the token file is written 0600; google-auth refreshes the access token when it expires.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
from google.auth.credentials import Credentials as BaseCredentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from lacak.config import Settings


class AuthProblem(Exception):
    """Drive credentials are missing or unusable; the message says what to do."""


@dataclass(frozen=True)
class OAuthClient:
    """The parts of a Google "Desktop app" client file we use."""

    client_id: str
    client_secret: str
    redirect_uri: str


def load_credentials(settings: Settings) -> BaseCredentials:
    """Service account when a key file is set, else the stored OAuth user token."""
    scopes = [settings.gdrive_scope]
    if settings.gdrive_service_account_file:
        info = _read_json(settings.gdrive_service_account_file, "service-account key")
        info["token_uri"] = settings.gdrive_token_uri
        creds: BaseCredentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=scopes
        )
        return creds
    token_file = settings.gdrive_token_file
    if token_file is None or not token_file.exists():
        raise AuthProblem(
            "Google Drive is not authorised: set LACAK_GDRIVE_SERVICE_ACCOUNT_FILE, or set "
            "LACAK_GDRIVE_TOKEN_FILE and run `lacak backup auth gdrive` once"
        )
    data = _read_json(token_file, "Drive token")
    try:
        return user_credentials.Credentials(  # type: ignore[no-untyped-call]
            token=data.get("token"),
            refresh_token=data["refresh_token"],
            token_uri=settings.gdrive_token_uri,
            client_id=data["client_id"],
            client_secret=data["client_secret"],
            scopes=data.get("scopes") or scopes,
        )
    except KeyError as exc:
        raise AuthProblem(
            f"{token_file} lacks {exc}; run `lacak backup auth gdrive` again"
        ) from exc


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AuthProblem(f"cannot read the {what} file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise AuthProblem(f"the {what} file {path} is not a JSON object")
    return data


def read_client(path: Path) -> OAuthClient:
    """Parse a client secrets file ("installed" or "web" section)."""
    data = _read_json(path, "OAuth client")
    section = data.get("installed") or data.get("web") or data
    try:
        redirects = section.get("redirect_uris") or ["http://localhost"]
        return OAuthClient(section["client_id"], section["client_secret"], redirects[0])
    except KeyError as exc:
        raise AuthProblem(f"{path} lacks {exc}: download the Desktop-app client JSON") from exc


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def consent_url(settings: Settings, client: OAuthClient, challenge: str, state: str) -> str:
    """The URL the user opens to grant access (offline, so we get a refresh token)."""
    query = {
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "response_type": "code",
        "scope": settings.gdrive_scope,
        "access_type": "offline",
        "prompt": "consent",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": state,
    }
    return f"{settings.gdrive_auth_uri}?{urlencode(query)}"


def code_from(pasted: str, state: str | None = None) -> str:
    """The authorisation code from a pasted code or redirect URL."""
    text = pasted.strip()
    if "code=" not in text:
        if not text:
            raise AuthProblem("nothing was pasted")
        return text
    params = parse_qs(urlparse(text).query or text.lstrip("?"))
    if state is not None and params.get("state", [state])[0] != state:
        raise AuthProblem("the pasted URL belongs to a different login attempt (state differs)")
    return params["code"][0]


def exchange(settings: Settings, client: OAuthClient, code: str, verifier: str) -> dict[str, Any]:
    """Trade the code for tokens at the token endpoint; the token-file document."""
    response = httpx.post(
        settings.gdrive_token_uri,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "redirect_uri": client.redirect_uri,
            "code_verifier": verifier,
        },
        timeout=30,
    )
    if response.status_code != 200:
        raise AuthProblem(
            f"the token endpoint refused the code ({response.status_code}): {response.text[:200]}"
        )
    body = response.json()
    if "refresh_token" not in body:
        raise AuthProblem("no refresh token was returned; revoke the app's access and try again")
    return {
        "token": body.get("access_token"),
        "refresh_token": body["refresh_token"],
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "scopes": [settings.gdrive_scope],
    }


def save_token(path: Path, document: dict[str, Any]) -> None:
    """Write the token file readable by its owner only (0600 from the first byte)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(document, fh, indent=2)
    os.chmod(path, 0o600)
