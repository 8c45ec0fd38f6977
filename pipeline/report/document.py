"""The LKjIP draft (Word): the workbook's figures laid out as the published report's chapters.

:func:`document_context` turns the period's figures
(:class:`~pipeline.domain.figures.AngkaPeriode`, the same values the workbook's sheets lay
out, shown the same way: :class:`~pipeline.report.sheet.Percent`, ``N/A``) and the
referensi's texts into the variables of the Word template: Tabel 2.1–2.4 and 3.1–3.8 as
rows, and the sentences that repeat the figures, in Indonesian number style (19,61%;
Rp 26.251.229.311).  Nothing here computes a figure or decides a category: the figures
come from the model and are formatted; sentences only compare them (higher / lower,
reached / not reached) and count rows.  What only the planner
can write is a visible placeholder ``[diisi oleh perencana: …]``.

:func:`render_document` fills a template (docxtpl: Jinja2 inside a .docx) and
returns the document's bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.domain.figures import AngkaPeriode, Iku, IkuTahun
from pipeline.domain.formatting import excel_round, number_id, percent_excel
from pipeline.domain.periods import MONTH_NAMES_ID
from pipeline.intake.referensi import Referensi
from pipeline.report.sheet import Percent, Rupiah, indicator_value, percent

LEVEL_LABEL = {"program": "Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub Kegiatan"}

BUNDLED_TEMPLATE = Path(__file__).with_name("templates") / "lkjip.docx"
PLACEHOLDER = "[diisi oleh perencana: {}]"
YEARS_SHOWN = 5  # Tabel 2.1 and 3.3: the last five years up to the period's (as the published report)
LETTERS = "abcdefghijklmnopqrstuvwxyz"
CHART_WIDTH_CM = 13  # on Bab III's landscape pages: two trend charts and their captions fit one page
HORIZONTAL_CHART_WIDTH_CM = 20  # a bar-per-row chart (drawn wide and low, charts.render_png)


# --- Indonesian formatting of the sheets' typed values ------------------------------------------------


def pct(value) -> str:
    """Percent points as ``19,61%`` (rounded as Excel shows the cell); N/A stays N/A."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return percent_excel(float(value))
    return "N/A" if value in (None, "", "N/A") else str(value)


def money(value) -> str:
    """Rupiah as ``26.251.229.311`` (the tables' header says Rp)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_id(round(float(value)))
    return "N/A" if value in (None, "", "N/A") else str(value)


def rp(value) -> str:
    """Rupiah in a sentence: ``Rp 26.251.229.311``."""
    shown = money(value)
    return shown if shown == "N/A" else f"Rp {shown}"


def shown(value, satuan: str | None = None) -> str:
    """A cell as the table shows it: percentages, money, counts with their unit."""
    if isinstance(value, Percent):
        return pct(value)
    if isinstance(value, Rupiah):
        return money(value)
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, int) or (isinstance(value, float) and float(value).is_integer()):
        text = number_id(float(value), 0)
    elif isinstance(value, float):
        text = number_id(excel_round(value), 2)
    else:
        return "N/A" if value in (None, "", "N/A") else str(value)
    return f"{text} {satuan}".strip() if satuan else text


def terbilang(n: int) -> str:
    from num2words import num2words

    return num2words(int(n), lang="id")


def counted(n: int, noun: str) -> str:
    """``7 (tujuh) program``."""
    return f"{n} ({terbilang(n)}) {noun}"


def date_id(moment: datetime) -> str:
    return f"{moment.day} {MONTH_NAMES_ID[moment.month - 1]} {moment.year}"


def _num(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _words(text) -> str | None:
    """A planner's cell text on one line, or None when empty."""
    return " ".join(str(text).split()) or None if text is not None else None


def _list_id(items: list[str]) -> str:
    """``a, b dan c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " dan " + items[-1]


# --- the context -------------------------------------------------------------------------------------


@dataclass
class _Iku:
    """A key indicator as the chapters write it: its figures of the period's year and the year before
    as the tables show them (Percent for a percentage unit, N/A for no value)."""

    kode: str
    level: str  # "tujuan" | "sasaran"
    pernyataan: str
    indikator: str
    satuan: str
    tujuan: str  # the tujuan a sasaran serves (the Tujuan above it in the IKU list)
    figures: Iku
    now: IkuTahun
    before: IkuTahun

    def value(self, value):
        return indicator_value(value, self.figures.persen)

    @property
    def target(self):
        return self.value(self.now.target)

    @property
    def realisasi(self):
        return self.value(self.now.realisasi)

    @property
    def capaian(self):
        return percent(self.now.capaian)


def _ikus(angka: AngkaPeriode) -> list[_Iku]:
    year = angka.period.year
    out, tujuan = [], ""
    for i in angka.iku:
        level = str(i.level).strip().lower()
        if level == "tujuan":
            tujuan = str(i.pernyataan)
        out.append(_Iku(i.kode, level, str(i.pernyataan), str(i.indikator), str(i.satuan or ""),
                        tujuan if level == "sasaran" else str(i.pernyataan), i, i.di(year), i.di(year - 1)))
    return out


def sumber_data_note(ikus: list[_Iku]) -> str:
    """``Sumber data: Dinas X (IKU S1, S2); BPS (IKU S3).`` from the IKU's Sumber Data, or empty."""
    by_source: dict[str, list[str]] = {}
    for i in ikus:
        if i.figures.sumber_data:
            by_source.setdefault(i.figures.sumber_data, []).append(i.kode)
    if not by_source:
        return ""
    parts = [f"{source} (IKU {', '.join(kodes)})" if len(by_source) > 1 else source
             for source, kodes in by_source.items()]
    return "Sumber data: " + "; ".join(parts) + "."


def _has_figures(iku: _Iku) -> bool:
    return any(v is not None for t in (iku.now, iku.before) for v in (t.target, t.realisasi))


def _shown_ikus(ikus: list[_Iku]) -> list[_Iku]:
    """The rows of Tabel 2.1, 2.2 and 3.2–3.5 as the published report lays them out: every sasaran
    (lettered a, b, ...), and a tujuan only when it has a target of the period's year (a tujuan
    without one is the Tujuan column of Tabel 2.1/2.2, not a row of its own)."""
    return [i for i in ikus if i.level == "sasaran" or (i.now is not None and i.now.target is not None)]


# --- provisional figures and rows missing from the files (marked in the tables) -------------------------

SEMENTARA = "(sementara)"


def _cell(text: str, sementara: bool = False) -> str:
    """A table cell's text; a provisional figure followed by *(sementara)* (plain text: an office's own
    template made from an earlier bundled one lays it out as any other cell)."""
    return f"{text} {SEMENTARA}" if sementara and text != "N/A" else text


def _provisional(t: IkuTahun | None) -> bool:
    return t is not None and t.sementara is not None and t.realisasi is not None


def sementara_note(angka: AngkaPeriode) -> str:
    """Why figures are marked *(sementara)*: the unfinished data they rest on, or empty."""
    bases = list(dict.fromkeys(t.sementara for i in angka.iku for t in i.tahun if _provisional(t)))
    if not bases:
        return ""
    return (f"Angka bertanda {SEMENTARA} dihitung dari data tahun berjalan yang belum lengkap ("
            + "; ".join(bases) + "); angka tersebut akan berubah setelah data tahun itu lengkap.")


def _placeholder_rt(text: str, region: str | None = None):
    """The placeholder; with ``region``, marked as the planner's region of that key
    (:mod:`pipeline.report.regions`), so what the planner writes there is carried to later drafts."""
    from docxtpl import RichText

    rt = RichText(PLACEHOLDER.format(text), italic=True, highlight="FFF2CC")
    if region:
        from pipeline.intake.draf import markers_xml

        start, end = markers_xml(region)
        rt.xml = start + rt.xml + end
    return rt


def _text_or_placeholder(value: str | None, what: str, region: str | None = None):
    from docxtpl import RichText

    return RichText(value) if value else _placeholder_rt(what, region)


def _trend_cell(i: _Iku, year, name: str) -> str:
    if year == "":
        return ""
    t = i.figures.di(year)
    return shown(i.value(getattr(t, name)) if t is not None else None)


def _trend_realisasi(i: _Iku, year):
    """Tabel 3.3's realisasi of a year, marked when provisional (a RichText for its ``{{r }}`` cell)."""
    return _cell(_trend_cell(i, year, "realisasi"), year != "" and _provisional(i.figures.di(year)))


def document_context(ref: Referensi, angka: AngkaPeriode, made_at: datetime) -> dict:
    """Every variable of the template, formatted (charts are added by :func:`render_document`):
    the figures from ``angka``, the planner's texts (signature, analysis) from the referensi."""
    from docxtpl import RichText

    period = angka.period
    n = period.year
    draf = period.month != 12
    bulan = MONTH_NAMES_ID[period.month - 1]
    sd = f"s.d. {bulan}" if draf else ""
    tahun_sd = f"tahun {n} s.d. {bulan}" if draf else f"tahun {n}"
    ikus = _ikus(angka)
    shown_ikus = _shown_ikus(ikus)
    sasaran = [i for i in ikus if i.level == "sasaran"]
    tujuan = [i for i in ikus if i.level == "tujuan"]
    instansi = angka.instansi
    akhir = angka.tahun_akhir or n
    ctx: dict = {
        "instansi": instansi, "instansi_upper": instansi.upper(), "tahun": n, "tahun_lalu": n - 1,
        "periode": period.label_id(), "draf": draf, "sd_bulan": sd, "sd_bulan_upper": f"S.D. {bulan.upper()} {n}",
        "sd_bulan_kalimat": f" (s.d. {bulan})" if draf else "", "dibuat": f"{date_id(made_at)} {made_at:%H:%M} WITA",
        "renstra_awal": angka.tahun_awal or "", "renstra_akhir": akhir,
        "renstra_periode": f"{angka.tahun_awal}–{akhir}" if angka.tahun_awal else str(akhir),
    }
    kota = ref.kota
    ctx["kota_tanggal"] = (RichText(f"{kota}, {date_id(made_at)}") if kota
                           else _placeholder_rt(f"kota, {date_id(made_at)}", "ttd_kota_tanggal"))
    ctx["jabatan"] = _text_or_placeholder(ref.jabatan, "jabatan penandatangan", "ttd_jabatan")
    kepala = RichText()
    if ref.kepala:
        kepala.add(ref.kepala, bold=True, underline=True)
    else:
        kepala = _placeholder_rt("nama kepala", "ttd_nama")
    ctx["kepala"] = kepala
    ctx["nip"] = RichText(f"NIP. {ref.nip}") if ref.nip else _placeholder_rt("NIP", "ttd_nip")

    # --- Bab II -----------------------------------------------------------------------------------
    years = sorted({t.tahun for i in angka.iku for t in i.tahun if t.tahun <= n})[-YEARS_SHOWN:]
    years = [y for y in years] + [""] * (YEARS_SHOWN - len(years))
    ctx["tahun_2_1"] = ctx["tahun_3_3"] = years

    tujuan_text = "; ".join(f'"{t.pernyataan}" dengan indikator {t.indikator}' for t in tujuan)
    ctx["renstra_kalimat"] = (
        (f"Tujuan {instansi} dalam Renstra {ctx['renstra_periode']} adalah {tujuan_text}. " if tujuan else "")
        + f"Untuk mencapainya ditetapkan {counted(len(sasaran), 'sasaran')} beserta indikatornya, yaitu:")
    ctx["sasaran"] = [{"huruf": LETTERS[i % 26], "nomor": i + 1, "pernyataan": s.pernyataan, "indikator": s.indikator}
                      for i, s in enumerate(sasaran)]

    def first_of(items: list[_Iku], attr: str):
        seen = set()
        for item in items:
            value = getattr(item, attr)
            yield "" if value in seen else value
            seen.add(value)

    rows_2 = [i for i in shown_ikus]
    tujuan_cells = list(first_of(rows_2, "tujuan"))
    ctx["tabel_2_1"] = [
        {"no": k + 1, "tujuan": tujuan_cells[k], "sasaran": i.pernyataan if i.level == "sasaran" else "-",
         "indikator": i.indikator, "target": [_trend_cell(i, y, "target") for y in years]}
        for k, i in enumerate(rows_2)]
    ctx["tabel_2_2"] = [
        {"no": k + 1, "tujuan": tujuan_cells[k], "sasaran": i.pernyataan if i.level == "sasaran" else "-",
         "indikator": i.indikator, "satuan": i.satuan, "target": shown(i.target)}
        for k, i in enumerate(rows_2)]
    ctx["tabel_2_4"] = [
        {"no": k + 1, "sasaran": s.pernyataan, "indikator": s.indikator, "satuan": s.satuan,
         "target": shown(s.target)} for k, s in enumerate(sasaran)]

    anggaran = angka.anggaran
    if anggaran.baris:
        ctx["tabel_2_3"] = [{"no": 1, "uraian": f"Alokasi anggaran Tahun {n}", "awal": money(anggaran.pagu_awal),
                             "pergeseran": money(anggaran.pagu_pergeseran)}] + [
            {"no": k + 2, "uraian": r.jenis_belanja, "awal": money(r.pagu_awal),
             "pergeseran": money(r.pagu_pergeseran)} for k, r in enumerate(anggaran.baris)]
        ctx["anggaran_kalimat"] = (
            f"Pada Tahun Anggaran {n} {instansi} melaksanakan kegiatan dengan anggaran murni sebesar "
            f"{rp(anggaran.pagu_awal)} dengan rincian: "
            + _list_id([f"{r.jenis_belanja} {rp(r.pagu_awal)}" for r in anggaran.baris if r.pagu_awal is not None]) + "."
            if anggaran.pagu_awal is not None else
            f"Anggaran murni (sebelum pergeseran) {instansi} Tahun Anggaran {n} per jenis belanja tidak tersedia.")
        ctx["pergeseran_kalimat"] = (
            f"Setelah pergeseran anggaran, alokasinya menjadi {rp(anggaran.pagu_pergeseran)} dengan rincian: "
            + _list_id([f"{r.jenis_belanja} {rp(r.pagu_pergeseran)}" for r in anggaran.baris
                        if r.pagu_pergeseran is not None]) + "." if anggaran.pagu_pergeseran is not None else "")
    else:
        ctx["tabel_2_3"] = []
        ctx["anggaran_kalimat"] = PLACEHOLDER.format("anggaran per jenis belanja (lembar Anggaran referensi kosong)")
        ctx["pergeseran_kalimat"] = ""

    tree = angka.realisasi_anggaran
    jumlah = tree.jumlah
    n_program, n_kegiatan, n_sub = tree.count("program"), tree.count("kegiatan"), tree.count("sub_kegiatan")
    ctx["program_kalimat"] = (
        f"Guna mewujudkan kinerja yang diperjanjikan, {instansi} pada Tahun Anggaran {n} melaksanakan "
        f"{counted(n_program, 'program')} dengan {counted(n_kegiatan, 'kegiatan')} dan "
        f"{counted(n_sub, 'sub kegiatan')}"
        + (f" yang didukung oleh dana sebesar {rp(tree.pagu_semua)} ({terbilang(round(tree.pagu_semua))} rupiah)."
           if tree.pagu_semua is not None else "."))

    # --- Bab III --------------------------------------------------------------------------------------
    skala = sorted(angka.skala, key=lambda s: -s[1])
    rows_3_1 = []
    for k, (name, bound) in enumerate(skala):
        if k == 0:
            text = f"≥ {number_id(bound, 0 if float(bound).is_integer() else 2)}%"
        elif k == len(skala) - 1:
            text = f"< {number_id(skala[k - 1][1], 0 if float(skala[k - 1][1]).is_integer() else 2)}%"
        else:
            hi = skala[k - 1][1]
            text = (f"{number_id(bound, 0 if float(bound).is_integer() else 2)}% – "
                    f"< {number_id(hi, 0 if float(hi).is_integer() else 2)}%")
        rows_3_1.append({"no": LETTERS[k] + ".", "skala": text, "kategori": name})
    ctx["tabel_3_1"] = rows_3_1

    ctx["sumber_data_catatan"] = sumber_data_note(shown_ikus)
    ctx["sementara_catatan"] = sementara_note(angka)
    ctx["tabel_3_2"] = [
        {"no": LETTERS[k % 26], "pernyataan": i.pernyataan, "indikator": i.indikator,
         "target_lalu": shown(i.value(i.before.target)),
         "realisasi_lalu": _cell(shown(i.value(i.before.realisasi)), _provisional(i.before)),
         "capaian_lalu": _cell(shown(percent(i.before.capaian)), _provisional(i.before)), "target": shown(i.target),
         "realisasi": _cell(shown(i.realisasi), _provisional(i.now)),
         "capaian": _cell(shown(i.capaian), _provisional(i.now))}
        for k, i in enumerate(shown_ikus)]
    kategori_count: dict[str, int] = {}
    for i in shown_ikus:
        kat = i.now.kategori or "N/A"
        kategori_count[kat] = kategori_count.get(kat, 0) + 1
    order = [name for name, _ in skala] + ["N/A"]
    counts_text = _list_id([f"{kategori_count[k]} berkategori {k}" if k != "N/A" else f"{kategori_count[k]} belum dapat dinilai"
                            for k in order if k in kategori_count])
    ctx["kalimat_3_2"] = (f"Dari {counted(len(shown_ikus), 'indikator')} tujuan dan sasaran pada tabel di atas, "
                          f"{counts_text} pada {tahun_sd}.")

    renstra = {r.kode: r for r in angka.renstra}
    analisis = angka.analisis  # the reasons, computed in domain/analisis.py: placed here, never judged here

    iku_kalimat, renstra_list = [], []
    for i in shown_ikus:
        real, target, cap, kat = i.realisasi, i.target, i.capaian, i.now.kategori
        sementara = f" (sementara: {i.now.sementara})" if i.now.sementara and _num(real) is not None else ""
        if _num(real) is None:
            capaian = (f'Realisasi indikator "{i.indikator}" {tahun_sd} belum tersedia'
                       + (f"; targetnya {shown(target, _unit(target, i))}." if _num(target) is not None else "."))
        elif _num(target) is None:
            capaian = (f'Realisasi indikator "{i.indikator}" {tahun_sd} sebesar {shown(real, _unit(real, i))}{sementara}; '
                       f"indikator ini tidak memiliki target tahun {n} sehingga capaiannya tidak dapat dihitung.")
        else:
            capaian = (f'Realisasi indikator "{i.indikator}" {tahun_sd} sebesar {shown(real, _unit(real, i))}{sementara} '
                       f"dari target {shown(target, _unit(target, i))} dengan capaian {shown(cap)}"
                       + (f" (kategori {kat})." if kat else "."))
        found = analisis.of(i.kode) if analisis is not None else None
        perbandingan = found.kalimat_perbandingan if found is not None else ""
        rr = renstra.get(i.kode)
        if rr is not None and rr.capaian is not None:
            akhir_value = indicator_value(rr.target_akhir, rr.persen)
            sampai = indicator_value(rr.realisasi, rr.persen)
            renstra_text = (f"Terhadap target akhir Renstra tahun {akhir} sebesar {shown(akhir_value, _unit(akhir_value, i))}, "
                            f"realisasi sampai dengan tahun {n} ({shown(sampai, _unit(sampai, i))}) "
                            f"mencapai {shown(percent(rr.capaian))}"
                            + (f" ({rr.tingkat_kemajuan})." if rr.tingkat_kemajuan else "."))
        else:
            renstra_text = f"Capaian terhadap target akhir Renstra tahun {akhir} belum dapat dihitung."
        iku_kalimat.append({"capaian": capaian, "perbandingan": perbandingan, "renstra": renstra_text,
                            "analisis": " ".join(found.kalimat) if found is not None else ""})
        if found is not None:
            renstra_list.extend(found.kalimat_renstra)
    ctx["iku_kalimat"] = iku_kalimat
    ctx["renstra_kalimat_list"] = renstra_list

    ctx["tabel_3_3"] = [
        {"no": LETTERS[k % 26], "pernyataan": i.pernyataan, "indikator": i.indikator,
         "target": [_trend_cell(i, y, "target") for y in years],
         "realisasi": [_trend_realisasi(i, y) for y in years]}
        for k, i in enumerate(shown_ikus)]

    def renstra_row(i: _Iku) -> dict:
        rr = renstra.get(i.kode)
        if rr is None:
            return {"realisasi": _cell("N/A"), "target_akhir": "N/A", "capaian": _cell("N/A"), "kemajuan": "N/A"}
        provisional = rr.keterangan.startswith("Sementara")
        return {"realisasi": _cell(shown(indicator_value(rr.realisasi, rr.persen)), provisional),
                "target_akhir": shown(indicator_value(rr.target_akhir, rr.persen)),
                "capaian": _cell(shown(percent(rr.capaian)), provisional), "kemajuan": rr.tingkat_kemajuan or "N/A"}

    ctx["tabel_3_4"] = [
        {"no": LETTERS[k % 26], "pernyataan": i.pernyataan, "indikator": i.indikator, **renstra_row(i)}
        for k, i in enumerate(shown_ikus)]
    analisis_perencana = ({str(r["kode_iku"]).strip(): r for r in ref.analisis.iter_rows(named=True)}
                          if ref.analisis.height else {})
    ctx["tabel_3_5"] = [
        {"no": LETTERS[k % 26], "pernyataan": i.pernyataan, "indikator": i.indikator,
         "target": shown(i.target), "realisasi": _cell(shown(i.realisasi), _provisional(i.now)),
         "capaian": _cell(shown(i.capaian), _provisional(i.now)),
         "analisis": _text_or_placeholder(_words(analisis_perencana.get(i.kode, {}).get("analisis")),
                                          "analisis keberhasilan/kegagalan (lembar Analisis referensi)",
                                          f"analisis_{i.kode}"),
         "solusi": _text_or_placeholder(_words(analisis_perencana.get(i.kode, {}).get("solusi")),
                                        "solusi yang dilakukan (lembar Analisis referensi)",
                                        f"solusi_{i.kode}")}
        for k, i in enumerate(shown_ikus)]

    efisiensi = angka.efisiensi
    ctx["tabel_3_6"] = [
        {"no": LETTERS[k % 26], "sasaran": e.sasaran, "target": shown(indicator_value(e.target, e.persen)),
         "realisasi": _cell(shown(indicator_value(e.realisasi, e.persen)), e.keterangan.startswith("Sementara")),
         "capaian": _cell(shown(percent(e.capaian)), e.keterangan.startswith("Sementara")), "anggaran": money(e.anggaran),
         "realisasi_anggaran": money(e.realisasi_anggaran), "capaian_anggaran": pct(e.capaian_anggaran),
         "efisiensi": pct(e.efisiensi)} for k, e in enumerate(efisiensi)]
    ctx["efisiensi_rumus"] = (
        "Tingkat efisiensi diukur dengan membandingkan jumlah selisih antara perkalian pagu anggaran keluaran "
        "dengan capaian keluaran dan realisasi anggaran keluaran, dengan jumlah perkalian pagu anggaran keluaran "
        "dengan capaian keluaran: Efisiensi = Σ(pagu × CK − realisasi anggaran) ÷ Σ(pagu × CK) × 100%, dengan CK "
        "capaian keluaran setiap sub kegiatan (paling tinggi 100%).")
    ctx["efisiensi_kalimat"] = [s.kalimat for s in analisis.sasaran if s.kalimat] if analisis is not None else []

    rows_3_7, seen, letter = [], set(), -1
    by_kode = {i.kode: i for i in ikus}
    for r in angka.kinerja_program:
        first = r.kode_iku not in seen
        if first:
            seen.add(r.kode_iku)
            letter += 1
        uraian = RichText()
        level = LEVEL_LABEL[r.level]
        if level == "Program":
            uraian.add(str(r.uraian), bold=True)
        else:
            uraian.add(f"{level} ", italic=True)
            uraian.add(str(r.uraian))
        if r.keterangan:
            uraian.add("\n" + r.keterangan, italic=True, size=14)
        target, realisasi = indicator_value(r.target, r.persen), indicator_value(r.realisasi, r.persen)
        satuan = r.satuan or ""
        rows_3_7.append({
            "no": LETTERS[letter % 26] if first else "", "sasaran": r.sasaran if first else "",
            "indikator_sasaran": r.indikator_sasaran if first else "",
            "capaian_sasaran": (_cell(shown(percent(r.capaian_sasaran)),
                                      _provisional(by_kode[r.kode_iku].now) if r.kode_iku in by_kode else False)
                                if first else _cell("")), "uraian": uraian,
            "indikator": r.indikator or "-", "target": shown(target, satuan if not isinstance(target, Percent) else None),
            "realisasi": shown(realisasi, satuan if not isinstance(realisasi, Percent) else None),
            "capaian": shown(percent(r.capaian)), "menunjang": r.menunjang})
    ctx["tabel_3_7"] = rows_3_7
    ctx["program_sasaran_kalimat"] = [d.kalimat for d in analisis.dukungan] if analisis is not None else []

    rows_3_8, p_no, k_no = [], 0, 0
    for r in _programs_in_report_order(tree.baris, list(angka.cascading)):
        uraian = RichText()
        if r.level == "program":
            p_no, k_no = p_no + 1, 0
            no = str(p_no)
            uraian.add(str(r.uraian), bold=True)
        elif r.level == "kegiatan":
            k_no += 1
            no = LETTERS[(k_no - 1) % 26]
            uraian.add(str(r.uraian))
        else:
            no = ""
            uraian.add(str(r.uraian), italic=True)
        if r.keterangan:
            uraian.add("\n" + r.keterangan, italic=True, size=14)
        rows_3_8.append({"no": no, "uraian": uraian, "level": LEVEL_LABEL[r.level], "pagu": money(r.pagu),
                         "realisasi": money(r.realisasi), "capaian": pct(r.capaian)})
    ctx["tabel_3_8"] = rows_3_8
    ctx["total_3_8_baris"], ctx["catatan_3_8"] = _totals_3_8(tree, bulan if draf else "")
    ctx["total_3_8"] = ctx["total_3_8_baris"][-1]  # the JUMLAH row (an office template's single total row)
    programs = [r for r in tree.baris if r.level == "program" and r.capaian is not None]
    ctx["realisasi_anggaran_pembuka"] = (
        f"Pelaksanaan tugas pokok dan fungsi {instansi} pada tahun anggaran {n} didukung anggaran sebesar "
        f"{rp(tree.pagu_semua) if tree.pagu_semua is not None else 'yang rinciannya belum tersedia'}"
        + (" dengan rincian sebagai berikut:" if tree.pagu_semua is not None else "."))
    text = (f"Realisasi anggaran {tahun_sd} pada {counted(n_program, 'program')} sebesar "
            f"{rp(jumlah.realisasi)} dari pagu {rp(jumlah.pagu)}"
            + (f" atau {pct(jumlah.capaian)}." if jumlah.capaian is not None else ".")
            if jumlah else "Realisasi anggaran belum tersedia.")
    if len(programs) > 1:
        hi = max(programs, key=lambda r: r.capaian)
        lo = min(programs, key=lambda r: r.capaian)
        text += (f" Capaian tertinggi pada {hi.uraian} ({pct(hi.capaian)}) dan terendah pada "
                 f"{lo.uraian} ({pct(lo.capaian)}).")
    ctx["realisasi_anggaran_kalimat"] = text

    # --- Ringkasan Eksekutif and Bab IV ---------------------------------------------------------------------
    s_count: dict[str, int] = {}
    for s in sasaran:
        kat = s.now.kategori or "N/A"
        s_count[kat] = s_count.get(kat, 0) + 1
    s_text = _list_id([f"{s_count[k]} sasaran berkategori {k}" if k != "N/A" else f"{s_count[k]} sasaran belum dapat dinilai"
                       for k in order if k in s_count])
    ctx["ringkasan"] = {
        "pembuka": (f"Laporan Kinerja Instansi Pemerintah {instansi} {tahun_sd} merupakan pertanggungjawaban atas "
                    f"Perjanjian Kinerja tahun {n}, yang memuat {counted(len(sasaran), 'sasaran strategis')} dengan "
                    f"{counted(len(sasaran), 'indikator kinerja sasaran')} dari Renstra {ctx['renstra_periode']}."),
        "kategori": (f"Hasil pengukuran {tahun_sd}: dari {counted(len(sasaran), 'sasaran')}, {s_text}. "
                     + (analisis.rata_rata.kalimat if analisis is not None else "")),
        "anggaran": (f"Realisasi anggaran {tahun_sd} sebesar {rp(jumlah.realisasi)} dari pagu "
                     f"{rp(jumlah.pagu)}" + (f" ({pct(jumlah.capaian)})." if jumlah.capaian is not None else ".")
                     if jumlah else "Realisasi anggaran belum tersedia."),
        "efisiensi": ("Tingkat efisiensi penggunaan sumber daya: "
                      + _list_id([f'{pct(e.efisiensi)} pada sasaran "{e.sasaran}"' for e in efisiensi
                                  if e.efisiensi is not None]) + "."
                      if any(e.efisiensi is not None for e in efisiensi) else "Tingkat efisiensi belum dapat dihitung."),
    }
    reached = sum(1 for s in sasaran if s.now.tercapai)
    ctx["kesimpulan_pembuka"] = (
        f"Berdasarkan hasil pengukuran kinerja terhadap {counted(len(sasaran), 'sasaran')} dengan "
        f"{counted(len(sasaran), 'indikator kinerja sasaran')}, kesimpulan LKjIP {instansi} {tahun_sd} adalah sebagai berikut:")
    kesimpulan = []
    for s in sasaran:
        status = ("capaian belum dapat dihitung" if s.now.tercapai is None else "target tercapai" if s.now.tercapai
                  else f"target belum tercapai{' ' + sd if draf else ''}")
        figures = []
        if _num(s.realisasi) is not None:
            figures.append(f"realisasi {shown(s.realisasi, _unit(s.realisasi, s))}"
                           + (" (sementara)" if s.now.sementara else "")
                           + (f" dari target {shown(s.target, _unit(s.target, s))}" if _num(s.target) is not None else ""))
        elif _num(s.target) is not None:
            figures.append(f"target {shown(s.target, _unit(s.target, s))}, realisasi belum tersedia")
        if _num(s.capaian) is not None:
            figures.append(f"capaian {shown(s.capaian)}" + (f" (kategori {s.now.kategori})" if s.now.kategori else ""))
        kesimpulan.append(f'Sasaran "{s.pernyataan}" dengan indikator "{s.indikator}": '
                          + (", ".join(figures) + "; " if figures else "") + f"{status}.")
    kesimpulan.append(f"Dari {counted(len(sasaran), 'indikator kinerja sasaran')}, {reached} telah mencapai target yang ditetapkan"
                      f"{' ' + tahun_sd if draf else ''}.")
    if analisis is not None:
        kesimpulan.extend(analisis.kesimpulan)
    ctx["kesimpulan"] = kesimpulan
    ctx["tindak_lanjut"] = list(analisis.tindak_lanjut) if analisis is not None else []
    ctx.update(_lampiran(ref, angka, ikus, sasaran))
    return ctx


SUMBER_LABEL = {"VOLUME_USAHA_KOPERASI": "Online Data Koperasi (ODK)", "RASIO_KEWIRAUSAHAAN": "Statistik (BPS)",
                "KUMKM_DIGITAL": "Online Data Koperasi (ODK) dan Statistik", "MANUAL": "Ditetapkan perencana"}
LAMPIRAN_YEARS = 5


def _lampiran(ref: Referensi, angka: AngkaPeriode, ikus: list[_Iku], sasaran: list[_Iku]) -> dict:
    """The appendices from the data: the Perjanjian Kinerja (sasaran, indikator and target of the year,
    the programs with their pagu) and the IKU document (indicator, formula, sumber data, satuan,
    polarity and the target of each Renstra year)."""
    n = angka.period.year
    pk = [{"no": k + 1, "sasaran": s.pernyataan, "indikator": s.indikator, "satuan": s.satuan,
           "target": shown(s.target)} for k, s in enumerate(sasaran)]
    tree = angka.realisasi_anggaran
    programs = [r for r in _programs_in_report_order(tree.baris, list(angka.cascading)) if r.level == "program"]
    pk_program = [{"no": k + 1, "program": str(r.uraian), "pagu": money(r.pagu),
                   "keterangan": "Program penunjang" if r.kode not in angka.cascading else ""}
                  for k, r in enumerate(programs)]
    first = angka.tahun_awal or n
    last = angka.tahun_akhir or n
    years = list(range(first, last + 1))[:LAMPIRAN_YEARS] if last >= first else [n]
    years = years + [""] * (LAMPIRAN_YEARS - len(years))
    records = {str(r["kode_iku"]): r for r in ref.iku.iter_rows(named=True)} if ref.iku.height else {}
    iku_rows = []
    for k, i in enumerate(ikus):
        record = records.get(i.kode, {})
        formula = _words(record.get("formula")) or "-"
        sumber = i.figures.sumber_data or SUMBER_LABEL.get(str(record.get("sumber") or "").strip().upper(), "") or "-"
        targets = []
        for y in years:
            t = i.figures.di(y) if y != "" else None
            value = t.target if t is not None else ref.targets.get(i.kode, {}).get(y) if y != "" else None
            targets.append("" if y == "" else shown(i.value(value)))
        iku_rows.append({"no": k + 1, "level": "Tujuan" if i.level == "tujuan" else "Sasaran",
                         "pernyataan": i.pernyataan, "indikator": i.indikator, "formula": formula, "sumber": sumber,
                         "satuan": i.satuan or "-", "sifat": i.figures.polaritas or "Positif", "target": targets})
    return {"lampiran_pk": pk, "lampiran_pk_program": pk_program,
            "lampiran_pk_jumlah": money(tree.pagu_semua) if tree.pagu_semua is not None else "N/A",
            "lampiran_iku": iku_rows, "tahun_lampiran": years,
            "renstra_lampiran": f"{first}–{last}" if last > first else str(last)}


def _totals_3_8(tree, bulan: str) -> tuple[list[dict], list[str]]:
    """Tabel 3.8's total rows and the notes under it: one JUMLAH row when every row of the budget was
    reported; else the reported total, the pagu not yet reported and the JUMLAH of the whole budget
    (its realisasi N/A).  The notes say which rows are missing and, when the JUMLAH is not Tabel 2.3's
    total, both figures and the difference."""
    jumlah = tree.jumlah
    missing = tree.belum_dilaporkan
    reported = ({"uraian": "JUMLAH", "pagu": money(jumlah.pagu), "realisasi": money(jumlah.realisasi),
                 "capaian": pct(jumlah.capaian)} if jumlah else
                {"uraian": "JUMLAH", "pagu": "N/A", "realisasi": "N/A", "capaian": "N/A"})
    if not missing:
        rows = [reported]
    else:
        reported["uraian"] = "Jumlah yang dilaporkan"
        rows = [reported,
                {"uraian": "Belum dilaporkan" + (f" (pagu {len(tree.tanpa_pagu)} program/kegiatan belum diketahui)"
                                                 if tree.tanpa_pagu else ""),
                 "pagu": money(tree.pagu_belum_dilaporkan) if tree.pagu_belum_dilaporkan or not tree.tanpa_pagu else "N/A",
                 "realisasi": "N/A", "capaian": "N/A"},
                {"uraian": "JUMLAH", "pagu": money(tree.pagu_semua), "realisasi": "N/A", "capaian": "N/A"}]
    notes = []
    if missing:
        names = _list_id([f"{b.uraian}" + (f" ({b.bidang})" if b.bidang else "")
                          for b in missing if b.level == "program"] or
                         [f"{LEVEL_LABEL[b.level]} {b.uraian}" for b in missing])
        notes.append(f"Tidak ada dalam berkas realisasi{' bulan ' + bulan if bulan else ''}: {names}. "
                     "Barisnya tetap dicantumkan dengan realisasi N/A; pagunya menurut berkas terakhir yang memuatnya"
                     + (", atau N/A bila belum pernah dilaporkan" if tree.tanpa_pagu else "") + ".")
    if tree.selisih_jenis_belanja is not None and abs(tree.selisih_jenis_belanja) >= 0.5:
        notes.append(f"Jumlah pagu Tabel 3.8 ({rp(tree.pagu_semua)}) tidak sama dengan total anggaran Tabel 2.3 "
                     f"({rp(tree.pagu_jenis_belanja)}): selisih {rp(abs(tree.selisih_jenis_belanja))}"
                     + (f", antara lain karena pagu {_list_id(list(tree.tanpa_pagu))} belum diketahui"
                        if tree.tanpa_pagu else "") + ".")
    return rows, notes


def _programs_in_report_order(tree, served: list[str]) -> list:
    """Tabel 3.8's rows as the published report numbers them: the programs that serve a sasaran first,
    in the order of the referensi's Cascading sheet, then the others (the penunjang program) in code
    order, each followed by its kegiatan and sub kegiatan."""
    groups: list[list] = []
    for r in tree:
        if r.level == "program" or not groups:
            groups.append([])
        groups[-1].append(r)
    rank = {kode: i for i, kode in enumerate(dict.fromkeys(served))}
    ordered = sorted(enumerate(groups), key=lambda g: (rank.get(g[1][0].kode, len(rank)), g[0]))
    return [r for _, group in ordered for r in group]


def _unit(value, iku: _Iku) -> str | None:
    """The unit written after a non-percent figure in a sentence."""
    return None if isinstance(value, Percent) else (iku.satuan or None)


# --- rendering -------------------------------------------------------------------------------------------


def _figures(tpl, charts: list[tuple]) -> dict:
    from docx.shared import Cm
    from docxtpl import InlineImage

    groups = {"gambar_capaian": [], "gambar_iku": [], "gambar_anggaran": []}
    every = []
    for k, (chart, png) in enumerate(charts, start=1):
        group = ("gambar_capaian" if chart.key == "capaian-sasaran" else
                 "gambar_anggaran" if chart.key == "anggaran-program" else "gambar_iku")
        groups[group].append((chart, png))
    number = 0
    for group in ("gambar_capaian", "gambar_iku", "gambar_anggaran"):
        items = []
        for chart, png in groups[group]:
            number += 1
            width = HORIZONTAL_CHART_WIDTH_CM if chart.horizontal else CHART_WIDTH_CM
            item = {"gambar": InlineImage(tpl, io.BytesIO(png), width=Cm(width)), "judul": chart.title,
                    "nomor": f"3.{number}", "bookmark": f"_Ref_lkjip_g{number}", "bid": 90000 + number}
            items.append(item)
            every.append(item)
        groups[group] = items
    return {**groups, "gambar": every}


def render_document(context: dict, charts: list[tuple], template: Path | None = None) -> bytes:
    """Fill ``template`` (default: the bundled one) with ``context`` and the chart PNGs; the .docx bytes."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(template or BUNDLED_TEMPLATE))
    tpl.render({**context, **_figures(tpl, charts)}, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
