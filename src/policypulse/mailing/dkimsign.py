"""DKIM signing (RFC 6376, relaxed/relaxed, rsa-sha256) with dkimpy, made fast.

No Django here: `SigningProcess` runs a `DkimSigner` in a child process that imports only
this module, dkimpy and `cryptography`. The RSA private-key operation holds the GIL (OpenSSL
through `cryptography` does not release it), so in the sending process it would stall the
SMTP connections' threads at the moment their server answers; in a child it runs on another
core while the connection talks to the server.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import re
import struct
import subprocess
import sys
import time
from pathlib import Path

import dkim
from dkim import canonicalization

from policypulse.errors import MailError

SIGNED_HEADERS = [
    b"from", b"to", b"subject", b"date", b"message-id", b"reply-to", b"mime-version",
    b"content-type", b"list-id", b"list-unsubscribe", b"list-unsubscribe-post",
    b"list-archive", b"archived-at",
]  # fmt: skip


_FIELD = re.compile(rb"([\x21-\x7e]+?):")  # dkimpy's header-line rule


class DkimSigner:
    """Signs serialised messages (relaxed/relaxed, rsa-sha256) with a key read once."""

    def __init__(self, domain: str, selector: str, key: bytes):
        self.domain = domain.encode("ascii")
        self.selector = selector.encode("ascii")
        self.key = key
        use_openssl_rsa()
        use_fast_canonicalisation()

    @classmethod
    def from_file(cls, domain: str, selector: str, path: Path) -> DkimSigner:
        try:
            key = Path(path).read_bytes()
        except OSError as exc:
            raise MailError(f"cannot read the DKIM key {path}: {exc.strerror}") from None
        return cls(domain, selector, key)

    def sign(self, raw: bytes) -> bytes:
        return self.header(raw) + raw

    def header(self, raw: bytes) -> bytes:
        """The DKIM-Signature header line(s) to put before `raw`."""
        fast = self._header(raw)
        if fast is not None:
            return fast
        return dkim.sign(
            raw, self.selector, self.domain, self.key,
            canonicalize=(b"relaxed", b"relaxed"), include_headers=SIGNED_HEADERS,
        )  # fmt: skip

    def _header(self, raw: bytes) -> bytes | None:
        """dkimpy's `DKIM.sign` for our messages, step for step with its own pieces (fold,
        the b= tag's pattern, relaxed canonicalisation, its RSA step) but without building
        a DKIM object, parsing every line with a regular expression and canonicalising
        headers it does not sign: a third of the time. None for anything unusual (bare line
        ends, a header line dkimpy would refuse): dkimpy itself signs those. A test checks
        the result is byte for byte dkimpy's."""
        head, blank, body = raw.partition(b"\r\n\r\n")
        if not blank or raw.count(b"\n") != raw.count(b"\r\n") or raw.startswith(b"\r\n"):
            return None
        fields: list[list[bytes]] = []
        for line in head.split(b"\r\n"):
            if line[:1] in (b" ", b"\t"):
                if not fields:
                    return None
                fields[-1][1] += line + b"\r\n"
                continue
            match = _FIELD.match(line)
            if match is None:
                return None
            fields.append([match.group(1), line[match.end() :] + b"\r\n"])
        relaxed = canonicalization.Relaxed
        digest = hashlib.sha256(relaxed.canonicalize_body(body))
        tags = [
            (b"v", b"1"), (b"a", b"rsa-sha256"), (b"c", b"relaxed/relaxed"),
            (b"d", self.domain), (b"i", b"@" + self.domain), (b"q", b"dns/txt"),
            (b"s", self.selector), (b"t", str(int(time.time())).encode("ascii")),
            (b"h", b" : ".join(SIGNED_HEADERS)),
            (b"bh", base64.b64encode(digest.digest())), (b"b", b"0" * 60),
        ]  # fmt: skip
        value = dkim.fold(b"; ".join(b"=".join(tag) for tag in tags), namelen=14)
        value = dkim.RE_BTAG.sub(b"\\1", value)
        hasher = hashlib.sha256()
        last = {name.lower(): (name, text) for name, text in fields}  # dkimpy: the last one
        if len(last) != len(fields):  # a repeated field: dkimpy's selection, bottom up
            chosen = dkim.select_headers(fields, SIGNED_HEADERS)
        else:
            chosen = [last[name] for name in SIGNED_HEADERS if name in last]
        for name, text in relaxed.canonicalize_headers(chosen):
            hasher.update(name + b":" + text)
        ((name, text),) = relaxed.canonicalize_headers(
            [(b"DKIM-Signature", dkim.RE_BTAG.sub(b"\\1", b" " + value))]
        )
        hasher.update(name + b":" + text.rstrip())
        signature = dkim.RSASSA_PKCS1_v1_5_sign(hasher, dkim.parse_pem_private_key(self.key))
        tags[-1] = (b"b", base64.b64encode(bytes(signature)))
        value = b"; ".join(b"=".join(tag) for tag in tags) + b"\r\n"
        return b"DKIM-Signature: " + dkim.fold(value, namelen=14)


class SigningProcess:
    """A DkimSigner in a child process (`python -m policypulse.mailing.dkimsign`), fed in
    order through its standard input; each frame is a 4-byte length and the bytes.

    `submit(raw)` hands a message over and returns a callable that waits for its signature
    and returns the signed message. Answers come back in order and are kept until asked for,
    so a message built and then not sent (a run told to stop) costs nothing more. Keep only a
    few messages outstanding (the sender keeps one a connection): pipes are not unbounded.
    If the child fails or dies, the message is signed here: slower, never unsigned. The key
    goes over the pipe, never on a command line."""

    def __init__(self, signer: DkimSigner):
        self.signer = signer
        self.process = subprocess.Popen(
            [sys.executable, "-m", "policypulse.mailing.dkimsign"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True,
        )  # fmt: skip
        self._tickets = itertools.count()
        self._read = 0
        self._answers: dict[int, bytes] = {}
        self._broken = False
        for value in (signer.domain, signer.selector, signer.key):
            self._write(value)

    def submit(self, raw: bytes):
        ticket = next(self._tickets)
        self._write(raw)
        signed: list[bytes] = []

        def result() -> bytes:  # asked again after a reconnect: the same bytes
            if not signed:
                signed.append(self._header(ticket, raw) + raw)
            return signed[0]

        return result

    def _write(self, value: bytes) -> None:
        if self._broken:
            return
        try:
            self.process.stdin.write(_FRAME.pack(len(value)) + value)
            self.process.stdin.flush()
        except OSError:
            self._broken = True

    def _header(self, ticket: int, raw: bytes) -> bytes:
        while ticket >= self._read and not self._broken:
            answer = _read_frame(self.process.stdout)
            if answer is None:
                self._broken = True
                break
            self._answers[self._read] = answer
            self._read += 1
        answer = self._answers.pop(ticket, None)
        if answer is None or answer.startswith(b"!"):  # the child died, or failed on it
            return self.signer.header(raw)
        return answer

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()  # the child reads end-of-file and leaves
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


_FRAME = struct.Struct(">I")


def _read_frame(stream) -> bytes | None:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None
    (size,) = _FRAME.unpack(head)
    body = stream.read(size)
    return body if len(body) == size else None


def serve(stdin, stdout) -> None:
    """The child: domain, selector and key first, then a signature for each message."""
    domain, selector, key = (_read_frame(stdin) for _ in range(3))
    if key is None:
        return
    signer = DkimSigner(domain.decode("ascii"), selector.decode("ascii"), key)
    while (raw := _read_frame(stdin)) is not None:
        try:
            answer = signer.header(raw)
        except Exception as exc:  # answered, so the order holds; the parent signs it again
            answer = b"!" + repr(exc).encode("utf-8", "replace")
        stdout.write(_FRAME.pack(len(answer)) + answer)
        stdout.flush()


_RUNS = re.compile(rb"[\t ]{2,}|\t")


def use_fast_canonicalisation() -> None:
    """Skip dkimpy's work that cannot change our messages, with identical output.

    dkimpy parses the PEM key on every signature, splits the whole body into lines to find the
    headers, and its relaxed body canonicalisation runs
    two regular expressions over the whole body that match at every space: together about
    half of the signing time. Our bodies are quoted-printable (no tab, no trailing space), so
    each substitution is skipped when the bytes it looks for are absent, and whitespace runs
    are matched only where they change (not at every lone space); the parsed key is kept. A
    test checks the signature is byte for byte plain dkimpy's."""
    from dkim import canonicalization

    if getattr(canonicalization.compress_whitespace, "fast", False):
        return
    compress, strip = (
        canonicalization.compress_whitespace,
        canonicalization.strip_trailing_whitespace,
    )

    def compress_whitespace(content: bytes) -> bytes:
        # Only runs that change: a lone space is left as it is (the same bytes, fewer matches).
        if b"\t" in content:
            return _RUNS.sub(b" ", content)
        # Spaces only (our bodies): halving every run in C until none is left is several times
        # faster than a regular expression that stops at every space of an indented HTML body.
        while b"  " in content:
            content = content.replace(b"  ", b" ")
        return content

    def strip_trailing_whitespace(content: bytes) -> bytes:
        return strip(content) if b" \r\n" in content or b"\t\r\n" in content else content

    parse, parsed = dkim.parse_pem_private_key, {}

    def parse_pem_private_key(data: bytes):
        if data not in parsed:
            parsed[data] = parse(data)
        return parsed[data]

    split = dkim.rfc822_parse

    def rfc822_parse(message: bytes):
        # dkimpy splits the whole message into lines to find the headers, then joins the body
        # again; with CRLF line ends only, the body is the bytes after the first blank line.
        head, blank, body = message.partition(b"\r\n\r\n")
        if (
            not blank
            or message.startswith(b"\r\n")
            or message.count(b"\n") != message.count(b"\r\n")
        ):
            return split(message)
        return split(head + blank)[0], body

    compress_whitespace.fast = True
    rfc822_parse.original = split
    dkim.rfc822_parse = rfc822_parse
    compress_whitespace.original = compress  # for the test that compares the two
    strip_trailing_whitespace.original = strip
    parse_pem_private_key.original = parse
    canonicalization.compress_whitespace = compress_whitespace
    canonicalization.strip_trailing_whitespace = strip_trailing_whitespace
    dkim.parse_pem_private_key = parse_pem_private_key


def use_openssl_rsa() -> bool:
    """Let dkimpy sign with OpenSSL (through `cryptography`) when it is installed.

    dkimpy does the RSA private-key operation in pure Python: about 12 ms a message, which
    would cap a DKIM-signed send near 80 messages a second. PKCS#1 v1.5 signatures are
    deterministic, so OpenSSL's signature is byte for byte the one dkimpy would make (a test
    checks it); without `cryptography` dkimpy's own code is used."""
    try:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
    except ImportError:
        return False
    if getattr(dkim.RSASSA_PKCS1_v1_5_sign, "openssl", False):
        return True
    keys: dict[int, object] = {}
    algorithms = {"sha256": hashes.SHA256, "sha1": hashes.SHA1}

    def sign(digest, private_key):
        modulus = private_key["modulus"]
        if modulus not in keys:
            public = rsa.RSAPublicNumbers(private_key["publicExponent"], modulus)
            keys[modulus] = rsa.RSAPrivateNumbers(
                p=private_key["prime1"], q=private_key["prime2"],
                d=private_key["privateExponent"], dmp1=private_key["exponent1"],
                dmq1=private_key["exponent2"], iqmp=private_key["coefficient"],
                public_numbers=public,
            ).private_key()  # fmt: skip
        algorithm = algorithms[digest.name.lower()]()
        return keys[modulus].sign(digest.digest(), padding.PKCS1v15(), utils.Prehashed(algorithm))

    sign.openssl = True
    dkim.RSASSA_PKCS1_v1_5_sign = sign
    return True


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
