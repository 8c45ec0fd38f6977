"""Through the year: Tabel E.81 per triwulan, the monthly trend and the early warnings, as typed values.

Built from :class:`~pipeline.domain.series.YearFigures` (one series per code, month ->
cumulative value) with the arithmetic of :mod:`pipeline.domain.triwulan`.  A month without a
file takes the last earlier month's value everywhere here, so the quarters of a code always add
up to its year's value (column 12).  ``ref`` is the intake's referensi (its IKU, Cascading,
Target Renstra, Rencana Penarikan, Analisis and Skala); nothing here reads a file.
"""

from __future__ import annotations

import re

from pipeline.domain import sifat
from pipeline.domain import triwulan as tw
from pipeline.domain.codes import sort_key
from pipeline.domain.figures import E81, E81Row, EarlyWarning, MonthLine, SepanjangTahun, TrenProgram
from pipeline.domain.formatting import number_id, percent_id
from pipeline.domain.formatting import rupiah as rupiah_text
from pipeline.domain.periods import MONTH_NAMES_ID
from pipeline.domain.series import CodeSeries, YearFigures

NO_SASARAN = "Program penunjang (tidak terkait sasaran)"
# the rows below the form (Permendagri 86/2017, Tabel E.81): referensi `Analisis` column -> label;
# `tindak_lanjut` is also the old single "Tindak Lanjut" column (read as the next quarter's)
FAKTOR = (("faktor_pendorong", "Faktor pendorong keberhasilan pencapaian"),
          ("faktor_penghambat", "Faktor penghambat pencapaian kinerja"),
          ("tindak_lanjut", "Tindak lanjut yang diperlukan dalam triwulan berikutnya"),
          ("tindak_lanjut_renja", "Tindak lanjut yang diperlukan dalam Renja berikutnya"))
TOTAL = "JUMLAH"

# The form's own predikat of the mean tingkat capaian (Permendagri 86/2017): Sangat Tinggi 91 <= x,
# Tinggi 76-90, Sedang 66-75, Rendah 51-65, Sangat Rendah <= 50.  The bands are whole numbers; a
# value between two of them (90,5) has not reached the next band's lower bound, so each band runs
# from its lower bound up to the next one, exclusive: 90,5 is Tinggi, 50,99 is Sangat Rendah (never
# rounded up into a better predikat).
PREDIKAT_E81 = (("Sangat Tinggi", 91.0), ("Tinggi", 76.0), ("Sedang", 66.0), ("Rendah", 51.0))
PREDIKAT_TERENDAH = "Sangat Rendah"


def predikat_e81(capaian: float | None) -> str | None:
    """The form's predikat of a tingkat capaian in percent (None: N/A)."""
    if capaian is None:
        return None
    for name, lower in PREDIKAT_E81:
        if capaian >= lower:
            return name
    return PREDIKAT_TERENDAH


_LEVEL_WORDS = (("PROVINSI", r"prov(?:insi|\.)"), ("KABUPATEN", r"kab(?:upaten|\.)"), ("KOTA", r"kota"))


def lingkup(instansi: str, kegiatan_codes=()) -> str | None:
    """The level of the Pemda for the form's title (``LINGKUP PROVINSI``): the office's name says
    it (``Dinas Kesehatan Kabupaten Banyumas``; the last of the words when several appear, as the
    region ends the name: ``Dinas Tata Kota Provinsi X`` is a province's); else the kegiatan codes
    (Kepmendagri 050-5889, U.BB.PP.L.KK: L is 1 for a province's kegiatan, 2 for a kabupaten's or
    kota's), which cannot tell a kabupaten from a kota; None when neither tells."""
    found = []
    for level, pattern in _LEVEL_WORDS:
        for m in re.finditer(rf"(?<![\w/]){pattern}(?![\w/])", instansi or "", re.IGNORECASE):
            found.append((m.start(), level))
    if found:
        return max(found)[1]
    digits = {parts[3] for code in kegiatan_codes if len(parts := str(code).split(".")) == 5}
    if digits == {"1"}:
        return "PROVINSI"
    if digits == {"2"}:
        return "KABUPATEN/KOTA"
    return None


def faktor_rows(analisis: list[dict]) -> tuple[tuple[str, str], ...]:
    """The rows below the table (label, text) from the referensi's ``Analisis`` rows: each column's
    texts, prefixed by the Kode IKU when there are several rows; empty for the planner to fill."""
    out = []
    for name, label in FAKTOR:
        texts = [f"{a['kode_iku']}: {a[name].strip()}" if len(analisis) > 1 else a[name].strip()
                 for a in analisis if a.get(name) and a[name].strip()]
        out.append((label, "\n".join(texts)))
    return tuple(out)


def _month(m: int) -> str:
    return MONTH_NAMES_ID[m - 1]


def sepanjang_tahun(ref, figures: YearFigures, threshold: float) -> SepanjangTahun:
    """The through-the-year part of the period's figures; ``threshold``: the early-warning points."""
    return SepanjangTahun(evaluasi_renja(ref, figures), tren_bulanan(ref, figures),
                          tuple(early_warnings(ref, figures, threshold)), threshold)


# --- Tabel E.81 ---------------------------------------------------------------------------------

def _filled(series: dict[int, float], month: int) -> float | None:
    return tw.carry_forward(series, month)[month]


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


def _renstra_years(ref, period) -> list[int]:
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


def _code_row(ref, figures: YearFigures, series: CodeSeries, no: str, sasaran: str,
              targets: dict[str, dict]) -> E81Row:
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


def evaluasi_renja(ref, figures: YearFigures) -> E81:
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
    quarters = tuple((q - 1) * 3 + 1 <= period.month for q in (1, 2, 3, 4))
    instansi = ref.instansi or ""
    return E81(period, ref.tahun_awal or period.year, ref.tahun_akhir or period.year, tuple(rows), average,
               predikat_e81(average), faktor_rows(analisis),
               triwulan=tw.TRIWULAN_LABELS[tw.quarter_of(period.month) - 1],
               akhir_triwulan=tw.is_quarter_end(period.month), quarters_shown=quarters,
               lingkup=lingkup(instansi, [s.kode for s in figures.codes.values() if s.level == "kegiatan"]),
               instansi=instansi, kepala=ref.kepala, nip=ref.nip, jabatan=ref.jabatan, kota=ref.kota,
               kertas=ref.kertas or "A3")


# --- Tren Bulanan -----------------------------------------------------------------------------------


def _plan_series(ref, subs: list[CodeSeries], month: int) -> dict[int, float]:
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


def trend(ref, figures: YearFigures, subs: list[CodeSeries], output: CodeSeries | None) -> list[MonthLine]:
    month = figures.period.month
    pagu = _money_series(subs, "pagu", month)
    spent = _money_series(subs, "realisasi_anggaran", month)
    plan = _plan_series(ref, subs, month)
    # the output to date, as its Sifat adds up (a level: its value; Rata-rata: the mean of the months so far)
    done = ({m: sifat.year_value(output.realisasi, m, output.sifat_value) for m in range(1, month + 1)}
            if output is not None else {})
    return [MonthLine(m, pagu.get(m), spent.get(m), plan.get(m),
                      tw.ratio_percent(done.get(m), output.target) if output is not None else None,
                      tw.ratio_percent(spent.get(m), pagu.get(m)),
                      tw.ratio_percent(plan.get(m), pagu.get(m)) if plan.get(m) is not None else None)
            for m in range(1, month + 1)]


def tren_bulanan(ref, figures: YearFigures) -> tuple[TrenProgram, ...]:
    """Each month from January: the total of every program (kode "", uraian JUMLAH), then each
    program in code order."""
    subs = [s for s in figures.codes.values() if s.level == "sub_kegiatan"]
    out = [TrenProgram("", TOTAL, tuple(trend(ref, figures, subs, None)))]
    for kode in sorted({s.program for s in subs}, key=sort_key):
        series = figures.codes.get(kode)
        out.append(TrenProgram(kode, series.uraian if series else kode,
                               tuple(trend(ref, figures, [s for s in subs if s.program == kode], series))))
    return tuple(out)


# --- Peringatan Dini ------------------------------------------------------------------------------

ABSORPTION_BEHIND_PLAN = "Penyerapan di bawah rencana"
ABSORPTION_BEHIND_TIME = "Penyerapan di bawah waktu berjalan"
OUTPUT_BEHIND = "Capaian keluaran tertinggal dari penyerapan"
FELL = "Nilai kumulatif turun"
SILENT = "Bidang tidak mengirim"


def _points(value: float) -> str:
    return f"{number_id(value, 2)} poin"


def early_warnings(ref, figures: YearFigures, threshold: float) -> list[EarlyWarning]:
    """What needs the planner now (see ``docs/outputs.md``); ``threshold`` in percent points."""
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
    shown_as = {"realisasi": ("Realisasi keluaran", lambda v: number_id(v, 0 if float(v).is_integer() else 2)),
                "realisasi_anggaran": ("Realisasi anggaran", rupiah_text)}
    for s in sorted(figures.codes.values(), key=lambda s: sort_key(s.kode)):
        for name, d in s.drops:  # computed once per series (the intake's rule reads them too)
            label, shown = shown_as[name]
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


