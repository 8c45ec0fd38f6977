"""The sample SIPD export: the sample office's budget as SIPD's rekening rows.

Each sub kegiatan of :mod:`pipeline.samples.calibrated` is split over realistic
rekening (account) rows whose pagu and realisasi add up to the sub kegiatan's
exactly, and whose jenis belanja add up to the published Tabel 2.3 (Belanja
Pegawai, Barang dan Jasa, Subsidi, Modal after the shift).  So a run with the
export gives the same figures as without it.  :func:`write_sipd_xlsx` and
:func:`write_sipd_csv` write rows as the tools that pull SIPD's Laporan
Realisasi Anggaran do (SIPD's own field names); a test may plant a difference
in a copy.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

from pipeline.samples import calibrated as cal

KODE_SKPD = "2.17.0.00.0.00.01.0000"
NAMA_SKPD = cal.INSTANSI
CUTOFF = date(2024, 12, 31)
FILE = Path("sipd") / "LRA SIPD Diskop UKM Bali per 31 Desember 2024.xlsx"
HEADERS = ("kode_skpd", "nama_skpd", "kode_sub_giat", "nama_sub_giat", "kode_akun", "nama_akun", "nilai",
           "realisasi_rill")

_PEGAWAI = (  # (kode_akun, nama_akun, share of the sub kegiatan's pagu)
    ("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS", 0.52),
    ("5.1.01.01.02.0001", "Belanja Tunjangan Keluarga PNS", 0.05),
    ("5.1.01.01.03.0001", "Belanja Tunjangan Jabatan PNS", 0.04),
    ("5.1.01.01.04.0001", "Belanja Tunjangan Fungsional PNS", 0.02),
    ("5.1.01.01.05.0001", "Belanja Tunjangan Fungsional Umum PNS", 0.02),
    ("5.1.01.01.06.0001", "Belanja Tunjangan Beras PNS", 0.03),
    ("5.1.01.01.07.0001", "Belanja Tunjangan PPh/Tunjangan Khusus PNS", 0.01),
    ("5.1.01.02.01.0001", "Tambahan Penghasilan berdasarkan Beban Kerja PNS", 0.31),
)
_BARANG = (
    ("5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor", 0.10),
    ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", 0.15),
    ("5.1.02.02.01.0003", "Honorarium Narasumber atau Pembahas, Moderator, Pembawa Acara, dan Panitia", 0.20),
    ("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", 0.55),
)
_BARANG_JASA_KANTOR = (
    ("5.1.02.02.01.0026", "Belanja Jasa Tenaga Administrasi", 0.45),
    ("5.1.02.02.01.0030", "Belanja Jasa Tenaga Kebersihan", 0.25),
    ("5.1.02.02.01.0031", "Belanja Jasa Tenaga Keamanan", 0.30),
)
_UTILITAS = (
    ("5.1.02.02.01.0059", "Belanja Tagihan Telepon", 0.10),
    ("5.1.02.02.01.0060", "Belanja Tagihan Air", 0.10),
    ("5.1.02.02.01.0061", "Belanja Tagihan Listrik", 0.70),
    ("5.1.02.02.01.0063", "Belanja Kawat/Faksimili/Internet/TV Berlangganan", 0.10),
)
_PEMELIHARAAN = (
    ("5.1.02.03.02.0035", "Belanja Pemeliharaan Alat Angkutan-Alat Angkutan Darat Bermotor-Kendaraan Dinas Bermotor Perorangan", 0.40),
    ("5.1.02.03.02.0405", "Belanja Pemeliharaan Alat Kantor dan Rumah Tangga-Alat Kantor-Alat Kantor Lainnya", 0.25),
    ("5.1.02.03.03.0001", "Belanja Pemeliharaan Bangunan Gedung-Bangunan Gedung Tempat Kerja-Bangunan Gedung Kantor", 0.35),
)
_MODAL_PERALATAN = (
    ("5.2.02.05.01.0005", "Belanja Modal Alat Kantor Lainnya", 0.30),
    ("5.2.02.10.01.0002", "Belanja Modal Personal Computer", 0.45),
    ("5.2.02.10.02.0003", "Belanja Modal Peralatan Personal Computer", 0.25),
)

# sub kegiatan -> fixed amounts of the jenis belanja that are not Barang dan Jasa (Tabel 2.3 after the shift)
_FIXED = {
    "2.17.01.1.06.0002": (("5.2.02.05.02.0001", "Belanja Modal Mebel", 39_161_900),),
    "2.17.08.1.01.0001": (("5.1.04.01.01.0001", "Belanja Subsidi kepada BUMD", 25_000_000),),
}
_PATTERN = {
    "2.17.01.1.02.0001": _PEGAWAI,
    "2.17.01.1.07.0006": _MODAL_PERALATAN,
    "2.17.01.1.08.0002": _UTILITAS,
    "2.17.01.1.08.0004": _BARANG_JASA_KANTOR,
    "2.17.01.1.09.0002": _PEMELIHARAAN,
    "2.17.01.1.09.0006": _PEMELIHARAAN[:2],
    "2.17.01.1.09.0009": _PEMELIHARAAN[2:],
}


def _split(total: int, shares: Sequence[float]) -> list[int]:
    """Whole rupiah in the given shares, adding up to ``total`` exactly (the rest on the largest share)."""
    weight = sum(shares)
    parts = [int(total * s / weight) for s in shares]
    parts[max(range(len(shares)), key=lambda i: shares[i])] += total - sum(parts)
    return parts


def _spent(pagu: Sequence[int], total: int) -> list[int]:
    """The sub kegiatan's realisasi spread over its rows in proportion to their pagu, none above its pagu."""
    whole = sum(pagu)
    spent = [total * p // whole if whole else 0 for p in pagu]
    rest = total - sum(spent)
    for i in sorted(range(len(pagu)), key=lambda i: -pagu[i]):
        step = min(rest, pagu[i] - spent[i])
        spent[i] += step
        rest -= step
    assert rest == 0, "realisasi above pagu"
    return spent


def sipd_rows() -> list[dict]:
    """Every rekening row of the sample office's budget for the year (sub kegiatan in code order)."""
    rows: list[dict] = []
    for program in cal.PROGRAMS:
        for node in program.walk():
            if node.level != "sub_kegiatan":
                continue
            fixed = _FIXED.get(node.kode, ())
            rest = node.pagu - sum(amount for _, _, amount in fixed)
            pattern = _PATTERN.get(node.kode, _BARANG if rest >= 10_000_000 else _BARANG[:2])
            accounts = [(kode, nama, amount) for kode, nama, amount in fixed]
            accounts += [(kode, nama, amount) for (kode, nama, _), amount in
                         zip(pattern, _split(rest, [s for _, _, s in pattern]), strict=True)]
            spent = _spent([a for _, _, a in accounts], node.realisasi_anggaran)
            for (kode_akun, nama_akun, pagu), real in zip(accounts, spent, strict=True):
                rows.append({"kode_skpd": KODE_SKPD, "nama_skpd": NAMA_SKPD, "kode_sub_giat": node.kode,
                             "nama_sub_giat": node.uraian, "kode_akun": kode_akun, "nama_akun": nama_akun,
                             "nilai": pagu, "realisasi_rill": real})
    return rows


def _title(cutoff: date) -> list[str]:
    from pipeline.domain.periods import date_label_id

    return ["PEMERINTAH PROVINSI BALI", "LAPORAN REALISASI ANGGARAN PER SUB KEGIATAN DAN REKENING",
            f"SKPD: {KODE_SKPD} {NAMA_SKPD}", f"Per Tanggal {date_label_id(cutoff)}"]


def write_sipd_xlsx(path: Path | str, rows: Iterable[dict], *, cutoff: date = CUTOFF,
                    columns: Sequence[str] = HEADERS, rename: Mapping[str, str] | None = None,
                    title: Sequence[str] | None = None) -> Path:
    """An export as an Excel workbook: a title block with the cut-off date, SIPD's field names, the rows
    (money as numbers); ``columns`` are the keys of the rows written, ``rename`` their headers."""
    from openpyxl import Workbook

    from pipeline.samples.writer import FIXED_TIME, _save

    wb = Workbook(write_only=True)
    wb.properties.creator = "SIPD-RI"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    ws = wb.create_sheet("Realisasi")
    for line in (_title(cutoff) if title is None else title):
        ws.append([line])
    ws.append([])
    ws.append([(rename or {}).get(k, k) for k in columns])
    for r in rows:
        ws.append([r.get(k) for k in columns])
    return _save(wb, Path(path))


def write_sipd_csv(path: Path | str, rows: Iterable[dict], *, columns: Sequence[str] = HEADERS,
                   rename: Mapping[str, str] | None = None, title: Sequence[str] | None = None,
                   cutoff: date = CUTOFF) -> Path:
    """An export as CSV (``;``-separated, money as plain numbers), the title block first."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter=";")
        for line in (_title(cutoff) if title is None else title):
            out.writerow([line])
        out.writerow([(rename or {}).get(k, k) for k in columns])
        for r in rows:
            out.writerow(["" if r.get(k) is None else r.get(k) for k in columns])
    return path


def generate_sipd(out: Path | str) -> Path:
    """The bundled sample export under ``<out>/sipd/``."""
    return write_sipd_xlsx(Path(out) / FILE, sipd_rows())
