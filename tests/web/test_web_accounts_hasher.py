"""The page hashes with argon2-cffi's default Argon2id parameters; a hash made with other
parameters (the test suite's cheap hasher, or older defaults) is upgraded at the next login."""

from argon2 import PasswordHasher

from pipeline.web import accounts
from pipeline.web.accounts import AccountStore


def test_default_parameters_and_rehash_on_login(tmp_path):
    store = AccountStore(tmp_path)
    store.add("rencana", "perencana", "sandi-perencana-1")  # with the suite's cheap hasher (conftest)
    cheap = store.get("rencana").sandi
    assert cheap.startswith("$argon2id$") and "m=8,t=1,p=1" in cheap

    cheap_hasher = accounts.use_hasher(PasswordHasher())  # what the page uses
    try:
        assert store.verify("rencana", "salah-sandi-123") is None
        assert store.verify("orang-lain", "sandi-perencana-1") is None  # unknown name: same work, no account
        account = store.verify("rencana", "sandi-perencana-1")
        defaults = PasswordHasher()
        assert account is not None and account.sandi != cheap
        assert f"m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}" in account.sandi
        assert store.get("rencana").sandi == account.sandi  # stored
        assert store.verify("rencana", "sandi-perencana-1") == account  # no second rehash
    finally:
        accounts.use_hasher(cheap_hasher)
