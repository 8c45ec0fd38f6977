"""Accounts of the page: a planner (``perencana``) or a bidang.

Stored in ``<instance>/akun.json`` (mode 0600), passwords hashed with Argon2id
(argon2-cffi, its default parameters).  A bidang account carries the name of
one bidang of the referensi, exactly as the referensi spells it.

``lkjip akun tambah|daftar|hapus|sandi`` (:func:`cmd_akun`) manages them; the
password is read with :func:`getpass.getpass` from a terminal, or as the first
line of standard input when that is not a terminal (scripts, tests).
"""

from __future__ import annotations

import getpass
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pipeline.settings import TIMEZONE
from pipeline.web.instance import read_json, write_json

ACCOUNTS_NAME = "akun.json"
PLANNER = "perencana"
BIDANG = "bidang"
BAPPEDA = "bappeda"  # a whole Pemda: sees every OPD, the rekap and the Pemda's document
ROLES = (PLANNER, BIDANG, BAPPEDA)
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD = 12
COMMON_PASSWORDS = Path(__file__).with_name("sandi_umum.txt")

_hasher = PasswordHasher()
_dummy: tuple[PasswordHasher, str] | None = None  # (hasher, a hash it made)


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash and verify passwords with ``hasher`` from now on; returns the one in use before.

    The page keeps argon2-cffi's defaults; the test suite puts Argon2id with tiny costs in place.
    """
    global _hasher
    previous, _hasher = _hasher, hasher
    return previous


def _dummy_hash() -> str:
    """A hash made with the hasher in use: verifying against it keeps a login for an unknown name
    as slow as a real one (made on first need, not at import)."""
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash("lkjip-bukan-sandi"))
    return _dummy[1]


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message is Indonesian."""


@dataclass(frozen=True)
class Account:
    nama: str
    peran: str
    bidang: str | None
    sandi: str  # the Argon2 hash
    dibuat: str
    opd: str | None = None  # a whole Pemda: the OPD folder this account belongs to (None: Bappeda, one office)

    @property
    def is_planner(self) -> bool:
        return self.peran in (PLANNER, BAPPEDA)

    @property
    def session_tag(self) -> str:
        """Changes when the password changes, so old sessions end."""
        return self.sandi[-16:]


def normalize_name(name: str) -> str:
    return str(name or "").strip().lower()


class AccountStore:
    def __init__(self, folder: Path):
        self.path = Path(folder) / ACCOUNTS_NAME

    def _load(self) -> dict[str, dict]:
        data = read_json(self.path, {})
        return data.get("akun", {}) if isinstance(data, dict) else {}

    def _save(self, accounts: dict[str, dict]) -> None:
        write_json(self.path, {"akun": accounts})

    def all(self) -> list[Account]:
        return [Account(nama=n, **v) for n, v in sorted(self._load().items())]

    def any(self) -> bool:
        return bool(self._load())

    def get(self, name: str) -> Account | None:
        found = self._load().get(normalize_name(name))
        return Account(nama=normalize_name(name), **found) if found else None

    def add(self, name: str, role: str, password: str, bidang: str | None = None, opd: str | None = None) -> Account:
        name = normalize_name(name)
        if not NAME_RE.fullmatch(name):
            raise AccountError(f"nama akun '{name}' tidak boleh dipakai: 2-40 huruf kecil, angka, titik, "
                               "garis bawah atau tanda hubung, diawali huruf atau angka")
        if role not in ROLES:
            raise AccountError(f"peran harus '{PLANNER}', '{BIDANG}' atau '{BAPPEDA}', bukan '{role}'")
        if role == BAPPEDA and opd:
            raise AccountError("akun bappeda melihat semua OPD; jangan memakai --opd")
        if role == BIDANG and not bidang:
            raise AccountError("akun bidang harus menyebut bidangnya (--bidang \"NAMA BIDANG\")")
        if role == PLANNER and bidang:
            raise AccountError("akun perencana tidak memakai --bidang")
        accounts = self._load()
        if name in accounts:
            raise AccountError(f"akun '{name}' sudah ada; ganti sandinya dengan: lkjip akun sandi {name}")
        check_password(password, name)
        now = datetime.now(ZoneInfo(TIMEZONE)).replace(microsecond=0).isoformat()
        accounts[name] = {"peran": role, "bidang": bidang if role == BIDANG else None,
                          "sandi": _hasher.hash(password), "dibuat": now}
        if opd:
            accounts[name]["opd"] = opd
        self._save(accounts)
        return self.get(name)

    def remove(self, name: str) -> None:
        accounts = self._load()
        if accounts.pop(normalize_name(name), None) is None:
            raise AccountError(f"akun '{normalize_name(name)}' tidak ada")
        self._save(accounts)

    def set_password(self, name: str, password: str) -> None:
        accounts = self._load()
        name = normalize_name(name)
        if name not in accounts:
            raise AccountError(f"akun '{name}' tidak ada")
        check_password(password, name)
        accounts[name]["sandi"] = _hasher.hash(password)
        self._save(accounts)

    def verify(self, name: str, password: str) -> Account | None:
        """The account when the password is right, else None (same work either way)."""
        account = self.get(name)
        try:
            _hasher.verify(account.sandi if account else _dummy_hash(), password or "")
        except (VerificationError, InvalidHashError):
            return None
        if account is None:
            return None
        if _hasher.check_needs_rehash(account.sandi):
            accounts = self._load()
            accounts[account.nama]["sandi"] = _hasher.hash(password)
            self._save(accounts)
            account = self.get(account.nama)
        return account


def _common_passwords() -> frozenset[str]:
    try:
        lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def check_password(password: str, name: str = "") -> None:
    """:class:`AccountError` (Indonesian) for a weak password: shorter than :data:`MIN_PASSWORD`,
    mostly the account's name, a common password (``sandi_umum.txt``) or one character repeated."""
    password = password or ""
    lowered = password.lower()
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"sandi minimal {MIN_PASSWORD} karakter")
    name = normalize_name(name)
    if name and len(lowered.replace(name, "")) < 8:
        raise AccountError("sandi tidak boleh berupa nama akun (ditambah sedikit karakter)")
    stripped = re.sub(r"[^a-z0-9]", "", lowered)
    common = _common_passwords()
    if lowered in common or stripped in common or re.sub(r"\d+$", "", stripped) in common:
        raise AccountError("sandi ini terlalu umum (ada di daftar sandi yang sering ditebak); pilih yang lain")
    if len(set(password)) < 4:
        raise AccountError("sandi terlalu mudah ditebak: pakai lebih banyak karakter yang berbeda")


def read_password(prompt: str = "Sandi: ", confirm: bool = True, stdin=None) -> str:
    """From the terminal (hidden, asked twice), or the first line of stdin when it is not a terminal."""
    stdin = stdin or sys.stdin
    if not stdin.isatty():
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Ulangi sandi: ") != first:
        raise AccountError("kedua sandi tidak sama")
    return first


def _known_bidang(inputs: Path, bidang: str) -> str:
    """The referensi's spelling of ``bidang``, or AccountError listing the choices."""
    from pipeline.intake.referensi import NoReferensi, read_referensi
    from pipeline.intake.tables import normalize_header

    try:
        ref, _ = read_referensi(inputs)
    except NoReferensi as exc:
        raise AccountError(f"referensi tidak dapat dibaca, jadi bidang tidak dapat diperiksa: {exc}") from None
    known = {normalize_header(n): n for n in ref.bidang_names}
    found = known.get(normalize_header(bidang))
    if found is None:
        raise AccountError(f"bidang '{bidang}' tidak ada di referensi; pilihan: {', '.join(ref.bidang_names)}")
    return found


def _known_opd(inputs: Path, opd: str | None, role: str) -> str | None:
    """In a whole Pemda, the account's OPD folder (required but for Bappeda); in a single office, none."""
    from pipeline.intake.pemda import pemda_layout

    layout = pemda_layout(Path(inputs)) if inputs else None
    if layout is None:
        if opd or role == BAPPEDA:
            raise AccountError("folder masukan bukan sebuah Pemda (folder pemda/ dan folder OPD): "
                               "--opd dan peran bappeda hanya untuk Pemda")
        return None
    if role == BAPPEDA:
        return None
    if not opd:
        raise AccountError(f"sebutkan OPD akun ini (--opd FOLDER); pilihan: {', '.join(layout.opds)}")
    if opd not in layout.opds:
        raise AccountError(f"OPD '{opd}' tidak ada; pilihan: {', '.join(layout.opds)}")
    return opd


def _audit(folder: Path, note: str) -> None:
    """An account change made on the server's command line, in the audit log (who: the OS user)."""
    import contextlib
    import os
    import sqlite3

    from pipeline.web.audit import ACCOUNT, AuditLog

    try:
        who = os.getlogin()
    except OSError:
        who = os.environ.get("USER") or str(os.getuid())
    with contextlib.suppress(OSError, sqlite3.Error):
        AuditLog(folder).add(ACCOUNT, f"{who} (lkjip akun)", "lokal", note=note)


def cmd_akun(args, folder: Path) -> int:
    store = AccountStore(folder)
    try:
        if args.akun_command == "daftar":
            accounts = store.all()
            if not accounts:
                print("belum ada akun; tambahkan dengan: lkjip akun tambah NAMA --peran perencana")
            for a in accounts:
                print(f"{a.nama:<20} {a.peran:<10} {a.bidang or '-'}" + (f"  OPD {a.opd}" if a.opd else ""))
            return 0
        if args.akun_command == "tambah":
            opd = _known_opd(args.inputs, getattr(args, "opd", None), args.peran)
            inputs = Path(args.inputs) / opd if opd else args.inputs
            bidang = _known_bidang(inputs, args.bidang) if args.peran == BIDANG and args.bidang else args.bidang
            if args.peran == BIDANG and not bidang:
                raise AccountError("akun bidang harus menyebut bidangnya (--bidang \"NAMA BIDANG\")")
            if store.get(args.nama):
                raise AccountError(f"akun '{normalize_name(args.nama)}' sudah ada; ganti sandinya dengan: "
                                   f"lkjip akun sandi {normalize_name(args.nama)}")
            account = store.add(args.nama, args.peran, read_password(), bidang, opd)
            described = (f"{account.nama} ({account.peran}{', ' + account.bidang if account.bidang else ''}"
                         f"{', OPD ' + account.opd if account.opd else ''})")
            _audit(folder, f"akun {described} dibuat")
            print(f"akun '{account.nama}' {described[len(account.nama) + 1:]} dibuat")
            return 0
        if args.akun_command == "hapus":
            store.remove(args.nama)
            _audit(folder, f"akun {normalize_name(args.nama)} dihapus")
            print(f"akun '{normalize_name(args.nama)}' dihapus")
            return 0
        if args.akun_command == "sandi":
            if not store.get(args.nama):
                raise AccountError(f"akun '{normalize_name(args.nama)}' tidak ada")
            store.set_password(args.nama, read_password("Sandi baru: "))
            _audit(folder, f"sandi akun {normalize_name(args.nama)} diganti")
            print(f"sandi akun '{normalize_name(args.nama)}' diganti")
            return 0
    except AccountError as exc:
        print(f"lkjip: {exc}", file=sys.stderr)
        return 2
    return 2
