"""The consolidated workbook the planner downloads: its sheets laid out from the period's figures
(``lembar_kerja``), then written with the sheets about the inputs (``laporan_kinerja``)."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
from openpyxl import load_workbook

from pipeline.defs.partitions import office_config, report_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.defs.types import DokumenLkjip, ReferensiIntake, Section, run_problems
from pipeline.domain.angka import headline
from pipeline.domain.figures import AngkaPeriode, RingkasanRun, as_json
from pipeline.domain.iku import IkuResult
from pipeline.intake import rules
from pipeline.intake.odk import OdkIntake
from pipeline.intake.realisasi import RealisasiIntake
from pipeline.intake.sipd import SipdIntake, with_anggaran
from pipeline.problems import ERROR, WARNING
from pipeline.report import tables
from pipeline.report.publish import publish, publish_document, write_summary
from pipeline.report.workbook import write_workbook
from pipeline.settings import TIMEZONE

SHEET_ORDER = ["Ringkasan", "IKU", "Tren IKU", "Renstra", "Efisiensi", "Kinerja Program", "Realisasi Anggaran",
               "Anggaran", "Rekonsiliasi", "Koperasi", "Pengumpulan", "Validasi", "Tren Bulanan", "Evaluasi Renja", "Peringatan Dini"]


@dg.asset(partitions_def=report_partitions, group_name="laporan")
def lembar_kerja(referensi: ReferensiIntake, realisasi_bidang: RealisasiIntake, anggaran_sipd: SipdIntake,
                 realisasi_iku: IkuResult, angka_periode: AngkaPeriode) -> Section:
    """Lembar-lembar workbook yang ditata dari angka periode: IKU dan trennya (Tabel 3.2, 3.3), Renstra
    (3.4), Efisiensi (3.6), Kinerja Program (3.7), Realisasi Anggaran (3.8), Anggaran (2.3), Koperasi
    (hanya dengan data ODK), Tren Bulanan, Evaluasi Renja (E.81) dan Peringatan Dini; serta masalah
    yang ditemukan aturan lintas masukan (nilai IKU yang ditetapkan berbeda dari hasil hitung,
    anggaran per jenis belanja yang tidak cocok)."""
    ref = referensi.referensi
    return Section(tables.model_sheets(angka_periode),
                   rules.stated_iku(ref, realisasi_iku)
                   + rules.budget_by_jenis(with_anggaran(ref, anggaran_sipd), realisasi_bidang))


@dg.asset(
    partitions_def=report_partitions,
    group_name="laporan",
    check_specs=[dg.AssetCheckSpec("tanpa_rumus", asset="laporan_kinerja",
                                   description="Workbook hanya berisi nilai: tidak ada sel rumus, semua lembar ada.")],
)
def laporan_kinerja(
    context: dg.AssetExecutionContext,
    lkjip: LkjipConfig,
    referensi: ReferensiIntake,
    realisasi_bidang: RealisasiIntake,
    data_koperasi: OdkIntake,
    angka_periode: AngkaPeriode,
    anggaran_sipd: SipdIntake,
    lembar_kerja: Section,
    evaluasi_renja_bappeda: str,
    dokumen_lkjip: DokumenLkjip,
):
    """Workbook laporan kinerja konsolidasi periode ini (Ringkasan, IKU, Tren IKU, Renstra,
    Efisiensi, Kinerja Program, Realisasi Anggaran, Anggaran, Rekonsiliasi, Koperasi, Pengumpulan,
    Validasi, Tren Bulanan, Evaluasi Renja, Peringatan Dini), ditulis aman (berkas lama utuh
    bila gagal) dan disimpan juga di riwayat."""
    angka, lkjip = angka_periode, office_config(context, lkjip)  # an OPD's own outputs folder
    period = angka.period
    ref = referensi.referensi
    made_at = datetime.now(ZoneInfo(TIMEZONE)).replace(microsecond=0)
    problems = run_problems(referensi, realisasi_bidang, data_koperasi, anggaran_sipd, lembar_kerja, dokumen_lkjip)
    reports = [s.report for s in referensi.sources + realisasi_bidang.sources + data_koperasi.sources
               + anggaran_sipd.sources]
    reports += dokumen_lkjip.reports
    rows = angka.pengumpulan
    sheets = {t.name: t for t in lembar_kerja.tables}
    sheets["Ringkasan"] = tables.ringkasan_sheet(ref, period, made_at, reports, problems)
    if line := tables.sipd_line(anggaran_sipd.files, anggaran_sipd.cutoff):  # where the budget comes from
        sheets["Ringkasan"].title.append(line)
    if anggaran_sipd.sources:  # the Rekonsiliasi sheet only for an office whose drop folder has SIPD exports
        sheets["Rekonsiliasi"] = tables.rekonsiliasi_sheet(ref, realisasi_bidang, anggaran_sipd.files,
                                                           anggaran_sipd.cutoff, period)
    sheets["Pengumpulan"] = tables.pengumpulan_sheet(ref, rows, problems, period)
    sheets["Validasi"] = tables.validasi_sheet(tables.title(ref, "Hasil Validasi Berkas Masukan", period), problems)
    # the Koperasi sheet only for an office with ODK data (lembar_kerja adds none without it), the
    # Rekonsiliasi sheet only with SIPD
    ordered = [sheets[name] for name in SHEET_ORDER if name in sheets]

    charts = dokumen_lkjip.chart_specs  # made once, with the document's figures
    path = publish(lambda tmp: write_workbook(ordered, tmp, charts), lkjip.outputs, str(period), made_at)
    document = None
    if dokumen_lkjip.content is not None:
        try:
            document = publish_document(dokumen_lkjip.content, lkjip.outputs, str(period), made_at)
        except Exception as exc:  # the workbook is already safe; say why the document is missing
            context.log.error(f"Dokumen laporan tidak dapat ditulis: {exc}")
    counts = tables.count_by_file(problems)
    by_file: dict[str, list] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    year = period.year
    summary = RingkasanRun(
        period=str(period),
        instansi=angka.instansi,
        # figures computed from a year that has not ended: the page says they are provisional
        sementara=tuple({"kode_iku": i.kode, "indikator": i.indikator, "tahun": year, "dasar": i.di(year).sementara}
                        for i in sorted(angka.iku, key=lambda i: i.kode) if i.di(year).sementara),
        made_at=made_at,
        workbook=path.name,
        dokumen=document.name if document else None,
        problems={str(ERROR): sum(1 for p in problems if p.severity == ERROR),
                  str(WARNING): sum(1 for p in problems if p.severity == WARNING)},
        peringatan_dini=len(angka.sepanjang_tahun.peringatan),
        evaluasi_renja=Path(evaluasi_renja_bappeda).name,
        pengumpulan=tuple(
            {**r.as_dict(), "errors": sum(counts.get(f, {}).get(ERROR, 0) for f in r.files),
             "warnings": sum(counts.get(f, {}).get(WARNING, 0) for f in r.files),
             "masalah": _problem_list([p for f in r.files for p in by_file.get(f, [])])}
            for r in rows),
        utama=headline(angka),
    )
    write_summary(lkjip.outputs, str(period), as_json(summary))
    yield dg.Output(str(path), metadata={"workbook": dg.MetadataValue.path(str(path)), "masalah": len(problems),
                                         "dokumen": dg.MetadataValue.path(str(document)) if document else "-"})
    yield _no_formula_check(path, [t.name for t in ordered])


MAX_LISTED_PROBLEMS = 300  # per bidang in ringkasan.json; the Validasi sheet has them all


def _problem_list(problems) -> list[dict]:
    return [{"severity": str(p.severity), "file": p.file, "sheet": p.sheet, "cell": p.cell, "column": p.column,
             "value": p.value, "message": p.message} for p in problems[:MAX_LISTED_PROBLEMS]]


def _no_formula_check(path, expected: list[str]) -> dg.AssetCheckResult:
    wb = load_workbook(path)
    formulas = [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    missing = [n for n in expected if n not in wb.sheetnames]
    return dg.AssetCheckResult(check_name="tanpa_rumus", passed=not formulas and not missing,
                               metadata={"sel_rumus": ", ".join(formulas[:20]) or "-", "lembar_hilang": ", ".join(missing) or "-"})
