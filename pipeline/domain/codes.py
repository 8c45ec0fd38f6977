"""Nomenclature codes ``U.BB.PP.L.KK.SSSS`` (Kepmendagri 050-5889/2021).

3 parts = program, 5 = kegiatan, 6 = sub kegiatan.  Anything else is an error
with an Indonesian reason; codes are never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CodeError", "Code", "parse_code", "sort_key", "LEVELS"]

LEVELS = {3: "program", 5: "kegiatan", 6: "sub_kegiatan"}
_WIDTHS = (1, 2, 2, 1, 2, 4)  # digits of U, BB, PP, L, KK, SSSS
_PART_NAMES = ("urusan", "bidang urusan", "program", "tingkat pemerintahan", "kegiatan", "sub kegiatan")
_DIGITS = re.compile(r"[0-9]+")


class CodeError(ValueError):
    """A code that is not a program, kegiatan or sub kegiatan code; ``reason`` is Indonesian."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Code:
    """A parsed, normalized code."""

    text: str
    level: str  # "program" | "kegiatan" | "sub_kegiatan"
    program: str
    kegiatan: str | None
    sub_kegiatan: str | None

    @property
    def parent(self) -> Code | None:
        """The kegiatan of a sub kegiatan, the program of a kegiatan, None for a program."""
        if self.level == "sub_kegiatan":
            return parse_code(self.kegiatan)
        if self.level == "kegiatan":
            return parse_code(self.program)
        return None

    def __str__(self) -> str:
        return self.text


def _clean(raw: object) -> str:
    if raw is None:
        raise CodeError("kode kosong")
    text = str(raw).strip()
    text = re.sub(r"\s*\.\s*", ".", text)
    if text.endswith("."):
        text = text[:-1]
    if not text:
        raise CodeError("kode kosong")
    return text


def _check_parts(parts: list[str]) -> list[str]:
    """Digit checks of the first (up to 6) parts; returns them normalized."""
    out = []
    for i, part in enumerate(parts):
        width = _WIDTHS[i]
        if i == 5 and len(part) == 2:
            part = part.zfill(4)  # "...01" is "...0001"
        if len(part) != width:
            raise CodeError(f"bagian {_PART_NAMES[i]} '{part}' harus {width} digit")
        out.append(part)
    return out


def parse_code(raw: object) -> Code:
    """Parse a program, kegiatan or sub kegiatan code; raises :class:`CodeError`."""
    text = _clean(raw)
    parts = text.split(".")
    if any(p == "" for p in parts):
        raise CodeError("ada bagian kosong (dua titik berurutan)")
    bad = [p for p in parts if not _DIGITS.fullmatch(p)]
    if bad:
        raise CodeError(f"bagian '{bad[0]}' bukan angka; kode hanya berisi angka dan titik")
    n = len(parts)
    if n >= 7:
        try:
            head = _check_parts(parts[:6])
        except CodeError:
            head = None
        if head is not None:
            raise CodeError(
                f"tampaknya kode sub kegiatan {'.'.join(head)} yang tersambung dengan kode rekening "
                f"{'.'.join(parts[6:])}; tulis hanya kode sub kegiatan"
            )
        raise CodeError(f"terdiri dari {n} bagian; yang sah 3 (program), 5 (kegiatan) atau 6 (sub kegiatan)")
    if n not in LEVELS:
        raise CodeError(f"terdiri dari {n} bagian; yang sah 3 (program), 5 (kegiatan) atau 6 (sub kegiatan)")
    parts = _check_parts(parts)
    level = LEVELS[n]
    program = ".".join(parts[:3])
    kegiatan = ".".join(parts[:5]) if n >= 5 else None
    sub = ".".join(parts) if n == 6 else None
    return Code(text=".".join(parts), level=level, program=program, kegiatan=kegiatan, sub_kegiatan=sub)


def sort_key(code_text: object) -> tuple:
    """Natural order key: 2.17.02 < 2.17.02.1.01 < 2.17.02.1.01.0001 < 2.17.10."""
    if code_text is None:
        return ((2, ""),)
    text = re.sub(r"\s*\.\s*", ".", str(code_text).strip()).rstrip(".")
    key = []
    for part in text.split("."):
        key.append((0, int(part), "") if _DIGITS.fullmatch(part) else (1, 0, part))
    return tuple(key)
