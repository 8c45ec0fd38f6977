"""The period's figures (:class:`~pipeline.domain.figures.AngkaPeriode`), computed once per run.

:func:`compute_angka_periode` takes the intake's typed tables: ``ref`` the referensi (IKU,
targets, Renstra, Cascading, Bidang, Skala, Anggaran, ...), ``realisasi`` the period's
realisation (``sub``: one row per sub kegiatan, ``parents``: program and kegiatan rows,
``names``), ``odk`` the ODK rows, ``result`` the realisasi of every IKU per year
(:class:`~pipeline.domain.iku.IkuResult`), ``figures`` the year month by month, and the
submission rows.  Pure: nothing here reads a file or the environment.  Every decision the
report shows is made here (capaian, kategori, Menunjang, the overall category, efficiency, the
budget tree, E.81 and the early warnings), so ``pipeline/report`` only lays the values out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import polars as pl

from pipeline.domain import analisis, budget, indicators
from pipeline.domain.analisis import analisa_periode
from pipeline.domain.figures import (
    AngkaPeriode,
    AnggaranJenisBelanja,
    BarisAnggaran,
    Efisiensi,
    Headline,
    Iku,
    IkuTahun,
    JenisBelanja,
    JumlahAnggaran,
    KemajuanRenstra,
    KinerjaProgram,
    KinerjaUmum,
    KoperasiWilayah,
    RealisasiAnggaran,
    RekapKoperasi,
    UtamaAnggaran,
    UtamaEfisiensi,
    UtamaIku,
)
from pipeline.domain.codes import sort_key
from pipeline.domain.iku import IkuResult
from pipeline.domain.numbers import is_percent_unit
from pipeline.domain.periods import MONTH_NAMES_ID, Period
from pipeline.domain.sepanjang_tahun import sepanjang_tahun
from pipeline.domain.series import YearFigures
from pipeline.domain.submissions import SubmissionRow
from pipeline.domain.summary import mean_capaian

__all__ = ["compute_angka_periode", "iku_figures", "kemajuan_renstra", "realisasi_anggaran", "anggaran_jenis_belanja",
           "efisiensi", "kinerja_program", "rekap_koperasi", "kinerja_umum", "headline"]

LEVEL = "level"


def compute_angka_periode(ref, realisasi, odk: pl.DataFrame, result: IkuResult, figures: YearFigures,
                          period: Period, pengumpulan: Iterable[SubmissionRow], threshold: float) -> AngkaPeriode:
    """Every figure of the period, once; ``threshold``: the early-warning points (the setting
    ``LKJIP_EARLY_WARNING_POINTS``)."""
    iku = iku_figures(ref, result, period)
    angka = AngkaPeriode(
        period=period, instansi=ref.instansi, tahun_awal=ref.tahun_awal, tahun_akhir=ref.tahun_akhir,
        skala=tuple((name, float(bound)) for name, bound in ref.skala),
        iku=iku,
        renstra=kemajuan_renstra(ref, result, period),
        efisiensi=efisiensi(ref, result, realisasi, period),
        kinerja_program=kinerja_program(ref, result, realisasi, period, figures),
        realisasi_anggaran=realisasi_anggaran(ref, realisasi, figures),
        anggaran=anggaran_jenis_belanja(ref),
        koperasi=rekap_koperasi(odk, period),
        sepanjang_tahun=sepanjang_tahun(ref, figures, threshold),
        pengumpulan=tuple(pengumpulan),
        kinerja_umum=kinerja_umum(iku, period.year, ref.skala),
        cascading=tuple(dict.fromkeys(ref.cascading)),
    )
    return dataclasses.replace(angka, analisis=analisa_periode(angka))


# --- IKU -----------------------------------------------------------------------------------------


def iku_figures(ref, result: IkuResult, period: Period) -> tuple[Iku, ...]:
    """Every key indicator with its target, realisasi, capaian and kategori per year of the trend
    tables (the period's year and the one before always among them); no realisasi after the period."""
    years = sorted(set(ref.iku_years(period.year)) | {period.year - 1, period.year})
    out = []
    for record in ref.iku.iter_rows(named=True):
        kode = record["kode_iku"]
        per_year = []
        for year in years:
            target = ref.targets.get(kode, {}).get(year)
            real = result.realisasi.get(kode, {}).get(year) if year <= period.year else None
            cap = indicators.capaian(real, target, record["polaritas"])
            per_year.append(IkuTahun(
                year, target, real, cap, indicators.kategori(cap, ref.skala),
                result.source.get((kode, year)) if real is not None else None,
                result.sementara.get((kode, year)) if real is not None else None,
                result.note(kode, [year]) if real is not None else ""))
        out.append(Iku(kode, record["level"], record["pernyataan"], record["indikator"], record["satuan"],
                       record["polaritas"], is_percent_unit(record["satuan"]), tuple(per_year),
                       record.get("standar_nasional"), " ".join(str(record.get("sumber_data") or "").split())))
    return tuple(out)


def kemajuan_renstra(ref, result: IkuResult, period: Period) -> tuple[KemajuanRenstra, ...]:
    """Tabel 3.4: each IKU's realisasi up to the period against the Renstra's final target."""
    out = []
    tahun_awal = ref.tahun_awal or period.year
    for record in ref.iku.iter_rows(named=True):
        kode, satuan = record["kode_iku"], record["satuan"]
        by_year = result.realisasi.get(kode, {})
        akumulasi = record["akumulasi"] or "Tahun Berjalan"
        years = range(tahun_awal, period.year + 1) if akumulasi.lower() == "kumulatif" else [period.year]
        # a cumulative figure is shown only when no year of the Renstra so far is missing
        shown = sum(by_year[y] for y in years) if years and all(y in by_year for y in years) else None
        cap = indicators.renstra_capaian(by_year, period.year, record["target_akhir"], akumulasi, tahun_awal,
                                         record["polaritas"])
        out.append(KemajuanRenstra(kode, record["pernyataan"], record["indikator"], satuan, is_percent_unit(satuan),
                                   akumulasi, shown, record["target_akhir"], cap, indicators.tingkat_kemajuan(cap),
                                   result.note(kode, years) if shown is not None else ""))
    return tuple(out)


def _sasaran(ref) -> list[dict]:
    served = {k for program in ref.cascading for k in ref.sasaran_of(program)}
    return [r for r in ref.iku.iter_rows(named=True) if r["kode_iku"] in served]


# --- budget --------------------------------------------------------------------------------------


def _not_in_files(ref, present: set[str], figures: YearFigures | None) -> list[dict]:
    """The programs, kegiatan and sub kegiatan of the year's budget missing from the period's files:
    those an earlier month's file of the year stated (pagu and output target as last stated), and the
    programs of the referensi's Cascading no file has stated (pagu unknown); natural code order."""
    out: dict[str, dict] = {}
    known = {sort_key(c) for c in present}
    month = figures.period.month if figures is not None else 12
    label = f"{MONTH_NAMES_ID[month - 1]} {figures.period.year}" if figures is not None else ""
    codes = figures.codes if figures is not None else {}
    last_pagu: dict[str, tuple[int, float]] = {}
    for s in codes.values():
        if sort_key(s.kode) in known:
            continue
        months = [m for m in s.pagu if m < month]
        if s.level == "sub_kegiatan" and months:
            last_pagu[s.kode] = (max(months), s.pagu[max(months)])
    for s in codes.values():
        if sort_key(s.kode) in known:
            continue
        subs = ([s.kode] if s.level == "sub_kegiatan" else
                [k for k in last_pagu if k.startswith(s.kode + ".")])
        pagu = float(sum(last_pagu[k][1] for k in subs)) if subs else None
        bidang = s.bidang or ref.bidang_of(s.kode) or ""
        sent = sorted(m for m in s.pagu if m < month) or sorted(s.realisasi) or sorted(s.realisasi_anggaran)
        since = f"{MONTH_NAMES_ID[sent[-1] - 1]} {figures.period.year}" if sent else ""
        sent_now = bidang and month in figures.sent.get(bidang, set())
        why = (f" (tidak ada dalam berkas {bidang} bulan ini)" if sent_now else
               f" ({bidang} belum mengirim berkas bulan ini)" if bidang else "")
        note = (f"Tidak ada dalam berkas {label}" + why
                + "; realisasi belum diketahui" + (f", pagu menurut berkas {since}" if since and pagu is not None else "")
                + ".")
        out[s.kode] = {"level": s.level, "kode": s.kode, "uraian": s.uraian or s.kode, "bidang": bidang,
                       "program": s.program, "pagu": pagu, "indikator": s.indikator or None, "satuan": s.satuan or None,
                       "target": s.target, "keterangan": note}
    for program in ref.cascading:
        if sort_key(program) in known or program in out:
            continue
        bidang = ref.bidang_of(program) or ""
        note = (f"Belum ada berkas realisasi tahun {figures.period.year if figures is not None else ''}".rstrip()
                + (f" dari {bidang}" if bidang else "") + "; pagu dan realisasi belum diketahui.")
        out[program] = {"level": "program", "kode": program, "uraian": ref.program_names.get(program) or program,
                        "bidang": bidang, "program": program, "pagu": None, "indikator": None, "satuan": None,
                        "target": None, "keterangan": note}
    return sorted(out.values(), key=lambda r: sort_key(r["kode"]))


def realisasi_anggaran(ref, realisasi, figures: YearFigures | None = None) -> RealisasiAnggaran:
    """Tabel 3.8: the budget tree (parents are sums of their sub kegiatan) and its total; the bidang
    of a row: the one reporting it, else the referensi's, else every bidang reporting under it.  The
    rows missing from the period's files (:func:`_not_in_files`) are in the tree with realisasi N/A."""
    sub = realisasi.sub
    missing = _not_in_files(ref, _codes_in_files(realisasi), figures)
    total_2_3 = float(ref.anggaran["pagu_pergeseran"].sum()) if ref.anggaran.height else None
    if sub.height == 0:
        if not missing:
            return RealisasiAnggaran()
        rows = tuple(BarisAnggaran(m["level"], m["kode"], m["uraian"], m["bidang"], m["pagu"], None, None,
                                   m["keterangan"]) for m in missing)
        return _with_missing(RealisasiAnggaran(rows, None), missing, total_2_3)
    tree = budget.budget_tree(sub, realisasi.names)
    bidang = {r["kode"]: r["bidang"]
              for r in pl.concat([sub, realisasi.parents], how="diagonal_relaxed").iter_rows(named=True)}
    parts: dict[str, list[str]] = {}  # a program or kegiatan reported by several bidang: all of them
    for r in sub.iter_rows(named=True):
        for code in (r["program"], r["kegiatan"]):
            if r["bidang"] and r["bidang"] not in parts.setdefault(code, []):
                parts[code].append(r["bidang"])
    rows = tuple(
        BarisAnggaran(r["level"], r["kode"], r["uraian"],
                      bidang.get(r["kode"]) or ref.bidang_of(r["kode"]) or ", ".join(parts.get(r["kode"], [])),
                      r["pagu"], r["realisasi_anggaran"], r["capaian"])
        for r in tree.iter_rows(named=True))
    if missing:
        rows = tuple(sorted(rows + tuple(BarisAnggaran(m["level"], m["kode"], m["uraian"], m["bidang"], m["pagu"],
                                                       None, None, m["keterangan"]) for m in missing),
                            key=lambda b: sort_key(b.kode)))
    return _with_missing(RealisasiAnggaran(rows, JumlahAnggaran(*budget.budget_total(sub))), missing, total_2_3)


def _codes_in_files(realisasi) -> set[str]:
    """Every code the period's files give: their rows', and the program and kegiatan of each sub kegiatan
    (a file may name a program only through its sub kegiatan)."""
    codes: set[str] = set()
    for frame in (realisasi.sub, realisasi.parents):
        if frame.height:
            for column in ("kode", "program", "kegiatan"):
                if column in frame.columns:
                    codes |= {str(c) for c in frame[column].to_list() if c}
    return codes


def _with_missing(tree: RealisasiAnggaran, missing: list[dict], total_2_3: float | None) -> RealisasiAnggaran:
    """The tree with the known pagu of its missing sub kegiatan, the missing rows of unknown pagu, and
    its difference from Tabel 2.3's total."""
    known = float(sum(m["pagu"] for m in missing if m["level"] == "sub_kegiatan" and m["pagu"] is not None))
    covered = {m["kode"] for m in missing if m["pagu"] is not None}
    unknown = tuple(m["uraian"] for m in missing if m["pagu"] is None
                    and not any(c.startswith(m["kode"] + ".") for c in covered))
    tree = RealisasiAnggaran(tree.baris, tree.jumlah, known, unknown, total_2_3)
    semua = tree.pagu_semua
    selisih = None if total_2_3 is None or semua is None else total_2_3 - semua
    return RealisasiAnggaran(tree.baris, tree.jumlah, known, unknown, total_2_3, selisih)


def anggaran_jenis_belanja(ref) -> AnggaranJenisBelanja:
    """Tabel 2.3: the budget by jenis belanja before and after the shift, with its total."""
    if ref.anggaran.height == 0:
        return AnggaranJenisBelanja()
    rows = tuple(JenisBelanja(r["jenis_belanja"], r["pagu_awal"], r["pagu_pergeseran"],
                              _selisih(r["pagu_pergeseran"], r["pagu_awal"]))
                 for r in ref.anggaran.iter_rows(named=True))
    awal, geser = ref.anggaran["pagu_awal"].sum(), ref.anggaran["pagu_pergeseran"].sum()
    if ref.anggaran["pagu_awal"].null_count() == ref.anggaran.height:  # from SIPD: no budget before the shift
        awal = None
    return AnggaranJenisBelanja(rows, awal, geser, _selisih(geser, awal))


def _selisih(after: float | None, before: float | None) -> float | None:
    """The shift of a budget line; unknown when the budget before it is (SIPD gives only the one after)."""
    return None if before is None else (after or 0) - before


def _efficiency_by_sasaran(ref, realisasi) -> dict[str, dict]:
    eff = budget.efficiency(realisasi.sub, ref.cascading) if realisasi.sub.height else pl.DataFrame()
    return {r["sasaran"]: r for r in eff.iter_rows(named=True)} if eff.height else {}


def efisiensi(ref, result: IkuResult, realisasi, period: Period) -> tuple[Efisiensi, ...]:
    """Tabel 3.6: per sasaran, its outcome beside the budget of its programs' sub kegiatan and the
    efficiency Σ(pagu × CK − realisasi) / Σ(pagu × CK)."""
    by_sasaran = _efficiency_by_sasaran(ref, realisasi)
    out = []
    for record in _sasaran(ref):
        kode, satuan = record["kode_iku"], record["satuan"]
        target = ref.targets.get(kode, {}).get(period.year)
        real = result.realisasi.get(kode, {}).get(period.year)
        e = by_sasaran.get(kode, {})
        out.append(Efisiensi(kode, record["pernyataan"], record["indikator"], satuan, is_percent_unit(satuan),
                             target, real, indicators.capaian(real, target, record["polaritas"]), e.get("anggaran"),
                             e.get("realisasi_anggaran"), e.get("capaian_anggaran"), e.get("efisiensi"),
                             result.note(kode, [period.year]) if real is not None else ""))
    return tuple(out)


def _natural(code: str) -> list[int]:
    return [int(p) for p in code.split(".")]


def kinerja_program(ref, result: IkuResult, realisasi, period: Period,
                    figures: YearFigures | None = None) -> tuple[KinerjaProgram, ...]:
    """Tabel 3.7: each program, kegiatan and sub kegiatan serving a sasaran, with its output's
    capaian and whether it supports the sasaran; one missing from the period's files
    (:func:`_not_in_files`) with its figures N/A and why."""
    sub = realisasi.sub
    rows = pl.concat([realisasi.parents, sub], how="diagonal_relaxed") if sub.height else realisasi.parents
    missing = _not_in_files(ref, _codes_in_files(realisasi), figures)
    if missing:
        extra = pl.DataFrame([{"level": m["level"], "kode": m["kode"], "program": m["program"], "uraian": m["uraian"],
                               "indikator": m["indikator"], "target": m["target"], "satuan": m["satuan"],
                               "keterangan": m["keterangan"]} for m in missing],
                             schema={"level": pl.Utf8, "kode": pl.Utf8, "program": pl.Utf8, "uraian": pl.Utf8,
                                     "indikator": pl.Utf8, "target": pl.Float64, "satuan": pl.Utf8,
                                     "keterangan": pl.Utf8})
        rows = pl.concat([rows, extra], how="diagonal_relaxed") if rows.height else extra
    if rows.height == 0:
        return ()
    if "keterangan" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, dtype=pl.Utf8).alias("keterangan"))
    if "realisasi" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, dtype=pl.Float64).alias("realisasi"))
    rows = rows.with_columns(pl.col("kode").map_elements(_natural, return_dtype=pl.List(pl.Int64)).alias("_key")).sort("_key")
    out = []
    for record in _sasaran(ref):
        kode = record["kode_iku"]
        target = ref.targets.get(kode, {}).get(period.year)
        real = result.realisasi.get(kode, {}).get(period.year)
        cap_sasaran = indicators.capaian(real, target, record["polaritas"])
        for r in rows.filter(pl.col("program").is_in(ref.programs_of(kode))).iter_rows(named=True):
            cap = indicators.capaian(r["realisasi"], r["target"])
            out.append(KinerjaProgram(kode, record["pernyataan"], record["indikator"], cap_sasaran, r[LEVEL], r["kode"],
                                      r["uraian"], r["indikator"], r["target"], r["realisasi"], r["satuan"],
                                      is_percent_unit(r["satuan"]), cap, analisis.menunjang(cap, ref.skala, period.month),
                                      r["keterangan"] or ""))
    return tuple(out)


# --- cooperatives ----------------------------------------------------------------------------------


def rekap_koperasi(odk: pl.DataFrame, period: Period) -> RekapKoperasi | None:
    """Cooperatives per kabupaten/kota (all, active, active and digital in the period's Tahun Buku)
    and the growth of the active ones' volume usaha; None without ODK rows."""
    if odk.height == 0:
        return None
    n, prev = period.year, period.year - 1
    rows = odk.with_columns(
        (pl.col("status").str.strip_chars().str.to_lowercase() == "aktif").alias("_aktif"),
        (pl.col("digital").str.strip_chars().str.to_lowercase() == "ya").fill_null(False).alias("_digital"),
    )
    counts = rows.filter(pl.col("tahun_buku") == n).group_by("kabupaten").agg(
        pl.len().alias("semua"), pl.col("_aktif").sum().alias("aktif"),
        (pl.col("_aktif") & pl.col("_digital")).sum().alias("digital"),
    )
    volume = (rows.filter(pl.col("_aktif") & pl.col("tahun_buku").is_in([prev, n]))
              .group_by("kabupaten", "tahun_buku").agg(pl.col("volume_usaha").sum()))
    vol = {(r["kabupaten"], r["tahun_buku"]): r["volume_usaha"] for r in volume.iter_rows(named=True)}
    count = {r["kabupaten"]: r for r in counts.iter_rows(named=True)}
    out = []
    totals = [0, 0, 0, 0.0, 0.0]
    for region in sorted({r for r, _ in vol} | set(count)):
        c = count.get(region, {})
        a, b = vol.get((region, prev)), vol.get((region, n))
        values = [c.get("semua", 0), c.get("aktif", 0), c.get("digital", 0), a or 0.0, b or 0.0]
        totals = [x + y for x, y in zip(totals, values, strict=True)]
        growth = indicators.volume_usaha_growth({prev: a, n: b}, n) if a and b is not None else None
        out.append(KoperasiWilayah(region, *values[:3], a, b, growth))
    total_growth = indicators.volume_usaha_growth({prev: totals[3], n: totals[4]}, n) if totals[3] else None
    return RekapKoperasi(tuple(out), KoperasiWilayah("", *totals, total_growth))


# --- the office as a whole ---------------------------------------------------------------------------


def kinerja_umum(iku: Iterable[Iku], year: int, skala) -> KinerjaUmum:
    """The mean capaian of the sasaran indicators in ``year`` and its kategori on the scale."""
    caps = [(i.di(year).capaian if i.di(year) else None) for i in iku if i.is_sasaran]
    mean = mean_capaian(caps)
    return KinerjaUmum(mean, indicators.kategori(mean, skala) if mean is not None else None)


def headline(angka: AngkaPeriode) -> Headline:
    """ringkasan.json's ``utama``: this year's IKU figures, the budget total and the efficiency."""
    year = angka.period.year
    iku = tuple(UtamaIku(i.kode, i.indikator, i.satuan, i.persen, t.target, t.realisasi, t.capaian, t.kategori)
                for i in angka.iku for t in [i.di(year)])
    total = angka.realisasi_anggaran.jumlah
    anggaran = (UtamaAnggaran(total.pagu, total.realisasi, total.capaian) if total
                else UtamaAnggaran(None, None, None))
    return Headline(year, iku, anggaran,
                    tuple(UtamaEfisiensi(e.kode, e.sasaran, e.capaian_anggaran, e.efisiensi) for e in angka.efisiensi))
