"""Through the year: Tabel E.81 (``Evaluasi Renja``), ``Tren Bulanan`` and ``Peringatan Dini``, laid out.

The figures are :class:`~pipeline.domain.figures.SepanjangTahun` of the period's
:class:`~pipeline.domain.figures.AngkaPeriode` (computed by :mod:`pipeline.domain.sepanjang_tahun`);
nothing here computes or judges one.
"""

from __future__ import annotations

from pipeline.domain.figures import E81, E81Row, TRIWULAN_LABELS, AngkaPeriode, EarlyWarning, MonthLine
from pipeline.domain.formatting import number_id, percent_id
from pipeline.domain.numbers import is_percent_unit
from pipeline.domain.periods import MONTH_NAMES_ID, Period
from pipeline.report.charts import LineChartSpec
from pipeline.report.sheet import SheetTable, percent, rupiah

__all__ = ["E81", "E81Row", "EarlyWarning", "e81_columns", "sheet_column_names", "row_values", "footer_lines",
           "evaluasi_renja_sheet", "tren_bulanan_sheet", "peringatan_dini_sheet"]

LEVEL_LABEL = {"sasaran": "Sasaran", "program": "Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub Kegiatan"}


def _title(instansi: str, heading: str, period: Period) -> list[str]:
    return [heading, instansi, f"Periode: {period.label_id()}"]


def _month(m: int) -> str:
    return MONTH_NAMES_ID[m - 1]


# --- Tabel E.81 ---------------------------------------------------------------------------------


def e81_columns(e81: E81) -> list[tuple[int, str, str]]:
    """(form column, heading, K/Rp or "") of every cell of a row, in order."""
    y, a = e81.period.year, e81.tahun_akhir
    tri = [f"Realisasi Triwulan {label}" for label in TRIWULAN_LABELS]
    heads = {5: f"Target Renstra Akhir ({a})", 6: f"Realisasi Renstra s.d. {y - 1}", 7: f"Target Renja {y}",
             8: tri[0], 9: tri[1], 10: tri[2], 11: tri[3],
             12: f"Realisasi Renja {y} s.d. {_month(e81.period.month)}", 13: f"Realisasi Renstra s.d. {y}",
             14: f"Tingkat Capaian Renstra s.d. {y}"}
    cols = [(1, "No", ""), (2, "Sasaran", ""), (3, "Level", ""), (3, "Kode", ""),
            (3, "Program/Kegiatan/Sub Kegiatan", ""), (4, "Indikator Kinerja", ""), (4, "Satuan", "")]
    for col in range(5, 15):
        cols += [(col, heads[col], "K"), (col, heads[col], "Rp")]
    cols.append((15, "Unit Penanggung Jawab", ""))
    return cols


def sheet_column_names(e81: E81) -> list[str]:
    return [f"({c}) {h}" + (f" {kr}" if kr else "") for c, h, kr in e81_columns(e81)]


def _k_value(value: float | None, row: E81Row, col: int):
    if value is None:
        return "N/A" if col in (5, 6, 7, 12, 13, 14) and row.level != "sasaran" else None
    if col == 14:
        return percent(value)
    if is_percent_unit(row.satuan):
        return percent(value)
    return int(value) if float(value).is_integer() else float(value)


def _rp_value(value: float | None, col: int, row: E81Row):
    if value is None:
        return "N/A" if col in (5, 6, 14) and row.level != "sasaran" else None
    return percent(value) if col == 14 else rupiah(value)


def row_values(e81: E81, row: E81Row) -> list:
    values = [row.no, row.sasaran, LEVEL_LABEL[row.level], row.kode, row.uraian, row.indikator, row.satuan]
    for col in range(5, 15):
        quarter_after = col in (8, 9, 10, 11) and not e81.quarters_shown[col - 8]
        values.append(None if quarter_after else _k_value(row.k.get(col), row, col))
        values.append(None if quarter_after else _rp_value(row.rp.get(col), col, row))
    values.append(row.bidang)
    return values


def footer_lines(e81: E81) -> list[tuple[str, str]]:
    return [("Rata-rata capaian kinerja Renstra (kolom 14, K)", percent_id(e81.average)),
            ("Predikat kinerja", e81.predikat or "N/A"), *e81.faktor]


def evaluasi_renja_sheet(angka: AngkaPeriode) -> SheetTable:
    """Tabel E.81 as one table of the workbook; the average, predikat and factors as the last rows."""
    e81 = angka.sepanjang_tahun.e81
    period = e81.period
    head = _title(angka.instansi, f"Evaluasi terhadap Hasil Renja Perangkat Daerah (Tabel E.81) Tahun {period.year}",
                  period)
    head.append(f"Triwulan {e81.triwulan}" + ("" if e81.akhir_triwulan else f" berjalan (s.d. {period.label_id()})"))
    columns = sheet_column_names(e81)
    table = SheetTable("Evaluasi Renja", head, columns, widths={columns[4]: 50, columns[5]: 40})
    for row in e81.rows:
        table.add(*row_values(e81, row))
    for label, text in footer_lines(e81):
        table.add("", label, "", "", text, *([None] * (len(columns) - 5)))
    return table


# --- Tren Bulanan -----------------------------------------------------------------------------------

TREN_COLUMNS = ["Kode", "Program", "Bulan", "Pagu (Rp)", "Realisasi Kumulatif (Rp)", "Capaian Anggaran",
                "Rencana Penarikan (Rp)", "Rencana Penarikan (%)", "Capaian Keluaran"]


def tren_bulanan_sheet(angka: AngkaPeriode) -> SheetTable:
    """Per program and in total, each month from January: pagu, cumulative realisasi anggaran,
    capaian, the plan where given; a line chart of the total's realisation against the plan."""
    period = angka.period
    table = SheetTable("Tren Bulanan", _title(angka.instansi, "Tren Bulanan Realisasi Anggaran", period), TREN_COLUMNS)
    tren = angka.sepanjang_tahun.tren
    for group in tren:
        for line in group.bulan:
            _tren_row(table, group.kode, group.uraian, line)
    lines = tren[0].bulan if tren else ()
    if lines:
        series_columns = ["Realisasi Kumulatif (Rp)"]
        if any(line.rencana is not None for line in lines):
            series_columns.append("Rencana Penarikan (Rp)")
        table.charts.append(LineChartSpec(
            title=f"Realisasi Anggaran Kumulatif {period.year} dan Rencana Penarikan (JUMLAH)",
            category_column="Bulan", series_columns=series_columns, first_row=0, last_row=len(lines) - 1,
            y_title="Rupiah", x_title="Bulan"))
    return table


def _tren_row(table: SheetTable, kode: str, name: str, line: MonthLine) -> None:
    table.add(kode, name, _month(line.month), rupiah(line.pagu), rupiah(line.realisasi),
              percent(line.capaian_anggaran), rupiah(line.rencana),
              percent(line.rencana_persen) if line.rencana is not None else None,
              percent(line.capaian_keluaran) if line.capaian_keluaran is not None else None)


# --- Peringatan Dini ------------------------------------------------------------------------------

WARNING_COLUMNS = ["Jenis", "Kode", "Uraian", "Bidang", "Keterangan", "Seberapa Jauh", "Sejak"]


def peringatan_dini_sheet(angka: AngkaPeriode) -> SheetTable:
    through = angka.sepanjang_tahun
    threshold = through.ambang
    head = _title(angka.instansi, "Peringatan Dini: Sub Kegiatan dan Bidang yang Perlu Perhatian", angka.period)
    head.append(f"Ambang: tertinggal lebih dari {number_id(threshold, 0 if float(threshold).is_integer() else 2)} poin")
    table = SheetTable("Peringatan Dini", head, WARNING_COLUMNS, widths={"Uraian": 50, "Keterangan": 70})
    for w in through.peringatan:
        table.add(w.jenis, w.kode, w.uraian, w.bidang, w.keterangan, w.seberapa_jauh, w.sejak)
    return table
