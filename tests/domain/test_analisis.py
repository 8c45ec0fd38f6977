"""The reasons behind the figures (pipeline.domain.analisis), on the bundled samples' own figures.

The period's figures model is computed from each sample's drop folder the way the ``angka_periode``
asset computes it (intake, then :func:`compute_angka_periode`), once per module: the Bali sample
(December 2024), the Jawa Timur office (June 2025: provisional figures, a Negatif indicator, outputs
behind the year) and the health office (December 2025: Standar Nasional, a Negatif indicator).
Expected values are worked out here from the model's own figures (Tabel 3.2, 3.4, 3.7, 3.8).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.domain import analisis as an
from pipeline.domain.angka import compute_angka_periode
from pipeline.domain.figures import MENUNJANG, TIDAK_MENUNJANG
from pipeline.domain.iku import compute_iku
from pipeline.domain.periods import Period
from pipeline.intake.odk import read_odk
from pipeline.intake.referensi import read_referensi
from pipeline.intake.sipd import apply_to_realisasi, read_sipd, with_anggaran
from pipeline.intake.year import read_year
from pipeline.samples import health as h
from pipeline.samples import office as o

ROOT = Path(__file__).resolve().parents[2]
SKALA = (("Sangat Baik", 91.0), ("Baik", 76.0), ("Cukup", 66.0), ("Kurang", 51.0), ("Sangat Kurang", 0.0))


def angka_of(inputs: Path, period: str):
    """The period's figures of a drop folder, as the ``angka_periode`` asset computes them."""
    p = Period.parse(period)
    ref, _ = read_referensi(inputs)
    sipd = read_sipd(inputs, ref, period)
    realisasi = read_year(inputs, ref, period)
    apply_to_realisasi(realisasi, sipd, ref)
    odk = read_odk(inputs, ref)
    result = compute_iku(ref.iku, ref.stated, ref.statistik, odk.rows, ref.iku_years(p.year), period=(p.year, p.month))
    return compute_angka_periode(with_anggaran(ref, sipd), realisasi, odk.rows, result, realisasi.year, p, [], 20.0)


@pytest.fixture(scope="module")
def bali():
    return angka_of(ROOT / "inputs", "2024-12")


@pytest.fixture(scope="module")
def jatim(tmp_path_factory):
    root = tmp_path_factory.mktemp("analisis-office") / "inputs"
    o.generate_office(root)
    return angka_of(root, "2025-06")


@pytest.fixture(scope="module")
def kesehatan(tmp_path_factory):
    root = tmp_path_factory.mktemp("analisis-health") / "inputs"
    h.generate_health(root, months=range(12, 13))  # December's files hold the year
    return angka_of(root, "2025-12")


def _iku(angka, indikator: str):
    return next(i for i in angka.iku if i.indikator == indikator)


# --- judgements ----------------------------------------------------------------------------------------


def test_direction_follows_the_indicator():
    assert an.arah(12.5, 8.0, "Negatif") == an.MEMBAIK  # fewer unhealthy cooperatives
    assert an.arah(8.0, 12.5, "Negatif") == an.MENURUN
    assert an.arah(3.5, 3.66, "Positif") == an.MEMBAIK and an.arah(3.66, 3.5, None) == an.MENURUN
    assert an.arah(3.0, 3.0, "Negatif") == an.TETAP


def test_a_negatif_indicator_that_fell_is_membaik(jatim, kesehatan):
    s3 = _iku(jatim, "Persentase Koperasi Tidak Sehat")
    assert s3.polaritas == "Negatif" and s3.di(2025).realisasi < s3.di(2024).realisasi
    found = jatim.analisis.of(s3.kode)
    assert found.perbandingan.arah == an.MEMBAIK and found.perbandingan.negatif
    assert "turun menjadi 8,00%" in found.kalimat_perbandingan and "kinerjanya membaik" in found.kalimat_perbandingan
    aki = _iku(kesehatan, "Angka Kematian Ibu")
    sentence = kesehatan.analisis.of(aki.kode).kalimat_perbandingan
    assert "turun menjadi 84,50 per 100.000 KH" in sentence and sentence.endswith("kinerjanya membaik.")
    assert "menurun" not in sentence


def test_no_sentence_holds_na(bali, jatim, kesehatan):
    for angka in (bali, jatim, kesehatan):
        sentences = angka.analisis.sentences()
        assert len(sentences) >= 10
        for s in sentences:
            assert "N/A" not in s and "None" not in s and "nan" not in s.split(), s
            assert s.strip() == s and s.endswith("."), s


def test_the_held_back_sub_kegiatan_has_the_lowest_output_capaian(jatim, kesehatan):
    for angka in (jatim, kesehatan):
        for a in angka.analisis.iku:
            subs = [k for k in angka.kinerja_program if k.kode_iku == a.kode and k.level == "sub_kegiatan"
                    and k.capaian is not None]
            if not subs:
                assert a.terendah is None
                continue
            lowest = min(subs, key=lambda k: k.capaian)
            if lowest.capaian >= 100:
                assert a.terendah is None
            else:
                assert (a.terendah.kode, a.terendah.capaian_keluaran) == (lowest.kode, lowest.capaian)
                assert f'"{a.terendah.uraian}" ({lowest.capaian:.2f}'.replace(".", ",") in " ".join(a.kalimat)
    volume = jatim.analisis.of(_iku(jatim, "Persentase Peningkatan Volume Usaha Koperasi").kode)
    assert volume.terendah.uraian == "Verifikasi Permohonan Izin Usaha Simpan Pinjam"
    assert volume.terendah.capaian_keluaran == pytest.approx(45.0)


def test_all_outputs_reached_says_so(bali):
    """Every sub kegiatan of the Bali sample reached its output target: none held an IKU back."""
    for a in bali.analisis.iku:
        if a.program:
            assert a.terendah is None and a.tertinggal is None
            assert any(s.startswith("Seluruh ") and "mencapai atau melampaui target keluarannya" in s for s in a.kalimat)


def test_an_output_behind_its_spending(jatim):
    """The Jawa Timur sample's sub kegiatan spend in step with their outputs; with one whose budget is
    80 % spent at 45,83 % output, that one is named behind its spending."""
    kode = "2.17.03.1.01.0001"
    baris = tuple(dataclasses.replace(b, capaian=80.0) if b.kode == kode else b for b in jatim.realisasi_anggaran.baris)
    changed = dataclasses.replace(jatim, realisasi_anggaran=dataclasses.replace(jatim.realisasi_anggaran, baris=baris))
    result = an.analisa_periode(changed)
    rasio = result.of(_iku(jatim, "Rasio Kewirausahaan").kode)
    assert rasio.tertinggal.kode == kode and rasio.tertinggal.penyerapan == 80.0
    assert "tertinggal dari belanjanya: anggaran terserap 80,00%" in " ".join(rasio.kalimat)
    assert any("Pemeriksaan Kepatuhan Koperasi" in s and "80,00%" in s for s in result.tindak_lanjut)
    assert all(a.tertinggal is None for a in jatim.analisis.iku)  # as the sample has it


def test_renstra_pace_is_what_is_left_over_the_years_left(bali, kesehatan):
    for angka in (bali, kesehatan):
        renstra = {r.kode: r for r in angka.renstra}
        for a in angka.analisis.iku:
            r = renstra[a.kode]
            if r.realisasi is None or r.target_akhir is None:
                assert a.renstra is None and not a.kalimat_renstra
                continue
            years_left = angka.tahun_akhir - angka.period.year
            if a.renstra.tercapai:
                assert a.renstra.laju is None and "telah mencapai target akhir Renstra" in a.kalimat_renstra[0]
            else:
                assert a.renstra.laju == pytest.approx((r.target_akhir - r.realisasi) / years_left)
                assert a.renstra.tahun_tersisa == years_left
    volume = bali.analisis.of("S1")  # Kumulatif: 19,61 % of 24 % by 2024, two years left
    assert volume.renstra.sisa == pytest.approx(4.39) and volume.renstra.laju == pytest.approx(2.195)
    assert "masih kurang 4,39 poin persen dari target akhir Renstra tahun 2026 (24,00%)" in volume.kalimat_renstra[0]
    assert "dalam 2 (dua) tahun tersisa" in volume.kalimat_renstra[0]
    aki = kesehatan.analisis.of(_iku(kesehatan, "Angka Kematian Ibu").kode)  # Negatif: 84,5 down to 70 by 2029
    assert aki.renstra.laju == pytest.approx((70.0 - 84.5) / 4)
    assert "perlu turun rata-rata 3,63 per 100.000 KH per tahun" in aki.kalimat_renstra[0]
    assert bali.analisis.of("S2").renstra.tercapai  # 3,66 % against 3,50 %


def test_standar_nasional(kesehatan):
    uhh = kesehatan.analisis.of(_iku(kesehatan, "Usia Harapan Hidup").kode)  # 74,05 against 74,15
    assert (uhh.standar.posisi, uhh.standar.lebih_baik) == ("di bawah", False)
    aki = kesehatan.analisis.of(_iku(kesehatan, "Angka Kematian Ibu").kode)  # 84,5 against 183: lower is better
    assert (aki.standar.posisi, aki.standar.lebih_baik) == ("di bawah", True)
    text = " ".join(aki.kalimat)
    assert "Standar Nasional (183 per 100.000 KH)" in text and "lebih baik dari standar" in text
    no_standard = kesehatan.analisis.of(_iku(kesehatan, "Indeks Keluarga Sehat").kode)
    assert no_standard.standar is None and "Standar Nasional" not in " ".join(no_standard.kalimat)
    assert an.banding_standar(10.0, 8.0, "Positif").lebih_baik and not an.banding_standar(10.0, 8.0, "Negatif").lebih_baik


def test_the_average_is_capped_as_the_skala_reads_it(bali, jatim):
    # Bali: 245,13 % and 122 % count as 100 % each (the uncapped mean is 183,56 %)
    assert bali.kinerja_umum.rata_rata == pytest.approx(183.5625)
    mean = bali.analisis.rata_rata
    assert (mean.nilai, mean.kategori, mean.jumlah_indikator, mean.dibatasi) == (100.0, "Sangat Baik", 2, 2)
    assert "sebesar 100,00%" in mean.kalimat and "paling tinggi 100%" in mean.kalimat and "183" not in mean.kalimat
    # Jawa Timur in June: -1.000 % counts as 0 %, 120 % as 100 %, 96,88 % as it is
    mean = jatim.analisis.rata_rata
    assert mean.nilai == pytest.approx((0 + 96.875 + 100) / 3) and mean.kategori == "Kurang"
    assert "masih sementara" in mean.kalimat
    assert an.rata_rata_dibatasi([None, None], SKALA) == (None, None, 0, 0)


def test_indicators_are_counted_not_rows(jatim):
    rows = [k for k in jatim.kinerja_program if k.kode_iku == "S1"]
    d = next(d for d in jatim.analisis.dukungan if d.kode == "S1")
    assert d.program + d.kegiatan + d.sub_kegiatan == len(rows)
    assert d.indikator == sum(1 for k in rows if k.indikator and k.capaian is not None)
    # a program row without an indicator (its bidang gave none) is a row, not an indicator
    first = rows[0]
    assert first.level == "program"
    without = tuple(dataclasses.replace(k, indikator=None, target=None, realisasi=None, capaian=None, menunjang="N/A")
                    if k is first else k for k in jatim.kinerja_program)
    counted = next(d for d in an.analisa_periode(dataclasses.replace(jatim, kinerja_program=without)).dukungan
                   if d.kode == "S1")
    assert counted.program == d.program and counted.indikator == d.indikator - 1
    assert f"dari {counted.indikator} (" in counted.kalimat


def test_mid_year_outputs_are_not_yet_judged_failing(jatim):
    menunjang = {k.menunjang for k in jatim.kinerja_program}
    assert TIDAK_MENUNJANG not in menunjang and an.BELUM_MENUNJANG in menunjang
    verifikasi = next(k for k in jatim.kinerja_program if k.kode == "2.17.02.1.01.0001")
    assert verifikasi.capaian == pytest.approx(45.0) and verifikasi.menunjang == an.BELUM_MENUNJANG
    assert an.menunjang(45.0, SKALA, 6) == an.BELUM_MENUNJANG  # 45 % in June: 90 % of the half year
    assert an.menunjang(50.0, SKALA, 6) == MENUNJANG  # on pace
    assert an.menunjang(45.0, SKALA, 12) == TIDAK_MENUNJANG  # December: the year is over
    assert an.menunjang(None, SKALA, 6) == "N/A"


def test_provisional_figures_are_marked_sementara_with_why(jatim):
    volume = jatim.analisis.of(_iku(jatim, "Persentase Peningkatan Volume Usaha Koperasi").kode)
    assert volume.sementara == "Tahun Buku 2025 s.d. Juni"
    assert "bersifat sementara (Tahun Buku 2025 s.d. Juni)" in volume.kalimat[0]
    assert "(-50,00%, sementara)" in volume.kalimat_renstra[0]
    sasaran = next(s for s in jatim.analisis.sasaran if s.kode == volume.kode)
    assert "-1.000,00% (sementara)" in sasaran.kalimat
    assert any("angka sementara: Tahun Buku 2025 s.d. Juni" in s for s in jatim.analisis.kesimpulan)


def test_programs_with_output_and_absorption(bali):
    s1 = bali.analisis.of("S1")
    budget = {b.kode: b for b in bali.realisasi_anggaran.baris}
    assert [p.kode for p in s1.program] == ["2.17.02", "2.17.03", "2.17.06"]
    for p in s1.program:
        assert p.penyerapan == budget[p.kode].capaian and p.capaian_keluaran == pytest.approx(100.0)
    assert "PROGRAM PELAYANAN IZIN USAHA SIMPAN PINJAM (capaian keluaran 100,00%, penyerapan anggaran 62,11%)" in s1.kalimat[0]


def test_budget_against_result_per_sasaran(bali, kesehatan):
    s1 = next(s for s in bali.analisis.sasaran if s.kode == "S1")
    assert s1.bacaan == "hasil melampaui penyerapan" and "tingkat efisiensi 23,23%" in s1.kalimat
    assert "capaian anggaran 76,77% (Rp 451.216.485 dari Rp 587.728.200)" in s1.kalimat
    mutu = next(s for s in kesehatan.analisis.sasaran if s.capaian is not None and s.capaian < s.capaian_anggaran)
    assert mutu.bacaan == "hasil tertinggal dari penyerapan" and "anggaran terserap lebih cepat" in mutu.kalimat


def test_bab_iv_conclusions(bali, jatim):
    assert bali.analisis.kesimpulan[0].startswith("Indikator sasaran yang telah mencapai target tahun 2024:")
    assert any(s.startswith("Penyerapan anggaran tahun 2024 sebesar 90,63%") for s in bali.analisis.kesimpulan)
    missed = [s for s in jatim.analisis.kesimpulan if "belum mencapai target" in s]
    assert len(missed) == 2 and all("belum final" in s for s in missed)
    assert any(s.startswith('Mempercepat pelaksanaan sub kegiatan "Verifikasi Permohonan Izin Usaha Simpan Pinjam"')
               for s in jatim.analisis.tindak_lanjut)
