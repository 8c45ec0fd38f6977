"""The figures of the period, computed once (``angka_periode``), from the IKU results and the submission status.

``realisasi_iku`` holds the realisasi of every key indicator per year
(:class:`~pipeline.domain.iku.IkuResult`); ``pengumpulan`` the submission status per bidang;
``angka_periode`` every figure of the period (:class:`~pipeline.domain.figures.AngkaPeriode`),
which every consumer lays out (``pipeline/defs/laporan``: the workbook's sheets, the E.81 form,
the document and ringkasan.json).
"""

import dagster as dg

from pipeline.defs.partitions import office_config, period_of, report_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.defs.types import ReferensiIntake
from pipeline.domain.angka import compute_angka_periode
from pipeline.domain.figures import AngkaPeriode
from pipeline.domain.iku import IkuResult, compute_iku
from pipeline.domain.periods import Period
from pipeline.domain.submissions import SubmissionRow, pengumpulan_rows
from pipeline.intake.odk import OdkIntake
from pipeline.intake.realisasi import RealisasiIntake
from pipeline.intake.sipd import SipdIntake, with_anggaran
from pipeline.intake.year import year_figures

GROUP = "kinerja"

__all__ = ["realisasi_iku", "pengumpulan", "angka_periode"]


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
