"""The audit log in PostgreSQL (``LKJIP_AUDIT_DATABASE_URL``), same rows and CSV as SQLite."""

import csv
import io

import pytest

from pipeline.web.audit import AuditLog

from test_postgres import postgres_url  # noqa: F401 - the fixture: a server of its own or LKJIP_TEST_POSTGRES_URL

pytestmark = pytest.mark.postgres


def test_audit_rows_go_to_postgresql(postgres_url, tmp_path):  # noqa: F811
    pytest.importorskip("psycopg2")
    log = AuditLog(tmp_path, url=postgres_url)
    log.add("unggah", "wira", "10.0.0.7", bidang="Bidang Kewirausahaan", period="2024-12", file="a.xlsx",
            sha256="ab" * 32)
    log.add("verifikasi", "rencana", "10.0.0.2", bidang="Bidang Kewirausahaan", period="2024-12")
    rows = log.rows()
    assert [r.aksi for r in rows[:2]] == ["verifikasi", "unggah"] and rows[1].sha256 == "ab" * 32
    assert not (tmp_path / "halaman.sqlite").exists()  # nothing went to SQLite
    table = list(csv.DictReader(io.StringIO(log.csv_text())))
    assert {"unggah", "verifikasi"} <= {r["aksi"] for r in table}
