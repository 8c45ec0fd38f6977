"""The sheets of the consolidated workbook, laid out from the period's figures.

Each function builds one :class:`SheetTable` (one table of the report) from
:class:`~pipeline.domain.figures.AngkaPeriode` (computed once per run by
:mod:`pipeline.domain.angka`) or from the intake's account of the inputs; Dagster
assets call them.  Nothing here computes or judges a figure: every value and every
decision (capaian, kategori, Menunjang) comes from the model, every problem from
:mod:`pipeline.intake`.
"""

from __future__ import annotations

from pipeline.domain.figures import AngkaPeriode
from pipeline.domain.periods import Period
from pipeline.problems import ERROR, WARNING, Problem
from pipeline.report import renja
from pipeline.report.sheet import SheetTable, indicator_value, percent, rupiah

LEVEL_LABEL = {"program": "Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub Kegiatan"}
YEAR = {"Tahun": "0"}  # years without thousands separators


def model_sheets(angka: AngkaPeriode) -> list[SheetTable]:
    """Every sheet of the workbook laid out from the model alone: Tabel 3.2-3.8 and 2.3, the
    cooperatives (only with ODK data), and the through-the-year sheets (Tren Bulanan, Tabel E.81,
    Peringatan Dini).  The sheets about the inputs (Ringkasan, Rekonsiliasi, Pengumpulan, Validasi)
    are laid out by the workbook's asset, which has the intake's account."""
    sheets = [iku_sheet(angka), tren_sheet(angka), renstra_sheet(angka), efisiensi_sheet(angka),
              kinerja_program_sheet(angka), anggaran_sheet(angka), realisasi_anggaran_sheet(angka)]
    if angka.koperasi is not None:
        sheets.append(koperasi_sheet(angka))
    return sheets + [renja.tren_bulanan_sheet(angka), renja.evaluasi_renja_sheet(angka),
                     renja.peringatan_dini_sheet(angka)]


def title(instansi, heading: str, period: Period) -> list[str]:
    """The title lines of a sheet; ``instansi``: the office's name (or the referensi, which has it)."""
    return [heading, getattr(instansi, "instansi", instansi), f"Periode: {period.label_id()}"]


# --- IKU -----------------------------------------------------------------------------


def iku_sheet(angka: AngkaPeriode) -> SheetTable:
    """Tabel 3.2: target, realisasi, capaian and kategori per key indicator, this year and last."""
    period = angka.period
    table = SheetTable("IKU", title(angka.instansi, "Capaian Indikator Kinerja Utama (IKU)", period),
                       ["Kode IKU", "Level", "Tujuan/Sasaran", "Indikator", "Satuan", "Tahun", "Target",
                        "Realisasi", "Capaian", "Kategori", "Sumber Realisasi", "Keterangan", "Standar Nasional",
                        "Sumber Data"], formats=YEAR)
    for i in angka.iku:
        for year in (period.year - 1, period.year):
            t = i.di(year)
            standar = i.standar_nasional if year == period.year else None
            table.add(i.kode, i.level, i.pernyataan, i.indikator, i.satuan, year,
                      indicator_value(t.target, i.persen), indicator_value(t.realisasi, i.persen), percent(t.capaian),
                      t.kategori or "N/A", t.sumber or "N/A", t.keterangan,
                      indicator_value(standar, i.persen) if standar is not None else None, i.sumber_data or None)
    return table


def tren_sheet(angka: AngkaPeriode) -> SheetTable:
    """Tabel 3.3: target and realisasi of each key indicator over the Renstra and earlier years."""
    table = SheetTable("Tren IKU", title(angka.instansi, "Perbandingan Realisasi IKU Antar Tahun", angka.period),
                       ["Kode IKU", "Tujuan/Sasaran", "Indikator", "Satuan", "Tahun", "Target", "Realisasi", "Capaian",
                        "Keterangan"], formats=YEAR)
    for i in angka.iku:
        for t in i.tahun:
            table.add(i.kode, i.pernyataan, i.indikator, i.satuan, t.tahun, indicator_value(t.target, i.persen),
                      indicator_value(t.realisasi, i.persen), percent(t.capaian), t.keterangan)
    return table


def renstra_sheet(angka: AngkaPeriode) -> SheetTable:
    """Tabel 3.4: realisasi up to the period against the Renstra's final target."""
    period = angka.period
    akhir = angka.tahun_akhir or period.year
    table = SheetTable("Renstra", title(angka.instansi, f"Capaian terhadap Target Akhir Renstra {angka.tahun_awal or ''}-{akhir}",
                                        period),
                       ["Kode IKU", "Tujuan/Sasaran", "Indikator", "Satuan", "Akumulasi", f"Realisasi s.d. {period.year}",
                        f"Target Akhir Renstra {akhir}", "Capaian", "Tingkat Kemajuan", "Keterangan"])
    for r in angka.renstra:
        table.add(r.kode, r.pernyataan, r.indikator, r.satuan, r.akumulasi, indicator_value(r.realisasi, r.persen),
                  indicator_value(r.target_akhir, r.persen), percent(r.capaian), r.tingkat_kemajuan or "N/A",
                  r.keterangan)
    return table


# --- budget ----------------------------------------------------------------------------


def realisasi_anggaran_sheet(angka: AngkaPeriode) -> SheetTable:
    """Tabel 3.8: pagu, realisasi and capaian per program, kegiatan, sub kegiatan and in total."""
    table = SheetTable("Realisasi Anggaran", title(angka.instansi, "Realisasi Anggaran", angka.period),
                       ["Level", "Kode", "Uraian", "Bidang", "Pagu (Rp)", "Realisasi (Rp)", "Capaian"])
    tree = angka.realisasi_anggaran
    for r in tree.baris:
        table.add(LEVEL_LABEL[r.level], r.kode, r.uraian, r.bidang, rupiah(r.pagu), rupiah(r.realisasi),
                  percent(r.capaian))
    if tree.jumlah is not None:
        total = tree.jumlah
        table.add("Jumlah", "", "JUMLAH", "", rupiah(total.pagu), rupiah(total.realisasi), percent(total.capaian))
    return table


def anggaran_sheet(angka: AngkaPeriode) -> SheetTable:
    """Tabel 2.3: the budget by type of spending, before and after the shift."""
    table = SheetTable("Anggaran", title(angka.instansi, "Target Belanja Sebelum dan Sesudah Pergeseran Anggaran",
                                         angka.period),
                       ["Jenis Belanja", "Pagu Awal (Rp)", "Pagu Pergeseran (Rp)", "Selisih (Rp)"])
    a = angka.anggaran
    if not a.baris:
        return table
    for r in a.baris:
        table.add(r.jenis_belanja, rupiah(r.pagu_awal), rupiah(r.pagu_pergeseran), rupiah(r.selisih))
    table.add(f"Alokasi Anggaran Tahun {angka.period.year} (Jumlah)", rupiah(a.pagu_awal), rupiah(a.pagu_pergeseran),
              rupiah(a.selisih))
    return table


def rekonsiliasi_sheet(ref: Referensi, intake: RealisasiIntake, sipd_files: list[str], cutoff, period: Period) -> SheetTable:
    """Each difference between a bidang's budget figure and SIPD's (``intake.rekonsiliasi``,
    :class:`pipeline.domain.sipd.Difference`): SIPD's figure is the one used."""
    from pipeline.domain.periods import date_label_id

    head = title(ref, "Rekonsiliasi Anggaran Bidang dengan SIPD", period)
    head.append(f"Data SIPD per tanggal {date_label_id(cutoff)} ({'; '.join(sipd_files)}); angka SIPD yang dipakai"
                if cutoff else f"Tidak ada ekspor SIPD untuk tahun {period.year}: anggaran dari berkas bidang")
    table = SheetTable("Rekonsiliasi", head,
                       ["Kode", "Sub Kegiatan", "Kolom", "Keadaan", "Menurut Bidang (Rp)", "Berkas Bidang",
                        "Menurut SIPD (Rp)", "Berkas SIPD", "Selisih (Rp)"])
    names = {"pagu": "Pagu", "realisasi_anggaran": "Realisasi Anggaran", "": "Pagu"}
    for d in intake.rekonsiliasi:
        bidang_file = f"{d.bidang_file} baris {d.bidang_row}" if d.bidang_file and d.bidang_row else d.bidang_file
        table.add(d.kode, d.uraian, names.get(d.column, d.column), d.kind, rupiah(d.bidang_value), bidang_file,
                  rupiah(d.sipd_value), d.sipd_file, rupiah(d.selisih))
    return table


def sipd_line(sipd_files: list[str], cutoff) -> str | None:
    """The Ringkasan's line on where the budget figures come from."""
    from pipeline.domain.periods import date_label_id

    if cutoff is None:
        return None
    return f"Anggaran: SIPD per tanggal {date_label_id(cutoff)} ({'; '.join(sipd_files)})"


# --- performance of programs -------------------------------------------------------------


def efisiensi_sheet(angka: AngkaPeriode) -> SheetTable:
    """Tabel 3.6: outcome achievement beside budget use and efficiency, per sasaran."""
    table = SheetTable("Efisiensi", title(angka.instansi, "Analisis Efisiensi Penggunaan Sumber Daya", angka.period),
                       ["Kode IKU", "Sasaran", "Indikator", "Satuan", "Target", "Realisasi", "Capaian", "Anggaran (Rp)",
                        "Realisasi Anggaran (Rp)", "Capaian Anggaran", "Tingkat Efisiensi", "Keterangan"])
    for e in angka.efisiensi:
        table.add(e.kode, e.sasaran, e.indikator, e.satuan, indicator_value(e.target, e.persen),
                  indicator_value(e.realisasi, e.persen), percent(e.capaian), rupiah(e.anggaran),
                  rupiah(e.realisasi_anggaran), percent(e.capaian_anggaran), percent(e.efisiensi), e.keterangan)
    return table


def kinerja_program_sheet(angka: AngkaPeriode) -> SheetTable:
    """Tabel 3.7: each program, kegiatan and sub kegiatan serving a sasaran, with its output."""
    table = SheetTable("Kinerja Program", title(angka.instansi, "Analisis Program/Kegiatan yang Menunjang Pencapaian Kinerja",
                                                angka.period),
                       ["Kode IKU", "Sasaran", "Indikator Sasaran", "Capaian Sasaran", "Level", "Kode",
                        "Program/Kegiatan/Sub Kegiatan", "Indikator", "Target", "Realisasi", "Satuan", "Capaian",
                        "Menunjang/Tidak Menunjang"])
    for r in angka.kinerja_program:
        table.add(r.kode_iku, r.sasaran, r.indikator_sasaran, percent(r.capaian_sasaran), LEVEL_LABEL[r.level], r.kode,
                  r.uraian, r.indikator or "", indicator_value(r.target, r.persen),
                  indicator_value(r.realisasi, r.persen), r.satuan or "", percent(r.capaian), r.menunjang)
    return table


# --- cooperatives ---------------------------------------------------------------------------


def _wilayah(instansi: str) -> str:
    """The office's whole area as its name says it: Provinsi, Kabupaten or Kota (default Provinsi)."""
    import re

    for word in ("Provinsi", "Kabupaten", "Kota"):
        if re.search(rf"\b{word}\b", instansi or "", re.IGNORECASE):
            return word
    return "Provinsi"


def koperasi_sheet(angka: AngkaPeriode) -> SheetTable:
    """Cooperatives per kabupaten/kota: all, active, digital, and active volume usaha growth."""
    n, prev = angka.period.year, angka.period.year - 1
    table = SheetTable("Koperasi", title(angka.instansi, "Rekapitulasi Koperasi per Kabupaten/Kota (ODK)", angka.period),
                       ["Kabupaten/Kota", f"Koperasi {n}", f"Koperasi Aktif {n}", f"Koperasi Aktif Digital {n}",
                        f"Volume Usaha Aktif {prev} (Rp)", f"Volume Usaha Aktif {n} (Rp)", "Pertumbuhan Volume Usaha"])
    rekap = angka.koperasi
    if rekap is None:
        return table
    for w in rekap.wilayah:
        table.add(w.kabupaten, w.semua, w.aktif, w.digital, rupiah(w.volume_lalu), rupiah(w.volume),
                  percent(w.pertumbuhan))
    t = rekap.jumlah
    table.add(f"{_wilayah(angka.instansi)} (Jumlah)", t.semua, t.aktif, t.digital, rupiah(t.volume_lalu), rupiah(t.volume),
              percent(t.pertumbuhan))
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


def count_by_file(problems: list[Problem]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for p in problems:
        slot = counts.setdefault(p.file, {ERROR: 0, WARNING: 0})
        slot[p.severity] = slot.get(p.severity, 0) + 1
    return counts


def pengumpulan_sheet(ref, rows, problems: list[Problem], period: Period) -> SheetTable:
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


def ringkasan_sheet(ref, period: Period, made_at, reports: list, problems: list[Problem]) -> SheetTable:
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
