"""File hashes computed the same way on host and board: SHA-256, or FNV-1a 32 on boards without hashlib."""

import hashlib

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193


def fnv1a32(data: bytes) -> int:
    """FNV-1a 32-bit hash of `data`."""
    value = FNV_OFFSET
    for byte in data:
        value = ((value ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return value


def content_hash(data: bytes, like: str) -> str:
    """Hash `data` in the board's format: `like` is a hash the board reported (``fnv...`` or SHA-256 hex)."""
    if like.startswith("fnv"):
        return f"fnv{fnv1a32(data):08x}"
    return hashlib.sha256(data).hexdigest()
