"""The figures of the period, computed once (``angka_periode``), and the sheets of chapters II and III.

``realisasi_iku`` holds the realisasi of every key indicator per year
(:class:`~pipeline.domain.iku.IkuResult`); ``pengumpulan`` the submission status per bidang;
``angka_periode`` every figure of the period (:class:`~pipeline.domain.figures.AngkaPeriode`),
which every consumer lays out: the sheet assets below, the through-the-year sheets, the E.81
form, the document and ringkasan.json.  Every other asset returns a
:class:`~pipeline.defs.types.Section`: the sheet(s) it adds to the workbook and the problems that
the intake rules across inputs found (a stated IKU that differs from the computed one, a budget by
jenis belanja that does not add up).
"""

import dagster as dg

from pipeline.defs.partitions import office_config, period_of, report_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.defs.types import ReferensiIntake, Section
from pipeline.domain.angka import compute_angka_periode
from pipeline.domain.figures import AngkaPeriode
from pipeline.domain.iku import IkuResult, compute_iku
from pipeline.domain.periods import Period
from pipeline.domain.submissions import SubmissionRow, pengumpulan_rows
from pipeline.intake import rules
from pipeline.intake.odk import OdkIntake
from pipeline.intake.realisasi import RealisasiIntake
from pipeline.intake.sipd import SipdIntake, with_anggaran
from pipeline.intake.year import year_figures
from pipeline.report import tables

GROUP = "kinerja"

__all__ = ["Section", "realisasi_iku", "angka_periode", "capaian_iku", "kemajuan_renstra", "realisasi_anggaran",
           "efisiensi", "kinerja_program", "rekap_koperasi", "pengumpulan"]


def _period(context: dg.AssetExecutionContext) -> Period:
    return period_of(context)


def _asset(**kwargs):
    return dg.asset(partitions_def=report_partitions, group_name=GROUP, **kwargs)


@_asset()
def realisasi_iku(context: dg.AssetExecutionContext, referensi: ReferensiIntake, data_koperasi: OdkIntake) -> IkuResult:
    """Realisasi setiap Indikator Kinerja Utama per tahun: nilai yang ditetapkan perencana,
    atau dihitung (volume usaha koperasi dari ODK, rasio kewirausahaan dan KUMKM digital
    dari statistik)."""
    ref = referensi.referensi
    period = _period(context)
    return compute_iku(ref.iku, ref.stated, ref.statistik, data_koperasi.rows, ref.iku_years(period.year),
                       period=(period.year, period.month))


@_asset()
def pengumpulan(context: dg.AssetExecutionContext, lkjip: LkjipConfig, referensi: ReferensiIntake,
                realisasi_bidang: RealisasiIntake) -> list[SubmissionRow]:
    """Status pengumpulan berkas per bidang untuk periode ini: tepat waktu, terlambat, atau
    belum mengirim, terhadap batas pengumpulan."""
    ref, period, lkjip = referensi.referensi, _period(context), office_config(context, lkjip)
    day = lkjip.effective_deadline_day(ref.batas_pengumpulan, read=False)  # referensi > env > 10
    from pipeline.intake.submission_store import with_states

    rows = pengumpulan_rows(ref.bidang_names, realisasi_bidang.received, str(period), day)
    return with_states(rows, str(period))  # the page's submission states (instance folder)


@_asset()
def angka_periode(context: dg.AssetExecutionContext, lkjip: LkjipConfig, referensi: ReferensiIntake,
                  realisasi_bidang: RealisasiIntake, data_koperasi: OdkIntake, anggaran_sipd: SipdIntake,
                  realisasi_iku: IkuResult, pengumpulan: list[SubmissionRow]) -> AngkaPeriode:
    """Semua angka periode ini, dihitung sekali: IKU (target, realisasi, capaian, kategori) dan
    trennya, kemajuan Renstra, efisiensi per sasaran, pohon anggaran dan jumlahnya, anggaran per
    jenis belanja, program yang menunjang, rekap koperasi, Tabel E.81, tren bulanan, peringatan
    dini, dan status pengumpulan; lembar kerja, formulir E.81, dokumen dan ringkasan.json hanya
    menatanya."""
    # SIPD's pagu and realisasi are already in realisasi_bidang; its rekening codes give Tabel 2.3
    # where the referensi does not state it
    return compute_angka_periode(with_anggaran(referensi.referensi, anggaran_sipd), realisasi_bidang, data_koperasi.rows, realisasi_iku,
                                 year_figures(realisasi_bidang), _period(context), pengumpulan,
                                 lkjip.settings.early_warning_points)


@_asset()
def capaian_iku(referensi: ReferensiIntake, realisasi_iku: IkuResult, angka_periode: AngkaPeriode) -> Section:
    """Realisasi, capaian dan kategori setiap Indikator Kinerja Utama (Tabel 3.2) dan trennya
    antar tahun (Tabel 3.3); nilai ditetapkan yang berbeda dari hasil hitung dilaporkan."""
    return Section([tables.iku_sheet(angka_periode), tables.tren_sheet(angka_periode)],
                   rules.stated_iku(referensi.referensi, realisasi_iku))


@_asset()
def kemajuan_renstra(angka_periode: AngkaPeriode) -> Section:
    """Capaian terhadap target akhir Renstra dan tingkat kemajuannya (Tabel 3.4)."""
    return Section([tables.renstra_sheet(angka_periode)])


@_asset()
def realisasi_anggaran(referensi: ReferensiIntake, realisasi_bidang: RealisasiIntake, anggaran_sipd: SipdIntake,
                       angka_periode: AngkaPeriode) -> Section:
    """Pohon anggaran program > kegiatan > sub kegiatan dengan pagu, realisasi dan capaian
    (Tabel 3.8), dan anggaran per jenis belanja sebelum/sesudah pergeseran (Tabel 2.3; dari kode
    rekening SIPD bila referensi tidak menyatakannya)."""
    return Section([tables.anggaran_sheet(angka_periode), tables.realisasi_anggaran_sheet(angka_periode)],
                   rules.budget_by_jenis(with_anggaran(referensi.referensi, anggaran_sipd), realisasi_bidang))


@_asset()
def efisiensi(angka_periode: AngkaPeriode) -> Section:
    """Efisiensi penggunaan sumber daya per sasaran (Tabel 3.6), dari pagu, capaian keluaran
    dan realisasi anggaran sub kegiatan program-program sasaran itu."""
    return Section([tables.efisiensi_sheet(angka_periode)])


@_asset()
def kinerja_program(angka_periode: AngkaPeriode) -> Section:
    """Program, kegiatan dan sub kegiatan yang menunjang (atau tidak) setiap sasaran (Tabel 3.7)."""
    return Section([tables.kinerja_program_sheet(angka_periode)])


@_asset()
def rekap_koperasi(angka_periode: AngkaPeriode) -> Section:
    """Jumlah koperasi (semua, aktif, digital) dan volume usaha per kabupaten/kota; tidak ada
    lembar ini bagi perangkat daerah tanpa data ODK."""
    if angka_periode.koperasi is None:
        return Section([])
    return Section([tables.koperasi_sheet(angka_periode)])
