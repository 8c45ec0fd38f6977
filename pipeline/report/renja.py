"""Through the year: Tabel E.81 (``Evaluasi Renja``), ``Tren Bulanan`` and ``Peringatan Dini``.

Built from :class:`~pipeline.intake.year.YearFigures` (one series per code, month ->
cumulative value) with the arithmetic of :mod:`pipeline.domain.triwulan`.  A month
without a file takes the last earlier month's value everywhere here, so the quarters
of a code always add up to its year's value (column 12).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.domain import indicators
from pipeline.domain import triwulan as tw
from pipeline.domain.codes import sort_key
from pipeline.domain.periods import MONTH_NAMES_ID, Period
from pipeline.intake.referensi import Referensi
from pipeline.intake.year import CodeSeries, YearFigures
from pipeline.report.charts import LineChartSpec
from pipeline.domain.formatting import number_id, percent_id
from pipeline.domain.formatting import rupiah as rupiah_text
from pipeline.report.sheet import SheetTable, percent, rupiah

LEVEL_LABEL = {"sasaran": "Sasaran", "program": "Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub Kegiatan"}
NO_SASARAN = "Program penunjang (tidak terkait sasaran)"
FAKTOR = (("faktor_pendorong", "Faktor pendorong keberhasilan pencapaian"),
          ("faktor_penghambat", "Faktor penghambat pencapaian kinerja"),
          ("tindak_lanjut", "Tindak lanjut yang diperlukan"))


def _title(ref: Referensi, heading: str, period: Period) -> list[str]:
    return [heading, ref.instansi, f"Periode: {period.label_id()}"]


def _month(m: int) -> str:
    return MONTH_NAMES_ID[m - 1]


# --- Tabel E.81 ---------------------------------------------------------------------------------


@dataclass
class E81Row:
    """One row of Tabel E.81: K (kinerja, the output) and Rp (anggaran) for columns 5-14."""

    no: str
    sasaran: str
    level: str
    kode: str
    uraian: str
    indikator: str
    satuan: str
    k: dict[int, float | None] = field(default_factory=dict)  # column (5..14) -> K
    rp: dict[int, float | None] = field(default_factory=dict)  # column (5..14) -> Rp
    bidang: str = ""
    is_level: bool = False


@dataclass
class E81:
    period: Period
    tahun_awal: int
    tahun_akhir: int
    rows: list[E81Row]
    average: float | None  # mean of column 14 (K) over program, kegiatan and sub kegiatan rows
    predikat: str | None
    faktor: list[tuple[str, str]]  # (label, text) below the table


def _money_series(subs: list[CodeSeries], name: str, month: int) -> dict[int, float]:
    """Month -> sum over ``subs`` of their carried-forward value (months where none has one are absent)."""
    out: dict[int, float] = {}
    filled = [tw.carry_forward(getattr(s, name), month) for s in subs]
    for m in range(1, month + 1):
        known = [f[m] for f in filled if f[m] is not None]
        if known:
            out[m] = float(sum(known))
    return out


def _subs_of(figures: YearFigures, kode: str) -> list[CodeSeries]:
    return [s for s in figures.codes.values()
            if s.level == "sub_kegiatan" and (s.kode == kode or s.kode.startswith(kode + "."))]


def _renstra_years(ref: Referensi, period: Period) -> list[int]:
    first = ref.tahun_awal if ref.tahun_awal is not None else period.year
    return list(range(first, period.year))


def _december_value(figures: YearFigures, year: int, kode: str, name: str, level: str) -> float | None:
    rows = figures.decembers.get(year)
    if rows is None:
        return None
    if name == "realisasi_anggaran" and level != "sub_kegiatan":
        found = [r["realisasi_anggaran"] for k, r in rows.items()
                 if r["level"] == "sub_kegiatan" and k.startswith(kode + ".") and r["realisasi_anggaran"] is not None]
        return float(sum(found)) if found else None
    row = rows.get(kode)
    return None if row is None or row.get(name) is None else float(row[name])


def _code_row(ref: Referensi, figures: YearFigures, series: CodeSeries, no: str, sasaran: str,
              targets: dict[str, dict]) -> E81Row:
    from pipeline.domain import sifat  # how the output adds up through the year

    month = figures.period.month
    level = series.is_level
    subs = [series] if series.level == "sub_kegiatan" else _subs_of(figures, series.kode)
    rp_series = _money_series(subs, "realisasi_anggaran", month)
    pagu = _money_series(subs, "pagu", month).get(month)
    renstra = targets.get(series.kode, {})  # the code's row of the referensi's Target Renstra
    years = _renstra_years(ref, figures.period)

    k6 = renstra.get("realisasi_lalu_k")
    if k6 is None:
        k6 = tw.renstra_before({y: _december_value(figures, y, series.kode, "realisasi", series.level) for y in years},
                               years, level=level)
    rp6 = renstra.get("realisasi_lalu_rp")
    if rp6 is None:
        rp6 = tw.renstra_before({y: _december_value(figures, y, series.kode, "realisasi_anggaran", series.level)
                                 for y in years}, years)
    k12, rp12 = sifat.year_value(series.realisasi, month, series.sifat_value), rp_series.get(month)
    k13, rp13 = tw.renstra_to_date(k6, k12, level=level), tw.renstra_to_date(rp6, rp12)
    k5, rp5 = renstra.get("target_akhir_k"), renstra.get("target_akhir_rp")
    k = {5: k5, 6: k6, 7: series.target, 12: k12, 13: k13, 14: tw.ratio_percent(k13, k5)}
    rp = {5: rp5, 6: rp6, 7: pagu, 12: rp12, 13: rp13, 14: tw.ratio_percent(rp13, rp5)}
    quarters = (tw.triwulan(series.realisasi, month) if not level
                else sifat.quarter_values(series.realisasi, month, series.sifat_value))
    for col, value in zip((8, 9, 10, 11), quarters, strict=True):
        k[col] = value
    for col, value in zip((8, 9, 10, 11), tw.triwulan(rp_series, month), strict=True):
        rp[col] = value
    return E81Row(no, sasaran, series.level, series.kode, series.uraian,
                  series.indikator or renstra.get("indikator") or "", series.satuan or renstra.get("satuan") or "", k, rp, series.bidang or ref.bidang_of(series.kode) or "",
                  level)


def _sum_known(values: list[float | None]) -> float | None:
    return None if not values or any(v is None for v in values) else float(sum(values))


def evaluasi_renja(ref: Referensi, figures: YearFigures) -> E81:
    """Tabel E.81 of the period: per sasaran, its programs, their kegiatan and sub kegiatan."""
    period = figures.period
    targets = {r["kode"]: r for r in ref.target_renstra.to_dicts()} if ref.target_renstra.height else {}
    programs = sorted((s for s in figures.codes.values() if s.level == "program"), key=lambda s: sort_key(s.kode))
    # a program named only by its sub kegiatan (no program row in the files) still gets its row
    named = {s.kode for s in programs}
    for s in figures.codes.values():
        if s.program not in named:
            named.add(s.program)
            programs.append(CodeSeries(s.program, "program", uraian=s.program, program=s.program))
    programs.sort(key=lambda s: sort_key(s.kode))
    iku = {r["kode_iku"]: r for r in ref.iku.to_dicts()} if ref.iku.height else {}
    groups: list[tuple[str | None, list[CodeSeries]]] = []
    served = {k for program in ref.cascading for k in ref.sasaran_of(program)}
    for kode_iku in [k for k in iku if k in served]:  # a program serving two sasaran is under each
        groups.append((kode_iku, [p for p in programs if kode_iku in ref.sasaran_of(p.kode)]))
    groups.append((None, [p for p in programs if p.kode not in ref.cascading]))

    rows: list[E81Row] = []
    number = 0
    for kode_iku, members in groups:
        if not members and kode_iku is None:
            continue
        number += 1
        record = iku.get(kode_iku, {})
        sasaran = record.get("pernyataan") or NO_SASARAN
        head = E81Row(str(number), sasaran, "sasaran", kode_iku or "", sasaran, record.get("indikator") or "",
                      record.get("satuan") or "", is_level=True)
        rows.append(head)
        program_rows: list[E81Row] = []
        for i, prog in enumerate(members, start=1):
            program_rows.append(_code_row(ref, figures, prog, f"{number}.{i}", sasaran, targets))
            rows.append(program_rows[-1])
            kegiatan = sorted((s for s in figures.codes.values() if s.level == "kegiatan" and s.program == prog.kode),
                              key=lambda s: sort_key(s.kode))
            for j, keg in enumerate(kegiatan, start=1):
                rows.append(_code_row(ref, figures, keg, f"{number}.{i}.{j}", sasaran, targets))
                subs = sorted((s for s in figures.codes.values() if s.level == "sub_kegiatan" and s.kegiatan == keg.kode),
                              key=lambda s: sort_key(s.kode))
                for n, sub in enumerate(subs, start=1):
                    rows.append(_code_row(ref, figures, sub, f"{number}.{i}.{j}.{n}", sasaran, targets))
        # the sasaran: its indicator's Renstra and yearly target (K), the sums of its programs (Rp)
        if kode_iku is not None:
            head.k[5] = record.get("target_akhir")
            head.k[7] = ref.targets.get(kode_iku, {}).get(period.year)
        for col in range(5, 14):
            values = [r.rp.get(col) for r in program_rows]
            if col in (8, 9, 10, 11):  # a quarter: the programs with a value (a program may start later)
                head.rp[col] = None if all(v is None for v in values) else float(sum(v for v in values if v is not None))
            else:  # a total over the programs, only when every program has one
                head.rp[col] = _sum_known(values)
        head.rp[14] = tw.ratio_percent(head.rp[13], head.rp[5])

    average = tw.average(r.k.get(14) for r in rows if r.level != "sasaran")
    analisis = ref.analisis.to_dicts() if ref.analisis.height else []
    faktor = []
    for name, label in FAKTOR:
        texts = [f"{a['kode_iku']}: {a[name].strip()}" if len(analisis) > 1 else a[name].strip()
                 for a in analisis if a.get(name) and a[name].strip()]
        faktor.append((label, "\n".join(texts)))
    return E81(period, ref.tahun_awal or period.year, ref.tahun_akhir or period.year, rows, average,
               indicators.kategori(average, ref.skala), faktor)


def e81_columns(e81: E81) -> list[tuple[int, str, str]]:
    """(form column, heading, K/Rp or "") of every cell of a row, in order."""
    y, a = e81.period.year, e81.tahun_akhir
    tri = [f"Realisasi Triwulan {label}" for label in tw.TRIWULAN_LABELS]
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
    if tw.is_percent_unit(row.satuan):
        return percent(value)
    return int(value) if float(value).is_integer() else float(value)


def _rp_value(value: float | None, col: int, row: E81Row):
    if value is None:
        return "N/A" if col in (5, 6, 14) and row.level != "sasaran" else None
    return percent(value) if col == 14 else rupiah(value)


def row_values(e81: E81, row: E81Row) -> list:
    values = [row.no, row.sasaran, LEVEL_LABEL[row.level], row.kode, row.uraian, row.indikator, row.satuan]
    for col in range(5, 15):
        quarter_after = col in (8, 9, 10, 11) and (col - 8) * 3 + 1 > e81.period.month
        values.append(None if quarter_after else _k_value(row.k.get(col), row, col))
        values.append(None if quarter_after else _rp_value(row.rp.get(col), col, row))
    values.append(row.bidang)
    return values


def footer_lines(e81: E81) -> list[tuple[str, str]]:
    return [("Rata-rata capaian kinerja Renstra (kolom 14, K)", percent_id(e81.average)),
            ("Predikat kinerja", e81.predikat or "N/A"), *e81.faktor]


def evaluasi_renja_sheet(ref: Referensi, e81: E81) -> SheetTable:
    """Tabel E.81 as one table of the workbook; the average, predikat and factors as the last rows."""
    period = e81.period
    quarter = tw.TRIWULAN_LABELS[tw.quarter_of(period.month) - 1]
    head = _title(ref, f"Evaluasi terhadap Hasil Renja Perangkat Daerah (Tabel E.81) Tahun {period.year}", period)
    head.append(f"Triwulan {quarter}" + ("" if tw.is_quarter_end(period.month)
                                          else f" berjalan (s.d. {period.label_id()})"))
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


@dataclass
class MonthLine:
    month: int
    pagu: float | None
    realisasi: float | None
    rencana: float | None
    capaian_keluaran: float | None = None


def _plan_series(ref: Referensi, subs: list[CodeSeries], month: int) -> dict[int, float]:
    """Month -> the planned cumulative realisasi of ``subs``, only for months every one of them has a plan
    for (a partial sum would compare the whole pagu with part of a plan)."""
    out: dict[int, float] = {}
    if not subs:
        return out
    for m in range(1, month + 1):
        plans = [ref.rencana_penarikan.get(s.kode, {}).get(m) for s in subs]
        if all(p is not None for p in plans):
            out[m] = float(sum(plans))
    return out


def trend(ref: Referensi, figures: YearFigures, subs: list[CodeSeries], output: CodeSeries | None) -> list[MonthLine]:
    from pipeline.domain import sifat

    month = figures.period.month
    pagu = _money_series(subs, "pagu", month)
    spent = _money_series(subs, "realisasi_anggaran", month)
    plan = _plan_series(ref, subs, month)
    # the output to date, as its Sifat adds up (a level: its value; Rata-rata: the mean of the months so far)
    done = ({m: sifat.year_value(output.realisasi, m, output.sifat_value) for m in range(1, month + 1)}
            if output is not None else {})
    return [MonthLine(m, pagu.get(m), spent.get(m), plan.get(m),
                      tw.ratio_percent(done.get(m), output.target) if output is not None else None)
            for m in range(1, month + 1)]


def tren_bulanan_sheet(ref: Referensi, figures: YearFigures) -> SheetTable:
    """Per program and in total, each month from January: pagu, cumulative realisasi anggaran,
    capaian, the plan where given; a line chart of the total's realisation against the plan."""
    period = figures.period
    table = SheetTable("Tren Bulanan", _title(ref, "Tren Bulanan Realisasi Anggaran", period), TREN_COLUMNS)
    subs = [s for s in figures.codes.values() if s.level == "sub_kegiatan"]
    lines = trend(ref, figures, subs, None)
    first = len(table.rows)
    for line in lines:
        _tren_row(table, "", "JUMLAH", line)
    programs = sorted({s.program for s in subs}, key=sort_key)
    for kode in programs:
        series = figures.codes.get(kode)
        name = series.uraian if series else kode
        for line in trend(ref, figures, [s for s in subs if s.program == kode], series):
            _tren_row(table, kode, name, line)
    if lines:
        series_columns = ["Realisasi Kumulatif (Rp)"]
        if any(line.rencana is not None for line in lines):
            series_columns.append("Rencana Penarikan (Rp)")
        table.charts.append(LineChartSpec(
            title=f"Realisasi Anggaran Kumulatif {period.year} dan Rencana Penarikan (JUMLAH)",
            category_column="Bulan", series_columns=series_columns, first_row=first, last_row=first + len(lines) - 1,
            y_title="Rupiah", x_title="Bulan"))
    return table


def _tren_row(table: SheetTable, kode: str, name: str, line: MonthLine) -> None:
    table.add(kode, name, _month(line.month), rupiah(line.pagu), rupiah(line.realisasi),
              percent(tw.ratio_percent(line.realisasi, line.pagu)), rupiah(line.rencana),
              percent(tw.ratio_percent(line.rencana, line.pagu)) if line.rencana is not None else None,
              percent(line.capaian_keluaran) if line.capaian_keluaran is not None else None)


# --- Peringatan Dini ------------------------------------------------------------------------------

WARNING_COLUMNS = ["Jenis", "Kode", "Uraian", "Bidang", "Keterangan", "Seberapa Jauh", "Sejak"]
ABSORPTION_BEHIND_PLAN = "Penyerapan di bawah rencana"
ABSORPTION_BEHIND_TIME = "Penyerapan di bawah waktu berjalan"
OUTPUT_BEHIND = "Capaian keluaran tertinggal dari penyerapan"
FELL = "Nilai kumulatif turun"
SILENT = "Bidang tidak mengirim"


@dataclass
class EarlyWarning:
    jenis: str
    kode: str
    uraian: str
    bidang: str
    keterangan: str
    seberapa_jauh: str
    sejak: str


def _points(value: float) -> str:
    return f"{number_id(value, 2)} poin"


def early_warnings(ref: Referensi, figures: YearFigures, threshold: float) -> list[EarlyWarning]:
    """What needs the planner now (see ``docs/outputs.md``); ``threshold`` in percent points."""
    from pipeline.domain import sifat

    period, month = figures.period, figures.period.month
    found: list[EarlyWarning] = []
    subs = sorted((s for s in figures.codes.values() if s.level == "sub_kegiatan"), key=lambda s: sort_key(s.kode))
    label_now = period.label_id()
    for s in subs:
        pagu = tw.carry_forward(s.pagu, month)
        spent = tw.carry_forward(s.realisasi_anggaran, month)
        done = {m: sifat.year_value(s.realisasi, m, s.sifat_value) for m in range(1, month + 1)}
        plan = ref.rencana_penarikan.get(s.kode, {})
        absorption = {m: tw.ratio_percent(spent[m], pagu[m]) for m in range(1, month + 1)}
        expected = {m: tw.expected_absorption(plan.get(m), pagu[m], m) for m in range(1, month + 1)}
        gaps = {m: tw.points_behind(absorption[m], expected[m]) if pagu[m] else None for m in range(1, month + 1)}
        since = tw.behind_since(gaps, month, threshold)
        if since is not None:
            with_plan = month in plan
            found.append(EarlyWarning(
                ABSORPTION_BEHIND_PLAN if with_plan else ABSORPTION_BEHIND_TIME, s.kode, s.uraian, s.bidang,
                f"Penyerapan anggaran {percent_id(absorption[month])} s.d. {label_now}, "
                + (f"rencana penarikan {percent_id(expected[month])}" if with_plan
                   else f"waktu berjalan {percent_id(expected[month])}"),
                _points(gaps[month]), f"{_month(since)} {period.year}"))
        capaian = {m: tw.ratio_percent(done[m], s.target) for m in range(1, month + 1)}
        out_gaps = {m: tw.points_behind(capaian[m], absorption[m]) for m in range(1, month + 1)}
        since = tw.behind_since(out_gaps, month, threshold)
        if since is not None:
            found.append(EarlyWarning(
                OUTPUT_BEHIND, s.kode, s.uraian, s.bidang,
                f"Capaian keluaran {percent_id(capaian[month])} sedangkan penyerapan anggaran "
                f"{percent_id(absorption[month])} s.d. {label_now}",
                _points(out_gaps[month]), f"{_month(since)} {period.year}"))
    for s in sorted(figures.codes.values(), key=lambda s: sort_key(s.kode)):
        checks = [] if s.is_level else [("realisasi", "Realisasi keluaran", lambda v: number_id(v, 0 if float(v).is_integer() else 2))]
        if s.level == "sub_kegiatan":
            checks.append(("realisasi_anggaran", "Realisasi anggaran", rupiah_text))
        for name, label, shown in checks:
            for d in tw.drops(getattr(s, name), tolerance=0.5 if name == "realisasi_anggaran" else 0.0):
                found.append(EarlyWarning(
                    FELL, s.kode, s.uraian, s.bidang,
                    f"{label} kumulatif turun dari {shown(d.previous)} ({_month(d.previous_month)}) "
                    f"menjadi {shown(d.value)} ({_month(d.month)})",
                    shown(d.amount), f"{_month(d.month)} {period.year}"))
    for bidang in sorted(figures.sent):
        since = tw.months_silent(figures.sent[bidang], month)
        if since is not None:
            last = max(m for m in figures.sent[bidang] if m < month)
            found.append(EarlyWarning(
                SILENT, "", "", bidang,
                f"Tidak ada berkas realisasi untuk {label_now}; berkas terakhir untuk {_month(last)} {period.year}; "
                "angka bulan terakhir yang dipakai",
                f"{month - since + 1} bulan", f"{_month(since)} {period.year}"))
    return found


def peringatan_dini_sheet(ref: Referensi, warnings: list[EarlyWarning], period: Period, threshold: float) -> SheetTable:
    head = _title(ref, "Peringatan Dini: Sub Kegiatan dan Bidang yang Perlu Perhatian", period)
    head.append(f"Ambang: tertinggal lebih dari {number_id(threshold, 0 if float(threshold).is_integer() else 2)} poin")
    table = SheetTable("Peringatan Dini", head, WARNING_COLUMNS, widths={"Uraian": 50, "Keterangan": 70})
    for w in warnings:
        table.add(w.jenis, w.kode, w.uraian, w.bidang, w.keterangan, w.seberapa_jauh, w.sejak)
    return table
