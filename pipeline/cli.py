"""``lkjip``: the command line.

    lkjip run [--inputs DIR] [--outputs DIR] [--period YYYY-MM]
    lkjip validate FILE... [--inputs DIR] [--annotate] [--out DIR]
    lkjip template --bidang NAME --period YYYY-MM [--inputs DIR] [--out DIR]
    lkjip serve [--host 127.0.0.1] [--port 8000] [--dagster-port 3000] [--inputs DIR] [--outputs DIR] [--https]
    lkjip akun tambah NAMA --peran perencana|bidang|bappeda [--opd OPD] [--bidang "NAMA BIDANG"] | daftar | hapus NAMA | sandi NAMA

``--inputs`` / ``--outputs`` left out: ``LKJIP_INPUTS`` / ``LKJIP_OUTPUTS``, else
``inputs/`` and ``outputs/`` of the project (:mod:`pipeline.settings`).  What
was parsed is passed on as arguments (and to the ``lkjip`` resource); the
environment is never changed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline import settings
from pipeline.domain.periods import Period


def _period_arg(text: str) -> str:
    try:
        return str(Period.parse(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"periode harus berbentuk YYYY-MM, bukan {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lkjip", description="Laporan Kinerja Instansi Pemerintah dari berkas Excel.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="olah folder masukan dan tulis workbook laporan kinerja")
    run.add_argument("--inputs", type=Path, default=None)
    run.add_argument("--outputs", type=Path, default=None)
    run.add_argument("--period", type=_period_arg, help="YYYY-MM; bawaan: bulan terakhir yang punya berkas realisasi")

    val = sub.add_parser("validate", help="periksa satu atau beberapa berkas tanpa membuat laporan")
    val.add_argument("files", nargs="+", type=Path)
    val.add_argument("--inputs", type=Path, default=None, help="folder masukan (untuk referensi)")
    val.add_argument("--annotate", action="store_true", help="tulis salinan berkas dengan sel bermasalah ditandai")
    val.add_argument("--out", type=Path, default=None, help="folder salinan bertanda (bawaan: outputs/validasi)")

    tpl = sub.add_parser("template", help="buat workbook realisasi kosong untuk satu bidang")
    tpl.add_argument("--bidang", required=True)
    tpl.add_argument("--period", required=True, type=_period_arg)
    tpl.add_argument("--inputs", type=Path, default=None)
    tpl.add_argument("--out", type=Path, default=None, help="folder tujuan (bawaan: outputs/template)")

    srv = sub.add_parser("serve", help="jalankan halaman unduhan perencana, Dagster UI dan daemon")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8000)
    srv.add_argument("--dagster-port", type=int, default=3000)
    srv.add_argument("--inputs", type=Path, default=None)
    srv.add_argument("--outputs", type=Path, default=None)
    srv.add_argument("--https", action="store_true",
                     help="halaman dibuka lewat HTTPS (reverse proxy): cookie sesi Secure (juga LKJIP_SECURE_COOKIES=1)")

    akun = sub.add_parser("akun", help="kelola akun halaman (perencana dan bidang)")
    akun_sub = akun.add_subparsers(dest="akun_command", required=True)
    tambah = akun_sub.add_parser("tambah", help="buat akun; sandi dibaca dari prompt (atau stdin bila bukan terminal)")
    tambah.add_argument("nama")
    tambah.add_argument("--peran", required=True, choices=["perencana", "bidang", "bappeda"])
    tambah.add_argument("--opd", help="folder OPD (untuk akun perencana dan bidang sebuah Pemda)")
    tambah.add_argument("--bidang", help="nama bidang di referensi (untuk akun bidang)")
    tambah.add_argument("--inputs", type=Path, default=None, help="folder masukan (untuk referensi)")
    akun_sub.add_parser("daftar", help="daftar akun")
    hapus = akun_sub.add_parser("hapus", help="hapus akun")
    hapus.add_argument("nama")
    sandi = akun_sub.add_parser("sandi", help="ganti sandi akun")
    sandi.add_argument("nama")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        resolved = settings.resolve(inputs=getattr(args, "inputs", None), outputs=getattr(args, "outputs", None))
    except settings.SettingError as exc:
        print(f"lkjip: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "run":
            return cmd_run(resolved.inputs, resolved.outputs, args.period)
        if args.command == "validate":
            return cmd_validate(args.files, resolved.inputs, args.annotate, args.out or resolved.outputs / "validasi")
        if args.command == "template":
            return cmd_template(args.bidang, args.period, resolved.inputs, args.out or resolved.outputs / "template")
        if args.command == "akun":
            from pipeline.web.accounts import cmd_akun
            from pipeline.web.instance import instance_dir

            args.inputs = resolved.inputs
            return cmd_akun(args, instance_dir())
        if args.command == "serve":
            from pipeline.web.serve import NoAccountError, ServeError, serve

            try:
                serve(host=args.host, port=args.port, dagster_port=args.dagster_port,
                      inputs=resolved.inputs.resolve(), outputs=resolved.outputs.resolve(),
                      secure_cookies=True if args.https else None)
            except ServeError as exc:
                print(f"lkjip serve: {exc}", file=sys.stderr)
                return 2
            except NoAccountError as exc:
                print(exc, file=sys.stderr)
                return 2
            return 0
    except KeyboardInterrupt:
        return 130
    return 2


def _say(message: str) -> None:
    """One line on standard error, as every lkjip message."""
    print(f"lkjip: {message}", file=sys.stderr)


def cmd_run(inputs: Path, outputs: Path, period: str | None) -> int:
    """``lkjip run``: exit 0 when the workbook (of a Pemda: every OPD's and the rekap) was written
    (:func:`pipeline.runs.run_report`)."""
    from pipeline.runs import RunError, run_report

    try:
        outcome = run_report(inputs, outputs, period, warn=_say)
    except RunError as exc:
        _say(str(exc))
        return exc.code
    for path in outcome.written:
        print(path)
    return 1 if outcome.failed else 0


def cmd_validate(files: list[Path], inputs: Path, annotate: bool, out: Path) -> int:
    """``lkjip validate``: each file's account and problems (:mod:`pipeline.intake.validate`); exit 1
    when a file is missing or has an Error."""
    from pipeline.intake.safety import assert_openpyxl_uses_defusedxml, remembered_verdicts
    from pipeline.intake.validate import check_files
    from pipeline.problems import ERROR
    from pipeline.report.annotated import annotate_copy

    assert_openpyxl_uses_defusedxml()
    for f in files:
        if not Path(f).is_file():
            _say(f"berkas tidak ditemukan: {f}")
    failed = any(not Path(f).is_file() for f in files)
    files = [f for f in files if Path(f).is_file()]
    with remembered_verdicts():  # each file inspected once
        checked = check_files(files, Path(inputs))
    for path, (report, problems) in zip(files, checked, strict=True):
        errors = sum(1 for p in problems if p.severity == ERROR)
        print(f"{path}: {report.status}; {report.rows_read} baris dibaca, {report.rows_accepted} diterima, "
              f"{report.rows_rejected} ditolak; {errors} Error, {len(problems) - errors} Peringatan"
              + (f"; periode {report.period}" if report.period else ""))
        for p in problems:
            where = "!".join(x for x in (p.sheet, p.cell) if x)
            print(f"  {p.severity:<10} {where or '-'}{f' [{p.column}]' if p.column else ''}: {p.message}")
        failed |= errors > 0
        target = annotate_copy(Path(path), problems, out) if annotate and problems else None
        if target:
            print(f"  salinan bertanda: {target}")
    return 1 if failed else 0


def cmd_template(bidang: str, period: str, inputs: Path, out: Path) -> int:
    """``lkjip template``: a blank realisation workbook (:mod:`pipeline.report.realisasi_template`)."""
    from pipeline.domain.periods import Period
    from pipeline.intake.referensi import NoReferensi
    from pipeline.report.realisasi_template import build_template, template_name

    try:
        wb = build_template(bidang, Period.parse(period), Path(inputs))
    except (ValueError, NoReferensi) as exc:
        _say(str(exc))
        return 1
    out.mkdir(parents=True, exist_ok=True)
    wb.save(out / template_name(bidang, period))
    print(out / template_name(bidang, period))
    return 0


if __name__ == "__main__":
    sys.exit(main())
