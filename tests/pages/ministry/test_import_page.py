"""数据导入 (部级版 → 系统管理): upload, preview with counts and refused rows, the preview kept until
【确认导入】, then loaded and the uploader emptied; only 系统管理 may."""

from __future__ import annotations

from sqlalchemy import select, update

from db.models import Enterprise, User
from services.registry.imports import kinds
from tests import factories
from tests.pages.apptest_kit import button, db, errors, new_app, no_exception, page_title, seed_login, successes, table

MIN = "demo-ministry"
PAGE = "pages/ministry/imports.py"
HEADER = kinds.ENTERPRISE.headers


def _duties(duties: str) -> None:
    db(lambda s: s.execute(update(User).where(User.username == MIN).values(duties=duties)))


def _row(code: str, name: str = "页面导入监理有限公司") -> list[str]:
    return [name, code, "北京市", "北京市", "", "", "", ""]


def _count(code: str) -> int:
    return len(db(lambda s: s.scalars(select(Enterprise.id).where(Enterprise.credit_code == code)).all()))


def test_preview_then_confirm_loads_the_good_rows(login):
    _duties("admin")
    good = factories.credit_code()
    data = factories.csv_file(HEADER, [_row(good), _row("91110108MA00000000", "**粗体** [链接](http://x)")], "gbk")
    at = no_exception(login(MIN, PAGE))
    assert page_title(at) == "数据导入"
    at.file_uploader(key="imp_file_enterprise_0").upload("企业.csv", data, "text/csv")
    at = no_exception(at.run())
    assert [m.value for m in at.metric] == ["1", "0", "0", "1"]
    refused = table(at)
    assert list(refused.iloc[0]) == [3, "统一社会信用代码", "统一社会信用代码第 18 位校验码不正确（GB 32100-2015）"]
    assert _count(good) == 0  # the preview wrote nothing

    at.checkbox(key="imp_all").check()
    at = no_exception(at.run())
    assert [m.value for m in at.metric] == ["1", "0", "0", "1"]  # the preview survives a rerun
    assert button(at, "确认导入").disabled  # all or nothing, and a row is refused
    at.checkbox(key="imp_all").uncheck()
    at = no_exception(at.run())

    button(at, "确认导入").click()
    at = no_exception(at.run())
    assert "导入完成：新增 1 行，修改 0 行，未变 0 行，拒绝 1 行" in successes(at)
    assert _count(good) == 1
    assert [u.key for u in at.file_uploader] == ["imp_file_enterprise_1"]  # the file is not kept
    assert not at.metric


def test_a_file_of_another_kind_is_refused_with_the_missing_columns(login):
    _duties("admin")
    at = no_exception(login(MIN, PAGE))
    at.selectbox(key="imp_kind").set_value("person")
    at = no_exception(at.run())
    at.file_uploader(key="imp_file_person_0").upload(
        "企业.xlsx", factories.xlsx_file(HEADER, [_row("x")]), "application/octet-stream"
    )
    at = no_exception(at.run())
    assert any("不是「人员」的导入文件：缺少列 证件号码、姓名" in e for e in errors(at))
    assert not at.metric


def test_without_the_administration_duty_the_page_refuses(login):
    _duties("review,decide,analyse")
    at = new_app().run()
    at.switch_page(PAGE)  # the page's URL, opened as a link: it is not in this user's menu
    at = no_exception(seed_login(at, MIN).run())
    assert "无权访问" in [t.value for t in at.title]
    assert not at.file_uploader
