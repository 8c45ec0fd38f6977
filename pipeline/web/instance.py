"""The page's own state, in the instance folder beside DAGSTER_HOME's data.

``<DAGSTER_HOME>/lkjip/`` (the project's ``.dagster/lkjip/`` by default, which
is git-ignored) holds the accounts, the session secret, the page's settings,
the upload log and the archive of uploaded files.  Nothing here is ever served
as a file; the page reads it.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


INSTANCE_ENV = "LKJIP_INSTANCE"
SUBDIR = "lkjip"


def instance_dir(project_root: Path | None = None) -> Path:
    """``LKJIP_INSTANCE`` if set, else ``<DAGSTER_HOME>/lkjip`` (one definition, shared with the run's
    reader of the submission states)."""
    from pipeline.intake.submission_store import instance_folder

    return instance_folder(project_root)


def ensure_private_dir(folder: Path) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)
    return folder


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, fsync, rename), mode 0600."""
    path = Path(path)
    ensure_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=f"-{path.name}")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def write_json(path: Path, value: Any) -> None:
    write_private(path, json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))


SETTINGS_NAME = "pengaturan.json"
DEFAULT_PAGE_SETTINGS = {"bidang_boleh_unduh_laporan": False}


def page_settings(folder: Path) -> dict:
    found = read_json(Path(folder) / SETTINGS_NAME, {})
    return {**DEFAULT_PAGE_SETTINGS, **(found if isinstance(found, dict) else {})}


def save_page_settings(folder: Path, values: dict) -> None:
    write_json(Path(folder) / SETTINGS_NAME, {**page_settings(folder), **values})
