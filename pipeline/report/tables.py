"""The sheets of the consolidated workbook, laid out from what was read and computed.

Each function builds one :class:`SheetTable` (one table of the report) from the
intake results and the pure domain functions; Dagster assets call them.  Nothing
here judges an input: every problem comes from :mod:`pipeline.intake`.
"""

from __future__ import annotations


import polars as pl

from pipeline.domain import budget, indicators
from pipeline.domain.iku import IkuResult
from pipeline.domain.numbers import is_percent_unit
from pipeline.domain.periods import Period
from pipeline.intake.odk import OdkIntake
from pipeline.intake.realisasi import LEVEL, RealisasiIntake
from pipeline.intake.referensi import Referensi
from pipeline.problems import ERROR, WARNING, Problem
from pipeline.report.sheet import SheetTable, percent, rupiah

LEVEL_LABEL = {"program": "Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub Kegiatan"}
YEAR = {"Tahun": "0"}  # years without thousands separators


def title(ref: Referensi, heading: str, period: Period) -> list[str]:
    return [heading, ref.instansi, f"Periode: {period.label_id()}"]


def _value(v: float | None, satuan: str | None):
    """An indicator value shown in its unit: percent units as percentages."""
    if v is None:
        return "N/A"
    if is_percent_unit(satuan):
        return percent(v)
    return int(v) if float(v).is_integer() else float(v)


# --- IKU -----------------------------------------------------------------------------


def iku_sheet(ref: Referensi, result: IkuResult, period: Period) -> SheetTable:
    """Tabel 3.2: target, realisasi, capaian and kategori per key indicator, this year and last."""
    table = SheetTable("IKU", title(ref, "Capaian Indikator Kinerja Utama (IKU)", period),
                       ["Kode IKU", "Level", "Tujuan/Sasaran", "Indikator", "Satuan", "Tahun", "Target",
                        "Realisasi", "Capaian", "Kategori", "Sumber Realisasi", "Keterangan"], formats=YEAR)
    for record in ref.iku.iter_rows(named=True):
        kode, satuan = record["kode_iku"], record["satuan"]
        for year in (period.year - 1, period.year):
            target = ref.targets.get(kode, {}).get(year)
            real = result.realisasi.get(kode, {}).get(year)
            cap = indicators.capaian(real, target, record["polaritas"])
            table.add(kode, record["level"], record["pernyataan"], record["indikator"], satuan, year,
                      _value(target, satuan), _value(real, satuan), percent(cap),
                      indicators.kategori(cap, ref.skala) or "N/A", result.source.get((kode, year), "N/A"),
                      result.note(kode, [year]))
    return table


def tren_sheet(ref: Referensi, result: IkuResult, period: Period) -> SheetTable:
    """Tabel 3.3: target and realisasi of each key indicator over the Renstra and earlier years."""
    table = SheetTable("Tren IKU", title(ref, "Perbandingan Realisasi IKU Antar Tahun", period),
                       ["Kode IKU", "Tujuan/Sasaran", "Indikator", "Satuan", "Tahun", "Target", "Realisasi", "Capaian",
                        "Keterangan"], formats=YEAR)
    for record in ref.iku.iter_rows(named=True):
        kode, satuan = record["kode_iku"], record["satuan"]
        for year in ref.iku_years(period.year):
            target = ref.targets.get(kode, {}).get(year)
            real = result.realisasi.get(kode, {}).get(year) if year <= period.year else None
            table.add(kode, record["pernyataan"], record["indikator"], satuan, year, _value(target, satuan),
                      _value(real, satuan), percent(indicators.capaian(real, target, record["polaritas"])),
                      result.note(kode, [year]) if real is not None else "")
    return table


def renstra_sheet(ref: Referensi, result: IkuResult, period: Period) -> SheetTable:
    """Tabel 3.4: realisasi up to the period against the Renstra's final target."""
    akhir = ref.tahun_akhir or period.year
    table = SheetTable("Renstra", title(ref, f"Capaian terhadap Target Akhir Renstra {ref.tahun_awal or ''}-{akhir}", period),
                       ["Kode IKU", "Tujuan/Sasaran", "Indikator", "Satuan", "Akumulasi", f"Realisasi s.d. {period.year}",
                        f"Target Akhir Renstra {akhir}", "Capaian", "Tingkat Kemajuan", "Keterangan"])
    for record in ref.iku.iter_rows(named=True):
        kode, satuan = record["kode_iku"], record["satuan"]
        by_year = result.realisasi.get(kode, {})
        akumulasi = record["akumulasi"] or "Tahun Berjalan"
        tahun_awal = ref.tahun_awal or period.year
        years = range(tahun_awal, period.year + 1) if akumulasi.lower() == "kumulatif" else [period.year]
        # a cumulative figure is shown only when no year of the Renstra so far is missing
        shown = sum(by_year[y] for y in years) if years and all(y in by_year for y in years) else None
        cap = indicators.renstra_capaian(by_year, period.year, record["target_akhir"], akumulasi, tahun_awal,
                                         record["polaritas"])
        table.add(kode, record["pernyataan"], record["indikator"], satuan, akumulasi, _value(shown, satuan),
                  _value(record["target_akhir"], satuan), percent(cap), indicators.tingkat_kemajuan(cap) or "N/A",
                  result.note(kode, years) if shown is not None else "")
    return table


# --- budget ----------------------------------------------------------------------------


def realisasi_anggaran_sheet(ref: Referensi, intake: RealisasiIntake, period: Period) -> SheetTable:
    """Tabel 3.8: pagu, realisasi and capaian per program, kegiatan, sub kegiatan and in total."""
    table = SheetTable("Realisasi Anggaran", title(ref, "Realisasi Anggaran", period),
                       ["Level", "Kode", "Uraian", "Bidang", "Pagu (Rp)", "Realisasi (Rp)", "Capaian"])
    if intake.sub.height == 0:
        return table
    tree = budget.budget_tree(intake.sub, intake.names)
    bidang = {r["kode"]: r["bidang"] for r in pl.concat([intake.sub, intake.parents], how="diagonal_relaxed").iter_rows(named=True)}
    parts: dict[str, list[str]] = {}  # a program or kegiatan reported by several bidang: all of them
    for r in intake.sub.iter_rows(named=True):
        for code in (r["program"], r["kegiatan"]):
            if r["bidang"] and r["bidang"] not in parts.setdefault(code, []):
                parts[code].append(r["bidang"])
    for r in tree.iter_rows(named=True):
        shown = bidang.get(r["kode"]) or ref.bidang_of(r["kode"]) or ", ".join(parts.get(r["kode"], []))
        table.add(LEVEL_LABEL[r["level"]], r["kode"], r["uraian"], shown,
                  rupiah(r["pagu"]), rupiah(r["realisasi_anggaran"]), percent(r["capaian"]))
    pagu, spent, cap = budget.budget_total(intake.sub)
    table.add("Jumlah", "", "JUMLAH", "", rupiah(pagu), rupiah(spent), percent(cap))
    return table


def anggaran_sheet(ref: Referensi, period: Period) -> SheetTable:
    """Tabel 2.3: the budget by type of spending, before and after the shift."""
    table = SheetTable("Anggaran", title(ref, "Target Belanja Sebelum dan Sesudah Pergeseran Anggaran", period),
                       ["Jenis Belanja", "Pagu Awal (Rp)", "Pagu Pergeseran (Rp)", "Selisih (Rp)"])
    if ref.anggaran.height == 0:
        return table
    for r in ref.anggaran.iter_rows(named=True):
        table.add(r["jenis_belanja"], rupiah(r["pagu_awal"]), rupiah(r["pagu_pergeseran"]),
                  rupiah((r["pagu_pergeseran"] or 0) - (r["pagu_awal"] or 0)))
    awal, geser = ref.anggaran["pagu_awal"].sum(), ref.anggaran["pagu_pergeseran"].sum()
    table.add(f"Alokasi Anggaran Tahun {period.year} (Jumlah)", rupiah(awal), rupiah(geser), rupiah(geser - awal))
    return table


# --- performance of programs -------------------------------------------------------------


def _sasaran(ref: Referensi) -> list[dict]:
    served = {k for program in ref.cascading for k in ref.sasaran_of(program)}
    return [r for r in ref.iku.iter_rows(named=True) if r["kode_iku"] in served]


def efisiensi_sheet(ref: Referensi, result: IkuResult, intake: RealisasiIntake, period: Period) -> SheetTable:
    """Tabel 3.6: outcome achievement beside budget use and efficiency, per sasaran."""
    table = SheetTable("Efisiensi", title(ref, "Analisis Efisiensi Penggunaan Sumber Daya", period),
                       ["Kode IKU", "Sasaran", "Indikator", "Satuan", "Target", "Realisasi", "Capaian", "Anggaran (Rp)",
                        "Realisasi Anggaran (Rp)", "Capaian Anggaran", "Tingkat Efisiensi", "Keterangan"])
    eff = budget.efficiency(intake.sub, ref.cascading) if intake.sub.height else pl.DataFrame()
    by_sasaran = {r["sasaran"]: r for r in eff.iter_rows(named=True)} if eff.height else {}
    for record in _sasaran(ref):
        kode, satuan = record["kode_iku"], record["satuan"]
        target = ref.targets.get(kode, {}).get(period.year)
        real = result.realisasi.get(kode, {}).get(period.year)
        e = by_sasaran.get(kode, {})
        table.add(kode, record["pernyataan"], record["indikator"], satuan, _value(target, satuan), _value(real, satuan),
                  percent(indicators.capaian(real, target, record["polaritas"])), rupiah(e.get("anggaran")),
                  rupiah(e.get("realisasi_anggaran")), percent(e.get("capaian_anggaran")), percent(e.get("efisiensi")),
                  result.note(kode, [period.year]) if real is not None else "")
    return table


def menunjang(cap: float | None, ref: Referensi) -> str:
    """An output supports its sasaran when its achievement is in the top category of the scale."""
    if cap is None:
        return "N/A"
    return "Menunjang" if indicators.kategori(cap, ref.skala) == ref.skala[0][0] else "Tidak Menunjang"


def kinerja_program_sheet(ref: Referensi, result: IkuResult, intake: RealisasiIntake, period: Period) -> SheetTable:
    """Tabel 3.7: each program, kegiatan and sub kegiatan serving a sasaran, with its output."""
    table = SheetTable("Kinerja Program", title(ref, "Analisis Program/Kegiatan yang Menunjang Pencapaian Kinerja", period),
                       ["Kode IKU", "Sasaran", "Indikator Sasaran", "Capaian Sasaran", "Level", "Kode",
                        "Program/Kegiatan/Sub Kegiatan", "Indikator", "Target", "Realisasi", "Satuan", "Capaian",
                        "Menunjang/Tidak Menunjang"])
    rows = pl.concat([intake.parents, intake.sub], how="diagonal_relaxed") if intake.sub.height else intake.parents
    if rows.height == 0:
        return table
    rows = rows.with_columns(pl.col("kode").map_elements(_natural, return_dtype=pl.List(pl.Int64)).alias("_key")).sort("_key")
    for record in _sasaran(ref):
        kode = record["kode_iku"]
        target = ref.targets.get(kode, {}).get(period.year)
        real = result.realisasi.get(kode, {}).get(period.year)
        cap_sasaran = percent(indicators.capaian(real, target, record["polaritas"]))
        programs = ref.programs_of(kode)
        for r in rows.filter(pl.col("program").is_in(programs)).iter_rows(named=True):
            cap = indicators.capaian(r["realisasi"], r["target"])
            table.add(kode, record["pernyataan"], record["indikator"], cap_sasaran, LEVEL_LABEL[r[LEVEL]], r["kode"],
                      r["uraian"], r["indikator"] or "", _value(r["target"], r["satuan"]),
                      _value(r["realisasi"], r["satuan"]), r["satuan"] or "", percent(cap), menunjang(cap, ref))
    return table


def _natural(code: str) -> list[int]:
    return [int(p) for p in code.split(".")]


# --- cooperatives ---------------------------------------------------------------------------


def koperasi_sheet(ref: Referensi, odk: OdkIntake, period: Period) -> SheetTable:
    """Cooperatives per kabupaten/kota: all, active, digital, and active volume usaha growth."""
    n, prev = period.year, period.year - 1
    table = SheetTable("Koperasi", title(ref, "Rekapitulasi Koperasi per Kabupaten/Kota (ODK)", period),
                       ["Kabupaten/Kota", f"Koperasi {n}", f"Koperasi Aktif {n}", f"Koperasi Aktif Digital {n}",
                        f"Volume Usaha Aktif {prev} (Rp)", f"Volume Usaha Aktif {n} (Rp)", "Pertumbuhan Volume Usaha"])
    if odk.rows.height == 0:
        return table
    rows = odk.rows.with_columns(
        (pl.col("status").str.strip_chars().str.to_lowercase() == "aktif").alias("_aktif"),
        (pl.col("digital").str.strip_chars().str.to_lowercase() == "ya").fill_null(False).alias("_digital"),
    )
    year_n = rows.filter(pl.col("tahun_buku") == n)
    counts = year_n.group_by("kabupaten").agg(
        pl.len().alias("semua"), pl.col("_aktif").sum().alias("aktif"),
        (pl.col("_aktif") & pl.col("_digital")).sum().alias("digital"),
    )
    volume = (rows.filter(pl.col("_aktif") & pl.col("tahun_buku").is_in([prev, n]))
              .group_by("kabupaten", "tahun_buku").agg(pl.col("volume_usaha").sum()))
    vol = {(r["kabupaten"], r["tahun_buku"]): r["volume_usaha"] for r in volume.iter_rows(named=True)}
    count = {r["kabupaten"]: r for r in counts.iter_rows(named=True)}
    regions = sorted({r for r, _ in vol} | set(count))
    totals = [0, 0, 0, 0.0, 0.0]
    for region in regions:
        c = count.get(region, {})
        a, b = vol.get((region, prev)), vol.get((region, n))
        values = [c.get("semua", 0), c.get("aktif", 0), c.get("digital", 0), a or 0.0, b or 0.0]
        totals = [x + y for x, y in zip(totals, values, strict=True)]
        table.add(region, *values[:3], rupiah(a), rupiah(b), percent(indicators.volume_usaha_growth({prev: a, n: b}, n) if a and b is not None else None))
    table.add("Provinsi (Jumlah)", *totals[:3], rupiah(totals[3]), rupiah(totals[4]),
              percent(indicators.volume_usaha_growth({prev: totals[3], n: totals[4]}, n) if totals[3] else None))
    return table


# --- the account of the inputs ----------------------------------------------------------------

VALIDASI_COLUMNS = ["Tingkat", "Berkas", "Lembar", "Sel/Baris", "Kolom", "Nilai", "Aturan", "Pesan"]


def validasi_sheet(ref_title: list[str], problems: list[Problem]) -> SheetTable:
    """One row per problem: Error rows and files were not used; Peringatan were used but need a look."""
    table = SheetTable("Validasi", ref_title, VALIDASI_COLUMNS, widths={"Pesan": 90})
    order = {ERROR: 0, WARNING: 1}
    for p in sorted(problems, key=lambda p: (order.get(p.severity, 2), p.file, p.sheet, p.row or 0, p.cell)):
        table.add(str(p.severity), p.file, p.sheet, p.cell, p.column, p.value, p.rule, p.message)
    return table


def pengumpulan_rows(ref: Referensi, intake: RealisasiIntake, period: Period, deadline_day: int):
    """Submission status per bidang for the period (a bidang that sent nothing is shown)."""
    from pipeline.domain.submissions import Received, deadline_for, submission_status

    # when the file arrived (the arrival ledger), never when Excel saved it
    received = [Received(bidang, s.report.file, s.report.arrived or s.report.modified, s.report.period)
                for bidang, files in intake.received.items() for s in files]
    return submission_status(str(period), ref.bidang_names, received, deadline_for(str(period), deadline_day))


def count_by_file(problems: list[Problem]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for p in problems:
        slot = counts.setdefault(p.file, {ERROR: 0, WARNING: 0})
        slot[p.severity] = slot.get(p.severity, 0) + 1
    return counts


def pengumpulan_sheet(ref: Referensi, rows, problems: list[Problem], period: Period) -> SheetTable:
    """Per bidang: expected or not, received files and when, on time / late / missing, problem counts."""
    table = SheetTable("Pengumpulan", title(ref, "Status Pengumpulan Berkas Realisasi per Bidang", period),
                       ["Bidang", "Periode", "Wajib Lapor", "Status", "Berkas", "Diterima (WITA)",
                        "Batas Pengumpulan (WITA)", "Jumlah Error", "Jumlah Peringatan", "Keterangan",
                        "Pengajuan"])
    counts = count_by_file(problems)
    expected = {" ".join(n.split()).casefold() for n in ref.bidang_names}
    for r in rows:
        errors = sum(counts.get(f, {}).get(ERROR, 0) for f in r.files)
        warnings = sum(counts.get(f, {}).get(WARNING, 0) for f in r.files)
        wajib = "Ya" if " ".join(r.bidang.split()).casefold() in expected else "Tidak"
        note = f"Pertama diterima {r.first_received_at:%d/%m/%Y %H:%M}" if r.first_received_at else ""
        if r.corrections:
            note += "; koreksi setelah batas: " + "; ".join(r.corrections)
        if getattr(r, "catatan_pengajuan", ""):
            note += ("; " if note else "") + "pengajuan: " + r.catatan_pengajuan
        table.add(r.bidang, str(period), wajib, r.status, "; ".join(r.files), r.received_at, r.deadline, errors, warnings,
                  note, getattr(r, "pengajuan", ""))
    return table


def ringkasan_sheet(ref: Referensi, period: Period, made_at, reports: list, problems: list[Problem]) -> SheetTable:
    """Period, when made, every input file with its SHA-256 and its row account, problem counts."""
    errors = sum(1 for p in problems if p.severity == ERROR)
    warnings = sum(1 for p in problems if p.severity == WARNING)
    head = [
        "Laporan Kinerja Instansi Pemerintah: Ringkasan Pengolahan",
        ref.instansi,
        f"Periode: {period.label_id()} ({period})",
        f"Dibuat: {made_at:%d/%m/%Y %H:%M} WITA",
        f"Masalah: {errors} Error, {warnings} Peringatan (rincian di lembar Validasi)",
    ]
    table = SheetTable("Ringkasan", head, ["Berkas", "Jenis", "Status", "Periode", "Bidang", "Baris Dibaca",
                                           "Baris Diterima", "Baris Ditolak", "Error", "Peringatan", "Ukuran (byte)",
                                           "Diubah (WITA)", "Tiba (WITA)", "SHA-256", "Catatan"], widths={"SHA-256": 66})
    counts = count_by_file(problems)
    for r in reports:
        found = counts.get(r.file, {})
        table.add(r.file, r.kind, r.status, r.period, ", ".join(r.bidang), r.rows_read, r.rows_accepted,
                  r.rows_rejected, found.get(ERROR, 0), found.get(WARNING, 0), r.size, r.modified, r.arrived,
                  r.sha256, r.note)
    return table


# --- headline figures (ringkasan.json, for the planner's dashboard) ---------------------------


def headline(ref: Referensi, result: IkuResult, intake: RealisasiIntake, period: Period) -> dict:
    """This year's figures of the IKU, Realisasi Anggaran and Efisiensi sheets, JSON-friendly
    (capaian and efisiensi in percent points as in the sheets; None where a sheet says N/A)."""
    iku = []
    for record in ref.iku.iter_rows(named=True):
        kode = record["kode_iku"]
        target = ref.targets.get(kode, {}).get(period.year)
        real = result.realisasi.get(kode, {}).get(period.year)
        cap = indicators.capaian(real, target, record["polaritas"])
        iku.append({"kode": kode, "indikator": record["indikator"], "satuan": record["satuan"],
                    "persen": is_percent_unit(record["satuan"]), "target": target, "realisasi": real,
                    "capaian": cap, "kategori": indicators.kategori(cap, ref.skala)})
    pagu, spent, cap = budget.budget_total(intake.sub) if intake.sub.height else (None, None, None)
    eff = budget.efficiency(intake.sub, ref.cascading) if intake.sub.height else pl.DataFrame()
    by_sasaran = {r["sasaran"]: r for r in eff.iter_rows(named=True)} if eff.height else {}
    efisiensi = [{"kode": r["kode_iku"], "sasaran": r["pernyataan"],
                  "capaian_anggaran": by_sasaran.get(r["kode_iku"], {}).get("capaian_anggaran"),
                  "efisiensi": by_sasaran.get(r["kode_iku"], {}).get("efisiensi")} for r in _sasaran(ref)]
    return {"tahun": period.year, "iku": iku,
            "anggaran": {"pagu": pagu, "realisasi": spent, "capaian": cap},
            "efisiensi": efisiensi}

