"""`lkjip run` and `lkjip serve` when the machine is against them: outputs that
cannot be written (read-only, not a folder, disk full) and a broken
DAGSTER_HOME give one Indonesian line, the right exit status, and leave the
previous report as it was."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import _say, main
from pipeline.runs import run_instance
from pipeline.settings import PROJECT_ROOT
from _ports import port_args as _port_args

SAMPLE_INPUTS = PROJECT_ROOT / "inputs"
LKJIP = Path(sys.executable).with_name("lkjip")
PREVIOUS = b"PK\x03\x04 laporan sebelumnya, tidak boleh berubah " * 50


def _lkjip(*args, home: Path, timeout=900):
    env = dict(os.environ, DAGSTER_HOME=str(home))
    return subprocess.run([str(LKJIP), *args], capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=str(PROJECT_ROOT))


def _previous_report(outputs: Path) -> Path:
    path = outputs / "2024-12" / "laporan-kinerja-2024-12.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PREVIOUS)
    return path


def _one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("which", ["outputs", "period"])
def test_read_only_outputs_give_one_line_and_exit_1(tmp_path, read_only, which):
    outputs = tmp_path / "outputs"
    previous = _previous_report(outputs)
    target = outputs if which == "outputs" else previous.parent
    with read_only(target):
        result = _lkjip("run", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(outputs), home=tmp_path / "home")
    line = _one_line(result)
    assert result.returncode == 1
    assert line.startswith("lkjip: ") and str(target) in line and "hanya-baca" in line, line
    assert previous.read_bytes() == PREVIOUS
    assert sorted(p.name for p in previous.parent.iterdir()) == [previous.name]


@pytest.mark.parametrize("which", ["outputs", "period"])
def test_outputs_that_are_not_a_folder_give_one_line_and_exit_1(tmp_path, which):
    outputs = tmp_path / "outputs"
    if which == "outputs":
        outputs.write_text("bukan folder")
        target = outputs
    else:
        outputs.mkdir()
        target = outputs / "2024-12"
        target.write_text("bukan folder")
    result = _lkjip("run", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(outputs), home=tmp_path / "home")
    line = _one_line(result)
    assert result.returncode == 1
    assert str(target) in line and "bukan folder" in line, line
    assert target.read_text() == "bukan folder"


@pytest.mark.slow  # a run into a tiny disk after a whole run
def test_a_full_disk_gives_one_line_and_keeps_the_previous_report(tmp_path, tiny_disk):
    outputs = tmp_path / "outputs"
    with tiny_disk(outputs, "256k"):
        previous = _previous_report(outputs)
        filler = outputs / "pengisi.bin"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:  # fill the disk up to the last block
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        result = _lkjip("run", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(outputs), home=tmp_path / "home")
        line = _one_line(result)
        assert result.returncode == 1
        assert "disk penuh" in line and "2024-12" in line, line
        assert previous.read_bytes() == PREVIOUS
        leftovers = [p.name for p in previous.parent.rglob("*") if p.is_file() and p != previous]
        assert not leftovers, leftovers  # no half-written temporary file stays behind


# --- a broken DAGSTER_HOME -------------------------------------------------------------------


def _garbage(home: Path) -> Path:
    home.mkdir()
    (home / "dagster.yaml").write_text("storage: [sqlite\n  base_dir: {{{\n", encoding="utf-8")
    return home


def _binary(home: Path) -> Path:
    home.mkdir()
    (home / "dagster.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" + bytes(range(256)))
    return home


def _yaml_folder(home: Path) -> Path:
    (home / "dagster.yaml").mkdir(parents=True)
    return home


def _home_is_a_file(home: Path) -> Path:
    home.write_text("ini berkas, bukan folder\n")
    return home


def _not_for_dagster(home: Path) -> Path:
    home.mkdir()
    (home / "dagster.yaml").write_text("storage:\n  sqlite: 5\n", encoding="utf-8")
    return home


def _corrupt_runs_db(home: Path) -> Path:
    from pipeline.dagster_home import ensure_dagster_home

    old = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        ensure_dagster_home(PROJECT_ROOT)
        import dagster as dg

        dg.DagsterInstance.get().get_runs(limit=1)  # creates history/runs.db
    finally:
        os.environ["DAGSTER_HOME"] = old or ""
    runs_db = home / "history" / "runs.db"
    assert runs_db.exists()
    runs_db.write_bytes(b"this is not an sqlite database " * 200)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(runs_db).execute("select 1 from sqlite_master").fetchall()
    return home


BROKEN = {
    "garbage yaml": (_garbage, "YAML"),
    "binary yaml": (_binary, "biner"),
    "dagster.yaml a folder": (_yaml_folder, "berupa folder"),
    "DAGSTER_HOME a file": (_home_is_a_file, "berkas biasa"),
    "yaml Dagster refuses": (_not_for_dagster, "dagster.yaml"),
    "corrupt runs.db": (_corrupt_runs_db, "history/"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_dagster_home_gives_one_line_with_what_to_do(tmp_path, monkeypatch, capsys, case):
    make, words = BROKEN[case]
    home = make(tmp_path / "home")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    # lkjip run: a warning line, then an ephemeral instance (run history is only a cache)
    instance = run_instance(warn=_say)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("lkjip: peringatan: "), err
    assert words in err[0] and "sementara" in err[0], err
    assert instance.is_ephemeral
    # lkjip serve: one line and exit 2, before any child process starts
    code = main(["serve", *_port_args(),
                 "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("lkjip serve: ") and words in err[0], err


def test_a_read_only_dagster_home_gives_one_line(tmp_path, monkeypatch, capsys, read_only):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with read_only(home):
        instance = run_instance(warn=_say)
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "hanya-baca" in err[0] and str(home) in err[0], err
        assert instance.is_ephemeral
        code = main(["serve", *_port_args(),
                     "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "out")])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and "hanya-baca" in err[0], err


def test_lkjip_run_with_a_garbage_dagster_yaml_still_makes_the_report(tmp_path):
    home = _garbage(tmp_path / "home")
    before = (home / "dagster.yaml").read_bytes()
    outputs = tmp_path / "outputs"
    result = _lkjip("run", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(outputs), home=home)
    line = _one_line(result)
    assert result.returncode == 0, result.stderr
    assert "peringatan" in line and "dagster.yaml" in line
    assert (outputs / "2024-12" / "laporan-kinerja-2024-12.xlsx").exists()
    assert (home / "dagster.yaml").read_bytes() == before  # never overwritten
    assert sorted(p.name for p in home.iterdir()) == ["dagster.yaml"]


def test_csv_realisasi_must_be_xlsx(tmp_path, capsys):
    folder = tmp_path / "inputs" / "realisasi"
    folder.mkdir(parents=True)
    shutil.copytree(SAMPLE_INPUTS / "referensi", tmp_path / "inputs" / "referensi")
    csv = folder / "Realisasi Des 2024 Sekretariat.csv"
    csv.write_text("Kode;Uraian;Pagu;Realisasi Anggaran\n5.01.01;Program;100;50\n", encoding="utf-8")
    code = main(["validate", str(csv), "--inputs", str(tmp_path / "inputs")])
    out = capsys.readouterr().out
    assert code == 1
    assert "harus berupa Excel Workbook (.xlsx)" in out and "realisasi" in out, out
    assert "Periode" not in out, out
