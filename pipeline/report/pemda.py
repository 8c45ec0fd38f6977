"""The Pemda's rekap workbook and LKjIP draft: lays out what :mod:`pipeline.domain.pemda` computed."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pipeline.domain import pemda as dp
from pipeline.domain.formatting import percent_id
from pipeline.domain.periods import Period
from pipeline.domain.submissions import LATE, MISSING, ON_TIME
from pipeline.problems import Problem
from pipeline.report.sheet import SheetTable, percent, rupiah
from pipeline.report.tables import validasi_sheet

REKAP_NAME = "rekap-pemda-{period}.xlsx"
DOKUMEN_NAME = "laporan-kinerja-pemda-{period}.docx"
SHEET_ORDER = ["Rekap OPD", "IKU OPD", "IKU Pemda", "Evaluasi RKPD", "Anggaran per OPD", "Anggaran per Urusan",
               "Validasi"]
COMPLETE = "Lengkap"
FAILED = "Gagal / belum ada"


@dataclass
class Rekap:
    """Everything the rekap shows, computed."""

    nama: str
    period: Period
    opds: dict[str, dp.OpdStatus]
    iku: list[dp.PemdaIkuResult]
    rkpd: list[dp.RkpdRow]
    totals: dp.Totals
    urusan: list[tuple[str, float, float, float | None]]
    problems: list[Problem] = field(default_factory=list)


def _title(rekap: Rekap, heading: str) -> list[str]:
    return [heading, rekap.nama, f"Periode: {rekap.period.label_id()} ({rekap.period})"]


def rekap_sheets(rekap: Rekap) -> list[SheetTable]:
    rows = SheetTable("Rekap OPD", _title(rekap, "Rekapitulasi Kinerja Perangkat Daerah"), [
        "Folder OPD", "Perangkat Daerah", "Kode SKPD", "Status Laporan", "Keterangan", "Bidang Tepat Waktu",
        "Bidang Terlambat", "Bidang Belum Mengirim", "Jumlah IKU", "IKU Capaian >= 100%", "Pagu (Rp)",
        "Realisasi Anggaran (Rp)", "Capaian Anggaran", "Efisiensi", "Jumlah Error", "Jumlah Peringatan"])
    for opd, status in rekap.opds.items():
        f = status.figures
        if f is None:
            rows.add(opd, opd, None, FAILED, status.reason, None, None, None, None, None, None, None, "N/A", "N/A",
                     None, None)
            continue
        top = sum(1 for i in f.iku if i.capaian is not None and i.capaian >= 100)
        rows.add(opd, f.instansi, f.kode_skpd or "", COMPLETE, "", f.pengumpulan.get(ON_TIME, 0),
                 f.pengumpulan.get(LATE, 0), f.pengumpulan.get(MISSING, 0), len(f.iku), top, rupiah(f.pagu),
                 rupiah(f.realisasi_anggaran), percent(f.capaian_anggaran), percent(f.efisiensi), f.errors, f.warnings)
    t = rekap.totals
    rows.add("JUMLAH", f"{sum(1 for s in rekap.opds.values() if s.complete)} dari {len(rekap.opds)} OPD lengkap",
             "", "", "capaian dan efisiensi: rasio dari jumlah, bukan rata-rata persentase OPD",
             t.pengumpulan.get(ON_TIME, 0), t.pengumpulan.get(LATE, 0), t.pengumpulan.get(MISSING, 0),
             None, None, rupiah(t.pagu), rupiah(t.realisasi_anggaran), percent(t.capaian_anggaran),
             percent(t.efisiensi), t.errors, t.warnings)

    iku_opd = SheetTable("IKU OPD", _title(rekap, "Capaian Indikator Kinerja Utama per Perangkat Daerah"), [
        "Perangkat Daerah", "Kode IKU", "Indikator", "Satuan", "Target", "Realisasi", "Capaian", "Kategori"])
    for status in rekap.opds.values():
        for i in status.figures.iku if status.figures else []:
            iku_opd.add(status.figures.instansi, i.kode_iku, i.indikator, i.satuan or "", _num(i.target),
                        _num(i.realisasi), percent(i.capaian), i.kategori or "N/A")

    iku = SheetTable("IKU Pemda", _title(rekap, "Capaian Indikator Kinerja Utama Pemerintah Daerah (RPJMD)"), [
        "Kode IKU", "Tujuan/Sasaran", "Indikator", "Satuan", "Sumber", "Target", "Realisasi", "Capaian", "Kategori",
        "Dasar Perhitungan", "Indikator OPD (bobot: capaian)"])
    for r in rekap.iku:
        parts = [f"{c.instansi} {c.kode_iku} (bobot {c.bobot:g}: "
                 f"{percent_id(c.capaian) if c.capaian is not None else 'N/A'}{'; ' + c.note if c.note else ''})"
                 for c in r.contributions]
        iku.add(r.iku.kode_iku, r.iku.pernyataan, r.iku.indikator, r.iku.satuan or "", r.iku.sumber,
                _num(r.iku.target), _num(r.realisasi), percent(r.capaian), r.kategori or "N/A", r.basis,
                "; ".join(parts))

    rkpd = SheetTable("Evaluasi RKPD", _title(rekap, "Evaluasi Hasil RKPD per Sasaran RPJMD dan Program "
                                                     "(dihimpun dari Tabel E.81 Perangkat Daerah)"), [
        "Sasaran RPJMD", "Perangkat Daerah", "Kode", "Program", "Pagu (Rp)", "Realisasi Triwulan I (Rp)",
        "Realisasi Triwulan II (Rp)", "Realisasi Triwulan III (Rp)", "Realisasi Triwulan IV (Rp)",
        "Realisasi s.d. Periode (Rp)", "Capaian Anggaran"])
    for r in rekap.rkpd:
        rkpd.add(f"{r.sasaran} {r.pernyataan}".strip() if r.is_total else "", "" if r.is_total else r.instansi,
                 "" if r.is_total else r.kode, f"Jumlah sasaran: {r.pernyataan}" if r.is_total else r.uraian,
                 rupiah(r.pagu), *(rupiah(v) for v in r.triwulan), rupiah(r.realisasi), percent(r.capaian))

    per_opd = SheetTable("Anggaran per OPD", _title(rekap, "Realisasi Anggaran per Perangkat Daerah"), [
        "Perangkat Daerah", "Pagu (Rp)", "Realisasi (Rp)", "Capaian"])
    for status in rekap.opds.values():
        if status.figures:
            f = status.figures
            per_opd.add(f.instansi, rupiah(f.pagu), rupiah(f.realisasi_anggaran), percent(f.capaian_anggaran))
    per_opd.add("JUMLAH", rupiah(t.pagu), rupiah(t.realisasi_anggaran), percent(t.capaian_anggaran))

    urusan = SheetTable("Anggaran per Urusan", _title(rekap, "Realisasi Anggaran per Urusan (kode U.BB)"), [
        "Urusan", "Pagu (Rp)", "Realisasi (Rp)", "Capaian"])
    for code, pagu, spent, cap in rekap.urusan:
        urusan.add(code, rupiah(pagu), rupiah(spent), percent(cap))

    validasi = validasi_sheet(_title(rekap, "Hasil Validasi Rekap Pemda"), rekap.problems)
    return [rows, iku_opd, iku, rkpd, per_opd, urusan, validasi]


def _num(value: float | None):
    return "N/A" if value is None else float(value)


def pemda_document(rekap: Rekap, kepala: str | None = None) -> bytes:
    """The Pemda's LKjIP draft (Word): the same chapters, on the RPJMD's IKU, with every OPD's results."""
    from docx import Document

    doc = Document()
    doc.add_heading(f"Laporan Kinerja {rekap.nama}", 0)
    doc.add_paragraph(f"Periode: {rekap.period.label_id()}")
    doc.add_heading("Bab I Pendahuluan", 1)
    complete = sum(1 for s in rekap.opds.values() if s.complete)
    doc.add_paragraph(f"Laporan ini menghimpun hasil {complete} dari {len(rekap.opds)} perangkat daerah. "
                      "[Diisi perencana: gambaran umum pemerintah daerah dan isu strategis.]")
    doc.add_heading("Bab II Perencanaan Kinerja", 1)
    _table(doc, ["Kode", "Sasaran", "Indikator", "Target"],
           [[r.iku.kode_iku, r.iku.pernyataan, r.iku.indikator, _text(r.iku.target)] for r in rekap.iku])
    doc.add_heading("Bab III Akuntabilitas Kinerja", 1)
    doc.add_heading("Capaian Indikator Kinerja Utama RPJMD", 2)
    _table(doc, ["Kode", "Indikator", "Target", "Realisasi", "Capaian", "Kategori"],
           [[r.iku.kode_iku, r.iku.indikator, _text(r.iku.target), _text(r.realisasi),
             percent_id(r.capaian) if r.capaian is not None else "N/A", r.kategori or "N/A"] for r in rekap.iku])
    for r in rekap.iku:
        cap = percent_id(r.capaian) if r.capaian is not None else "N/A"
        doc.add_paragraph(f"Indikator \"{r.iku.indikator}\": capaian {cap} (kategori {r.kategori or 'N/A'}); "
                          f"{r.basis}.")
    doc.add_heading("Hasil Setiap Perangkat Daerah", 2)
    rows = []
    for opd, status in rekap.opds.items():
        f = status.figures
        if f is None:
            rows.append([opd, FAILED, "", "", "", status.reason])
        else:
            rows.append([f.instansi, COMPLETE, _money(f.pagu), _money(f.realisasi_anggaran),
                         percent_id(f.capaian_anggaran) if f.capaian_anggaran is not None else "N/A",
                         percent_id(f.efisiensi) if f.efisiensi is not None else "N/A"])
    _table(doc, ["Perangkat Daerah", "Status", "Pagu (Rp)", "Realisasi (Rp)", "Capaian Anggaran",
                 "Efisiensi / Keterangan"], rows)
    t = rekap.totals
    doc.add_paragraph(f"Realisasi anggaran seluruh perangkat daerah {_money(t.realisasi_anggaran)} dari pagu "
                      f"{_money(t.pagu)} ({percent_id(t.capaian_anggaran) if t.capaian_anggaran is not None else 'N/A'}).")
    doc.add_heading("Bab IV Penutup", 1)
    doc.add_paragraph("[Diisi perencana: simpulan dan langkah perbaikan.]")
    if kepala:
        doc.add_paragraph(kepala)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc, headers: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = "" if text is None else str(text)


def _text(value: float | None) -> str:
    from pipeline.domain.formatting import number_id

    return "N/A" if value is None else number_id(value, 2)


def _money(value: float | None) -> str:
    from pipeline.domain.formatting import rupiah as rupiah_text

    return "N/A" if value is None else rupiah_text(value)
