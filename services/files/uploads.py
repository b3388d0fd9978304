"""Attachment uploads: checked by content, images rewritten, stored under generated names.

notes/reliability.md §1.3 (UP-1..UP-5, UP-7). The client's file name and MIME type are
never trusted; the stored file's name and extension come from the detected content.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from db.engine import data_dir
from services.kernel.errors import InvalidInput, NotFound
from services.kernel.values import UPLOAD_MAX_BYTES

ALLOWED = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
MAX_BYTES = UPLOAD_MAX_BYTES
MAX_PIXELS = 40_000_000
MAX_NAME_LENGTH = 100

_FIELD = "附件"
_TYPE_MISMATCH = "文件类型与内容不符，仅支持 PDF、JPG、PNG"
_MAGIC = [(b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"%PDF-", "pdf")]
_EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png"}
_PIL_FORMATS = {"png": "PNG", "jpg": "JPEG"}
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.(?:pdf|jpg|png)")


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    ext: str
    content_type: str
    original_name: str


def _reject(message: str) -> InvalidInput:
    return InvalidInput({_FIELD: message})


def display_name(original_name: str) -> str:
    """The client's file name made safe to show: basename only, no control characters."""
    base = re.split(r"[/\\]", original_name or "")[-1]
    # Cc: NUL and other controls; Cf: bidi overrides that disguise an extension.
    base = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf")).strip()
    if len(base) <= MAX_NAME_LENGTH:
        return base
    stem, dot, suffix = base.rpartition(".")
    if not dot or len(suffix) >= 10:  # no real extension to keep
        return base[:MAX_NAME_LENGTH]
    return stem[: MAX_NAME_LENGTH - len(suffix) - 1] + "." + suffix


def _detect(data: bytes) -> str | None:
    return next((ext for magic, ext in _MAGIC if data.startswith(magic)), None)


def _rewrite_image(data: bytes, ext: str) -> bytes:
    """Decode and re-encode: drops EXIF (GPS) and anything smuggled after the pixels."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != _PIL_FORMATS[ext]:
                raise _reject(_TYPE_MISMATCH)
            # Checked from the header, before any pixel is decoded (pixel flood).
            if img.width * img.height > MAX_PIXELS:
                raise _reject("图片尺寸过大")
            img.verify()
        with Image.open(io.BytesIO(data)) as opened:
            # Without EXIF the orientation tag is lost, so apply it to the pixels first.
            image: Image.Image = ImageOps.exif_transpose(opened)
            out = io.BytesIO()
            if ext == "jpg":
                if image.mode not in ("L", "RGB"):
                    image = image.convert("RGB")
                # Keep the colour profile; drop the COM comment Pillow would carry over.
                image.save(out, "JPEG", quality=90, comment=b"", icc_profile=image.info.get("icc_profile"))
            else:
                if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                    image = image.convert("RGBA")
                image.save(out, "PNG")
            return out.getvalue()
    except Image.DecompressionBombError as exc:
        raise _reject("图片尺寸过大") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise _reject("图片文件无法解析") from exc


# Active content (issue 14 item 9): scripts, actions that run or fetch something, embedded files,
# multimedia and XFA forms. Keys refused wherever they appear; values refused under /S, /Type, /Subtype.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EmbeddedFile", "/EF", "/RichMediaContent", "/XFA"}
_ACTIVE_NAMES = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/GoToR",
    "/Rendition",
    "/RichMedia",
    "/RichMediaExecute",
    "/EmbeddedFile",
    "/FileAttachment",
    "/Movie",
    "/Sound",
}
_KIND_KEYS = ("/S", "/Type", "/Subtype")
_ACTIVE_CONTENT = "PDF 文件含有脚本、自动执行的动作或嵌入文件，请另存为普通 PDF 后上传"
_DATA_AFTER_END = "PDF 文件结束标记之后还有其他数据，请另存为普通 PDF 后上传"
# PDF white-space (ISO 32000-1 §7.2.2): allowed after the last %%EOF, nothing else.
_PDF_WHITESPACE = b"\x00\t\n\x0c\r "


def _name(obj: DictionaryObject, key: str) -> str | None:
    value = obj[key] if key in obj else None  # [] follows an indirect reference, .get() does not
    return value if isinstance(value, NameObject) else None


def _has_active_content(reader: PdfReader) -> bool:
    """Walk every object the parser knows (the trailer's tree and every cross-reference entry).
    Names come out of the parser decoded, so /#4AavaScript is /JavaScript here."""
    stack: list = [reader.trailer]
    stack += [IndirectObject(num, gen, reader) for gen, entries in reader.xref.items() for num in entries]
    stack += [IndirectObject(num, 0, reader) for num in reader.xref_objStm]
    seen: set[tuple[int, int]] = set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):  # streams too
            if _ACTIVE_KEYS & set(obj) or any(_name(obj, k) in _ACTIVE_NAMES for k in _KIND_KEYS):
                return True
            action = obj["/OpenAction"] if "/OpenAction" in obj else None
            if isinstance(action, DictionaryObject) and _name(action, "/S") != "/GoTo":
                return True  # on opening, only "show this page" (an array or a GoTo) is allowed
            stack += dict.values(obj)
        elif isinstance(obj, ArrayObject):
            stack += list(obj)
    return False


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        usable = not reader.is_encrypted and len(reader.pages) >= 1
        active = usable and _has_active_content(reader)
    except Exception as exc:  # a parser fed untrusted bytes fails in many ways
        raise _reject("PDF 文件无法解析") from exc
    if not usable:
        raise _reject("PDF 文件无法解析")
    if active:
        raise _reject(_ACTIVE_CONTENT)
    # Anything after the end (an HTML page, an archive) makes the file a polyglot.
    if not data.rstrip(_PDF_WHITESPACE).endswith(b"%%EOF"):
        raise _reject(_DATA_AFTER_END)


def check_upload(original_name: str, data: bytes) -> CheckedFile:
    if not data:
        raise _reject("文件为空")
    if len(data) > MAX_BYTES:
        raise _reject(f"文件过大：不能超过 {MAX_BYTES / 1024 / 1024:g} MB")
    name = display_name(original_name)
    detected = _detect(data)
    suffix = name.rpartition(".")[2].lower() if "." in name else ""
    if detected is None or _EXTENSIONS.get(suffix) != detected:
        raise _reject(_TYPE_MISMATCH)
    if detected == "pdf":
        _check_pdf(data)
    else:
        data = _rewrite_image(data, detected)
    return CheckedFile(data, detected, ALLOWED[detected], name)


def attachments_dir() -> Path:
    path = data_dir() / "attachments"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


# session.info[_PENDING]: files written in a transaction that has not committed yet, each with the
# (root or savepoint) transaction it belongs to.
_PENDING = "uploads.pending_files"


def _write(checked: CheckedFile) -> str:
    stored_name = f"{uuid4().hex}.{checked.ext}"
    path = attachments_dir() / stored_name
    # O_EXCL: never follow or overwrite an existing entry; 0600: owner only, no execute.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(checked.data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return stored_name


def store_file(session: Session, checked: CheckedFile) -> str:
    """Write the file under a generated name, as part of the session's transaction, and return
    that name. The file is written before the commit (a committed row always has its file) and
    removed again if the transaction rolls back, so a failed upload leaves no file behind."""
    tx = session.get_nested_transaction() or session.get_transaction()
    if tx is None:
        raise RuntimeError("store_file runs inside the transaction that records the file")
    stored_name = _write(checked)
    session.info.setdefault(_PENDING, []).append((attachments_dir() / stored_name, tx))
    return stored_name


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    committed = session.get_nested_transaction() or session.get_transaction()
    if committed is None or committed.parent is None:  # the root: the rows are in the database
        pending.clear()
        return
    # A released savepoint: its files now stand or fall with the enclosing transaction.
    session.info[_PENDING] = [(path, committed.parent if tx is committed else tx) for path, tx in pending]


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    # Still pending when its transaction ends: rolled back (or closed without a commit).
    session.info[_PENDING] = [(path, tx) for path, tx in pending if tx is not transaction]
    for path, tx in pending:
        if tx is transaction:
            with contextlib.suppress(OSError):  # if it stays, `make check-files` reports it
                path.unlink(missing_ok=True)


def stored_names() -> set[str]:
    """The names of the files in the attachment folder (whatever their names)."""
    return {p.name for p in attachments_dir().iterdir() if p.is_file()}


def read_file(stored_name: str) -> bytes:
    if not isinstance(stored_name, str) or not _STORED_NAME.fullmatch(stored_name):
        raise NotFound()
    root = attachments_dir().resolve()
    path = (root / stored_name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound()
    return path.read_bytes()
