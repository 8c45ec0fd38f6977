"""``lkjip``: the command line.

    lkjip run [--inputs DIR] [--outputs DIR] [--period YYYY-MM]
    lkjip validate FILE... [--inputs DIR] [--annotate] [--out DIR]
    lkjip template --bidang NAME --period YYYY-MM [--inputs DIR] [--out DIR]
    lkjip serve [--host 127.0.0.1] [--port 8000] [--dagster-port 3000] [--inputs DIR] [--outputs DIR] [--https]
    lkjip akun tambah NAMA --peran perencana|bidang [--bidang "NAMA BIDANG"] | daftar | hapus NAMA | sandi NAMA

``--inputs`` / ``--outputs`` left out: ``LKJIP_INPUTS`` / ``LKJIP_OUTPUTS``, else
``inputs/`` and ``outputs/`` of the project (:mod:`pipeline.settings`).  What
was parsed is passed on as arguments (and to the ``lkjip`` resource); the
environment is never changed.
"""

from __future__ import annotations

import argparse
import contextlib
import re
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
    tambah.add_argument("--peran", required=True, choices=["perencana", "bidang"])
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
            from pipeline.intake.safety import remembered_verdicts
            from pipeline.validate_cmd import cmd_validate

            with remembered_verdicts():  # each file inspected once
                return cmd_validate(args.files, resolved.inputs, args.annotate,
                                    args.out or resolved.outputs / "validasi")
        if args.command == "template":
            from pipeline.template import cmd_template

            return cmd_template(args.bidang, args.period, resolved.inputs,
                                args.out or resolved.outputs / "template")
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


def cmd_run(inputs: Path, outputs: Path, period: str | None) -> int:
    """Materialise every asset of the report for one period; exit 0 when the workbook was written."""
    inputs, outputs = Path(inputs).resolve(), Path(outputs).resolve()
    if not inputs.is_dir():
        print(f"lkjip: folder masukan tidak ditemukan: {inputs}", file=sys.stderr)
        return 2
    from pipeline.intake.prefetch import prefetched_inputs
    from pipeline.intake.safety import remembered_verdicts

    from pipeline.report import document_worker

    document_worker.start()  # loads the document's libraries on the other core while Dagster starts
    try:
        # each file is inspected (hashed, scanned) once per run; the workbooks are read while Dagster starts
        with remembered_verdicts(), prefetched_inputs(inputs, twice=period is None):
            return _run(inputs, outputs, period)
    finally:
        document_worker.stop()


def _instance():
    """The persistent instance (after reaping runs whose process is gone), or an
    ephemeral one with a one-line warning when DAGSTER_HOME cannot be used: for
    ``lkjip run`` the instance only keeps run history."""
    import dagster as dg

    from pipeline.dagster_home import DagsterHomeError, ensure_dagster_home, open_instance
    from pipeline.runs import reap_dead_runs

    try:
        ensure_dagster_home(settings.PROJECT_ROOT)
        instance = open_instance()
    except DagsterHomeError as exc:
        print(f"lkjip: peringatan: {exc}; run ini memakai instance Dagster sementara "
              "(riwayat run tidak disimpan)", file=sys.stderr)
        return dg.DagsterInstance.ephemeral()
    with contextlib.suppress(Exception):  # checking old runs must never stop this one
        reap_dead_runs(instance)
    return instance


def _run(inputs: Path, outputs: Path, period: str | None) -> int:
    from pipeline.intake.safety import assert_openpyxl_uses_defusedxml
    from pipeline.oserrors import describe, writable_folder

    assert_openpyxl_uses_defusedxml()
    unwritable = writable_folder(outputs)
    if unwritable is not None:
        print(f"lkjip: {describe('folder keluaran', outputs, unwritable)}", file=sys.stderr)
        return 1
    instance = _instance()

    import dagster as dg

    from pipeline.defs.resources import LkjipConfig
    from pipeline.definitions import defs as load_defs
    from pipeline.domain.periods import partition_key
    from pipeline.intake.realisasi import latest_period

    period = period or latest_period(inputs)
    if period is None:
        from datetime import datetime

        from pipeline.domain.periods import reporting_period

        period = str(reporting_period(datetime.now().astimezone()))
        print(f"lkjip: tidak ada berkas realisasi; periode {period} dipakai", file=sys.stderr)

    folder = settings.report_path(outputs, period).parent
    if folder.exists():  # the month's folder may be read-only, or full, while outputs/ is not
        unwritable = writable_folder(folder)
        if unwritable is not None:
            print(f"lkjip: laporan {period} tidak dapat dibuat: {describe('folder', folder, unwritable)}",
                  file=sys.stderr)
            return 1

    from pipeline.runs import process_tags

    definitions = load_defs()
    result = dg.materialize(
        list(definitions.assets or []),
        partition_key=partition_key(period),
        resources={"lkjip": LkjipConfig.from_environment(inputs_dir=str(inputs), outputs_dir=str(outputs))},
        instance=instance,
        # the reason of a failure is printed below in one line; Dagster's own log goes to its event log
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        raise_on_error=False,
        tags={"lkjip/sumber": "cli", **process_tags()},
    )
    path = settings.report_path(outputs, period)
    if result.success and path.exists():
        print(path)
        return 0
    print(f"lkjip: laporan {period} tidak dapat dibuat: {_failure_reason(result)}", file=sys.stderr)
    return 1


_CLASS_PREFIX = re.compile(r"^(?:[A-Za-z_]\w*\.)+[A-Z]\w*: |^[A-Z]\w*(?:Error|Exception): ")


def _failure_reason(result) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            while error.cause is not None and not error.message.strip():
                error = error.cause
            cause = error.cause or error
            text = (cause.message or error.message).strip().splitlines()
            # "pipeline.oserrors.WriteFailed: laporan ..." -> "laporan ..."
            return _CLASS_PREFIX.sub("", text[-1]) if text else "langkah gagal"
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if data and not data.passed:
                return f"pemeriksaan {data.check_name} pada {data.asset_key.to_user_string()} gagal"
    return "run Dagster gagal"


if __name__ == "__main__":
    sys.exit(main())
