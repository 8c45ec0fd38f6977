"""The layers of issue 16: report/ lays out and imports no calculation; defs/ folders share types
through pipeline/defs/types.py and the domain, never by importing each other."""

from __future__ import annotations

import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"
CALCULATIONS = {"pipeline.domain.indicators", "pipeline.domain.budget", "pipeline.domain.iku",
                "pipeline.domain.triwulan", "pipeline.domain.angka", "pipeline.domain.sepanjang_tahun",
                "pipeline.domain.summary"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_report_imports_no_calculation():
    offending = {f"{path.relative_to(PIPELINE)}: {name}" for path in (PIPELINE / "report").rglob("*.py")
                 for name in _imports(path) if name in CALCULATIONS}
    assert not offending


def test_defs_folders_do_not_import_each_other():
    folders = {p.name for p in (PIPELINE / "defs").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    offending = set()
    for folder in folders:
        for path in (PIPELINE / "defs" / folder).rglob("*.py"):
            for name in _imports(path):
                parts = name.split(".")
                if parts[:2] == ["pipeline", "defs"] and len(parts) > 2 and parts[2] in folders and parts[2] != folder:
                    offending.add(f"defs/{folder}/{path.name}: {name}")
    assert not offending
