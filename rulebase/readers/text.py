"""From a path to checked text: size limit, regular files only, encodings, binary data."""

from __future__ import annotations

import codecs
import os
import stat

from rulebase.messages import Message, message

DEFAULT_MAX_BYTES = 2_000_000  # CloudFormation accepts templates up to 1 MB (from S3); leave room for account dumps

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),  # what PowerShell's `>` writes
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class ReadError(Exception):
    """An input that cannot be read: the message (a value, translated where it is printed) and its 1-based line.

    `empty` marks a file with nothing in it: a scan skips it, an example that should hold a document fails.
    """

    def __init__(self, msg: Message, line: int = 0, *, empty: bool = False) -> None:
        self.msg = msg
        self.message = msg.text("en")
        super().__init__(self.message)
        self.line = line
        self.empty = empty


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Return the bytes of the regular file at `path`, refusing files over `max_bytes`."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(message("read.not_regular_file"))
        if info.st_size > max_bytes:
            raise ReadError(_too_big(info.st_size, max_bytes))
        with open(path, "rb") as stream:
            # The size stat gave, then what the file grew by since: never a buffer the size of the limit itself.
            data = stream.read(min(max_bytes, info.st_size) + 1)
            while len(data) <= max_bytes and (more := stream.read(min(1 << 20, max_bytes + 1 - len(data)))):
                data += more
    except OSError as error:
        raise ReadError(_os_message(error)) from None
    if len(data) > max_bytes:
        raise ReadError(_too_big(len(data), max_bytes))
    return data


def decode(data: bytes) -> str:
    """Return `data` as text: UTF-8, or UTF-16/32 with a byte-order mark; binary data and other encodings fail."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom):], name
            break
    if encoding == "utf-8" and b"\0" in data:
        index = data.index(b"\0")
        raise ReadError(message("read.binary"), data.count(b"\n", 0, index) + 1)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1 if encoding == "utf-8" else 0
        raise ReadError(message("read.encoding", encoding=encoding.upper(), byte=data[error.start]), line) from None
    if not text or text.isspace():
        raise ReadError(message("read.empty"), empty=True)
    return text


def _too_big(size: int, limit: int) -> Message:
    return message("read.too_big", size=size, limit=limit)


def _os_message(error: OSError) -> Message:
    """Return the OS error as a message: the common ones by errno, the rest as the OS words them (in English)."""
    import errno

    if error.errno == errno.EACCES:
        return message("read.permission_denied")
    if error.errno == errno.ENOENT:
        return message("read.no_such_file")
    reason = error.strerror or type(error).__name__
    return message("read.os_error", reason=reason[0].lower() + reason[1:])
