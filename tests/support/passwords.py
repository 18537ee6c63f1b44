"""argon2 as the hotline configures it, hashing each password once per test run.

A hash costs a quarter of a second of CPU by design, and the fixtures hash the same few passwords for every
test (three staff accounts per console test, two passwords per portal client): the first hash of a password
is kept and given again, with its salt, for the rest of the run. Every hash is still a real argon2 hash with
the production parameters, and every login still verifies against one as in production; only rows created with
the same password in one run share a salt, which no test reads.
"""

from __future__ import annotations

from argon2 import PasswordHasher


class HashOncePerPassword(PasswordHasher):
    __slots__ = ("_hashes",)

    @classmethod
    def like(cls, hasher: PasswordHasher) -> HashOncePerPassword:
        return cls(time_cost=hasher.time_cost, memory_cost=hasher.memory_cost, parallelism=hasher.parallelism,
                   hash_len=hasher.hash_len, salt_len=hasher.salt_len, type=hasher.type)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._hashes: dict[str | bytes, str] = {}

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        if salt is not None:
            return super().hash(password, salt=salt)
        if password not in self._hashes:
            self._hashes[password] = super().hash(password)
        return self._hashes[password]
