"""Attachment uploads: checked by content, images rewritten, stored under generated names.

notes/reliability.md §1.3 (UP-1..UP-5, UP-7). The client's file name and MIME type are
never trusted; the stored file's name and extension come from the detected content.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from uuid import uuid4

from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject
from sqlalchemy.orm import Session

from services.files import storage
from services.kernel.errors import InvalidInput
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


def store_file(session: Session, checked: CheckedFile) -> str:
    """Store the file under a generated name, as part of the session's transaction (storage.py:
    a rolled-back upload leaves nothing behind), and return that name."""
    stored_name = f"{uuid4().hex}.{checked.ext}"
    storage.put(session, stored_name, checked.data)
    return stored_name
