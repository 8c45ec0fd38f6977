"""Tabel E.81's own judgements (pure): the predikat of Permendagri 86/2017, the level in the
title, the rows below the table from the referensi's Analisis."""

from __future__ import annotations

import pytest

from pipeline.domain.sepanjang_tahun import FAKTOR, faktor_rows, lingkup, predikat_e81


@pytest.mark.parametrize(("capaian", "predikat"), [
    (250.0, "Sangat Tinggi"), (100.0, "Sangat Tinggi"), (91.0, "Sangat Tinggi"),
    # between two whole-number bands: the next band's lower bound is not reached (never rounded up)
    (90.99, "Tinggi"), (90.5, "Tinggi"), (90.0, "Tinggi"), (76.0, "Tinggi"),
    (75.99, "Sedang"), (75.5, "Sedang"), (66.0, "Sedang"),
    (65.5, "Rendah"), (51.0, "Rendah"),
    (50.99, "Sangat Rendah"), (50.5, "Sangat Rendah"), (50.0, "Sangat Rendah"), (0.0, "Sangat Rendah"),
    (-270.61, "Sangat Rendah"),
])
def test_predikat_in_the_form_own_words(capaian, predikat):
    assert predikat_e81(capaian) == predikat


def test_no_average_no_predikat():
    assert predikat_e81(None) is None


@pytest.mark.parametrize(("instansi", "level"), [
    ("Dinas Koperasi, Usaha Kecil dan Menengah Provinsi Bali", "PROVINSI"),
    ("Dinas Kesehatan Kabupaten Banyumas", "KABUPATEN"),
    ("DINAS PENDIDIKAN KOTA SURABAYA", "KOTA"),
    ("Dinas Tata Kota Provinsi DKI Jakarta", "PROVINSI"),  # the region ends the name
    ("Bappeda Kab. Sleman", "KABUPATEN"),
    ("Dinas Sosial Prov. Jawa Tengah", "PROVINSI"),
])
def test_level_from_the_office_name(instansi, level):
    assert lingkup(instansi, ["2.17.02.1.01"]) == level


def test_level_from_the_kegiatan_codes_when_the_name_does_not_say():
    # Kepmendagri 050-5889: U.BB.PP.L.KK, L = 1 a province's kegiatan, 2 a kabupaten's or kota's
    assert lingkup("Dinas Koperasi", ["2.17.02.1.01", "2.17.03.1.02"]) == "PROVINSI"
    assert lingkup("Dinas Kesehatan", ["1.02.01.2.02", "1.02.02.2.01"]) == "KABUPATEN/KOTA"
    assert lingkup("Dinas Kesehatan", ["1.02.01.2.02", "2.17.03.1.02"]) is None  # the codes disagree
    assert lingkup("Perangkat Daerah", []) is None
    # "Kabupaten/Kota" in a name is not the office's own level
    assert lingkup("Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota", []) is None


def test_rows_below_the_table_old_single_tindak_lanjut_is_the_next_quarter():
    rows = dict(faktor_rows([{"kode_iku": "S1", "faktor_pendorong": "Koordinasi baik ", "faktor_penghambat": None,
                              "tindak_lanjut": "Percepat pemeriksaan"}]))
    assert list(rows) == [label for _, label in FAKTOR]
    assert rows["Faktor pendorong keberhasilan pencapaian"] == "Koordinasi baik"
    assert rows["Faktor penghambat pencapaian kinerja"] == ""
    assert rows["Tindak lanjut yang diperlukan dalam triwulan berikutnya"] == "Percepat pemeriksaan"
    assert rows["Tindak lanjut yang diperlukan dalam Renja berikutnya"] == ""


def test_rows_below_the_table_both_tindak_lanjut_per_sasaran():
    rows = dict(faktor_rows([
        {"kode_iku": "S1", "tindak_lanjut": "Percepat pemeriksaan", "tindak_lanjut_renja": "Tambah pagu pengawasan"},
        {"kode_iku": "S2", "tindak_lanjut": "", "tindak_lanjut_renja": "Perluas pelatihan"},
    ]))
    assert rows["Tindak lanjut yang diperlukan dalam triwulan berikutnya"] == "S1: Percepat pemeriksaan"
    assert rows["Tindak lanjut yang diperlukan dalam Renja berikutnya"] == ("S1: Tambah pagu pengawasan\n"
                                                                           "S2: Perluas pelatihan")
    assert faktor_rows([]) == tuple((label, "") for _, label in FAKTOR)
