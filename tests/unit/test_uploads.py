import io
import re
import stat

import pytest
from fpdf import FPDF
from PIL import ExifTags, Image
from pypdf import PdfReader, PdfWriter
from sqlalchemy.orm import Session

from services.files import storage, uploads
from services.kernel.errors import InvalidInput, NotFound

STORED = re.compile(r"[0-9a-f]{32}\.(pdf|jpg|png)")
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv(
        "ATTACHMENT_STORE", "files"
    )  # these check the file store; the database store: test_attachment_storage.py
    return tmp_path


def image_bytes(fmt: str, size=(8, 6), mode="RGB", **save_args) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red" if mode == "RGB" else 1).save(out, fmt, **save_args)
    return out.getvalue()


def pdf_bytes() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="hello")
    return bytes(pdf.output())


def store(checked: uploads.CheckedFile) -> str:
    """Store a file in a committed transaction (no database needed: nothing else is written)."""
    with Session() as session, session.begin():
        return uploads.store_file(session, checked)


def rejected(name: str, data: bytes) -> str:
    with pytest.raises(InvalidInput) as exc:
        uploads.check_upload(name, data)
    assert list(exc.value.fields) == ["附件"]
    return exc.value.fields["附件"]


@pytest.mark.parametrize(
    "name, data, ext, content_type",
    [
        ("证件.png", image_bytes("PNG"), "png", "image/png"),
        ("scan.JPG", image_bytes("JPEG"), "jpg", "image/jpeg"),
        ("photo.jpeg", image_bytes("JPEG"), "jpg", "image/jpeg"),
        ("合同.pdf", pdf_bytes(), "pdf", "application/pdf"),
    ],
)
def test_valid_files_are_accepted_and_typed_by_content(name, data, ext, content_type):
    checked = uploads.check_upload(name, data)
    assert (checked.ext, checked.content_type, checked.original_name) == (ext, content_type, name)
    if ext == "pdf":
        assert checked.data == data  # PDFs are checked, not rewritten
    else:
        assert Image.open(io.BytesIO(checked.data)).format == {"png": "PNG", "jpg": "JPEG"}[ext]


@pytest.mark.parametrize(
    "name, data",
    [
        ("x.pdf", EXE),
        ("x.pdf", image_bytes("PNG")),
        ("x.png", image_bytes("JPEG")),
        ("x.pdf.exe", pdf_bytes()),
        ("x.php.jpg", b"<?php system($_GET['c']); ?>"),
        ("x.jpg\x00.php", image_bytes("JPEG")),
        ("x.jpg:stream.pdf", image_bytes("JPEG")),
        ("x", image_bytes("PNG")),
        ("x.gif", b"GIF89a" + b"\x00" * 20),
        ("x.pdf", b" %PDF-1.7\n"),  # magic must be at offset 0
    ],
)
def test_type_mismatches_are_rejected(name, data):
    assert rejected(name, data) == "文件类型与内容不符，仅支持 PDF、JPG、PNG"


def test_empty_and_oversized_files_are_rejected():
    assert rejected("x.pdf", b"") == "文件为空"
    assert rejected("x.pdf", b"%PDF-" + b"0" * uploads.MAX_BYTES) == "文件过大：不能超过 10 MB"


def test_broken_and_encrypted_pdfs_are_rejected():
    assert rejected("x.pdf", b"%PDF-1.7\ngarbage") == "PDF 文件无法解析"
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    assert rejected("x.pdf", out.getvalue()) == "PDF 文件无法解析"


def test_truncated_image_is_rejected():
    assert rejected("x.png", image_bytes("PNG", size=(64, 64))[:60]) == "图片文件无法解析"


def test_pixel_flood_png_is_rejected_before_decoding():
    flood = image_bytes("PNG", size=(10_000, 5_000), mode="1", optimize=True)
    assert len(flood) < 200_000  # tiny file, 50 Mpx
    assert rejected("flood.png", flood) == "图片尺寸过大"


def test_exif_is_stripped_from_jpeg():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (39.0, 54.0, 27.0)
    original = image_bytes("JPEG", exif=exif)
    assert Image.open(io.BytesIO(original)).getexif()[ExifTags.Base.Make] == "PhoneMaker"

    stored_name = store(uploads.check_upload("id.jpg", original))
    stored = storage.read(Session(), stored_name)
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


def test_exif_orientation_is_applied_to_the_pixels():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotate 90° clockwise for display
    checked = uploads.check_upload("id.jpg", image_bytes("JPEG", size=(8, 6), exif=exif))
    assert Image.open(io.BytesIO(checked.data)).size == (6, 8)


def test_hostile_names_store_under_a_generated_name(data_dir):
    root = data_dir / "attachments"
    for name in ["../../x.png", "..\\..\\x.png", "/etc/x.png", "a" * 300 + ".png"]:
        checked = uploads.check_upload(name, image_bytes("PNG"))
        assert "/" not in checked.original_name and "\\" not in checked.original_name
        assert len(checked.original_name) <= 100 and checked.original_name.endswith(".png")
        stored_name = store(checked)
        assert STORED.fullmatch(stored_name)
        path = (root / stored_name).resolve()
        assert path.is_relative_to(root.resolve()) and path.is_file()
    assert sorted(p.name for p in data_dir.iterdir()) == ["attachments"]


def test_display_name_drops_control_and_bidi_characters():
    assert uploads.display_name("C:\\Users\\薛琼\\证件\x00.png") == "证件.png"
    assert uploads.display_name("photo\u202egnp.exe") == "photognp.exe"


def test_stored_file_permissions_and_round_trip(data_dir):
    checked = uploads.check_upload("合同.pdf", pdf_bytes())
    stored_name = store(checked)
    root = data_dir / "attachments"
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE((root / stored_name).stat().st_mode) == 0o600
    assert storage.read(Session(), stored_name) == checked.data


@pytest.mark.parametrize(
    "name",
    ["../etc/passwd", "../../app.db", "0" * 32 + ".pdf\n", "0" * 32 + ".exe", "0" * 32 + ".PDF", "", None],
)
def test_read_file_refuses_anything_but_a_generated_name(name):
    with pytest.raises(NotFound):
        storage.read(Session(), name)


def test_read_file_of_a_missing_generated_name_is_not_found():
    with pytest.raises(NotFound):
        storage.read(Session(), "0" * 32 + ".png")
