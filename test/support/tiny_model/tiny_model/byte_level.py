"""GPT-2's byte-level alphabet: every byte is one printable character, so a vocab entry spells the bytes
of its token (the box gateway's box/tokenizer/byte-level-alphabet.ts reads it the same way)."""

from __future__ import annotations


def _byte_to_char() -> list[str]:
    printable = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    kept = set(printable)
    table: list[str] = []
    extra = 0
    for b in range(256):
        if b in kept:
            table.append(chr(b))
        else:
            table.append(chr(256 + extra))
            extra += 1
    return table


BYTE_TO_CHAR: list[str] = _byte_to_char()
CHAR_TO_BYTE: dict[str, int] = {c: b for b, c in enumerate(BYTE_TO_CHAR)}


def to_byte_level(data: bytes) -> str:
    return "".join(BYTE_TO_CHAR[b] for b in data)


def from_byte_level(text: str) -> bytes:
    return bytes(CHAR_TO_BYTE[c] for c in text)
