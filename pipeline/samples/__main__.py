"""Regenerate the bundled sample inputs: ``python -m pipeline.samples --out inputs``.

``python -m pipeline.samples --koperasi 100000 --seed 7 --out DIR`` writes the same
referensi and bidang files with an ODK export of that size instead (for benchmarks,
see :mod:`pipeline.samples.sized`).

The files reproduce the published LKjIP 2024 of the Dinas Koperasi, UKM
Provinsi Bali (figures in :mod:`pipeline.samples.calibrated`); every run gives
the same cell values (:mod:`pipeline.samples.bundled`).  ``inputs/README.md`` is written by hand
and left alone.
"""

from __future__ import annotations

import argparse

from pipeline.samples import calibrated as cal
from pipeline.samples.bundled import generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.samples", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="inputs", help="folder to write into (default: inputs)")
    parser.add_argument("--koperasi", type=int, default=None, metavar="N",
                        help="write an ODK export of N cooperatives (2 Tahun Buku, text numbers, duplicates, "
                             "bad rows) instead of the calibrated sample; see pipeline/samples/sized.py")
    parser.add_argument("--seed", type=int, default=7, help="seed of the sized ODK export (default: 7)")
    parser.add_argument("--year-files", action="store_true",
                        help="also write each bidang's January-November files of the sample year (a full year of "
                             "monthly files with the December ones); see pipeline/samples/monthly.py")
    parser.add_argument("--health", action="store_true",
                        help="write the health office's drop folder instead (a kabupaten Dinas Kesehatan, no "
                             "cooperative data, a year of monthly files); see pipeline/samples/health.py")
    args = parser.parse_args(argv)
    if args.health:
        from pipeline.samples.health import generate_health

        for path in generate_health(args.out).values():
            print(path)
        return
    if args.koperasi is not None:
        from pipeline.samples.sized import generate_sized

        if not 1 <= args.koperasi <= 999_999:
            parser.error("--koperasi must be between 1 and 999999")
        written = generate_sized(args.out, args.koperasi, args.seed)
    else:
        written = generate(args.out)
    if args.year_files:
        from pipeline.samples.monthly import generate_year

        written += generate_year(args.out, cal.YEAR, range(1, 12))
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
