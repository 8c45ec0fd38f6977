"""The reasons behind the period's figures, computed: why, not only what (outputs.md, "The report document").

:func:`analisa_periode` reads the period's figures (:class:`~pipeline.domain.figures.AngkaPeriode`:
the IKU per year, Tabel 3.4's Renstra progress, Tabel 3.6's efficiency, Tabel 3.7's programs and
sub kegiatan serving each sasaran, the budget tree) and gives a typed :class:`Analisis`:

- per IKU (:class:`AnalisisIku`): the programs that serve it with their output capaian and budget
  absorption, the sub kegiatan that held it back most (the lowest output capaian, and the output
  furthest behind its spending), the comparison with the year before in the indicator's own direction
  (a Negatif indicator improves when it falls), what is left of the Renstra's final target and the
  yearly pace still needed, and the Standar Nasional where the referensi gives one;
- per sasaran (:class:`AnalisisSasaran`): its result beside its budget use (capaian kinerja against
  capaian anggaran, and the efficiency);
- per sasaran, its programs/kegiatan/sub kegiatan counted as indicators (:class:`DukunganSasaran`);
- the mean capaian capped as the Skala reads it (:class:`RataRataCapaian`);
- Bab IV's conclusions and what to follow up.

Every judgement is made here; each value also holds its ready Indonesian sentences (deterministic,
Indonesian number style), which the document only places.  A missing figure is left out of a
sentence (or the sentence is left out): no sentence contains "N/A".  A provisional figure
(``IkuTahun.sementara``) is called *sementara* in the sentences, with the data it rests on.  Pure.
"""

from __future__ import annotations

from pipeline.domain import indicators
from pipeline.domain.indicators import EPS
from pipeline.domain.figures import (  # the result's types live in the one model of the figures
    MENUNJANG, TIDAK_MENUNJANG, Analisis, AnalisisIku, AnalisisSasaran, AngkaPeriode, BandingStandar,
    DukunganProgram, DukunganSasaran, Iku, KemajuanRenstra, LajuRenstra, Perbandingan, RataRataCapaian,
    SubKegiatanTertinggal)
from pipeline.domain.formatting import excel_round, number_id, percent_excel
from pipeline.domain.periods import MONTH_NAMES_ID

__all__ = ["MEMBAIK", "MENURUN", "TETAP", "BELUM_MENUNJANG", "BATAS_ATAS", "BATAS_BAWAH", "SELISIH_TERTINGGAL",
           "DukunganProgram", "SubKegiatanTertinggal", "Perbandingan", "LajuRenstra", "BandingStandar",
           "AnalisisIku", "AnalisisSasaran", "DukunganSasaran", "RataRataCapaian", "Analisis",
           "analisa_periode", "arah", "laju_renstra", "banding_standar", "rata_rata_dibatasi", "menunjang",
           "is_negatif"]

MEMBAIK, MENURUN, TETAP = "membaik", "menurun", "tetap"
BELUM_MENUNJANG = "Belum Menunjang"  # before December: not yet on pace for the period's share of the year
BATAS_ATAS, BATAS_BAWAH = 100.0, 0.0  # a capaian counts at most 100 % and at least 0 % in a mean
SELISIH_TERTINGGAL = 10.0  # an output is behind its spending when its capaian is this many points below the absorption


# --- judgements ----------------------------------------------------------------------------------------


def is_negatif(polaritas: str | None) -> bool:
    """Lower is better (polaritas ``Negatif``)."""
    return str(polaritas or "").strip().lower() == "negatif"


def arah(sebelum: float, sesudah: float, polaritas: str | None) -> str:
    """``membaik`` / ``menurun`` / ``tetap`` from ``sebelum`` to ``sesudah``: a Negatif indicator
    improves when it falls."""
    if abs(sesudah - sebelum) <= EPS * max(1.0, abs(sebelum)):
        return TETAP
    naik = sesudah > sebelum
    return MEMBAIK if naik != is_negatif(polaritas) else MENURUN


def laju_renstra(realisasi: float | None, target_akhir: float | None, tahun: int, tahun_akhir: int | None,
                 polaritas: str | None, kumulatif: bool = False) -> LajuRenstra | None:
    """The Renstra's remaining distance and the yearly pace ``(target_akhir - realisasi) / years left``."""
    if realisasi is None or target_akhir is None or tahun_akhir is None:
        return None
    selisih = target_akhir - realisasi
    tercapai = selisih >= -EPS if is_negatif(polaritas) else selisih <= EPS
    tersisa = max(tahun_akhir - tahun, 0)
    laju = selisih / tersisa if tersisa and not tercapai else None
    return LajuRenstra(tahun_akhir, target_akhir, realisasi, 0.0 if tercapai else abs(selisih), tersisa, laju,
                       tercapai, kumulatif)


def banding_standar(realisasi: float | None, standar: float | None, polaritas: str | None) -> BandingStandar | None:
    if realisasi is None or standar is None:
        return None
    posisi = ("sama dengan" if abs(realisasi - standar) <= EPS * max(1.0, abs(standar))
              else "di atas" if realisasi > standar else "di bawah")
    lebih_baik = posisi == "sama dengan" or ((posisi == "di bawah") == is_negatif(polaritas))
    return BandingStandar(standar, realisasi, posisi, lebih_baik)


def rata_rata_dibatasi(capaian: list[float | None], skala) -> tuple[float | None, str | None, int, int]:
    """The mean of the capaian that exist, each counted between 0 % and 100 % (a capaian above 100 %
    is the top category all the same, a negative one the lowest): (mean, its kategori, count, capped)."""
    known = [float(c) for c in capaian if c is not None]
    if not known:
        return None, None, 0, 0
    capped = [min(max(c, BATAS_BAWAH), BATAS_ATAS) for c in known]
    mean = sum(capped) / len(capped)
    return mean, indicators.kategori(mean, skala), len(known), sum(1 for a, b in zip(known, capped) if a != b)


def menunjang(cap: float | None, skala, month: int = 12) -> str:
    """Whether an output supports its sasaran (Tabel 3.7): its capaian in the Skala's top category.
    Before December the year is not over: an output on pace for the period's share of the year
    (capaian ÷ (month ÷ 12) in the top category) supports it, one behind that pace is "Belum
    Menunjang" (not yet), never "Tidak Menunjang"."""
    if cap is None:
        return "N/A"
    top = max(skala, key=lambda s: s[1])[0] if skala else None
    if month >= 12:
        return MENUNJANG if indicators.kategori(cap, skala) == top else TIDAK_MENUNJANG
    if indicators.kategori(cap, skala) == top or indicators.kategori(cap * 12.0 / month, skala) == top:
        return MENUNJANG
    return BELUM_MENUNJANG


# --- Indonesian text ------------------------------------------------------------------------------------


def _pct(value: float) -> str:
    return percent_excel(value)


def _nilai(value: float, persen: bool, satuan: str | None) -> str:
    """An indicator's value as the document's tables show it, with its unit."""
    if persen:
        return percent_excel(value)
    text = number_id(value, 0) if float(value).is_integer() else number_id(excel_round(value), 2)
    unit = " ".join(str(satuan or "").split())
    return f"{text} {unit}".strip()


def _selisih(value: float, persen: bool, satuan: str | None) -> str:
    """A difference of two values: percentage points for a percentage."""
    if persen:
        return f"{number_id(excel_round(value), 2)} poin persen"
    return _nilai(value, False, satuan)


def _rp(value: float) -> str:
    return f"Rp {number_id(round(value))}"


def _terbilang(n: int) -> str:
    from num2words import num2words

    return num2words(int(n), lang="id")


def _counted(n: int, noun: str) -> str:
    return f"{n} ({_terbilang(n)}) {noun}"


def _list_id(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " dan " + items[-1]


def _words(text) -> str:
    return " ".join(str(text or "").split())


# --- per IKU ---------------------------------------------------------------------------------------------


def _programs(kode: str, angka: AngkaPeriode) -> tuple[DukunganProgram, ...]:
    budget = {b.kode: b for b in angka.realisasi_anggaran.baris if b.level == "program"}
    out = []
    for r in angka.kinerja_program:
        if r.kode_iku == kode and r.level == "program":
            b = budget.get(r.kode)
            out.append(DukunganProgram(r.kode, _words(r.uraian or (b.uraian if b else "") or r.kode), r.capaian,
                                       b.pagu if b else None, b.realisasi if b else None, b.capaian if b else None))
    return tuple(out)


def _held_back(kode: str, angka: AngkaPeriode) -> tuple[SubKegiatanTertinggal | None, SubKegiatanTertinggal | None]:
    """The sub kegiatan with the lowest output capaian (below 100 %), and the one whose output is
    furthest behind its absorption (by at least ``SELISIH_TERTINGGAL`` points)."""
    absorption = {b.kode: b.capaian for b in angka.realisasi_anggaran.baris if b.level == "sub_kegiatan"}
    subs = [r for r in angka.kinerja_program if r.kode_iku == kode and r.level == "sub_kegiatan" and r.capaian is not None]
    terendah = None
    if subs:
        low = min(subs, key=lambda r: (r.capaian, r.kode))
        if low.capaian < BATAS_ATAS - EPS:
            terendah = SubKegiatanTertinggal(low.kode, _words(low.uraian or low.kode), low.capaian,
                                             absorption.get(low.kode), "terendah")
    behind = [(absorption[r.kode] - r.capaian, r) for r in subs if absorption.get(r.kode) is not None
              and absorption[r.kode] - r.capaian >= SELISIH_TERTINGGAL]
    tertinggal = None
    if behind:
        gap, r = max(behind, key=lambda g: (g[0], g[1].kode))
        tertinggal = SubKegiatanTertinggal(r.kode, _words(r.uraian or r.kode), r.capaian, absorption[r.kode], "tertinggal")
    return terendah, tertinggal


def _sementara_text(sementara: str, tahun: int) -> str:
    return (f"Angka tahun {tahun} indikator ini bersifat sementara ({sementara}): datanya belum lengkap sampai "
            f"akhir tahun, sehingga masih dapat berubah.")


def _perbandingan_text(p: Perbandingan, persen: bool, satuan: str, sementara: bool, capaian_lalu: float | None) -> str:
    before, now = _nilai(p.realisasi_lalu, persen, satuan), _nilai(p.realisasi, persen, satuan)
    mark = " (sementara)" if sementara else ""
    lalu = f"tahun {p.tahun_lalu} (realisasi {before}" + (f", capaian {_pct(capaian_lalu)})" if capaian_lalu is not None
                                                          else ")")
    if p.arah == TETAP:
        return f"Dibanding {lalu}, realisasinya tetap {now}{mark}; kinerja indikator ini tetap."
    gerak = "naik" if p.realisasi > p.realisasi_lalu else "turun"
    if p.negatif:
        return (f"Dibanding {lalu}, realisasinya {gerak} menjadi {now}{mark}; karena indikator ini semakin baik "
                f"bila semakin rendah (polaritas negatif), kinerjanya {p.arah}.")
    return f"Dibanding {lalu}, realisasinya {gerak} menjadi {now}{mark}; kinerjanya {p.arah}."


def _program_text(programs: tuple[DukunganProgram, ...], sd: str) -> str | None:
    if not programs:
        return None
    parts = []
    for p in programs:
        figures = []
        if p.capaian_keluaran is not None:
            figures.append(f"capaian keluaran {_pct(p.capaian_keluaran)}")
        if p.penyerapan is not None:
            figures.append(f"penyerapan anggaran {_pct(p.penyerapan)}")
        parts.append(f"{p.uraian}" + (f" ({', '.join(figures)})" if figures else ""))
    return f"Indikator ini didukung oleh {_counted(len(programs), 'program')}{sd}: {_list_id(parts)}."


def _held_back_text(terendah, tertinggal, n_sub: int, sd: str) -> list[str]:
    out = []
    if terendah is not None:
        text = (f'Sub kegiatan dengan capaian keluaran terendah{sd} adalah "{terendah.uraian}" '
                f"({_pct(terendah.capaian_keluaran)}")
        text += (f", dengan penyerapan anggaran {_pct(terendah.penyerapan)})" if terendah.penyerapan is not None else ")")
        out.append(text + "; sub kegiatan inilah yang paling menahan capaian indikator.")
    elif n_sub:
        out.append(f"Seluruh {_counted(n_sub, 'sub kegiatan')} pendukungnya mencapai atau melampaui target "
                   f"keluarannya{sd}.")
    if tertinggal is not None:
        if terendah is not None and tertinggal.kode == terendah.kode:
            out.append(f"Keluarannya juga tertinggal dari belanjanya: anggaran terserap {_pct(tertinggal.penyerapan)} "
                       f"sementara capaian keluarannya {_pct(tertinggal.capaian_keluaran)}.")
        else:
            out.append(f'Keluaran sub kegiatan "{tertinggal.uraian}" tertinggal dari belanjanya: anggaran terserap '
                       f"{_pct(tertinggal.penyerapan)} sementara capaian keluarannya "
                       f"{_pct(tertinggal.capaian_keluaran)}.")
    return out


def _standar_text(s: BandingStandar, persen: bool, satuan: str, negatif: bool) -> str:
    real, std = _nilai(s.realisasi, persen, satuan), _nilai(s.standar, persen, satuan)
    if s.posisi == "sama dengan":
        return f"Realisasinya ({real}) sama dengan Standar Nasional ({std})."
    baik = "lebih baik" if s.lebih_baik else "lebih buruk"
    alasan = " karena indikator ini semakin baik bila semakin rendah" if negatif else ""
    return f"Realisasinya ({real}) berada {s.posisi} Standar Nasional ({std}), artinya {baik} dari standar{alasan}."


def _renstra_text(i: Iku, laju: LajuRenstra, tahun: int, sd: str, sementara: bool) -> str:
    persen, satuan = i.persen, i.satuan
    real, target = _nilai(laju.realisasi, persen, satuan), _nilai(laju.target_akhir, persen, satuan)
    mark = ", sementara" if sementara else ""
    what = "jumlah realisasi" if laju.kumulatif else "realisasi"
    head = f'Untuk indikator "{i.indikator}", {what} sampai dengan tahun {tahun}{sd} ({real}{mark})'
    if laju.tercapai:
        return head + f" telah mencapai target akhir Renstra tahun {laju.tahun_akhir} ({target})."
    sisa = _selisih(laju.sisa, persen, satuan)
    head += f" masih kurang {sisa} dari target akhir Renstra tahun {laju.tahun_akhir} ({target})"
    if laju.laju is None:
        return head + ", yang harus dicapai pada tahun terakhir Renstra ini."
    pace = _selisih(abs(laju.laju), persen, satuan)
    if laju.kumulatif:
        need = f"realisasi setiap tahun berikutnya perlu rata-rata {pace}"
    else:
        need = f"realisasinya perlu {'turun' if laju.laju < 0 else 'naik'} rata-rata {pace} per tahun"
    return head + f"; dalam {_counted(laju.tahun_tersisa, 'tahun')} tersisa, {need}."


def _analisa_iku(i: Iku, r: KemajuanRenstra | None, angka: AngkaPeriode) -> AnalisisIku:
    period = angka.period
    tahun = period.year
    sd = f" s.d. {MONTH_NAMES_ID[period.month - 1]}" if period.month != 12 else ""
    now, before = i.di(tahun), i.di(tahun - 1)
    sementara = now.sementara if now is not None and now.realisasi is not None else None
    programs = _programs(i.kode, angka)
    terendah, tertinggal = _held_back(i.kode, angka)
    n_sub = sum(1 for k in angka.kinerja_program if k.kode_iku == i.kode and k.level == "sub_kegiatan"
                and k.capaian is not None)
    perbandingan = None
    if now is not None and before is not None and now.realisasi is not None and before.realisasi is not None:
        perbandingan = Perbandingan(tahun - 1, before.realisasi, now.realisasi,
                                    arah(before.realisasi, now.realisasi, i.polaritas), is_negatif(i.polaritas))
    kumulatif = r is not None and str(r.akumulasi).strip().lower() == "kumulatif"
    laju = (laju_renstra(r.realisasi, r.target_akhir, tahun, angka.tahun_akhir, i.polaritas, kumulatif)
            if r is not None else None)
    standar = banding_standar(now.realisasi if now else None, i.standar_nasional, i.polaritas)

    if perbandingan is not None:
        kalimat_perbandingan = _perbandingan_text(perbandingan, i.persen, i.satuan, bool(sementara),
                                                  before.capaian if before is not None else None)
    elif now is not None and now.realisasi is not None:
        kalimat_perbandingan = f"Realisasi tahun {tahun - 1} tidak tersedia, sehingga belum dapat dibandingkan."
    else:
        kalimat_perbandingan = ""
    kalimat: list[str] = []
    if sementara:
        kalimat.append(_sementara_text(sementara, tahun))
    if (text := _program_text(programs, sd)) is not None:
        kalimat.append(text)
    kalimat += _held_back_text(terendah, tertinggal, n_sub, sd) if programs else []
    if standar is not None:
        kalimat.append(_standar_text(standar, i.persen, i.satuan, is_negatif(i.polaritas)))
    renstra_sementara = bool(r is not None and r.keterangan)
    kalimat_renstra = (_renstra_text(i, laju, tahun, sd, renstra_sementara),) if laju is not None else ()
    cap = now.capaian if now is not None else None
    return AnalisisIku(i.kode, i.indikator, sementara, cap, now.tercapai if now is not None else None,
                       programs, terendah, tertinggal, perbandingan, laju, standar, tuple(kalimat), kalimat_renstra,
                       kalimat_perbandingan)


# --- per sasaran -------------------------------------------------------------------------------------------


def _analisa_sasaran(e, sementara: str | None, sd: str) -> AnalisisSasaran:
    cap, ang = e.capaian, e.capaian_anggaran
    bacaan = kalimat = None
    if cap is not None and ang is not None:
        mark = " (sementara)" if sementara else ""
        if cap > ang + EPS:
            bacaan = "hasil melampaui penyerapan"
            reading = ("capaian kinerja lebih tinggi daripada penyerapan anggaran: hasil yang dicapai melampaui "
                       "anggaran yang digunakan")
        elif cap < ang - EPS:
            bacaan = "hasil tertinggal dari penyerapan"
            reading = ("capaian kinerja lebih rendah daripada penyerapan anggaran: anggaran terserap lebih cepat "
                       "daripada hasil yang dicapai")
        else:
            bacaan = "hasil seimbang dengan penyerapan"
            reading = "capaian kinerja sebanding dengan penyerapan anggaran"
        kalimat = (f'Pada sasaran "{_words(e.sasaran)}", capaian kinerja{sd} sebesar {_pct(cap)}{mark} dengan '
                   f"capaian anggaran {_pct(ang)}")
        if e.realisasi_anggaran is not None and e.anggaran is not None:
            kalimat += f" ({_rp(e.realisasi_anggaran)} dari {_rp(e.anggaran)})"
        kalimat += f"; {reading}"
        if e.efisiensi is not None:
            kalimat += f", dengan tingkat efisiensi {_pct(e.efisiensi)}"
        kalimat += "."
    return AnalisisSasaran(e.kode, _words(e.sasaran), cap, ang, e.efisiensi, bacaan, kalimat)


def _dukungan(angka: AngkaPeriode, sd: str) -> tuple[DukunganSasaran, ...]:
    slots: dict[str, dict] = {}
    for r in angka.kinerja_program:
        s = slots.setdefault(r.kode_iku, {"sasaran": _words(r.sasaran), "program": 0, "kegiatan": 0, "sub_kegiatan": 0,
                                          "indikator": 0, "menunjang": 0, "belum": 0})
        s[r.level] = s.get(r.level, 0) + 1
        if _words(r.indikator) and r.capaian is not None:  # an indicator that can be judged
            s["indikator"] += 1
            s["menunjang"] += r.menunjang == MENUNJANG
            s["belum"] += r.menunjang == BELUM_MENUNJANG
    out = []
    for kode, s in slots.items():
        text = (f'Sasaran "{s["sasaran"]}" didukung oleh {_counted(s["program"], "program")}, '
                f'{_counted(s["kegiatan"], "kegiatan")} dan {_counted(s["sub_kegiatan"], "sub kegiatan")}')
        if s["indikator"]:
            text += (f"; {s['menunjang']} dari {_counted(s['indikator'], 'indikator')} program/kegiatan/sub kegiatan "
                     f"tersebut menunjang pencapaian sasaran{sd}")
            if s["belum"]:
                text += (f", {s['belum']} belum menunjang karena capaiannya belum sesuai bagian tahun yang telah "
                         f"berjalan")
        out.append(DukunganSasaran(kode, s["sasaran"], s["program"], s["kegiatan"], s["sub_kegiatan"], s["indikator"],
                                   s["menunjang"], s["belum"], text + "."))
    return tuple(out)


# --- the office as a whole and Bab IV ---------------------------------------------------------------------------


def _rata_rata(angka: AngkaPeriode, tahun_sd: str) -> RataRataCapaian:
    sasaran = angka.sasaran
    caps = [(i.di(angka.period.year).capaian if i.di(angka.period.year) else None) for i in sasaran]
    mean, kat, n, capped = rata_rata_dibatasi(caps, angka.skala)
    if mean is None:
        text = "Kategori kinerja secara keseluruhan belum dapat ditentukan karena belum ada capaian indikator sasaran."
    else:
        text = (f"Rata-rata capaian {_counted(n, 'indikator sasaran')} sebesar {_pct(mean)}, dengan setiap capaian "
                f"dihitung paling tinggi {number_id(BATAS_ATAS, 0)}% dan paling rendah {number_id(BATAS_BAWAH, 0)}% "
                f"sebagaimana skala pengukuran membaca kategorinya")
        text += (f" ({_counted(capped, 'capaian')} dibatasi)" if capped else "")
        provisional = [i.indikator for i in sasaran if (t := i.di(angka.period.year)) and t.sementara and t.capaian is not None]
        if provisional:
            text += f"; capaian {_list_id([f'{chr(34)}{p}{chr(34)}' for p in provisional])} masih sementara"
        text += f", sehingga kinerja {angka.instansi} {tahun_sd} secara keseluruhan termasuk kategori {kat}."
    return RataRataCapaian(mean, kat, n, capped, text)


def _kesimpulan(angka: AngkaPeriode, iku: tuple[AnalisisIku, ...], tahun_sd: str, sd: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    draf = angka.period.month != 12
    sasaran = {i.kode for i in angka.sasaran}
    names = {i.kode: i.indikator for i in angka.iku}
    judged = [a for a in iku if a.kode in sasaran and a.capaian is not None]
    reached = [a for a in judged if a.tercapai]
    missed = [a for a in judged if not a.tercapai]
    out, follow = [], []
    if reached:
        out.append(f"Indikator sasaran yang telah mencapai target {tahun_sd}: "
                   + _list_id([f'"{names[a.kode]}" ({_pct(a.capaian)}{", sementara" if a.sementara else ""})'
                               for a in reached]) + ".")
    for a in missed:
        text = (f'Indikator "{names[a.kode]}" belum mencapai target {tahun_sd} (capaian {_pct(a.capaian)}'
                f'{", angka sementara: " + a.sementara if a.sementara else ""})')
        if a.terendah is not None:
            text += (f'; sub kegiatan yang paling menahannya adalah "{a.terendah.uraian}" dengan capaian keluaran '
                     f"{_pct(a.terendah.capaian_keluaran)}")
        if draf:
            text += "; tahun anggaran masih berjalan, sehingga capaian ini belum final"
        out.append(text + ".")
    total = angka.realisasi_anggaran.jumlah
    if total is not None and total.capaian is not None:
        text = (f"Penyerapan anggaran {tahun_sd} sebesar {_pct(total.capaian)} ({_rp(total.realisasi)} dari "
                f"{_rp(total.pagu)})")
        programs = [b for b in angka.realisasi_anggaran.baris if b.level == "program" and b.capaian is not None]
        if len(programs) > 1:
            lo = min(programs, key=lambda b: (b.capaian, b.kode))
            text += f"; penyerapan terendah pada {_words(lo.uraian or lo.kode)} ({_pct(lo.capaian)})"
        out.append(text + ".")
    # what to follow up
    for a in missed:
        if a.terendah is not None:
            follow.append(f'Mempercepat pelaksanaan sub kegiatan "{a.terendah.uraian}" yang capaian keluarannya{sd} '
                          f'baru {_pct(a.terendah.capaian_keluaran)}, untuk mendukung indikator "{names[a.kode]}".')
    seen = set()
    for a in iku:
        t = a.tertinggal
        if t is not None and t.kode not in seen:
            seen.add(t.kode)
            follow.append(f'Menelaah sub kegiatan "{t.uraian}" yang anggarannya telah terserap {_pct(t.penyerapan)} '
                          f"sementara capaian keluarannya{sd} baru {_pct(t.capaian_keluaran)}.")
    for a in iku:
        if a.kode in sasaran and a.renstra is not None and not a.renstra.tercapai:
            follow.append(f'Menjaga laju indikator "{names[a.kode]}" agar target akhir Renstra tahun '
                          f"{a.renstra.tahun_akhir} tercapai (masih kurang "
                          f"{_selisih(a.renstra.sisa, _persen(angka, a.kode), _satuan(angka, a.kode))}).")
    return tuple(out), tuple(follow)


def _persen(angka: AngkaPeriode, kode: str) -> bool:
    return next(i.persen for i in angka.iku if i.kode == kode)


def _satuan(angka: AngkaPeriode, kode: str) -> str:
    return next(i.satuan for i in angka.iku if i.kode == kode)


def analisa_periode(angka: AngkaPeriode) -> Analisis:
    """The reasons behind the period's figures (the model's own fields: IKU, Renstra, efficiency,
    programs, budget); computed once, by :func:`pipeline.domain.angka.compute_angka_periode`."""
    period = angka.period
    draf = period.month != 12
    bulan = MONTH_NAMES_ID[period.month - 1]
    sd = f" s.d. {bulan}" if draf else ""
    tahun_sd = f"tahun {period.year} s.d. {bulan}" if draf else f"tahun {period.year}"
    renstra = {r.kode: r for r in angka.renstra}
    iku = tuple(_analisa_iku(i, renstra.get(i.kode), angka) for i in angka.iku)
    sementara = {a.kode: a.sementara for a in iku}
    sasaran = tuple(_analisa_sasaran(e, sementara.get(e.kode), sd) for e in angka.efisiensi)
    kesimpulan, tindak_lanjut = _kesimpulan(angka, iku, tahun_sd, sd)
    return Analisis(iku, sasaran, _dukungan(angka, sd), _rata_rata(angka, tahun_sd), kesimpulan, tindak_lanjut)
