"""The coding of file bytes streamed to the board's stdin: no REPL control byte ever reaches the wire.

The wire is a run of blocks of `BLOCK` bytes (the last one shorter): a header byte, then the body. A header
`ESCAPE` means the body is escaped: each of the raw REPL's control bytes 0x01-0x05, and the escape byte
itself, goes as ``ESCAPE, byte + 0x40``; an escape never straddles two blocks (an `ESCAPE` ending a block is
padding). Any other header is a key: the body is ``BLOCK - 1`` file bytes XORed with it, and the host picks a
key that leaves no control byte in the body. Random data (compressed files, binaries) almost always has such
a key, so it costs one byte in 128 (0.8 %) where escaping costs 6 in 256 (2.3 %); the escaped form is the
fallback for blocks no key clears. The board's ``_belay.ue`` undoes it (board/fast_*.py), a buffer of whole
blocks at a time. An interrupt still works mid-transfer, and bytes left over after an error cannot end a command.
"""

from .control_bytes import CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E

ESCAPE = 0x10
#: The escape byte first, so its own escapes are not escaped again.
ESCAPED = (ESCAPE, *(byte[0] for byte in (CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E)))
#: Added to an escaped byte on the wire.
ESCAPE_OFFSET = 0x40
#: Wire bytes in a block (header included); the board reads whole blocks into its buffer, which it divides.
BLOCK = 128
#: Keys for XOR blocks, the identity (plain text) first; never a control byte or the escape byte.
KEYS = bytes(key for key in range(256) if key not in ESCAPED)
_XOR = [bytes(byte ^ key for byte in range(256)) for key in range(256)]
#: Body byte b rules out the keys b ^ c for each control byte c: these tables give them, one per control byte.
_RULED_OUT = [_XOR[byte] for byte in ESCAPED[1:]]


def _escaped_block(data: bytes, start: int) -> tuple[bytes, int]:
    """An escaped block of `data` from `start`, and where the next block starts."""
    block = bytearray([ESCAPE])
    index = start
    while index < len(data) and len(block) < BLOCK:
        byte = data[index]
        if byte in ESCAPED:
            if len(block) == BLOCK - 1:
                block.append(ESCAPE)  # padding: the pair would straddle the block's end
                break
            block += bytes([ESCAPE, byte + ESCAPE_OFFSET])
        else:
            block.append(byte)
        index += 1
    return bytes(block), index


def escape(data: bytes) -> bytes:
    """The wire form of `data`: blocks without any of the REPL's control bytes."""
    blocks = []
    add = blocks.append
    keys_left = KEYS.translate
    one, two, three, four, five = _RULED_OUT
    start = 0
    while start < len(data):
        body = data[start : start + BLOCK - 1]
        xor = body.translate
        # The keys no body byte rules out, in one pass of C over the block (a loop over keys costs 3x more).
        keys = keys_left(None, xor(one) + xor(two) + xor(three) + xor(four) + xor(five))
        if keys:
            add(keys[:1])
            add(xor(_XOR[keys[0]]))
            start += len(body)
        else:
            block, start = _escaped_block(data, start)
            add(block)
    return b"".join(blocks)


def unescape(wire: bytes) -> bytes:
    """The inverse of `escape` (the board does this; the host uses it in tests)."""
    out = bytearray()
    for start in range(0, len(wire), BLOCK):
        header, body = wire[start], wire[start + 1 : start + BLOCK]
        if header != ESCAPE:
            out += bytes(byte ^ header for byte in body)
            continue
        pending = False
        for byte in body:
            if pending:
                out.append(byte - ESCAPE_OFFSET)
                pending = False
            elif byte == ESCAPE:
                pending = True  # a last one is padding
            else:
                out.append(byte)
    return bytes(out)
