"""The reasons computed in domain/analisis.py, laid out in the LKjIP draft.

Reads the WRITTEN .docx of the session's sample run (``sample_report``) with python-docx: the
per-IKU analysis follows Tabel 3.2's sentences, the Renstra pace follows Tabel 3.4, budget against
result follows Tabel 3.6, the capped average is in the Ringkasan Eksekutif, Bab IV carries the
conclusions and what to follow up, and no sentence of the document says "N/A".  The Jawa Timur
mid-year draft's sentences (its context, from its own figures) mark the provisional figures.
"""

from __future__ import annotations

from datetime import datetime

import pytest

docx = pytest.importorskip("docx")



@pytest.fixture(scope="module")
def paragraphs(sample_report) -> list[str]:
    path = sample_report.with_suffix(".docx")
    return [" ".join(p.text.split()) for p in docx.Document(str(path)).paragraphs]


def _index(paragraphs: list[str], start: str) -> int:
    """The last paragraph starting with ``start`` (a caption or heading is listed first in the Daftar Isi/Tabel)."""
    return max(k for k, p in enumerate(paragraphs) if p.startswith(start))


def test_the_reasons_are_placed_after_their_tables(paragraphs):
    t32, t33 = _index(paragraphs, "Tabel 3.2 "), _index(paragraphs, "Tabel 3.3 ")
    t34, t35 = _index(paragraphs, "Tabel 3.4 "), _index(paragraphs, "Tabel 3.5 ")
    t36, t37 = _index(paragraphs, "Tabel 3.6 "), _index(paragraphs, "Tabel 3.7 ")
    per_iku = [k for k, p in enumerate(paragraphs) if p.startswith("Indikator ini didukung oleh 3 (tiga) program: ")]
    assert len(per_iku) == 2 and all(t32 < k < t33 for k in per_iku)
    assert "PROGRAM PELAYANAN IZIN USAHA SIMPAN PINJAM (capaian keluaran 100,00%, penyerapan anggaran 62,11%)" in \
        paragraphs[per_iku[0]]
    assert "Seluruh 6 (enam) sub kegiatan pendukungnya mencapai atau melampaui target keluarannya." in paragraphs[per_iku[0]]
    pace = _index(paragraphs, 'Untuk indikator "Persentase Peningkatan Volume Usaha Koperasi", jumlah realisasi')
    assert t34 < pace < t35
    assert "masih kurang 4,39 poin persen dari target akhir Renstra tahun 2026 (24,00%)" in paragraphs[pace]
    budget = _index(paragraphs, 'Pada sasaran "Terwujudnya Koperasi yang Berkualitas dan Modern", capaian kinerja')
    assert t36 < budget < t37 and "capaian kinerja lebih tinggi daripada penyerapan anggaran" in paragraphs[budget]
    counted = _index(paragraphs, 'Sasaran "Terwujudnya Koperasi yang Berkualitas dan Modern" didukung oleh')
    assert t37 < counted and "14 dari 14 (empat belas) indikator" in paragraphs[counted]


def test_summary_and_bab_iv(paragraphs):
    text = "\n".join(paragraphs)
    assert ("Rata-rata capaian 2 (dua) indikator sasaran sebesar 100,00%, dengan setiap capaian dihitung paling tinggi "
            "100% dan paling rendah 0%") in text
    assert "183,56" not in text  # the uncapped mean is never shown
    bab4, langkah = _index(paragraphs, "4.1 Kesimpulan"), _index(paragraphs, "4.2 Langkah-Langkah ke Depan")
    conclusions = paragraphs[bab4:langkah]
    assert any(p.startswith("4. Indikator sasaran yang telah mencapai target tahun 2024:") for p in conclusions)
    assert any("Penyerapan anggaran tahun 2024 sebesar 90,63% (Rp 23.791.258.862 dari Rp 26.251.229.311); "
               "penyerapan terendah pada PROGRAM PELAYANAN IZIN USAHA SIMPAN PINJAM (62,11%)." in p for p in conclusions)
    follow = paragraphs[langkah:]
    assert any(p.startswith('1. Menjaga laju indikator "Persentase Peningkatan Volume Usaha Koperasi"') for p in follow)
    assert any(p.startswith("[diisi oleh perencana: rekomendasi") for p in follow)  # the planner's own stays


def test_no_sentence_says_na(paragraphs):
    for p in paragraphs:
        assert "N/A" not in p, p


def test_mid_year_sentences_mark_provisional_figures(tmp_path):
    """The Jawa Timur office in June: every sentence of the draft without N/A, the provisional
    realisasi marked *sementara* with the data it rests on, outputs behind the year "belum"."""
    from pipeline.domain.angka import compute_angka_periode
    from pipeline.domain.iku import compute_iku
    from pipeline.domain.periods import Period
    from pipeline.intake.odk import read_odk
    from pipeline.intake.referensi import read_referensi
    from pipeline.intake.year import read_year
    from pipeline.report.document import document_context
    from pipeline.samples import office as o

    inputs = tmp_path / "inputs"
    o.generate_office(inputs)
    period = Period(2025, 6)
    ref, _ = read_referensi(inputs)
    realisasi = read_year(inputs, ref, str(period))
    odk = read_odk(inputs, ref)
    result = compute_iku(ref.iku, ref.stated, ref.statistik, odk.rows, ref.iku_years(2025), period=(2025, 6))
    angka = compute_angka_periode(ref, realisasi, odk.rows, result, realisasi.year, period, [], 20.0)
    ctx = document_context(ref, angka, datetime(2025, 7, 3, 9, 0))

    sentences = [ctx[k] for k in ("renstra_kalimat", "program_kalimat", "anggaran_kalimat", "pergeseran_kalimat",
                                  "kalimat_3_2", "realisasi_anggaran_pembuka", "realisasi_anggaran_kalimat",
                                  "kesimpulan_pembuka")]
    sentences += [v for item in ctx["iku_kalimat"] for v in item.values()]
    sentences += list(ctx["ringkasan"].values())
    for key in ("renstra_kalimat_list", "efisiensi_kalimat", "program_sasaran_kalimat", "kesimpulan", "tindak_lanjut"):
        assert ctx[key], key
        sentences += ctx[key]
    for s in sentences:
        assert "N/A" not in s, s
    volume = next(item for item in ctx["iku_kalimat"] if "Volume Usaha Koperasi" in item["capaian"])
    assert "sebesar -50,00% (sementara: Tahun Buku 2025 s.d. Juni) dari target 5,00%" in volume["capaian"]
    assert volume["analisis"].startswith("Angka tahun 2025 indikator ini bersifat sementara (Tahun Buku 2025 s.d. Juni)")
    assert "Tidak Menunjang" not in {r["menunjang"] for r in ctx["tabel_3_7"]}
    assert "belum menunjang" in " ".join(ctx["program_sasaran_kalimat"])
    assert "masih sementara" in ctx["ringkasan"]["kategori"] and "kategori Kurang" in ctx["ringkasan"]["kategori"]
