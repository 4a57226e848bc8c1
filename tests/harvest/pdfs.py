"""Small PDFs built byte by byte for tests: a plain one, an encrypted one (standard security
handler, RC4 40-bit, with a user password) and a truncated one. No extra dependency."""

from __future__ import annotations

import hashlib

PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def _assemble(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        xref,
    )
    return bytes(out)


def _page_objects(stream: bytes) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def _content(text: str) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"


def plain_pdf(text: str = "Hello from a plain PDF") -> bytes:
    return _assemble(_page_objects(_content(text)))


def encrypted_pdf(text: str = "Secret findings", user_password: bytes = b"letmein") -> bytes:
    """A PDF that needs a password to open (RC4, revision 2, as PDF 1.4 allows)."""
    file_id = hashlib.md5(b"policypulse-test").digest()
    permissions = -4
    owner_key = hashlib.md5((b"owner" + PAD)[:32]).digest()[:5]
    owner_entry = _rc4(owner_key, (user_password + PAD)[:32])
    key = hashlib.md5(
        (user_password + PAD)[:32]
        + owner_entry
        + (permissions & 0xFFFFFFFF).to_bytes(4, "little")
        + file_id
    ).digest()[:5]
    user_entry = _rc4(key, PAD)
    object_key = hashlib.md5(key + (4).to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()
    stream = _rc4(object_key[:10], _content(text))
    objects = _page_objects(stream)
    objects.append(
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + owner_entry.hex().encode()
        + b"> /U <"
        + user_entry.hex().encode()
        + b"> /P %d >>" % permissions
    )
    hexid = file_id.hex().encode()
    return _assemble(objects, b"/Encrypt 6 0 R /ID [<" + hexid + b"> <" + hexid + b">] ")


def truncated_pdf(full: bytes) -> bytes:
    return full[: len(full) // 3]
