"""Kabupaten and kota names: which written name is which region.  (pure)

``Kab. Malang``, ``Kab Malang``, ``KABUPATEN MALANG`` are one region;
``Kota Malang`` (also ``Kotamadya``/``Kodya``) is another.  A name without a
prefix (``Malang``) is the one region of that name in the referensi, and
cannot be told apart when the referensi has both a kabupaten and a kota of that
name: :class:`RegionError` then names the candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["KABUPATEN", "KOTA", "Region", "RegionError", "RegionIndex", "parse_region"]

KABUPATEN = "Kabupaten"
KOTA = "Kota"

_PREFIX = re.compile(
    r"^(?:(kabupaten|kab)|(kota\s*madya|kotamadya|kodya|kota\s+administrasi|kota\s+adm|kota))\b\.?\s*"
)


@dataclass(frozen=True)
class Region:
    """A written name split into its kind (``Kabupaten``, ``Kota`` or None: not said) and its base name."""

    kind: str | None
    base: str  # lower case, single spaces, letters and digits only


def parse_region(name: object) -> Region:
    text = " ".join(re.sub(r"[^0-9a-z. ]+", " ", str(name or "").lower()).split())
    kind = None
    match = _PREFIX.match(text)
    if match:
        kind = KABUPATEN if match.group(1) else KOTA
        text = text[match.end():]
    base = " ".join(text.replace(".", " ").split())
    return Region(kind, base)


class RegionError(ValueError):
    """A name that matches no region, or more than one (``candidates``)."""

    def __init__(self, name: object, candidates: list[str]):
        self.name = name
        self.candidates = candidates
        which = ", ".join(candidates) if candidates else "tidak ada"
        super().__init__(f"'{name}' tidak dapat dibedakan: {which}")


class RegionIndex:
    """The regions a referensi lists, each under the first spelling it uses."""

    def __init__(self, names: Iterable[object]):
        self.names: list[str] = []
        self._by_kind: dict[tuple[str | None, str], str] = {}
        self._by_base: dict[str, list[str]] = {}
        for name in names:
            if name is None or not str(name).strip():
                continue
            region = parse_region(name)
            if not region.base or (region.kind, region.base) in self._by_kind:
                continue
            canon = " ".join(str(name).split())
            self._by_kind[(region.kind, region.base)] = canon
            self._by_base.setdefault(region.base, []).append(canon)
            self.names.append(canon)

    def resolve(self, name: object) -> str:
        """The referensi's name of the region ``name`` means; raises :class:`RegionError`."""
        region = parse_region(name)
        found = self._by_kind.get((region.kind, region.base))
        if found is not None:
            return found
        same_base = self._by_base.get(region.base, [])
        if region.kind is None:
            if len(same_base) == 1:
                return same_base[0]
            raise RegionError(name, sorted(same_base))
        # a prefix the referensi does not write: only a referensi name without any prefix fits
        plain = self._by_kind.get((None, region.base))
        if plain is not None:
            return plain
        raise RegionError(name, [])
