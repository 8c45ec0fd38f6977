"""Snapshots of a run's outputs: every cell value of every sheet of the workbooks and the
document's text (paragraphs and table cells, in order), as JSON-able data.

Volatile values are left out: the 'Dibuat:' (made at) line of ``Ringkasan``, the file times of its
``Diubah (WITA)`` column, a ``Tiba (WITA)`` that is only the file time (a file the arrival
ledger had not seen before), the SHA-256 and size of the inputs (the office sample is generated), and in
the document the moment it was made and the date of the signature line.  Regenerate the stored snapshots (only when an output is meant to
change) with ``.venv/bin/python tests/_snapshot.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SAMPLE_SNAPSHOT = DATA / "snapshot-sample-2024-12.json"
OFFICE_SNAPSHOT = DATA / "snapshot-office-2025-06.json"
OFFICE_PERIOD = "2025-06"


def _value(v):
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, float) and v == int(v) and abs(v) < 2 ** 53:
        return v  # json keeps 1.0 as 1.0
    return v


def workbook_cells(path: Path) -> dict[str, list[list]]:
    """Sheet name -> rows of cell values (trailing empty cells kept as the sheet has them)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        rows = [[_value(c) for c in row] for row in ws.iter_rows(values_only=True)]
        if ws.title == "Ringkasan":
            rows = _drop_volatile(rows)
        out[ws.title] = rows
    return out


def _drop_volatile(rows: list[list]) -> list[list]:
    out, header = [], None
    for row in rows:
        row = list(row)
        if row and isinstance(row[0], str) and row[0].startswith("Dibuat:"):
            row[0] = "Dibuat: <volatile>"
        if header is None and "Diubah (WITA)" in row:
            header = row
        elif header is not None and any(v is not None for v in row):
            changed = header.index("Diubah (WITA)")
            arrived = header.index("Tiba (WITA)") if "Tiba (WITA)" in header else None
            if arrived is not None and row[arrived] == row[changed]:
                row[arrived] = "<volatile>"
            row[changed] = "<volatile>"
            for name in ("SHA-256", "Ukuran (byte)"):  # generated inputs (the office sample) vary in zip times
                if name in header:
                    row[header.index(name)] = "<volatile>"
        out.append(row)
    return out


def document_text(path: Path) -> list[str]:
    """The document body in order: each paragraph's text, and each table cell's text."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    out: list[str] = []

    def walk(parent):
        for block in parent.iter_inner_content():
            if isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, Table):
                for r, row in enumerate(block.rows):
                    out.append(f"[row {r}] " + " | ".join(cell.text for cell in row.cells))

    walk(doc)
    return [_DATE_TIME.sub("<dibuat>", _SIGNED.sub(r"\1<tanggal>\2", text)) for text in out]


_DATE_TIME = re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4} \d{2}:\d{2} WITA")  # when the document was made
_SIGNED = re.compile(r"^(\[?[^,\[\]]+, )\d{1,2} [A-Z][a-z]+ \d{4}(\]?)$")  # the signature line: place, today


def snapshot(period_dir: Path) -> dict:
    """The snapshot of one period folder of a run's outputs."""
    key = period_dir.name
    snap = {"workbooks": {}, "document": None}
    for name in (f"laporan-kinerja-{key}.xlsx", f"evaluasi-renja-{key}.xlsx"):
        snap["workbooks"][name] = workbook_cells(period_dir / name)
    docx = period_dir / f"laporan-kinerja-{key}.docx"
    if docx.exists():
        snap["document"] = document_text(docx)
    return snap


def first_difference(expected, actual, where: str = "") -> str | None:
    """Where two snapshots first differ, or None."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() != actual.keys():
            return f"{where}: keys {sorted(expected)} != {sorted(actual)}"
        for k in expected:
            found = first_difference(expected[k], actual[k], f"{where}/{k}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for i, (a, b) in enumerate(zip(expected, actual)):
            found = first_difference(a, b, f"{where}[{i}]")
            if found:
                return found
        if len(expected) != len(actual):
            return f"{where}: length {len(expected)} != {len(actual)}"
        return None
    if expected != actual:
        return f"{where}: expected {expected!r}, found {actual!r}"
    return None


def _run(inputs: Path, outputs: Path, period: str | None = None) -> None:
    from pipeline.cli import main

    args = ["run", "--inputs", str(inputs), "--outputs", str(outputs)]
    if period:
        args += ["--period", period]
    assert main(args) == 0


def _write(path: Path, snap: dict) -> None:
    """One line per sheet row and per document block, so a changed output is a readable diff."""
    def line(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    out = ['{"workbooks": {']
    books = list(snap["workbooks"].items())
    for b, (name, sheets) in enumerate(books):
        out.append(f"{line(name)}: {{")
        items = list(sheets.items())
        for i, (sheet, rows) in enumerate(items):
            out.append(f"{line(sheet)}: [")
            out += [line(r) + ("," if k < len(rows) - 1 else "") for k, r in enumerate(rows)]
            out.append("]" + ("," if i < len(items) - 1 else ""))
        out.append("}" + ("," if b < len(books) - 1 else ""))
    out.append('}, "document": ' + ("null" if snap["document"] is None else "["))
    if snap["document"] is not None:
        out += [line(t) + ("," if k < len(snap["document"]) - 1 else "") for k, t in enumerate(snap["document"])]
        out.append("]")
    out.append("}")
    text = "\n".join(out) + "\n"
    assert json.loads(text) == json.loads(json.dumps(snap, ensure_ascii=False))
    path.write_text(text, encoding="utf-8")


def main() -> None:  # regenerate the stored snapshots
    import os

    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ.setdefault("DAGSTER_HOME", str(tmp / "home"))
        (tmp / "home").mkdir(exist_ok=True)
        _run(ROOT / "inputs", tmp / "out")
        _write(SAMPLE_SNAPSHOT, snapshot(tmp / "out" / "2024-12"))
        from pipeline.samples import office

        office.generate_office(tmp / "office")
        _run(tmp / "office", tmp / "office-out", OFFICE_PERIOD)
        _write(OFFICE_SNAPSHOT, snapshot(tmp / "office-out" / OFFICE_PERIOD))


if __name__ == "__main__":
    main()
