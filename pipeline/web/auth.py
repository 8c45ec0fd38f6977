"""The session cookie's secret and CSRF tokens for the page.

- The session cookie is Starlette's :class:`SessionMiddleware` (signed with
  itsdangerous, HttpOnly, SameSite=Strict, ``Secure`` behind HTTPS) with a
  secret made on first start and kept in the instance folder (``sesi.key``,
  mode 0600).  It carries only the session id and the CSRF token: the session
  itself lives on the server (:class:`pipeline.web.audit.Sessions`).
- Every form carries the session's CSRF token in a hidden ``csrf_token``
  field; a POST without the right one is refused (403).
- Login attempts are counted and slowed down by
  :class:`pipeline.web.audit.LoginGuard` (kept across restarts).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from pipeline.web.instance import write_private

SECRET_NAME = "sesi.key"
CSRF_KEY = "csrf"


def session_secret(folder: Path) -> str:
    """The instance's session secret, made on first use and kept."""
    path = Path(folder) / SECRET_NAME
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 32:
            return text
    except FileNotFoundError:
        pass
    write_private(path, secrets.token_urlsafe(48).encode("ascii"))
    return path.read_text(encoding="ascii").strip()


def csrf_token(session: dict) -> str:
    token = session.get(CSRF_KEY)
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        session[CSRF_KEY] = token
    return token


def csrf_ok(session: dict, sent: object) -> bool:
    token = session.get(CSRF_KEY)
    return isinstance(token, str) and isinstance(sent, str) and bool(sent) and secrets.compare_digest(token, sent)
