"""What a user would write instead of lkjip: pandas + openpyxl on the same drop folder.

    python benchmarks/baseline_pandas.py INPUTS_DIR

Reads every workbook with ``pandas.read_excel(engine="openpyxl")``, finds the
header by content, cleans Indonesian numbers, drops the rows a careful analyst
would drop (the ones lkjip rejects), keeps the latest Tanggal Update per (NIK,
Tahun Buku), and computes the volume usaha growth of the last Tahun Buku and
the budget totals (pagu and realisasi of the sub kegiatan).  Prints one JSON
object.  No validation report, no cell addresses, no account of files: only
the figures, so the comparison flatters this script.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pandas as pd


def norm(text) -> str:
    return re.sub(r"[^0-9a-z]+", "", str(text).lower()) if text is not None and text == text else ""


def to_number(value):
    """Indonesian numbers: 1.234.567,00 / Rp 1.234.567 / (1.000) / -; NaN when not a number."""
    if value is None or (isinstance(value, float) and value != value):
        return float("nan")
    if isinstance(value, (int, float)):
        return float(value)
    s = re.sub(r"\s+", "", str(value))
    if s in ("", "-"):
        return float("nan")
    negative = s.startswith("(") and s.endswith(")") or s.startswith("-")
    s = s.strip("()-")
    s = re.sub(r"^[Rr][Pp]\.?", "", s).removesuffix(",-")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+(,\d+)?", s):
        s = s.replace(".", "").replace(",", ".")
    try:
        number = float(s)
    except ValueError:
        return float("nan")
    return -number if negative else number


def first_visible_sheet(path: Path, preferred: str) -> str | int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        names = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    finally:
        wb.close()
    return next((n for n in names if norm(n) == norm(preferred)), names[0] if names else 0)


def table(path: Path, preferred_sheet: str, must_have: set[str]) -> pd.DataFrame:
    """The sheet's table below its header row (two-row headers joined)."""
    raw = pd.read_excel(path, sheet_name=first_visible_sheet(path, preferred_sheet), header=None, engine="openpyxl")
    for i in range(min(30, len(raw))):
        names = [norm(v) for v in raw.iloc[i].tolist()]
        if must_have <= set(names) or all(any(n.startswith(m) for n in names) for m in must_have):
            header = [str(v).strip() if v == v and v is not None else "" for v in raw.iloc[i].tolist()]
            start = i + 1
            if i + 1 < len(raw):
                below = [str(v).strip() if v == v and v is not None else "" for v in raw.iloc[i + 1].tolist()]
                if sum(bool(b) for b in below) and not any(to_number(b) == to_number(b) for b in below if b):
                    parent = ""
                    for j, b in enumerate(below):
                        parent = header[j] or (parent if b else "")
                        if b:
                            header[j] = f"{parent} {b}".strip()
                    start = i + 2
            body = raw.iloc[start:].copy()
            body.columns = [norm(h) or f"col{j}" for j, h in enumerate(header)]
            body.index = body.index + 1  # Excel row numbers
            return body.dropna(how="all")
    raise ValueError(f"{path}: header not found")


def pick(frame: pd.DataFrame, *aliases: str) -> pd.Series:
    for alias in aliases:
        if norm(alias) in frame.columns:
            column = frame[norm(alias)]
            return column.iloc[:, 0] if isinstance(column, pd.DataFrame) else column
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def budget(inputs: Path) -> tuple[float, float]:
    pagu = spent = 0.0
    for path in sorted((inputs / "realisasi").rglob("*.xlsx")):
        if path.name.startswith(("~$", ".")):
            continue
        t = table(path, "Realisasi", {"kode"})
        kode = pick(t, "Kode", "Kode Rekening", "Kode Program/Kegiatan/Sub Kegiatan").astype(str).str.strip()
        sub = kode.str.fullmatch(r"\d\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4}")
        p = pick(t, "Pagu", "Pagu (Rp)", "Pagu Anggaran", "Anggaran (Rp)", "Pagu Anggaran (Rp)", "Anggaran").map(to_number)
        r = pick(t, "Realisasi Anggaran", "Realisasi Keuangan", "Realisasi (Rp)", "Realisasi Keuangan (Rp)",
                 "Realisasi Anggaran (Rp)").map(to_number)
        pagu += p[sub].sum()
        spent += r[sub].sum()
    return pagu, spent


def kabupaten(inputs: Path) -> set[str]:
    path = next((inputs / "referensi").glob("*.xlsx"))
    t = table(path, "Statistik", {"tahun", "kabupatenkota"})
    return {norm(re.sub(r"(?i)\b(kabupaten|kab|kota)\b", "", str(k))) for k in t["kabupatenkota"].dropna()}


def odk_growth(inputs: Path, known: set[str]) -> tuple[float, int, int]:
    frames = []
    for path in sorted((inputs / "odk").glob("*.xlsx")):
        t = table(path, "Data Koperasi", {"nik", "tahunbuku"})
        frames.append(pd.DataFrame({
            "nik": pick(t, "NIK").astype("string").str.replace(r"[\s.'-]", "", regex=True),
            "nama": pick(t, "Nama Koperasi"),
            "kab": pick(t, "Kabupaten/Kota"),
            "status": pick(t, "Status").astype("string").str.strip(),
            "tahun": pick(t, "Tahun Buku").map(to_number),
            "anggota": pick(t, "Jumlah Anggota").map(to_number),
            "modal_sendiri": pick(t, "Modal Sendiri").map(to_number),
            "modal_luar": pick(t, "Modal Luar").map(to_number),
            "volume": pick(t, "Volume Usaha").map(to_number),
            "digital": pick(t, "Digital"),
            "update": pd.to_datetime(pick(t, "Tanggal Update"), errors="coerce", dayfirst=True),
            "row": t.index,
        }))
    odk = pd.concat(frames, ignore_index=True)
    read = len(odk)
    region = odk["kab"].map(lambda k: norm(re.sub(r"(?i)\b(kabupaten|kab|kota)\b", "", str(k))))
    ok = (
        odk["nik"].str.fullmatch(r"\d{16}").fillna(False).astype(bool)
        & odk["nama"].notna() & region.isin(known)
        & odk["status"].isin(["Aktif", "Tidak Aktif"]).fillna(False).astype(bool)
        & odk["tahun"].between(1990, 2100)
        & odk["volume"].ge(0)
        & ~odk["anggota"].lt(0) & ~odk["modal_sendiri"].lt(0) & ~odk["modal_luar"].lt(0)
        & (odk["digital"].isna() | odk["digital"].isin(["Ya", "Tidak"]))
    )
    odk = odk[ok]
    latest = (odk.sort_values(["update", "row"], ascending=False, na_position="last")
              .drop_duplicates(["nik", "tahun"], keep="first"))
    aktif = latest[latest["status"] == "Aktif"].groupby("tahun")["volume"].sum()
    year = int(aktif.index.max())
    growth = (aktif[year] - aktif[year - 1]) / aktif[year - 1] * 100
    return float(growth), read, len(latest)


def main(argv: list[str]) -> int:
    inputs = Path(argv[1] if len(argv) > 1 else "inputs")
    pagu, spent = budget(inputs)
    growth, read, kept = odk_growth(inputs, kabupaten(inputs))
    print(json.dumps({"growth_percent": round(growth, 6), "pagu": round(pagu), "realisasi": round(spent),
                      "odk_rows_read": read, "odk_rows_kept": kept}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
