"""The floor: read every visible sheet of every input workbook with calamine (fastexcel), nothing else.

    python benchmarks/floor_calamine.py INPUTS_DIR

No sandbox, no header search, no casting, no rules: the time any reader of
these files must spend.  Prints the number of cells read (and of ODK data rows, for the report).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import fastexcel


def main(argv: list[str]) -> int:
    inputs = Path(argv[1] if len(argv) > 1 else "inputs")
    cells = odk_rows = 0
    for path in sorted(inputs.rglob("*.xlsx")):
        if path.name.startswith(("~$", ".")):
            continue
        reader = fastexcel.read_excel(path)
        for name in reader.sheet_names:
            sheet = reader.load_sheet(name, header_row=None, dtypes="string")
            if getattr(sheet, "visible", "visible") != "visible":
                continue
            frame = sheet.to_polars()
            cells += frame.height * frame.width
            if path.parent.name == "odk":
                odk_rows += max(frame.height - 4, 0)  # title block, blank row and header above the data
    print(json.dumps({"cells": cells, "odk_rows": odk_rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
