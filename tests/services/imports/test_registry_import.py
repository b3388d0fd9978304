"""数据导入 (issue 15): check first, then load; idempotent by natural keys; every refusal named by row and
column; all or nothing; files in .xlsx and in UTF-8 or GBK CSV; formulas refused; only 系统管理 may."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.models import AuditLog, CpdRecord, Enterprise, Penalty, Person, QualificationCertificate, Registration
from services import transaction, workflow
from services.kernel.clock import today
from services.kernel.errors import InvalidInput, PermissionDenied
from services.registry import imports
from services.registry.imports import kinds, reading
from tests import factories

ENT_HEADER = kinds.ENTERPRISE.headers
PERSON_HEADER = kinds.PERSON.headers
REG_HEADER = kinds.REGISTRATION.headers


def _preview(kind: str, data: bytes, name: str = "f.xlsx", actor=None):
    with transaction() as s:
        return imports.preview_import(s, actor or factories.import_admin(), kind=kind, data=data, file_name=name)


def _load(kind: str, data: bytes, name: str = "f.xlsx", **kw):
    with transaction() as s:
        return imports.load_import(s, factories.import_admin(), kind=kind, data=data, file_name=name, **kw)


def _refusals(result) -> set[tuple[int, str, str]]:
    return {(r.row, r.column, r.message) for r in result.refusals}


def _enterprise_row(code: str, **overrides) -> list[str]:
    row = {
        "名称": "导入测试监理有限公司",
        "统一社会信用代码": code,
        "所在省": "北京市",
        "所在城市": "北京市",
        "地址": "海淀区示例路 1 号",
        "法定代表人": "张建国",
        "联系人": "李晓红",
        "联系电话": "13800138000",
    } | overrides
    return [row[h] for h in ENT_HEADER]


def _person_row(number: str, **overrides) -> list[str]:
    row = dict.fromkeys(PERSON_HEADER, "") | {"证件类型": "居民身份证", "证件号码": number, "姓名": "导入人"}
    row |= overrides
    return [row[h] for h in PERSON_HEADER]


def _reg_row(number: str, reg_no: str, code: str, **overrides) -> list[str]:
    row = {
        "证件号码": number,
        "注册号": reg_no,
        "注册证书编号": f"T{reg_no}",
        "聘用单位统一社会信用代码": code,
        "注册专业1": "房屋建筑工程",
        "注册专业2": "",
        "有效期起": "2024-01-01",
        "有效期止": "2026-12-31",
        "状态": "有效",
    } | overrides
    return [row[h] for h in REG_HEADER]


def _new_people(n: int) -> list[str]:
    numbers = [factories.id_number(dt.date(1980, 1, 1 + i)) for i in range(n)]
    _load("person", factories.xlsx_file(PERSON_HEADER, [_person_row(x) for x in numbers]))
    return numbers


def _new_enterprise() -> str:
    code = factories.credit_code()
    assert _load("enterprise", factories.xlsx_file(ENT_HEADER, [_enterprise_row(code)])).new == 1
    return code


def _free_reg_no() -> str:
    with transaction() as s:
        used = set(s.scalars(select(Registration.reg_no)))
    return next(f"11{n:06d}" for n in range(900000, 999999) if f"11{n:06d}" not in used)


# ------------------------------------------------------------------ idempotent, audited, nothing deleted


def test_loading_the_same_file_twice_changes_nothing_and_a_changed_value_is_audited(demo_db):
    code = factories.credit_code()
    first = factories.xlsx_file(ENT_HEADER, [_enterprise_row(code)])
    preview = _preview("enterprise", first)
    assert (preview.new, preview.changed, preview.unchanged, preview.refused) == (1, 0, 0, 0)
    with transaction() as s:  # a preview writes nothing
        assert s.scalar(select(Enterprise.id).where(Enterprise.credit_code == code)) is None
    assert _load("enterprise", first).new == 1
    again = _load("enterprise", first)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 1)
    with transaction() as s:
        ent = s.scalars(select(Enterprise).where(Enterprise.credit_code == code)).one()
        version, ent_id = ent.version_id, ent.id
    assert version == 1  # the second load did not touch the row

    changed = factories.xlsx_file(ENT_HEADER, [_enterprise_row(code, 地址="朝阳区新址 9 号", 联系电话="")])
    result = _load("enterprise", changed)
    assert (result.new, result.changed, result.unchanged) == (0, 1, 0)
    with transaction() as s:
        ent = s.get(Enterprise, ent_id)
        assert ent.address == "朝阳区新址 9 号"
        assert ent.contact_phone == "13800138000"  # a blank cell deletes nothing
        log = s.scalars(select(AuditLog).where(AuditLog.action == "import_update", AuditLog.object_id == ent_id)).one()
    assert json.loads(log.detail)["changed"] == {"地址": {"before": "海淀区示例路 1 号", "after": "朝阳区新址 9 号"}}


def test_people_and_registrations_load_once_by_their_numbers(demo_db):
    code = _new_enterprise()
    (number,) = _new_people(1)
    reg_no = _free_reg_no()
    data = factories.csv_file(REG_HEADER, [_reg_row(number, reg_no, code, 注册专业2="市政公用工程")])
    assert _load("registration", data, "r.csv").new == 1
    assert _load("registration", data, "r.csv").unchanged == 1
    with transaction() as s:
        reg = s.scalars(select(Registration).where(Registration.reg_no == reg_no)).one()
        assert (reg.specialty1, reg.specialty2, reg.status) == ("01", "13", workflow.ACTIVE)
        assert reg.valid_to == dt.date(2026, 12, 31)
        assert s.get(Person, reg.person_id).id_number == number
    person_again = _load("person", factories.xlsx_file(PERSON_HEADER, [_person_row(number)]))
    assert (person_again.new, person_again.unchanged) == (0, 1)


def test_a_changed_phone_is_audited_masked(demo_db):
    (number,) = _new_people(1)
    _load("person", factories.xlsx_file(PERSON_HEADER, [_person_row(number, 手机号码="13912345678")]))
    with transaction() as s:
        person_id = s.scalar(select(Person.id).where(Person.id_number == number))
        log = s.scalars(
            select(AuditLog).where(AuditLog.action == "import_update", AuditLog.object_id == person_id)
        ).one()
    assert json.loads(log.detail)["changed"] == {"手机号码": {"before": "", "after": "139****5678"}}
    assert "13912345678" not in log.detail


# ------------------------------------------------------------------ refusals, each named by row and column


def test_person_refusals_name_row_column_and_standard_in_a_gbk_csv(demo_db):
    good = factories.id_number(dt.date(1985, 5, 5))
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    body = "99" + good[2:17]
    from stdnum.cn import ric

    bad_division = body + ric.calc_check_digit(body)
    rows = [
        _person_row(good, 姓名="张三"),
        _person_row(bad_check),
        _person_row(bad_division),
        _person_row(factories.id_number(dt.date(1985, 6, 6)), 出生日期="1985-06-07"),
        _person_row(good, 姓名="张三重"),
        _person_row(factories.id_number(dt.date(1985, 7, 7)), 学历="博士后"),
    ]
    data = factories.csv_file(PERSON_HEADER, rows, encoding="gbk")
    result = _preview("person", data, "人员.csv")
    assert (result.new, result.refused) == (1, 5)
    found = _refusals(result)
    assert (3, "证件号码", "居民身份证号码第 18 位校验码不正确（GB 11643-1999）") in found
    assert any(r == 4 and c == "证件号码" and "不是省级行政区划代码" in m for r, c, m in found)
    assert (5, "出生日期", "出生日期与居民身份证号码不一致（GB 11643-1999 出生日期码）") in found
    assert (6, "证件号码", "与第 2 行重复（证件号码相同）") in found
    assert any(r == 7 and c == "学历" and "博士后" in m for r, c, m in found)


def test_registration_refusals(demo_db):
    code = _new_enterprise()
    a, b, c, d = _new_people(4)
    unknown_code = factories.credit_code()
    n = [_free_reg_no()]
    base = int(n[0])
    nos = [f"{base + i:08d}" for i in range(8)]
    rows = [
        _reg_row(a, nos[0], code),
        _reg_row(a, nos[1], code),  # a second 有效 registration of the same person
        _reg_row(b, nos[2], unknown_code),
        _reg_row(c, nos[3], code, 注册专业1="房屋建筑工程、市政公用工程", 注册专业2="电力工程"),
        _reg_row(d, nos[4], code, 注册专业1="园林工程"),
        _reg_row(d, nos[5], code, 有效期起="2024-06-01", 有效期止="2024-05-31"),
        _reg_row(d, nos[0], code),  # the same 注册号 again
        _reg_row(factories.id_number(dt.date(1970, 1, 1)), nos[7], code),  # nobody in the registry
    ]
    result = _preview("registration", factories.xlsx_file(REG_HEADER, rows))
    found = _refusals(result)
    assert result.new == 1 and result.refused == 7
    assert (3, "证件号码", "该人员在第 2 行已有有效注册，不能在两个或者两个以上单位注册（第十三条第（四）项）") in found
    assert (4, "聘用单位统一社会信用代码", "企业库中没有该统一社会信用代码的企业，请先导入企业") in found
    assert (5, "注册专业2", "每人最多可以注册 2 个专业（第六条），本行有 3 个") in found
    assert (6, "注册专业1", "“园林工程”不在注册专业目录中（第六条，14 个工程类别）") in found
    assert (7, "有效期止", "有效期止早于有效期起") in found
    assert (8, "注册号", "与第 2 行重复（注册号相同）") in found
    assert (9, "证件号码", "人员库中没有该证件号码的人员，请先导入人员") in found


def test_a_person_already_registered_elsewhere_is_refused(demo_db):
    code = _new_enterprise()
    (number,) = _new_people(1)
    first = _free_reg_no()
    _load("registration", factories.xlsx_file(REG_HEADER, [_reg_row(number, first, code)]))
    second = _free_reg_no()
    result = _preview("registration", factories.xlsx_file(REG_HEADER, [_reg_row(number, second, code)]))
    assert _refusals(result) == {
        (2, "证件号码", f"该人员已有有效注册（注册号 {first}），不能在两个或者两个以上单位注册（第十三条第（四）项）")
    }


def test_a_status_change_is_refused_it_goes_through_the_business(demo_db):
    code = _new_enterprise()
    (number,) = _new_people(1)
    reg_no = _free_reg_no()
    _load("registration", factories.xlsx_file(REG_HEADER, [_reg_row(number, reg_no, code)]))
    result = _preview("registration", factories.xlsx_file(REG_HEADER, [_reg_row(number, reg_no, code, 状态="已注销")]))
    assert _refusals(result) == {(2, "状态", "注册状态不能通过导入变更，须通过注销、撤销等业务办理")}


def test_enterprise_credit_code_is_checked_by_gb_32100(demo_db):
    code = factories.credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    result = _preview("enterprise", factories.xlsx_file(ENT_HEADER, [_enterprise_row(wrong)]))
    assert _refusals(result) == {(2, "统一社会信用代码", "统一社会信用代码第 18 位校验码不正确（GB 32100-2015）")}


# ------------------------------------------------------------------ all or nothing


def test_all_or_nothing_loads_nothing_when_one_row_is_refused(demo_db):
    good, bad = factories.credit_code(), "91110108MA00000000"
    data = factories.xlsx_file(ENT_HEADER, [_enterprise_row(good), _enterprise_row(bad)])
    strict = _load("enterprise", data, all_or_nothing=True)
    assert strict.loaded is False and strict.refused == 1
    with transaction() as s:
        assert s.scalar(select(Enterprise.id).where(Enterprise.credit_code == good)) is None
    lenient = _load("enterprise", data)
    assert lenient.loaded and (lenient.new, lenient.refused) == (1, 1)
    with transaction() as s:
        assert s.scalar(select(Enterprise.id).where(Enterprise.credit_code == good)) is not None


# ------------------------------------------------------------------ files


def test_utf8_with_and_without_bom_and_gbk_read_the_same(demo_db):
    number = factories.id_number(dt.date(1990, 2, 2))
    rows = [_person_row(number, 姓名="欧阳修", 毕业院校="清华大学")]
    results = [
        _preview("person", factories.csv_file(PERSON_HEADER, rows, encoding=e), "p.csv")
        for e in ("utf-8-sig", "utf-8", "gbk", "gb18030")
    ]
    assert all((r.new, r.refused) == (1, 0) for r in results)


def test_formula_cells_are_refused_and_the_error_report_cannot_run_them(demo_db):
    code = factories.credit_code()
    data = factories.xlsx_file(ENT_HEADER, [_enterprise_row(code, 地址='=HYPERLINK("http://x","点我")')])
    result = _preview("enterprise", data)
    assert _refusals(result) == {(2, "地址", reading.FORMULA)}
    report = load_workbook(io.BytesIO(imports.import_error_report(result)))
    ws = report.active
    header = [c.value for c in ws[1]]
    assert header[0] == "行号" and header[-1] == "错误说明"
    row = [c.value for c in ws[2]]
    assert row[0] == "2"
    assert row[header.index("地址")].startswith("'=")  # kept as text, as the exports do
    assert row[-1] == f"地址：{reading.FORMULA}"


def test_a_csv_formula_is_refused_too(demo_db):
    data = factories.csv_file(ENT_HEADER, [_enterprise_row(factories.credit_code(), 联系人="=1+1")])
    assert _refusals(_preview("enterprise", data, "e.csv")) == {(2, "联系人", reading.FORMULA)}


def test_file_size_type_and_columns_are_checked(demo_db, monkeypatch):
    data = factories.xlsx_file(ENT_HEADER, [_enterprise_row(factories.credit_code())])
    with pytest.raises(InvalidInput, match="仅支持 .xlsx 或 .csv"):
        _preview("enterprise", data, "e.xls")
    with pytest.raises(InvalidInput, match="缺少列 证件号码、姓名"):
        _preview("person", data)
    monkeypatch.setattr(reading, "IMPORT_MAX_BYTES", len(data) - 1)
    with pytest.raises(InvalidInput, match="文件过大"):
        _preview("enterprise", data)
    monkeypatch.setattr(reading, "IMPORT_MAX_BYTES", len(data))
    assert _preview("enterprise", data).new == 1


def test_templates_have_the_headers_and_an_example_row_that_passes_its_own_checks(demo_db):
    admin = factories.import_admin()
    for code, spec in kinds.KINDS.items():
        with transaction() as s:
            data = imports.get_import_template(s, admin, kind=code)
        ws = load_workbook(io.BytesIO(data)).worksheets[0]
        assert [c.value for c in ws[1]] == spec.headers
        row = kinds.Row(2, {h: str(c.value or "") for h, c in zip(spec.headers, ws[2], strict=True)})
        spec.check(row)
        assert row.errors == [], (code, row.errors)


# ------------------------------------------------------------------ 继续教育, 行政处罚, 资格证书


def test_continuing_education_sets_the_hours_of_the_current_cycle(demo_db):
    (number,) = _new_people(1)
    year = today().year
    header = kinds.CPD.headers
    rows = [
        [number, f"{year - 1}-{year + 1}", "48", "30", "房屋建筑工程"],
        [number, f"{year - 1}-{year + 1}", "0", "8", "市政公用工程"],
        [number, f"{year - 4}-{year - 2}", "48", "48", ""],
        [number, f"{year}-{year + 1}", "48", "48", ""],
    ]
    result = _load("cpd", factories.xlsx_file(header, rows))
    assert (result.new, result.refused) == (3, 1)
    assert _refusals(result) == {(5, "周期", "周期应写成“2024-2026”的形式，为 3 年")}
    with transaction() as s:
        person = s.scalars(select(Person).where(Person.id_number == number)).one()
        assert person.cpd_hours == 86
        assert len(s.scalars(select(CpdRecord).where(CpdRecord.person_id == person.id)).all()) == 3
    rows[0][3] = "40"
    again = _load("cpd", factories.xlsx_file(header, rows[:3]))
    assert (again.changed, again.unchanged) == (1, 2)
    with transaction() as s:
        assert s.scalars(select(Person.cpd_hours).where(Person.id_number == number)).one() == 96


def test_penalties_load_with_their_ban_period_once(demo_db):
    code = _new_enterprise()
    (number,) = _new_people(1)
    reg_no = _free_reg_no()
    _load("registration", factories.xlsx_file(REG_HEADER, [_reg_row(number, reg_no, code)]))
    header = kinds.PENALTY.headers
    decided = today() - dt.timedelta(days=10)
    row = dict.fromkeys(header, "") | {
        "行政相对人代码": number,
        "行政处罚决定书文号": "建督罚字〔2026〕99号",
        "处罚名称": "某某案",
        "处罚类别": "吊销注册证书",
        "处罚事由": "事由",
        "处罚依据": "《建设工程安全生产管理条例》第五十八条",
        "处罚结果": "吊销注册证书，5年内不予注册",
        "处罚决定日期": decided.isoformat(),
        "处罚机关": "住房和城乡建设部",
        "不予注册期限": "5年",
    }
    no_term = row | {"行政处罚决定书文号": "建督罚字〔2026〕100号", "不予注册期限": ""}
    data = factories.xlsx_file(header, [[row[h] for h in header], [no_term[h] for h in header]])
    result = _load("penalty", data)
    assert (result.new, result.refused) == (1, 1)
    assert _refusals(result) == {(3, "不予注册期限", "「吊销注册证书」须选择不予注册期限（1年、3年、5年、终身）")}
    with transaction() as s:
        p = s.scalars(select(Penalty).where(Penalty.party_code == number)).one()
        assert (p.reg_no, p.ban_term, p.party_name) == (reg_no, "5年", "导入人")
        assert p.ban_until is not None and p.ban_until.year == decided.year + 5
    assert _load("penalty", data).unchanged == 1


def test_a_certificate_of_someone_else_is_refused(demo_db):
    a, b = _new_people(2)
    header = kinds.CERTIFICATE.headers
    assert _load("certificate", factories.xlsx_file(header, [[a, "ZG-IMPORT-1", "2020-12-31", ""]])).new == 1
    result = _preview("certificate", factories.xlsx_file(header, [[b, "ZG-IMPORT-1", "2020-12-31", ""]]))
    assert _refusals(result) == {(2, "资格证书编号", "该资格证书编号已登记在另一人员名下")}
    with transaction() as s:
        assert s.scalar(
            select(QualificationCertificate.issue_date).where(QualificationCertificate.cert_no == "ZG-IMPORT-1")
        ) == dt.date(2020, 12, 31)


# ------------------------------------------------------------------ who may


def test_only_the_system_administrator_may_import(demo_db):
    data = factories.xlsx_file(ENT_HEADER, [_enterprise_row(factories.credit_code())])
    reviewer = replace(factories.import_admin(), duties=frozenset({"review", "decide", "analyse"}))
    with pytest.raises(PermissionDenied), transaction() as s:
        imports.preview_import(s, reviewer, kind="enterprise", data=data, file_name="e.xlsx")
    with pytest.raises(PermissionDenied), transaction() as s:
        imports.load_import(s, reviewer, kind="enterprise", data=data, file_name="e.xlsx")
    with pytest.raises(PermissionDenied), transaction() as s:
        imports.get_import_template(s, reviewer, kind="enterprise")


def test_the_audit_log_tells_the_import_and_each_change_in_chinese(demo_db):
    from services.audit import log as audit_log

    code = factories.credit_code()
    _load("enterprise", factories.xlsx_file(ENT_HEADER, [_enterprise_row(code)]), "企业.xlsx")
    _load("enterprise", factories.xlsx_file(ENT_HEADER, [_enterprise_row(code, 联系人="王五")]), "企业.xlsx")
    with transaction() as s:
        rows = audit_log.list_audit(s, factories.import_admin(), page_size=5).rows
    assert list(rows["操作"][:3]) == ["数据导入", "导入修改", "数据导入"]
    assert rows["详情"].iloc[0] == "文件：企业.xlsx；新增：0；修改：1；未变：0；拒绝：0"
    assert rows["详情"].iloc[1] == "联系人：李晓红 → 王五"
    assert rows["对象"].iloc[0] == "企业信息"


def test_excel_date_cells_and_an_id_typed_as_a_number(demo_db):
    """Excel stores a typed date as a date and an 18-digit number as a float that loses its last digits:
    the date is read, the number is refused by its check digit instead of matching someone else."""
    code = _new_enterprise()
    (number,) = _new_people(1)
    reg_no = _free_reg_no()
    row = _reg_row(number, reg_no, code)
    row[REG_HEADER.index("有效期起")] = dt.datetime(2025, 3, 1)
    row[REG_HEADER.index("有效期止")] = dt.date(2028, 2, 29)
    assert _load("registration", factories.xlsx_file(REG_HEADER, [row])).new == 1
    with transaction() as s:
        reg = s.scalars(select(Registration).where(Registration.reg_no == reg_no)).one()
    assert (reg.valid_from, reg.valid_to) == (dt.date(2025, 3, 1), dt.date(2028, 2, 29))
    from stdnum.cn import ric

    def mangled_fails(number: str) -> bool:  # what Excel keeps of it is not itself a valid number
        kept = str(int(float(number)))
        return number.isdigit() and kept != number and ric.calc_check_digit(kept) != kept[-1]

    digits = factories.id_number(dt.date(1990, 3, 3))
    while not mangled_fails(digits):
        digits = factories.id_number(dt.date(1990, 3, 3))
    as_number = _person_row(digits)
    as_number[PERSON_HEADER.index("证件号码")] = float(digits)
    result = _preview("person", factories.xlsx_file(PERSON_HEADER, [as_number]))
    assert result.refused == 1 and {c for _, c, _ in _refusals(result)} == {"证件号码"}
