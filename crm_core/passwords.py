"""Password hashing (argon2) and SIP digest credentials; clear passwords are never stored."""

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
SIP_REALM = "hotline"
# A hash to verify against when the login names no one, so an unknown name takes as long as a wrong password.
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$qUf66nUQQO8zrPpTP0rtbw$H4xhe8srgxSmjpQslosBcl/dDyY2WSf0enm+U4SzS6g"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sip_ha1(username: str, password: str, realm: str = SIP_REALM) -> str:
    """The HA1 digest PJSIP accepts as `md5_cred`: md5(user:realm:password)."""
    return hashlib.md5(f"{username}:{realm}:{password}".encode(), usedforsecurity=False).hexdigest()
