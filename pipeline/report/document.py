"""The LKjIP draft (Word): the workbook's figures laid out as the published report's chapters.

:func:`document_context` turns the sheets the workbook is written from (the
same typed values: :class:`~pipeline.report.sheet.Percent`,
:class:`~pipeline.report.sheet.Rupiah`, ``N/A``) and the referensi into the
variables of the Word template: Tabel 2.1–2.4 and 3.1–3.8 as rows, and the
sentences that repeat the figures, in Indonesian number style (19,61%;
Rp 26.251.229.311).  Nothing here computes a figure the workbook computes:
figures are read from the sheets and formatted; sentences only compare them
(higher / lower, reached / not reached) and count rows.  What only the planner
can write is a visible placeholder ``[diisi oleh perencana: …]``.

:func:`render_document` fills a template (docxtpl: Jinja2 inside a .docx) and
returns the document's bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from datetime import datetime
from pathlib import Path

from pipeline.domain.indicators import kategori as kategori_of
from pipeline.domain.periods import MONTH_NAMES_ID, Period
from pipeline.domain.summary import mean_capaian
from pipeline.intake.referensi import Referensi
from pipeline.report.charts import Chart
from pipeline.domain.formatting import number_id
from pipeline.report.sheet import Percent, Rupiah, SheetTable

BUNDLED_TEMPLATE = Path(__file__).with_name("templates") / "lkjip.docx"
PLACEHOLDER = "[diisi oleh perencana: {}]"
YEARS_SHOWN = 5  # Tabel 2.1 and 3.3: the last five years up to the period's (as the published report)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


# --- Indonesian formatting of the sheets' typed values ------------------------------------------------


def excel_round(value: float, decimals: int = 2) -> Decimal:
    """``value`` rounded as Excel shows it (15 significant digits, then half away from zero), so the
    document prints what the workbook's ``0.00%`` cell shows: 245,125 becomes 245,13."""
    return Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)


def pct(value) -> str:
    """Percent points as ``19,61%``; N/A stays N/A."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{number_id(excel_round(float(value)), 2)}%"
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


def _records(table: SheetTable | None) -> list[dict]:
    if table is None:
        return []
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


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
class Iku:
    kode: str
    level: str  # "tujuan" | "sasaran"
    pernyataan: str
    indikator: str
    satuan: str
    tujuan: str  # the tujuan a sasaran serves (the Tujuan row above it in the IKU sheet)
    now: dict
    before: dict
    sumber_data: str = ""  # who measured it (the IKU's Sumber Data), for the note under the IKU tables


def _ikus(sheets: dict[str, SheetTable], year: int) -> list[Iku]:
    by_kode: dict[str, dict[int, dict]] = {}
    order: list[str] = []
    for r in _records(sheets.get("IKU")):
        if r["Kode IKU"] not in by_kode:
            order.append(r["Kode IKU"])
        by_kode.setdefault(r["Kode IKU"], {})[r["Tahun"]] = r
    out, tujuan = [], ""
    for kode in order:
        years = by_kode[kode]
        any_row = next(iter(years.values()))
        level = str(any_row["Level"]).strip().lower()
        if level == "tujuan":
            tujuan = str(any_row["Tujuan/Sasaran"])
        out.append(Iku(kode, level, str(any_row["Tujuan/Sasaran"]), str(any_row["Indikator"]),
                       str(any_row["Satuan"] or ""), tujuan if level == "sasaran" else str(any_row["Tujuan/Sasaran"]),
                       years.get(year, {}), years.get(year - 1, {}),
                       " ".join(str(any_row.get("Sumber Data") or "").split())))
    return out


def sumber_data_note(ikus: list[Iku]) -> str:
    """``Sumber data: Dinas X (IKU S1, S2); BPS (IKU S3).`` from the IKU's Sumber Data, or empty."""
    by_source: dict[str, list[str]] = {}
    for i in ikus:
        if i.sumber_data:
            by_source.setdefault(i.sumber_data, []).append(i.kode)
    if not by_source:
        return ""
    parts = [f"{source} (IKU {', '.join(kodes)})" if len(by_source) > 1 else source
             for source, kodes in by_source.items()]
    return "Sumber data: " + "; ".join(parts) + "."


def _has_figures(iku: Iku) -> bool:
    return any(_num(r.get(k)) is not None for r in (iku.now, iku.before) for k in ("Target", "Realisasi"))


def _shown_ikus(ikus: list[Iku]) -> list[Iku]:
    """Every sasaran, and a tujuan only when it has a target or realisasi to show."""
    return [i for i in ikus if i.level == "sasaran" or _has_figures(i)]


def _placeholder_rt(text: str):
    from docxtpl import RichText

    return RichText(PLACEHOLDER.format(text), italic=True, highlight="FFF2CC")


def _text_or_placeholder(value: str | None, what: str):
    from docxtpl import RichText

    return RichText(value) if value else _placeholder_rt(what)


def document_context(ref: Referensi, period: Period, made_at: datetime, sheets: dict[str, SheetTable]) -> dict:
    """Every variable of the template, formatted (charts are added by :func:`render_document`)."""
    from docxtpl import RichText

    n = period.year
    draf = period.month != 12
    bulan = MONTH_NAMES_ID[period.month - 1]
    sd = f"s.d. {bulan}" if draf else ""
    tahun_sd = f"tahun {n} s.d. {bulan}" if draf else f"tahun {n}"
    ikus = _ikus(sheets, n)
    shown_ikus = _shown_ikus(ikus)
    sasaran = [i for i in ikus if i.level == "sasaran"]
    tujuan = [i for i in ikus if i.level == "tujuan"]
    akhir = ref.tahun_akhir or n
    ctx: dict = {
        "instansi": ref.instansi, "instansi_upper": ref.instansi.upper(), "tahun": n, "tahun_lalu": n - 1,
        "periode": period.label_id(), "draf": draf, "sd_bulan": sd, "sd_bulan_upper": f"S.D. {bulan.upper()} {n}",
        "sd_bulan_kalimat": f" (s.d. {bulan})" if draf else "", "dibuat": f"{date_id(made_at)} {made_at:%H:%M} WITA",
        "renstra_awal": ref.tahun_awal or "", "renstra_akhir": akhir,
        "renstra_periode": f"{ref.tahun_awal}–{akhir}" if ref.tahun_awal else str(akhir),
    }
    kota = ref.kota
    ctx["kota_tanggal"] = (RichText(f"{kota}, {date_id(made_at)}") if kota
                           else _placeholder_rt(f"kota, {date_id(made_at)}"))
    ctx["jabatan"] = _text_or_placeholder(ref.jabatan, "jabatan penandatangan")
    kepala = RichText()
    if ref.kepala:
        kepala.add(ref.kepala, bold=True, underline=True)
    else:
        kepala = _placeholder_rt("nama kepala")
    ctx["kepala"] = kepala
    ctx["nip"] = RichText(f"NIP. {ref.nip}") if ref.nip else _placeholder_rt("NIP")

    # --- Bab II -----------------------------------------------------------------------------------
    tren = _records(sheets.get("Tren IKU"))
    years = sorted({r["Tahun"] for r in tren if isinstance(r["Tahun"], int) and r["Tahun"] <= n})[-YEARS_SHOWN:]
    years = [y for y in years] + [""] * (YEARS_SHOWN - len(years))
    tren_by = {(r["Kode IKU"], r["Tahun"]): r for r in tren}
    ctx["tahun_2_1"] = ctx["tahun_3_3"] = years

    tujuan_text = "; ".join(f'"{t.pernyataan}" dengan indikator {t.indikator}' for t in tujuan)
    ctx["renstra_kalimat"] = (
        (f"Tujuan {ref.instansi} dalam Renstra {ctx['renstra_periode']} adalah {tujuan_text}. " if tujuan else "")
        + f"Untuk mencapainya ditetapkan {counted(len(sasaran), 'sasaran')} beserta indikatornya, yaitu:")
    ctx["sasaran"] = [{"huruf": LETTERS[i % 26], "nomor": i + 1, "pernyataan": s.pernyataan, "indikator": s.indikator}
                      for i, s in enumerate(sasaran)]

    def first_of(items: list[Iku], attr: str):
        seen = set()
        for item in items:
            value = getattr(item, attr)
            yield "" if value in seen else value
            seen.add(value)

    rows_2 = [i for i in shown_ikus]
    tujuan_cells = list(first_of(rows_2, "tujuan"))
    ctx["tabel_2_1"] = [
        {"no": k + 1, "tujuan": tujuan_cells[k], "sasaran": i.pernyataan if i.level == "sasaran" else "-",
         "indikator": i.indikator,
         "target": [shown(tren_by.get((i.kode, y), {}).get("Target")) if y != "" else "" for y in years]}
        for k, i in enumerate(rows_2)]
    ctx["tabel_2_2"] = [
        {"no": k + 1, "tujuan": tujuan_cells[k], "sasaran": i.pernyataan if i.level == "sasaran" else "-",
         "indikator": i.indikator, "satuan": i.satuan, "target": shown(i.now.get("Target"))}
        for k, i in enumerate(rows_2)]
    ctx["tabel_2_4"] = [
        {"no": k + 1, "sasaran": s.pernyataan, "indikator": s.indikator, "satuan": s.satuan,
         "target": shown(s.now.get("Target"))} for k, s in enumerate(sasaran)]

    anggaran = _records(sheets.get("Anggaran"))
    jenis = [r for r in anggaran if not str(r["Jenis Belanja"]).startswith("Alokasi Anggaran")]
    total = next((r for r in anggaran if str(r["Jenis Belanja"]).startswith("Alokasi Anggaran")), None)
    if total is not None:
        ctx["tabel_2_3"] = [{"no": 1, "uraian": f"Alokasi anggaran Tahun {n}", "awal": money(total["Pagu Awal (Rp)"]),
                             "pergeseran": money(total["Pagu Pergeseran (Rp)"])}] + [
            {"no": k + 2, "uraian": r["Jenis Belanja"], "awal": money(r["Pagu Awal (Rp)"]),
             "pergeseran": money(r["Pagu Pergeseran (Rp)"])} for k, r in enumerate(jenis)]
        ctx["anggaran_kalimat"] = (
            f"Pada Tahun Anggaran {n} {ref.instansi} melaksanakan kegiatan dengan anggaran murni sebesar "
            f"{rp(total['Pagu Awal (Rp)'])} dengan rincian: "
            + _list_id([f"{r['Jenis Belanja']} {rp(r['Pagu Awal (Rp)'])}" for r in jenis]) + ".")
        ctx["pergeseran_kalimat"] = (
            f"Setelah pergeseran anggaran, alokasinya menjadi {rp(total['Pagu Pergeseran (Rp)'])} dengan rincian: "
            + _list_id([f"{r['Jenis Belanja']} {rp(r['Pagu Pergeseran (Rp)'])}" for r in jenis]) + ".")
    else:
        ctx["tabel_2_3"] = []
        ctx["anggaran_kalimat"] = PLACEHOLDER.format("anggaran per jenis belanja (lembar Anggaran referensi kosong)")
        ctx["pergeseran_kalimat"] = ""

    tree = _records(sheets.get("Realisasi Anggaran"))
    levels = [r["Level"] for r in tree]
    jumlah = next((r for r in tree if r["Level"] == "Jumlah"), None)
    ctx["program_kalimat"] = (
        f"Guna mewujudkan kinerja yang diperjanjikan, {ref.instansi} pada Tahun Anggaran {n} melaksanakan "
        f"{counted(levels.count('Program'), 'program')} dengan {counted(levels.count('Kegiatan'), 'kegiatan')} dan "
        f"{counted(levels.count('Sub Kegiatan'), 'sub kegiatan')} yang didukung oleh dana sebesar "
        + (f"{rp(jumlah['Pagu (Rp)'])} ({terbilang(round(jumlah['Pagu (Rp)']))} rupiah)." if jumlah and _num(jumlah['Pagu (Rp)']) is not None
           else "N/A."))

    # --- Bab III --------------------------------------------------------------------------------------
    skala = sorted(ref.skala, key=lambda s: -s[1])
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
    ctx["tabel_3_2"] = [
        {"no": LETTERS[k % 26], "pernyataan": i.pernyataan, "indikator": i.indikator,
         "target_lalu": shown(i.before.get("Target")), "realisasi_lalu": shown(i.before.get("Realisasi")),
         "capaian_lalu": shown(i.before.get("Capaian")), "target": shown(i.now.get("Target")),
         "realisasi": shown(i.now.get("Realisasi")), "capaian": shown(i.now.get("Capaian"))}
        for k, i in enumerate(shown_ikus)]
    kategori_count: dict[str, int] = {}
    for i in shown_ikus:
        kat = i.now.get("Kategori") or "N/A"
        kategori_count[kat] = kategori_count.get(kat, 0) + 1
    order = [name for name, _ in skala] + ["N/A"]
    counts_text = _list_id([f"{kategori_count[k]} berkategori {k}" if k != "N/A" else f"{kategori_count[k]} belum dapat dinilai (N/A)"
                            for k in order if k in kategori_count])
    ctx["kalimat_3_2"] = (f"Dari {counted(len(shown_ikus), 'indikator')} tujuan dan sasaran pada tabel di atas, "
                          f"{counts_text} pada {tahun_sd}.")

    renstra = {r["Kode IKU"]: r for r in _records(sheets.get("Renstra"))}
    renstra_cols = sheets["Renstra"].columns if "Renstra" in sheets else []
    realisasi_col = next((c for c in renstra_cols if c.startswith("Realisasi s.d.")), None)
    target_akhir_col = next((c for c in renstra_cols if c.startswith("Target Akhir Renstra")), None)

    iku_kalimat, renstra_list = [], []
    for i in shown_ikus:
        real, target, cap, kat = (i.now.get(k) for k in ("Realisasi", "Target", "Capaian", "Kategori"))
        if _num(real) is None:
            capaian = (f'Realisasi indikator "{i.indikator}" {tahun_sd} belum tersedia (N/A)'
                       + (f"; targetnya {shown(target)}." if _num(target) is not None else "."))
        elif _num(target) is None:
            capaian = (f'Realisasi indikator "{i.indikator}" {tahun_sd} sebesar {shown(real, _unit(real, i))}; '
                       f"indikator ini tidak memiliki target tahun {n} sehingga capaiannya tidak dapat dihitung (N/A).")
        else:
            capaian = (f'Realisasi indikator "{i.indikator}" {tahun_sd} sebesar {shown(real, _unit(real, i))} dari target '
                       f"{shown(target, _unit(target, i))} dengan capaian {shown(cap)} (kategori {kat}).")
        prev = i.before.get("Realisasi")
        if _num(prev) is not None and _num(real) is not None:
            direction = ("lebih tinggi dari" if _num(real) > _num(prev) else
                         "lebih rendah dari" if _num(real) < _num(prev) else "sama dengan")
            cap_prev = i.before.get("Capaian")
            perbandingan = (f"Realisasi tersebut {direction} realisasi tahun {n - 1} sebesar {shown(prev, _unit(prev, i))}"
                            + (f" (capaian {shown(cap_prev)})." if _num(cap_prev) is not None else "."))
        else:
            perbandingan = f"Realisasi tahun {n - 1} tidak tersedia (N/A), sehingga belum dapat dibandingkan."
        rr = renstra.get(i.kode, {})
        cap_r, akhir_value = rr.get("Capaian"), rr.get(target_akhir_col) if target_akhir_col else None
        if _num(cap_r) is not None:
            renstra_text = (f"Terhadap target akhir Renstra tahun {akhir} sebesar {shown(akhir_value, _unit(akhir_value, i))}, "
                            f"realisasi sampai dengan tahun {n} ({shown(rr.get(realisasi_col), _unit(rr.get(realisasi_col), i))}) "
                            f"mencapai {shown(cap_r)} ({rr.get('Tingkat Kemajuan')}).")
        else:
            renstra_text = f"Capaian terhadap target akhir Renstra tahun {akhir} belum dapat dihitung (N/A)."
        iku_kalimat.append({"capaian": capaian, "perbandingan": perbandingan, "renstra": renstra_text})
        renstra_list.append(f'Indikator "{i.indikator}": {renstra_text}')
    ctx["iku_kalimat"] = iku_kalimat
    ctx["renstra_kalimat_list"] = renstra_list

    ctx["tabel_3_3"] = [
        {"no": LETTERS[k % 26], "pernyataan": i.pernyataan, "indikator": i.indikator,
         "target": [shown(tren_by.get((i.kode, y), {}).get("Target")) if y != "" else "" for y in years],
         "realisasi": [shown(tren_by.get((i.kode, y), {}).get("Realisasi")) if y != "" else "" for y in years]}
        for k, i in enumerate(shown_ikus)]
    ctx["tabel_3_4"] = [
        {"no": LETTERS[k % 26], "pernyataan": i.pernyataan, "indikator": i.indikator,
         "realisasi": shown(renstra.get(i.kode, {}).get(realisasi_col)),
         "target_akhir": shown(renstra.get(i.kode, {}).get(target_akhir_col)),
         "capaian": shown(renstra.get(i.kode, {}).get("Capaian")),
         "kemajuan": renstra.get(i.kode, {}).get("Tingkat Kemajuan") or "N/A"}
        for k, i in enumerate(shown_ikus)]
    analisis = ({str(r["kode_iku"]).strip(): r for r in ref.analisis.iter_rows(named=True)}
                if ref.analisis.height else {})
    ctx["tabel_3_5"] = [
        {"no": LETTERS[k % 26], "pernyataan": i.pernyataan, "indikator": i.indikator,
         "target": shown(i.now.get("Target")), "realisasi": shown(i.now.get("Realisasi")),
         "capaian": shown(i.now.get("Capaian")),
         "analisis": _text_or_placeholder(_words(analisis.get(i.kode, {}).get("analisis")),
                                          "analisis keberhasilan/kegagalan (lembar Analisis referensi)"),
         "solusi": _text_or_placeholder(_words(analisis.get(i.kode, {}).get("solusi")),
                                        "solusi yang dilakukan (lembar Analisis referensi)")}
        for k, i in enumerate(shown_ikus)]

    efisiensi = _records(sheets.get("Efisiensi"))
    ctx["tabel_3_6"] = [
        {"no": LETTERS[k % 26], "sasaran": r["Sasaran"], "target": shown(r["Target"]), "realisasi": shown(r["Realisasi"]),
         "capaian": shown(r["Capaian"]), "anggaran": money(r["Anggaran (Rp)"]),
         "realisasi_anggaran": money(r["Realisasi Anggaran (Rp)"]), "capaian_anggaran": pct(r["Capaian Anggaran"]),
         "efisiensi": pct(r["Tingkat Efisiensi"])} for k, r in enumerate(efisiensi)]
    ctx["efisiensi_rumus"] = (
        "Tingkat efisiensi diukur dengan membandingkan jumlah selisih antara perkalian pagu anggaran keluaran "
        "dengan capaian keluaran dan realisasi anggaran keluaran, dengan jumlah perkalian pagu anggaran keluaran "
        "dengan capaian keluaran: Efisiensi = Σ(pagu × CK − realisasi anggaran) ÷ Σ(pagu × CK) × 100%, dengan CK "
        "capaian keluaran setiap sub kegiatan (paling tinggi 100%).")
    ctx["efisiensi_kalimat"] = [
        f'Sasaran "{r["Sasaran"]}" menggunakan anggaran {rp(r["Realisasi Anggaran (Rp)"])} dari '
        f'{rp(r["Anggaran (Rp)"])} (capaian anggaran {pct(r["Capaian Anggaran"])}) untuk capaian kinerja '
        f'{shown(r["Capaian"])}, dengan tingkat efisiensi {pct(r["Tingkat Efisiensi"])}.' for r in efisiensi]

    program_rows = _records(sheets.get("Kinerja Program"))
    rows_3_7, seen, letter = [], set(), -1
    per_sasaran: dict[str, dict] = {}
    for r in program_rows:
        first = r["Kode IKU"] not in seen
        if first:
            seen.add(r["Kode IKU"])
            letter += 1
        uraian = RichText()
        level = r["Level"]
        if level == "Program":
            uraian.add(str(r["Program/Kegiatan/Sub Kegiatan"]), bold=True)
        else:
            uraian.add(f"{level} ", italic=True)
            uraian.add(str(r["Program/Kegiatan/Sub Kegiatan"]))
        rows_3_7.append({
            "no": LETTERS[letter % 26] if first else "", "sasaran": r["Sasaran"] if first else "",
            "indikator_sasaran": r["Indikator Sasaran"] if first else "",
            "capaian_sasaran": shown(r["Capaian Sasaran"]) if first else "", "uraian": uraian,
            "indikator": r["Indikator"] or "-", "target": shown(r["Target"], r["Satuan"] if not isinstance(r["Target"], Percent) else None),
            "realisasi": shown(r["Realisasi"], r["Satuan"] if not isinstance(r["Realisasi"], Percent) else None),
            "capaian": shown(r["Capaian"]), "menunjang": r["Menunjang/Tidak Menunjang"]})
        slot = per_sasaran.setdefault(r["Sasaran"], {"Program": 0, "Kegiatan": 0, "Sub Kegiatan": 0, "menunjang": 0, "semua": 0})
        slot[level] = slot.get(level, 0) + 1
        slot["semua"] += 1
        slot["menunjang"] += r["Menunjang/Tidak Menunjang"] == "Menunjang"
    ctx["tabel_3_7"] = rows_3_7
    ctx["program_sasaran_kalimat"] = [
        f'Sasaran "{s}" didukung oleh {counted(c["Program"], "program")}, {counted(c["Kegiatan"], "kegiatan")} dan '
        f'{counted(c["Sub Kegiatan"], "sub kegiatan")}; {c["menunjang"]} dari {c["semua"]} indikator program/kegiatan/'
        f"sub kegiatan tersebut menunjang pencapaian sasaran." for s, c in per_sasaran.items()]

    rows_3_8, p_no, k_no = [], 0, 0
    for r in _programs_in_report_order(tree, list(ref.cascading)):
        uraian = RichText()
        if r["Level"] == "Program":
            p_no, k_no = p_no + 1, 0
            no = str(p_no)
            uraian.add(str(r["Uraian"]), bold=True)
        elif r["Level"] == "Kegiatan":
            k_no += 1
            no = LETTERS[(k_no - 1) % 26]
            uraian.add(str(r["Uraian"]))
        else:
            no = ""
            uraian.add(str(r["Uraian"]), italic=True)
        rows_3_8.append({"no": no, "uraian": uraian, "level": r["Level"], "pagu": money(r["Pagu (Rp)"]),
                         "realisasi": money(r["Realisasi (Rp)"]), "capaian": pct(r["Capaian"])})
    ctx["tabel_3_8"] = rows_3_8
    ctx["total_3_8"] = ({"pagu": money(jumlah["Pagu (Rp)"]), "realisasi": money(jumlah["Realisasi (Rp)"]),
                         "capaian": pct(jumlah["Capaian"])} if jumlah else {"pagu": "N/A", "realisasi": "N/A", "capaian": "N/A"})
    programs = [r for r in tree if r["Level"] == "Program" and _num(r["Capaian"]) is not None]
    ctx["realisasi_anggaran_pembuka"] = (
        f"Pelaksanaan tugas pokok dan fungsi {ref.instansi} pada tahun anggaran {n} didukung anggaran sebesar "
        f"{rp(jumlah['Pagu (Rp)']) if jumlah else 'N/A'} dengan rincian sebagai berikut:")
    text = (f"Realisasi anggaran {tahun_sd} pada {counted(levels.count('Program'), 'program')} sebesar "
            f"{rp(jumlah['Realisasi (Rp)'])} dari pagu {rp(jumlah['Pagu (Rp)'])} atau {pct(jumlah['Capaian'])}."
            if jumlah else "Realisasi anggaran belum tersedia (N/A).")
    if len(programs) > 1:
        hi = max(programs, key=lambda r: _num(r["Capaian"]))
        lo = min(programs, key=lambda r: _num(r["Capaian"]))
        text += (f" Capaian tertinggi pada {hi['Uraian']} ({pct(hi['Capaian'])}) dan terendah pada "
                 f"{lo['Uraian']} ({pct(lo['Capaian'])}).")
    ctx["realisasi_anggaran_kalimat"] = text

    # --- Ringkasan Eksekutif and Bab IV ---------------------------------------------------------------------
    sasaran_cap = [_num(s.now.get("Capaian")) for s in sasaran]
    mean = mean_capaian(sasaran_cap)
    kat_umum = kategori_of(mean, ref.skala) if mean is not None else None
    s_count: dict[str, int] = {}
    for s in sasaran:
        kat = s.now.get("Kategori") or "N/A"
        s_count[kat] = s_count.get(kat, 0) + 1
    s_text = _list_id([f"{s_count[k]} sasaran berkategori {k}" if k != "N/A" else f"{s_count[k]} sasaran belum dapat dinilai (N/A)"
                       for k in order if k in s_count])
    ctx["ringkasan"] = {
        "pembuka": (f"Laporan Kinerja Instansi Pemerintah {ref.instansi} {tahun_sd} merupakan pertanggungjawaban atas "
                    f"Perjanjian Kinerja tahun {n}, yang memuat {counted(len(sasaran), 'sasaran strategis')} dengan "
                    f"{counted(len(sasaran), 'indikator kinerja sasaran')} dari Renstra {ctx['renstra_periode']}."),
        "kategori": (f"Hasil pengukuran {tahun_sd}: dari {counted(len(sasaran), 'sasaran')}, {s_text}. "
                     + (f"Rata-rata capaian indikator sasaran sebesar {pct(mean)}, sehingga kinerja {ref.instansi} "
                        f"{tahun_sd} secara keseluruhan termasuk kategori {kat_umum}." if mean is not None
                        else "Kategori keseluruhan belum dapat ditentukan (N/A).")),
        "anggaran": (f"Realisasi anggaran {tahun_sd} sebesar {rp(jumlah['Realisasi (Rp)'])} dari pagu "
                     f"{rp(jumlah['Pagu (Rp)'])} ({pct(jumlah['Capaian'])})." if jumlah else "Realisasi anggaran belum tersedia (N/A)."),
        "efisiensi": ("Tingkat efisiensi penggunaan sumber daya: "
                      + _list_id([f'{pct(r["Tingkat Efisiensi"])} pada sasaran "{r["Sasaran"]}"' for r in efisiensi]) + "."
                      if efisiensi else "Tingkat efisiensi belum dapat dihitung (N/A)."),
    }
    reached = sum(1 for c in sasaran_cap if c is not None and c >= 100.0)
    ctx["kesimpulan_pembuka"] = (
        f"Berdasarkan hasil pengukuran kinerja terhadap {counted(len(sasaran), 'sasaran')} dengan "
        f"{counted(len(sasaran), 'indikator kinerja sasaran')}, kesimpulan LKjIP {ref.instansi} {tahun_sd} adalah sebagai berikut:")
    kesimpulan = []
    for s in sasaran:
        cap = _num(s.now.get("Capaian"))
        status = ("target tercapai" if cap is not None and cap >= 100.0 else
                  "target belum tercapai" if cap is not None else "capaian belum dapat dihitung (N/A)")
        kesimpulan.append(
            f'Sasaran "{s.pernyataan}" dengan indikator "{s.indikator}": realisasi {shown(s.now.get("Realisasi"), _unit(s.now.get("Realisasi"), s))} '
            f'dari target {shown(s.now.get("Target"), _unit(s.now.get("Target"), s))}, capaian {shown(s.now.get("Capaian"))}'
            f'{" (kategori " + s.now["Kategori"] + ")" if s.now.get("Kategori") not in (None, "N/A") else ""}; {status}.')
    kesimpulan.append(f"Dari {counted(len(sasaran), 'indikator kinerja sasaran')}, {reached} telah mencapai target yang ditetapkan"
                      f"{' ' + tahun_sd if draf else ''}.")
    if jumlah:
        kesimpulan.append(f"Realisasi anggaran {tahun_sd} mencapai {pct(jumlah['Capaian'])} "
                          f"({rp(jumlah['Realisasi (Rp)'])} dari {rp(jumlah['Pagu (Rp)'])}).")
    ctx["kesimpulan"] = kesimpulan
    return ctx


def _programs_in_report_order(tree: list[dict], served: list[str]) -> list[dict]:
    """Tabel 3.8's rows as the published report numbers them: the programs that serve a sasaran first,
    in the order of the referensi's Cascading sheet, then the others (the penunjang program) in code
    order, each followed by its kegiatan and sub kegiatan."""
    groups: list[list[dict]] = []
    for r in tree:
        if r["Level"] == "Jumlah":
            continue
        if r["Level"] == "Program" or not groups:
            groups.append([])
        groups[-1].append(r)
    rank = {kode: i for i, kode in enumerate(dict.fromkeys(served))}
    ordered = sorted(enumerate(groups), key=lambda g: (rank.get(g[1][0]["Kode"], len(rank)), g[0]))
    return [r for _, group in ordered for r in group]


def _unit(value, iku: Iku) -> str | None:
    """The unit written after a non-percent figure in a sentence."""
    return None if isinstance(value, Percent) else (iku.satuan or None)


# --- rendering -------------------------------------------------------------------------------------------


def _figures(tpl, charts: list[tuple[Chart, bytes]]) -> dict:
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
            item = {"gambar": InlineImage(tpl, io.BytesIO(png), width=Cm(15)), "judul": chart.title,
                    "nomor": f"3.{number}", "bookmark": f"_Ref_lkjip_g{number}", "bid": 90000 + number}
            items.append(item)
            every.append(item)
        groups[group] = items
    return {**groups, "gambar": every}


def render_document(context: dict, charts: list[tuple[Chart, bytes]], template: Path | None = None) -> bytes:
    """Fill ``template`` (default: the bundled one) with ``context`` and the chart PNGs; the .docx bytes."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(template or BUNDLED_TEMPLATE))
    tpl.render({**context, **_figures(tpl, charts)}, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
