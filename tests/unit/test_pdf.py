import io

from pypdf import PdfReader

from services.files.pdf import detail_pdf

SECTIONS = [
    (
        "基本信息",
        [
            ("姓名", "薛琼"),
            ("证件号码", "110101199003071234"),
            ("注册专业", "房屋建筑工程、冶炼工程"),
        ],
    ),
    ("执业单位", [("单位名称", "北京示例工程监理有限公司")]),
]


def pdf_text(data: bytes) -> str:
    # fpdf2 encodes CFF CJK fonts with an embedded CMap, which pypdf reads as one-byte
    # codes (py-pdf/pypdf#2295): each 2-byte code comes out as NUL + character. That is
    # right as long as a document uses fewer than 256 distinct glyphs, as these do.
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\x00", "")


def test_detail_pdf_holds_title_and_values():
    data = detail_pdf("注册申请详情", SECTIONS)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for expected in ["注册申请详情", "基本信息", "薛琼", "房屋建筑工程、冶炼工程", "北京示例工程监理有限公司"]:
        assert expected in text
    assert "注册监理工程师管理系统" in text
    assert "第 1 页" in text


def test_font_is_embedded_as_a_subset():
    reader = PdfReader(io.BytesIO(detail_pdf("注册申请详情", SECTIONS)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        assert font["/Subtype"] == "/Type0"
        descendant = font["/DescendantFonts"][0].get_object()
        assert descendant["/BaseFont"].startswith("/MPDFAA+NotoSansCJK")
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(key.startswith("/FontFile") for key in descriptor)


def test_long_values_wrap_and_split_across_pages():
    long_value = "很长的审核意见说明" * 400  # taller than a page in one table cell
    data = detail_pdf(
        "注册申请详情",
        [("审核", [("意见", long_value), ("网址", "x" * 500), ("空", ""), ("无", None)])],
        footer="测试页脚",
    )
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1
    text = pdf_text(data)
    assert text.count("说") == 400  # every character is there, whatever the line breaks
    assert "第 2 页" in text and "测试页脚" in text


def test_paragraph_sections_are_rendered_after_tables():
    clauses = ["本人提供的信息及材料均真实、准确、完整。", "本人同意以电子申报方式申请。"]
    text = pdf_text(detail_pdf("申请表", SECTIONS, paragraphs=[("承诺事项", clauses)]))
    assert text.index("承诺事项") > text.index("薛琼")
    assert "本人提供的信息及材料均真实、准确、完整。" in text
