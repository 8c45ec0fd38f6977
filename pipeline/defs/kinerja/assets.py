"""The figures of chapters II and III of the LKjIP, one asset per table.

``realisasi_iku`` holds the realisasi of every key indicator per year
(:class:`~pipeline.domain.iku.IkuResult`), which the indicator tables share;
``pengumpulan`` the submission status per bidang.  Every other asset returns a
:class:`Section`: the sheet(s) it adds to the workbook and the problems that
the intake rules across inputs found (a stated IKU that differs from the
computed one, a budget by jenis belanja that does not add up).
"""

from dataclasses import dataclass, field

import dagster as dg

from pipeline.defs.masukan.assets import ReferensiIntake
from pipeline.defs.partitions import monthly_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.domain.iku import IkuResult, compute_iku
from pipeline.domain.periods import Period, period_of_partition_key
from pipeline.domain.submissions import SubmissionRow
from pipeline.intake import rules
from pipeline.intake.odk import OdkIntake
from pipeline.intake.realisasi import RealisasiIntake
from pipeline.problems import Problem
from pipeline.report import tables
from pipeline.report.sheet import SheetTable

GROUP = "kinerja"


@dataclass
class Section:
    tables: list[SheetTable]
    problems: list[Problem] = field(default_factory=list)


def _period(context: dg.AssetExecutionContext) -> Period:
    return period_of_partition_key(context.partition_key)


def _asset(**kwargs):
    return dg.asset(partitions_def=monthly_partitions, group_name=GROUP, **kwargs)


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
def capaian_iku(context: dg.AssetExecutionContext, referensi: ReferensiIntake, realisasi_iku: IkuResult) -> Section:
    """Realisasi, capaian dan kategori setiap Indikator Kinerja Utama (Tabel 3.2) dan trennya
    antar tahun (Tabel 3.3); nilai ditetapkan yang berbeda dari hasil hitung dilaporkan."""
    period, ref = _period(context), referensi.referensi
    return Section([tables.iku_sheet(ref, realisasi_iku, period), tables.tren_sheet(ref, realisasi_iku, period)],
                   rules.stated_iku(ref, realisasi_iku))


@_asset()
def kemajuan_renstra(context: dg.AssetExecutionContext, referensi: ReferensiIntake, realisasi_iku: IkuResult) -> Section:
    """Capaian terhadap target akhir Renstra dan tingkat kemajuannya (Tabel 3.4)."""
    return Section([tables.renstra_sheet(referensi.referensi, realisasi_iku, _period(context))])


@_asset()
def realisasi_anggaran(context: dg.AssetExecutionContext, referensi: ReferensiIntake,
                       realisasi_bidang: RealisasiIntake) -> Section:
    """Pohon anggaran program > kegiatan > sub kegiatan dengan pagu, realisasi dan capaian
    (Tabel 3.8), dan anggaran per jenis belanja sebelum/sesudah pergeseran (Tabel 2.3)."""
    period, ref = _period(context), referensi.referensi
    return Section([tables.anggaran_sheet(ref, period), tables.realisasi_anggaran_sheet(ref, realisasi_bidang, period)],
                   rules.budget_by_jenis(ref, realisasi_bidang))


@_asset()
def efisiensi(context: dg.AssetExecutionContext, referensi: ReferensiIntake, realisasi_iku: IkuResult,
              realisasi_bidang: RealisasiIntake) -> Section:
    """Efisiensi penggunaan sumber daya per sasaran (Tabel 3.6), dari pagu, capaian keluaran
    dan realisasi anggaran sub kegiatan program-program sasaran itu."""
    return Section([tables.efisiensi_sheet(referensi.referensi, realisasi_iku, realisasi_bidang,
                                           _period(context))])


@_asset()
def kinerja_program(context: dg.AssetExecutionContext, referensi: ReferensiIntake, realisasi_iku: IkuResult,
                    realisasi_bidang: RealisasiIntake) -> Section:
    """Program, kegiatan dan sub kegiatan yang menunjang (atau tidak) setiap sasaran (Tabel 3.7)."""
    return Section([tables.kinerja_program_sheet(referensi.referensi, realisasi_iku, realisasi_bidang,
                                                 _period(context))])


@_asset()
def rekap_koperasi(context: dg.AssetExecutionContext, referensi: ReferensiIntake, data_koperasi: OdkIntake) -> Section:
    """Jumlah koperasi (semua, aktif, digital) dan volume usaha per kabupaten/kota."""
    return Section([tables.koperasi_sheet(referensi.referensi, data_koperasi, _period(context))])


@_asset()
def pengumpulan(context: dg.AssetExecutionContext, lkjip: LkjipConfig, referensi: ReferensiIntake,
                realisasi_bidang: RealisasiIntake) -> list[SubmissionRow]:
    """Status pengumpulan berkas per bidang untuk periode ini: tepat waktu, terlambat, atau
    belum mengirim, terhadap batas pengumpulan."""
    ref, period = referensi.referensi, _period(context)
    day = lkjip.effective_deadline_day(ref.batas_pengumpulan, read=False)  # referensi > env > 10
    from pipeline.intake.submission_store import with_states

    return with_states(tables.pengumpulan_rows(ref, realisasi_bidang, period, day), str(period))  # page's states
