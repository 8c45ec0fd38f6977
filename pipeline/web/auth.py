"""Sessions, CSRF tokens and login throttling for the page.

- The session cookie is Starlette's :class:`SessionMiddleware` (signed with
  itsdangerous, HttpOnly, here SameSite=Strict) with a secret made on first
  start and kept in the instance folder (``sesi.key``, mode 0600).
- Every form carries the session's CSRF token in a hidden ``csrf_token``
  field; a POST without the right one is refused (403).
- After :data:`MAX_FAILURES` failed logins for one name or from one address
  within :data:`WINDOW_SECONDS`, further tries are refused until the oldest
  failure leaves the window (kept in memory: a restart forgets them).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path

from pipeline.web.instance import write_private

SECRET_NAME = "sesi.key"
CSRF_KEY = "csrf"
MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


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


class Throttle:
    """Failed logins per key (a name, an address) in a sliding window."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = WINDOW_SECONDS, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        found = self._failures[key]
        while found and found[0] <= now - self.window:
            found.popleft()
        return found

    def wait_seconds(self, *keys: str) -> float:
        """0 when a try may go ahead, else how long until it may."""
        now = self.clock()
        with self._lock:
            waits = [found[0] + self.window - now for key in keys
                     if len(found := self._recent(key, now)) >= self.limit]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, name_key: str) -> None:
        with self._lock:
            self._failures.pop(name_key, None)
