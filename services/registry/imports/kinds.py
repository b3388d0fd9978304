"""The six kinds of registry import: their columns (the template), and each row's own checks.

A row's own checks need no database; the checks against the registry (unknown person or enterprise,
two registrations, a number held by someone else) are in services.registry.imports.load."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from db.models import CpdRecord, Enterprise, Penalty, Person, QualificationCertificate, Registration
from services import workflow
from services.kernel import values
from services.kernel.errors import InvalidInput
from services.kernel.limits import length_errors
from services.kernel.validators import (
    credit_code_error,
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
    phone_error,
)
from services.registry.persons import check_identity

# 第六条: at most two specialties (values.MAX_SPECIALTIES); a cell may name several, separated thus.
_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
_REG_NO = re.compile(r"^\d{8}$", re.ASCII)
_CYCLE = re.compile(r"^(\d{4})\s*[-－—~～至]\s*(\d{4})$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")
CPD_CYCLE_YEARS = 3  # domain.md §3.3: 96 学时 per 3-year cycle
MAX_HOURS = 999
SPECIALTY_CODES = {name: code for code, name, _ in values.SPECIALTIES}
REG_STATUS_CODES = {label: code for code, label in workflow.REGISTRATION_LABELS.items()}


@dataclass(frozen=True)
class Column:
    header: str
    example: str
    required: bool = False
    attr: str = ""  # the model attribute the column fills: its name in the change audit


@dataclass
class Row:
    """One data row: its number in the file, its cells by header, and what the checks made of it."""

    number: int
    cells: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # model attribute -> value, when the row is good
    refs: dict[str, str] = field(default_factory=dict)  # "person": 证件号码, "enterprise": 统一社会信用代码
    file_key: tuple = ()  # the natural key as written, for duplicates in the file

    def refuse(self, column: str, message: str) -> None:
        self.errors.append((column, message))

    def get(self, header: str) -> str:
        return self.cells.get(header, "").strip()


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    columns: tuple[Column, ...]
    model: type
    check: Callable[[Row], None]
    key_columns: tuple[str, ...]
    derived: dict[str, str] = field(default_factory=dict)  # attribute no column names alone -> its column

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def labels(self) -> dict[str, str]:
        """Model attribute -> the column it comes from (the change audit's names)."""
        return {c.attr: c.header for c in self.columns if c.attr} | self.derived


def parse_date(row: Row, header: str) -> dt.date | None:
    text = row.get(header)
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}-\d{1,2}", text):  # 毕业时间 as a month
        try:
            return dt.datetime.strptime(text + "-01", "%Y-%m-%d").date()
        except ValueError:
            pass
    row.refuse(header, f"日期“{text}”无法识别，请写成 2024-01-31 的形式")
    return None


def _choice(row: Row, header: str, choices: list[str] | tuple[str, ...] | dict, *, required: bool = False) -> str:
    text = row.get(header)
    if not text:
        if required:
            row.refuse(header, f"请填写{header}")
        return ""
    if text not in choices:
        row.refuse(header, f"“{text}”不在{header}的可选值中（{'、'.join(choices)}）")
    return text


def _required(row: Row, *headers: str) -> None:
    for header in headers:
        if not row.get(header):
            row.refuse(header, f"请填写{header}")


def _lengths(row: Row, pairs: dict[str, tuple[str | None, Any]]) -> None:
    for label, message in length_errors(pairs).items():
        row.refuse(label, message)


def _identity_errors(row: Row, exc: InvalidInput, *, mapping: dict[str, str]) -> None:
    for label, message in exc.fields.items():
        row.refuse(mapping.get(label, label), message)


def _person_ref(row: Row, header: str = "证件号码") -> str:
    """The 证件号码 a row refers to, in its stored form (a 15-digit number as 18 digits)."""
    number = normalize_id_number(row.get(header))
    if not number:
        row.refuse(header, f"请填写{header}")
    return number


def _hours(row: Row, header: str) -> int | None:
    text = row.get(header)
    if not text:
        row.refuse(header, f"请填写{header}")
        return None
    if not text.isdigit() or int(text) > MAX_HOURS:
        row.refuse(header, f"{header}应为 0 到 {MAX_HOURS} 的整数")
        return None
    return int(text)


# ------------------------------------------------------------------ 企业


def _check_enterprise(row: Row) -> None:
    _required(row, "名称", "所在省", "所在城市")
    code = normalize_credit_code(row.get("统一社会信用代码"))
    problem = credit_code_error(code)
    if problem:
        row.refuse("统一社会信用代码", problem)
    province = _choice(row, "所在省", list(values.PROVINCES.values()), required=False)
    phone = row.get("联系电话")
    texts = {
        "name": ("名称", row.get("名称"), Enterprise.name),
        "city": ("所在城市", row.get("所在城市"), Enterprise.city),
        "address": ("地址", row.get("地址"), Enterprise.address),
        "legal_rep": ("法定代表人", row.get("法定代表人"), Enterprise.legal_rep),
        "contact_person": ("联系人", row.get("联系人"), Enterprise.contact_person),
        "contact_phone": ("联系电话", phone, Enterprise.contact_phone),
    }
    _lengths(row, {label: (v, col) for label, v, col in texts.values()})
    row.file_key = (code,)
    row.fields = {"credit_code": code, "province": province} | {k: v for k, (_, v, _) in texts.items() if v}
    if row.fields.get("name"):
        row.fields["registry_name"] = row.fields["name"]  # the registry is the import's source


ENTERPRISE = Kind(
    code="enterprise",
    label="企业",
    columns=(
        Column("名称", "北京示例工程监理有限公司", True, attr="name"),
        Column("统一社会信用代码", "91350100M000100Y43", True, attr="credit_code"),
        Column("所在省", "北京市", True, attr="province"),
        Column("所在城市", "北京市", True, attr="city"),
        Column("地址", "北京市海淀区示例路 1 号", attr="address"),
        Column("法定代表人", "张建国", attr="legal_rep"),
        Column("联系人", "李晓红", attr="contact_person"),
        Column("联系电话", "010-88886666", attr="contact_phone"),
    ),
    model=Enterprise,
    check=_check_enterprise,
    key_columns=("统一社会信用代码",),
    derived={"registry_name": "名称"},  # 名称 fills the registry's name too (the audit leaves it out)
)

# ------------------------------------------------------------------ 人员

_PERSON_TEXTS = {  # attribute -> column
    "school": "毕业院校",
    "major": "所学专业",
}


def _province_of_id(number: str) -> tuple[str, str]:
    """所在省 and 所在城市 from a 居民身份证 address code (GB/T 2260), when the row leaves them blank."""
    province = values.PROVINCES.get(number[:2], "")
    city = next((name for _, name, code in values.CITIES if code[:4] == number[:4]), province)
    return province, city


def _check_person(row: Row) -> None:
    _required(row, "姓名")
    id_type = row.get("证件类型") or values.RESIDENT_ID
    if id_type not in values.ID_TYPES:
        row.refuse("证件类型", f"“{id_type}”不在证件类型的可选值中（{'、'.join(values.ID_TYPES)}）")
        return
    number = normalize_id_number(row.get("证件号码"), id_type)
    row.file_key = (number,)
    gender = _choice(row, "性别", values.GENDERS) or None
    birth = parse_date(row, "出生日期")
    try:
        identity = check_identity(id_type=id_type, id_number=number, birth_date=birth, gender=gender)
    except InvalidInput as exc:
        _identity_errors(row, exc, mapping={})
        return
    education = _choice(row, "学历", values.EDUCATIONS)
    degree = _choice(row, "学位", values.DEGREES)
    graduation = parse_date(row, "毕业时间")
    phone = normalize_phone(row.get("手机号码"))
    if phone and phone_error(phone):
        row.refuse("手机号码", phone_error(phone) or "")
    province = row.get("所在省")
    city = row.get("所在城市")
    if id_type == values.RESIDENT_ID and not province:
        province, derived_city = _province_of_id(identity.id_number)
        city = city or derived_city
    if province and province not in values.PROVINCES.values():
        row.refuse("所在省", f"“{province}”不是省级行政区划名称（GB/T 2260）")
    elif not province:
        row.refuse("所在省", "请填写所在省（非居民身份证无法从号码得出）")
    if province and not city:
        city = province
    texts = {attr: row.get(header) for attr, header in _PERSON_TEXTS.items()}
    _lengths(
        row,
        {"姓名": (row.get("姓名"), Person.name), "所在城市": (city, Person.city)}
        | {_PERSON_TEXTS[a]: (v, getattr(Person, a)) for a, v in texts.items()},
    )
    row.fields = {
        "id_type": identity.id_type,
        "id_number": identity.id_number,
        "name": row.get("姓名"),
        "gender": identity.gender,
        "birth_date": identity.birth_date,
        "province": province,
        "city": city,
    } | {
        k: v
        for k, v in {
            "education": education,
            "degree": degree,
            "graduation_date": graduation,
            "phone": phone,
            **texts,
        }.items()
        if v  # a blank cell keeps what the registry holds: an import deletes nothing
    }


PERSON = Kind(
    code="person",
    label="人员",
    columns=(
        Column("证件类型", values.RESIDENT_ID, attr="id_type"),  # blank: 居民身份证
        Column("证件号码", "11010519491231002X", True, attr="id_number"),
        Column("姓名", "王监理", True, attr="name"),
        Column("性别", "女", attr="gender"),
        Column("出生日期", "1949-12-31", attr="birth_date"),
        Column("学历", "大学本科", attr="education"),
        Column("学位", "学士", attr="degree"),
        Column("毕业院校", "同济大学", attr="school"),
        Column("所学专业", "土木工程", attr="major"),
        Column("毕业时间", "1972-07-01", attr="graduation_date"),
        Column("手机号码", "13800138000", attr="phone"),
        Column("所在省", "北京市", attr="province"),
        Column("所在城市", "北京市", attr="city"),
    ),
    model=Person,
    check=_check_person,
    key_columns=("证件号码",),
)

# ------------------------------------------------------------------ 资格证书


def _check_certificate(row: Row) -> None:
    _required(row, "资格证书编号")
    row.refs["person"] = _person_ref(row)
    issued = parse_date(row, "取得日期")
    if issued is None and not row.get("取得日期"):
        row.refuse("取得日期", "请填写取得日期")
    category = _choice(row, "考试专业类别", values.EXAM_CATEGORIES) or values.EXAM_CATEGORIES[0]
    cert_no = row.get("资格证书编号")
    _lengths(row, {"资格证书编号": (cert_no, QualificationCertificate.cert_no)})
    row.file_key = (cert_no,)
    row.fields = {"cert_no": cert_no, "issue_date": issued, "exam_category": category}


CERTIFICATE = Kind(
    code="certificate",
    label="资格证书",
    columns=(
        Column("证件号码", "11010519491231002X", True, attr="person_id"),
        Column("资格证书编号", "00012345", True, attr="cert_no"),
        Column("取得日期", "2020-12-31", True, attr="issue_date"),
        Column("考试专业类别", values.EXAM_CATEGORIES[0], attr="exam_category"),
    ),
    model=QualificationCertificate,
    check=_check_certificate,
    key_columns=("资格证书编号",),
)

# ------------------------------------------------------------------ 注册


def _specialties(row: Row) -> tuple[str | None, str | None]:
    names = [n for h in ("注册专业1", "注册专业2") for n in _SEPARATORS.split(row.get(h)) if n]
    if not names:
        row.refuse("注册专业1", "请填写注册专业1")
        return None, None
    if len(names) > values.MAX_SPECIALTIES:
        row.refuse("注册专业2", f"每人最多可以注册 {values.MAX_SPECIALTIES} 个专业（第六条），本行有 {len(names)} 个")
        return None, None
    codes: list[str] = []
    for name in names:
        if name not in SPECIALTY_CODES:
            row.refuse(
                "注册专业1" if not codes else "注册专业2", f"“{name}”不在注册专业目录中（第六条，14 个工程类别）"
            )
            return None, None
        codes.append(SPECIALTY_CODES[name])
    if len(codes) == 2 and codes[0] == codes[1]:
        row.refuse("注册专业2", "注册专业2与注册专业1相同")
        return None, None
    return codes[0], (codes[1] if len(codes) > 1 else None)


def _check_registration(row: Row) -> None:
    _required(row, "注册证书编号")
    row.refs["person"] = _person_ref(row)
    reg_no = row.get("注册号")
    if not _REG_NO.match(reg_no):
        row.refuse("注册号", "注册号应为 8 位数字")
    elif reg_no[:2] not in values.PROVINCES:
        row.refuse("注册号", f"注册号前 2 位“{reg_no[:2]}”不是省级行政区划代码（GB/T 2260）")
    code = normalize_credit_code(row.get("聘用单位统一社会信用代码"))
    problem = credit_code_error(code)
    if problem:
        row.refuse("聘用单位统一社会信用代码", problem)
    row.refs["enterprise"] = code
    specialty1, specialty2 = _specialties(row)
    valid_from = parse_date(row, "有效期起")
    valid_to = parse_date(row, "有效期止")
    for header, day in (("有效期起", valid_from), ("有效期止", valid_to)):
        if day is None and not row.get(header):
            row.refuse(header, f"请填写{header}")
    if valid_from and valid_to and valid_to < valid_from:
        row.refuse("有效期止", "有效期止早于有效期起")
    status = _choice(row, "状态", REG_STATUS_CODES) or workflow.REGISTRATION_LABELS[workflow.ACTIVE]
    cert_no = row.get("注册证书编号")
    _lengths(row, {"注册证书编号": (cert_no, Registration.cert_no)})
    row.file_key = (reg_no,)
    row.fields = {
        "reg_no": reg_no,
        "cert_no": cert_no,
        "specialty1": specialty1,
        "specialty2": specialty2,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "status": REG_STATUS_CODES.get(status, workflow.ACTIVE),
    }


REGISTRATION = Kind(
    code="registration",
    label="注册",
    columns=(
        Column("证件号码", "11010519491231002X", True, attr="person_id"),
        Column("注册号", "11000001", True, attr="reg_no"),
        Column("注册证书编号", "202411000001", True, attr="cert_no"),
        Column("聘用单位统一社会信用代码", "91350100M000100Y43", True, attr="enterprise_id"),
        Column("注册专业1", "房屋建筑工程", True, attr="specialty1"),
        Column("注册专业2", "市政公用工程", attr="specialty2"),
        Column("有效期起", "2024-01-01", True, attr="valid_from"),
        Column("有效期止", "2026-12-31", True, attr="valid_to"),
        Column("状态", "有效", attr="status"),
    ),
    model=Registration,
    check=_check_registration,
    key_columns=("注册号",),
)

# ------------------------------------------------------------------ 继续教育


def cycle_years(cycle: str) -> tuple[int, int]:
    first, last = cycle.split("-")
    return int(first), int(last)


def _check_cpd(row: Row) -> None:
    row.refs["person"] = _person_ref(row)
    text = row.get("周期")
    match = _CYCLE.match(text)
    cycle = ""
    if not text:
        row.refuse("周期", "请填写周期")
    elif not match or int(match[2]) - int(match[1]) != CPD_CYCLE_YEARS - 1:
        row.refuse("周期", f"周期应写成“2024-2026”的形式，为 {CPD_CYCLE_YEARS} 年")
    else:
        cycle = f"{match[1]}-{match[2]}"
    required = _hours(row, "必修学时")
    elective = _hours(row, "选修学时")
    name = row.get("专业")
    specialty = ""
    if name:
        if name not in SPECIALTY_CODES:
            row.refuse("专业", f"“{name}”不在注册专业目录中（第六条，14 个工程类别）")
        specialty = SPECIALTY_CODES.get(name, "")
    row.file_key = (row.refs["person"], cycle, specialty)
    row.fields = {"cycle": cycle, "specialty": specialty, "required_hours": required, "elective_hours": elective}


CPD = Kind(
    code="cpd",
    label="继续教育",
    columns=(
        Column("证件号码", "11010519491231002X", True, attr="person_id"),
        Column("周期", "2024-2026", True, attr="cycle"),
        Column("必修学时", "48", True, attr="required_hours"),
        Column("选修学时", "48", True, attr="elective_hours"),
        Column("专业", "房屋建筑工程", attr="specialty"),
    ),
    model=CpdRecord,
    check=_check_cpd,
    key_columns=("证件号码", "周期", "专业"),
)

# ------------------------------------------------------------------ 行政处罚 (双公示, domain.md §8.1)

PENALTY_TEXTS = {  # attribute -> column; the required ones are those of 【录入处罚】 (services.penalties)
    "decision_no": "行政处罚决定书文号",
    "case_name": "处罚名称",
    "reason": "处罚事由",
    "legal_basis": "处罚依据",
    "result": "处罚结果",
    "authority": "处罚机关",
    "project_name": "项目名称",
    "notice_no": "处罚意见告知书文号",
    "bad_behaviour_code": "不良行为代码",
}
# services.penalties' field labels, where the column's header differs
_PENALTY_LABELS = {"处罚决定书文号": "行政处罚决定书文号", "停止执业期间": "停止执业起"}


def _check_penalty(row: Row) -> None:
    from services.penalties import penalty_errors  # penalties imports the registry: import here

    row.refs["person"] = _person_ref(row, "行政相对人代码")
    clean = {attr: row.get(header) for attr, header in PENALTY_TEXTS.items()}
    category = row.get("处罚类别")
    ban_term = row.get("不予注册期限") or None
    dates = {h: parse_date(row, h) for h in ("处罚决定日期", "公示截止期", "停止执业起", "停止执业止")}
    errors = penalty_errors(
        clean,
        category=category,
        decision_date=dates["处罚决定日期"],
        publish_until=dates["公示截止期"],
        effective_from=dates["停止执业起"],
        effective_to=dates["停止执业止"],
        ban_term=ban_term,
    )
    if row.get("处罚决定日期") and dates["处罚决定日期"] is None:
        errors.pop("处罚决定日期", None)  # already refused as an unreadable date
    for label, message in errors.items():
        row.refuse(_PENALTY_LABELS.get(label, label), message)
    extra = {
        "party_name": row.get("行政相对人名称"),
        "reg_no": row.get("注册号"),
        "enterprise_at_time": row.get("执业单位"),
        "region_code": row.get("地方编码"),
    }
    _lengths(
        row,
        {
            "行政相对人名称": (extra["party_name"], Penalty.party_name),
            "注册号": (extra["reg_no"], Penalty.reg_no),
            "执业单位": (extra["enterprise_at_time"], Penalty.enterprise_at_time),
            "地方编码": (extra["region_code"], Penalty.region_code),
        },
    )
    row.file_key = (row.refs["person"], clean["decision_no"])
    row.fields = (
        clean
        | {
            "category": category,
            "decision_date": dates["处罚决定日期"],
            "publish_until": dates["公示截止期"],
            "effective_from": dates["停止执业起"],
            "effective_to": dates["停止执业止"],
            "ban_term": ban_term,
        }
        | {k: v for k, v in extra.items() if v}
    )


PENALTY = Kind(
    code="penalty",
    label="行政处罚",
    columns=(
        Column("行政相对人代码", "11010519491231002X", True, attr="person_id"),
        Column("行政相对人名称", "王监理", attr="party_name"),
        Column("行政处罚决定书文号", "建督罚字〔2022〕9号", True, attr="decision_no"),
        Column("处罚名称", "王监理未履行安全生产管理职责案", True, attr="case_name"),
        Column("处罚类别", values.SUSPENSION, True, attr="category"),
        Column("处罚事由", "未审查特种作业人员资格证书", True, attr="reason"),
        Column("处罚依据", "《建设工程安全生产管理条例》第五十八条", True, attr="legal_basis"),
        Column("处罚结果", "停止注册监理工程师执业3个月", True, attr="result"),
        Column("处罚决定日期", "2022-01-11", True, attr="decision_date"),
        Column("处罚机关", "住房和城乡建设部", True, attr="authority"),
        Column("公示截止期", "2025-01-11", attr="publish_until"),
        Column("注册号", "11000001", attr="reg_no"),
        Column("执业单位", "北京示例工程监理有限公司", attr="enterprise_at_time"),
        Column("项目名称", "示例大厦工程", attr="project_name"),
        Column("处罚意见告知书文号", "建督罚告字〔2021〕43号", attr="notice_no"),
        Column("不良行为代码", "Q1-1-01", attr="bad_behaviour_code"),
        Column("停止执业起", "2022-01-20", attr="effective_from"),
        Column("停止执业止", "2022-04-19", attr="effective_to"),
        Column("不予注册期限", "", attr="ban_term"),
        Column("地方编码", "110000", attr="region_code"),
    ),
    model=Penalty,
    check=_check_penalty,
    key_columns=("行政相对人代码", "行政处罚决定书文号"),
)

KINDS: dict[str, Kind] = {k.code: k for k in (ENTERPRISE, PERSON, CERTIFICATE, REGISTRATION, CPD, PENALTY)}
KIND_LABELS: dict[str, str] = {k.code: k.label for k in KINDS.values()}
