"""Deterministic demo data for an empty, migrated database (`make run`, tests).

Everything comes from one seed and is dated relative to `today`, so the home page always has
registrations expiring within 30 days. Every request history is replayed through
workflow.next_status, so no step can contradict the transition table.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from dataclasses import dataclass
from functools import cache

from faker import Faker
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

from db.models import (
    Application,
    Attachment,
    Enterprise,
    ForcedDeregistration,
    InfoChangeRequest,
    Penalty,
    Person,
    QualificationCertificate,
    Registration,
    Specialty,
    User,
    WorkflowStep,
)
from services import workflow
from services.auth.passwords import hash_password
from services.files import storage
from services.kernel import values
from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY
from services.kernel.clock import now
from services.kernel.dates import anniversary, period_last_day
from services.kernel.duties import MINISTRY_DUTIES
from services.kernel.vocabulary import Duty
from services.registration import business_types, conflicts, deadlines
from services.registration.eligibility import ban_last_day
from services.registry import persons

DEMO_PASSWORD = "demo-pass-2026"
MINISTRY_NAME = "住房和城乡建设部执业资格注册中心"


def sync_specialties(session: Session) -> None:
    """Insert the specialties of values.SPECIALTIES that the table lacks; existing rows are kept."""
    existing = set(session.scalars(select(Specialty.code)))
    session.add_all(
        Specialty(code=code, name=name, active=active)
        for code, name, active in values.SPECIALTIES
        if code not in existing
    )
    session.flush()


def load_demo_data(session: Session, *, today: dt.date | None = None, seed: int = 2026) -> None:
    """Fill an empty database with demo data; the caller commits."""
    sync_specialties(session)
    _Demo(session, today or now().date(), seed).run()


# --- fixed scenario ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _EnterpriseSpec:
    name: str
    division: str  # a values.CITIES code: province, city and the credit code's region
    staff: int
    qualification: str
    address: str
    postal_code: str
    mail_domain: str
    founded: int
    registry_name: str | None = None  # the 市场监管 record, when it no longer matches


# Index 0 is the main demo enterprise, 1 the second demo login, 2 the one whose registry
# record changed; 4 was renamed through an approved info-change request.
_ENTERPRISES = [
    _EnterpriseSpec(
        "北京小厉害有限公司",
        "110105",
        60,
        "房屋建筑工程监理甲级",
        "北京市朝阳区建国路88号院2号楼1206室",
        "100022",
        "xiaolihai.com.cn",
        2016,
    ),
    _EnterpriseSpec(
        "江苏华诚工程监理有限公司",
        "320102",
        30,
        "房屋建筑工程监理甲级",
        "江苏省南京市玄武区中山路268号18层",
        "210008",
        "jshuacheng.com",
        2003,
    ),
    _EnterpriseSpec(
        "山东鲁信建设监理有限公司",
        "370102",
        22,
        "市政公用工程监理甲级",
        "山东省济南市历下区泉城路180号9层",
        "250011",
        "sdluxin.cn",
        2006,
        registry_name="山东鲁信建设监理集团有限公司",
    ),
    _EnterpriseSpec(
        "广东华粤工程咨询有限公司",
        "440103",
        140,
        "工程监理综合资质",
        "广东省广州市荔湾区中山八路10号华粤大厦",
        "510145",
        "gdhuayue.com",
        1998,
    ),
    _EnterpriseSpec(
        "浙江之江建设管理有限公司",
        "330102",
        35,
        "房屋建筑工程监理甲级",
        "浙江省杭州市上城区解放路138号",
        "310009",
        "zjzhijiang.com",
        2001,
    ),
    _EnterpriseSpec(
        "河北冀安工程项目管理有限公司",
        "130102",
        18,
        "房屋建筑工程监理乙级",
        "河北省石家庄市长安区中山东路326号",
        "050011",
        "hbjian.com.cn",
        2011,
    ),
    _EnterpriseSpec(
        "苏州恒信工程监理有限公司",
        "320505",
        10,
        "市政公用工程监理乙级",
        "江苏省苏州市虎丘区狮山路88号",
        "215011",
        "szhengxin.cn",
        2017,
    ),
    # Employers are not only supervision firms (domain.md §2).
    _EnterpriseSpec(
        "北京宏宇恒基建筑工程有限公司",
        "110105",
        6,
        "建筑工程施工总承包一级",
        "北京市朝阳区东三环中路39号",
        "100022",
        "hyhengji.com",
        2005,
    ),
]
_RENAMED_FROM = "浙江之江建设监理有限公司"
_PROVINCE_ABBR = {"11": "京", "32": "苏", "37": "鲁", "44": "粤", "33": "浙", "13": "冀"}

# Days from today to valid_to for the main enterprise's first staff: 7 within 30 days,
# 4 within 60, 4 within 90, 3 already expired (still ACTIVE: the UI derives 已过期).
_MAIN_OFFSETS = [2, 6, 11, 15, 19, 24, 28, 35, 42, 49, 57, 64, 71, 79, 86, -9, -37, -75]
_SECOND_OFFSETS = [5, 13, 22, 40, 66, 400]
_MAIN_SCRIPTED = 36  # main-enterprise staff below this index take part in fixed scenarios
# Main-enterprise staff first registered a few days ago (days since the 初始注册 was approved): the 公告
# (第八条) of the first is still to come in time, of the second is overdue, of the third was made.
_MAIN_NEW_REGISTRANTS = {36: 2, 37: 26, 38: 9}
_MAIN_NOT_ANNOUNCED = {37}
_ANNOUNCE_AFTER = 3  # working days from an approved 初始注册 to its 公告, in the demo's history

# domain.md §9: skew toward the provinces with the most supervision firms
_BUSY_PROVINCES = {"32", "37", "44", "33", "13"}
_MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "158",
    "159",
    "177",
    "180",
    "181",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
]
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]  # GB 11714 check on the 组织机构代码 body

_EDUCATION_WEIGHTS = {
    "博士研究生": 1,
    "硕士研究生": 10,
    "大学本科": 58,
    "大学专科": 24,
    "中专/中技": 5,
    "高中及以下": 2,
}
_GRADUATION_AGE = {
    "博士研究生": 29,
    "硕士研究生": 26,
    "大学本科": 22,
    "大学专科": 21,
    "中专/中技": 19,
    "高中及以下": 18,
}
_SCHOOLS = {
    "university": [
        "同济大学",
        "东南大学",
        "天津大学",
        "清华大学",
        "哈尔滨工业大学",
        "重庆大学",
        "西安建筑科技大学",
        "湖南大学",
        "华南理工大学",
        "浙江大学",
        "山东建筑大学",
        "河北工业大学",
        "南京工业大学",
        "苏州科技大学",
        "沈阳建筑大学",
        "北京建筑大学",
        "武汉理工大学",
        "长安大学",
        "河海大学",
        "中南大学",
        "广州大学",
        "青岛理工大学",
        "安徽建筑大学",
        "石家庄铁道大学",
        "华北水利水电大学",
        "浙江工业大学",
    ],
    "college": [
        "江苏建筑职业技术学院",
        "山东城市建设职业学院",
        "广东建设职业技术学院",
        "浙江建设职业技术学院",
        "四川建筑职业技术学院",
        "黑龙江建筑职业技术学院",
        "河北建材职业技术学院",
        "湖北城市建设职业技术学院",
    ],
    "school": ["江苏省城市建设学校", "山东省城市建设学校", "广州市建筑工程职业学校", "河北省城乡建设学校"],
}
_MAJORS = {
    "01": ["土木工程", "工程管理", "建筑学", "工业与民用建筑", "建筑工程技术"],
    "02": ["冶金工程", "土木工程"],
    "03": ["采矿工程", "土木工程"],
    "04": ["化学工程与工艺", "过程装备与控制工程"],
    "05": ["水利水电工程", "农业水利工程"],
    "06": ["电气工程及其自动化", "热能与动力工程"],
    "07": ["农业建筑环境与能源工程", "土木工程"],
    "08": ["铁道工程", "土木工程"],
    "09": ["道路桥梁与渡河工程", "交通工程"],
    "10": ["港口航道与海岸工程"],
    "11": ["飞行器制造工程", "土木工程"],
    "12": ["通信工程", "电子信息工程"],
    "13": ["给排水科学与工程", "道路桥梁与渡河工程", "土木工程", "建筑环境与能源应用工程"],
    "14": ["机械设计制造及其自动化", "电气工程及其自动化"],
}
_OTHER_SPECIALTIES = {
    "13": 30,
    "06": 14,
    "04": 10,
    "14": 10,
    "12": 6,
    "08": 6,
    "09": 5,
    "05": 5,
    "02": 4,
    "03": 3,
    "10": 3,
    "07": 2,
    "11": 2,
}
_EXAM_CATEGORY = {"08": "交通运输工程", "09": "交通运输工程", "10": "交通运输工程", "05": "水利工程"}

# (min, max) whole days between a step and the one before it
_GAP_DAYS = {
    "report": (0, 4),
    "refuse": (0, 5),
    "withdraw": (0, 3),
    "accept": (1, 5),
    "request_correction": (1, 5),
    "review": (1, 7),
    "approve": (3, 12),
    "deny": (3, 12),
    "resubmit": (2, 15),
    "cancel": (1, 10),
}

_PATHS = {
    workflow.PENDING_ENT: ["submit"],
    workflow.REPORTED: ["submit", "report"],
    workflow.ENT_REJECTED: ["submit", "refuse"],
    workflow.WITHDRAWN: ["submit", "report", "withdraw"],
    workflow.ACCEPTED: ["submit", "report", "accept"],
    workflow.CORRECTION: ["submit", "report", "accept", "request_correction"],
    workflow.UNDER_REVIEW: ["submit", "report", "accept", "review"],
    workflow.APPROVED: ["submit", "report", "accept", "review", "approve"],
    workflow.DENIED: ["submit", "report", "accept", "review", "deny"],
    workflow.CANCELLED: ["submit", "cancel"],
}
_CORRECTED_APPROVAL = [
    "submit",
    "report",
    "accept",
    "request_correction",
    "resubmit",
    "report",
    "accept",
    "review",
    "approve",
]
_REQUEST_PATHS = {
    workflow.SUBMITTED: ["submit"],
    workflow.REQ_WITHDRAWN: ["submit", "withdraw"],
    workflow.REQ_ACCEPTED: ["submit", "accept"],
    workflow.REQ_APPROVED: ["submit", "accept", "approve"],
    workflow.REQ_DENIED: ["submit", "accept", "deny"],
}
_CREATOR_ROLE = {workflow.APPLICATION: APPLICANT, workflow.FORCED: ENTERPRISE, workflow.INFO_CHANGE: ENTERPRISE}

_CORRECTION_ITEMS = [
    "近一个月社会保险缴纳证明须由社保经办机构出具并加盖印章",
    "劳动合同签字页不清晰，请重新上传",
    "一寸彩色免冠照片不符合要求（白色背景、正面免冠）",
    "继续教育证明学时不足，请补充本注册周期选修课学时证明",
    "身份证明缺少反面，请上传正反两面",
    "资格证书扫描件不完整，请上传含证书编号的页面",
]
_DENY_REASONS = [
    "申请人未达到注册监理工程师继续教育要求，依据《注册监理工程师管理规定》第十三条第（三）项，不予注册。",
    "申请人在两个单位申请注册，依据《注册监理工程师管理规定》第十三条第（四）项，不予注册。",
    "经一次性告知补正后，社会保险缴纳单位与聘用单位仍不一致，不予注册。",
]
_APP_WITHDRAW_REASONS = ["申报信息需核实修改，撤回后重新上报", "劳动合同附件上传错误，撤回更正", "申请人要求暂缓申报"]
_APPROVE_OPINIONS = {"ZX": "准予注销注册。", "YS": "准予补办注册执业证书。"}

# Attachment files: pictures for scanned cards and photos, PDFs for documents.
_IMAGE_TYPES = {"SFZ", "ZP", "ZGZS", "YYZZ"}
_FILE_LABELS = {
    "SFZ": "ID CARD",
    "ZGZS": "QUALIFICATION CERTIFICATE",
    "LDHT": "LABOUR CONTRACT",
    "SBZM": "SOCIAL INSURANCE RECORD",
    "TXZM": "RETIREMENT CERTIFICATE",
    "JXJY": "CONTINUING EDUCATION",
    "JCHT": "CONTRACT TERMINATION",
    "LDZC": "ARBITRATION AWARD",
    "YYZZ": "BUSINESS LICENCE",
    "YSSM": "LOSS STATEMENT",
    "ZP": "PHOTO",
    "SWZM": "DEATH CERTIFICATE",
    "QT": "OTHER DOCUMENT",
}
_FILE_NAMES = {"SFZ": "身份证"}

_ACCIDENTS = ["高处坠落", "物体打击", "坍塌", "起重伤害", "触电"]
_PROJECT_WORDS = ["滨江", "锦绣", "翠湖", "金桥", "阳光", "御景", "紫荆", "天和", "云锦", "长泰", "新城", "泰和"]
_PROJECT_TEMPLATES = [
    "{city}{w}花园二期{n}号楼工程",
    "{city}地铁{n}号线{w}站主体结构工程",
    "{city}第{cn}人民医院门诊楼改扩建工程",
    "{city}{w}路市政道路改造工程",
    "{city}高新区{w}标准厂房建设项目",
    "{city}{w}小学新建教学综合楼工程",
    "{city}{w}保障性住房{n}标段",
]


@dataclass(frozen=True)
class _PenaltyKind:
    category: str
    legal_basis: str
    behaviour_code: str
    ministry: bool  # decided by 住房和城乡建设部, else by the provincial department
    weight: int
    ban_term: str | None = None  # the 不予注册 period it carries (values.PENALTY_BAN_TERMS)


_SAFETY = _PenaltyKind("责令停止执业", "《建设工程安全生产管理条例》第五十八条", "Q1-2-01", True, 9)
_QUALITY = _PenaltyKind("责令停止执业", "《建设工程质量管理条例》第七十二条", "Q1-2-02", True, 4)
_DOUBLE_JOB = _PenaltyKind("罚款", "《注册监理工程师管理规定》第三十一条", "Q1-3-01", False, 7)
_LENT_SEAL = _PenaltyKind("罚款", "《注册监理工程师管理规定》第三十一条", "Q1-3-02", False, 6)
_NO_CHANGE = _PenaltyKind("警告", "《注册监理工程师管理规定》第三十条", "Q1-1-03", False, 6)
_OUT_OF_SCOPE = _PenaltyKind("警告", "《注册监理工程师管理规定》第三十一条", "Q1-3-04", False, 6)
_REVOKE = _PenaltyKind("吊销注册证书", "《建设工程质量管理条例》第七十二条", "Q1-2-03", True, 0, "5年")
# false materials in an application: 不予注册, a warning and one year before applying again
_FALSE_MATERIALS = _PenaltyKind("不予注册", "《中华人民共和国行政许可法》第七十八条", "Q1-1-01", True, 0, "1年")
_PENALTY_KINDS = [_SAFETY, _QUALITY, _DOUBLE_JOB, _LENT_SEAL, _NO_CHANGE, _OUT_OF_SCOPE]


# --- small pure helpers -----------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


@cache
def _division_valid(code: str, year: int) -> bool:
    # stdnum accepts a division code only for birth years in which the district existed.
    body = f"{code}{year}0101001"
    return ric.is_valid(body + ric.calc_check_digit(body + "0"))


def _id_division(division: str, birth_year: int) -> str | None:
    """The CITIES code, or its prefecture or province when the district is younger than the person."""
    return next(
        (code for code in (division, division[:4] + "00", division[:2] + "0000") if _division_valid(code, birth_year)),
        None,
    )


def _org_check(body: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _city(division: str) -> tuple[str, str, str]:
    return next(c for c in values.CITIES if c[2] == division)


def _provincial_authority(province: str) -> str:
    return province + ("住房和城乡建设委员会" if province.endswith("市") else "住房和城乡建设厅")


@cache
def _demo_bytes(type_code: str) -> bytes:
    label = f"{_FILE_LABELS.get(type_code, type_code)} DEMO"
    if type_code in _IMAGE_TYPES:
        image = Image.new("RGB", (600, 400), "white")
        draw = ImageDraw.Draw(image)
        draw.rectangle((10, 10, 589, 389), outline=(40, 80, 160), width=4)
        draw.text((40, 150), label, fill="black", font=ImageFont.load_default(size=32))
        draw.text(
            (40, 220), "SAMPLE FILE - NOT A REAL DOCUMENT", fill=(120, 120, 120), font=ImageFont.load_default(size=20)
        )
        out = io.BytesIO()
        image.save(out, "PNG")
        return out.getvalue()
    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # same bytes on every run
    pdf.add_page()
    pdf.set_font("helvetica", size=20)
    pdf.cell(text=label, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Sample file - not a real document.")
    return bytes(pdf.output())


def _write_demo_file(s: Session, type_code: str, stem: str) -> tuple[str, str, int]:
    """Store a small sample file for `type_code`; returns (stored_name, content_type, size)."""
    image = type_code in _IMAGE_TYPES
    stored_name = stem + (".png" if image else ".pdf")
    data = _demo_bytes(type_code)
    storage.put(s, stored_name, data, replace=True)  # a demo loaded again writes the same names
    return stored_name, "image/png" if image else "application/pdf", len(data)


# --- the generator ----------------------------------------------------------------------------


@dataclass
class _Step:
    action: str
    role: str
    from_status: str | None
    to_status: str
    at: dt.datetime
    opinion: str | None


@dataclass
class _Request:
    kind: str
    row: Application | ForcedDeregistration | InfoChangeRequest
    steps: list[_Step]
    enterprise: Enterprise
    person: Person | None = None


@dataclass
class _Staff:
    """A registered person and the plan of his or her registration history."""

    person: Person
    reg: Registration
    enterprise: Enterprise
    initial: dt.date  # first registration: the CS approval
    renewals: int
    origin: Enterprise | None = None  # employer before an approved BG-DW in the current window
    added_specialty: bool = False  # specialty2 came through an approved BG-ZY in the current window
    busy: bool = False  # taken by a fixed scenario; the random noise leaves it alone
    announced: bool = True  # the 公告 of the 初始注册 was made, when its day has come


class _Demo:
    def __init__(self, session: Session, today: dt.date, seed: int):
        self.session = session
        self.today = today
        self.last_day = today - dt.timedelta(days=1)  # every step happens before today
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.enterprises: list[Enterprise] = []
        self.ent_province: dict[Enterprise, str] = {}
        self.staff: dict[int, list[_Staff]] = {}  # enterprise index -> registered staff
        self.extra: list[_Staff] = []  # registrations that end in the scenarios
        self.pool: list[Person] = []  # qualified but not registered; pool[0] is 薛琼
        self.cert_issue: dict[Person, dt.date] = {}
        self.requests: list[_Request] = []
        self.attachments: list[tuple[_Request, list[str], str]] = []  # request, type codes, uploader role
        self.fixed_attachments: list[tuple[_Request, str]] = []  # (request, type code) named without random draws
        self.open_people: set[Person] = set()
        self.last_event: dict[Person, dt.datetime] = {}
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self.used_reg_nos: set[str] = set()
        self.users: dict[str, User] = {}
        # when enterprises[4] got its current name (set to the approval step's time later)
        self.renamed_at = dt.datetime.combine(today - dt.timedelta(days=self.rng.randint(500, 700)), dt.time(15))

    def run(self) -> None:
        s = self.session
        self._make_enterprises()
        s.add_all(self.enterprises)
        s.flush()
        self._make_people()
        s.add_all(self._all_people())
        s.flush()
        self._make_users()
        s.add_all(self.users.values())
        for st in self._all_staff():
            st.reg.person_id, st.reg.enterprise_id = st.person.id, st.enterprise.id
        s.add_all(st.reg for st in self._all_staff())
        s.add_all(self._certificates())
        s.flush()
        for st in self._all_staff():
            self._history(st)
        self._main_scenarios()
        self._second_scenarios()
        self._other_scenarios()
        self._noise()
        s.add_all(r.row for r in self.requests)
        s.flush()
        s.add_all(self._step_rows())
        s.add_all(self._attachment_rows())
        s.add_all(self._penalties())
        s.flush()

    def _all_staff(self) -> list[_Staff]:
        return [st for index in sorted(self.staff) for st in self.staff[index]] + self.extra

    def _all_people(self) -> list[Person]:
        return [st.person for st in self._all_staff()] + self.pool

    # ---- enterprises and users ----

    def _make_enterprises(self) -> None:
        for spec in _ENTERPRISES:
            province_code, city, division = _city(spec.division)
            code = self._credit_code(division, spec.founded)
            ent = Enterprise(
                name=spec.name,
                credit_code=code,
                registry_name=spec.registry_name or spec.name,
                registry_credit_code=code,
                province=values.PROVINCES[province_code],
                city=city,
                address=spec.address,
                legal_rep=self.fake.name(),
                contact_person=self.fake.name(),
                contact_phone=self._mobile(),
                postal_code=spec.postal_code,
                email=f"jlzc@{spec.mail_domain}",
                qualification=spec.qualification,
                created_at=dt.datetime(spec.founded, self.rng.randint(1, 12), self.rng.randint(1, 28), 10),
            )
            self.enterprises.append(ent)
            self.ent_province[ent] = province_code

    def _credit_code(self, division: str, founded: int) -> str:
        """'91' (market regulator, enterprise) + region + 组织机构代码 with its own check + USCC check."""
        if founded >= 2015:  # issued as a USCC from the start: the body begins with MA
            body = "MA" + "".join(self.rng.choice(_USCC_ALPHABET) for _ in range(6))
        else:
            body = "".join(self.rng.choice("0123456789") for _ in range(8))
        base = "91" + division + body + _org_check(body)
        return base + uscc.calc_check_digit(base)

    def _enterprise_name_at(self, ent: Enterprise, at: dt.datetime) -> str:
        if ent is self.enterprises[4] and at < self.renamed_at:
            return _RENAMED_FROM
        return ent.name

    def _make_users(self) -> None:
        hashed = hash_password(DEMO_PASSWORD)  # bcrypt is slow: hash once, every demo user shares it
        main, second, xue = self.enterprises[0], self.enterprises[1], self.pool[0]
        every = ",".join(MINISTRY_DUTIES)
        for username, role, name, ent, person, duties in [
            ("demo-enterprise", ENTERPRISE, main.name, main, None, Duty.enterprise_admin),
            ("demo-enterprise-2", ENTERPRISE, second.name, second, None, Duty.enterprise_admin),
            ("demo-ministry", MINISTRY, MINISTRY_NAME, None, None, every),
            ("demo-applicant", APPLICANT, xue.name, None, xue, ""),
            # one duty each: the separation of duties can be seen side by side
            ("demo-review", MINISTRY, "注册中心受理审查员", None, None, Duty.review),
            ("demo-decide", MINISTRY, "住房和城乡建设部审批人员", None, None, Duty.decide),
            ("demo-analyst", MINISTRY, "统计分析员", None, None, Duty.analyse),
        ]:
            self.users[username] = User(
                username=username,
                display_name=name,
                password_hash=hashed,
                role=role,
                enterprise_id=ent.id if ent else None,
                person_id=person.id if person else None,
                duties=str(duties),
                created_at=now(),
            )

    def _user_id(self, role: str, enterprise: Enterprise, person: Person | None) -> int | None:
        for user in self.users.values():
            if user.role == role and (
                role == MINISTRY
                or (role == ENTERPRISE and user.enterprise_id == enterprise.id)
                or (role == APPLICANT and person is not None and user.person_id == person.id)
            ):
                return user.id
        return None

    # ---- people and registrations ----

    def _mobile(self) -> str:
        while True:
            number = self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def _home_city(self, province_code: str | None) -> tuple[str, str, str]:
        if province_code and self.rng.random() < 0.55:
            return self.rng.choice([c for c in values.CITIES if c[0] == province_code])
        weights = [3 if c[0] in _BUSY_PROVINCES else 1 for c in values.CITIES]
        return self.rng.choices(values.CITIES, weights)[0]

    def _birth(self, youngest: int, oldest: int) -> dt.date:
        start = anniversary(self.today, -oldest - 1) + dt.timedelta(days=1)
        end = anniversary(self.today, -youngest)
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def _education(self, birth: dt.date) -> str:
        # Since 2020 the exam asks for 专科 or above, so younger people have no 中专 or less.
        young = birth > anniversary(self.today, -38)
        options = {k: w for k, w in _EDUCATION_WEIGHTS.items() if not (young and _GRADUATION_AGE[k] < 21)}
        return self.rng.choices(list(options), list(options.values()))[0]

    def _person(
        self,
        birth: dt.date,
        education: str,
        *,
        home: tuple[str, str, str],
        major_for: str = "01",
        gender: str | None = None,
        name: str | None = None,
        cpd_low: bool = False,
    ) -> Person:
        rng = self.rng
        while _id_division(home[2], birth.year) is None:  # e.g. 重庆 (500000) exists only since 1997
            home = self._home_city(None)
        gender = gender or rng.choices(values.GENDERS, [78, 22])[0]
        if name is None:
            # zh_CN name_male()/name_female() ignore the gender; compose the name instead.
            given = self.fake.first_name_male() if gender == "男" else self.fake.first_name_female()
            name = self.fake.last_name() + given
        age = self.today.year - birth.year
        if education in ("博士研究生", "硕士研究生", "大学本科"):
            school = rng.choice(_SCHOOLS["university"])
        else:
            school = rng.choice(_SCHOOLS["college"] if education == "大学专科" else _SCHOOLS["school"])
        degree = {"博士研究生": "博士", "硕士研究生": "硕士", "大学本科": "学士" if rng.random() < 0.92 else "无"}.get(
            education, "无"
        )
        if age < 32:
            title = rng.choices(["初级", "中级"], [40, 60])[0]
        elif age < 42:
            title = rng.choices(["初级", "中级", "副高级"], [5, 70, 25])[0]
        else:
            title = rng.choices(["中级", "副高级", "正高级"], [45, 47, 8])[0]
        # 96 学时 per cycle (domain.md §3.3); some fall short.
        cpd = rng.randint(0, 60) if cpd_low else rng.randint(40, 95) if rng.random() < 0.22 else rng.randint(96, 140)
        return persons.new_person(  # the registry's one gate: the number checked as any import's would be
            id_number=self._id_number(home[2], birth, gender),
            name=name,
            gender=gender,
            birth_date=birth,
            province=values.PROVINCES[home[0]],
            city=home[1],
            school=school,
            graduation_date=dt.date(birth.year + _GRADUATION_AGE[education], 7, 1),
            education=education,
            degree=degree,
            major=rng.choice(_MAJORS[major_for]),
            title=title,
            phone=self._mobile(),
            cpd_hours=cpd,
            created_at=now(),
        )

    def _id_number(self, division: str, birth: dt.date, gender: str) -> str:
        code = _id_division(division, birth.year)
        while True:
            # GB 11643: the sequence number is odd for men, even for women.
            seq = self.rng.randrange(1, 1000, 2) if gender == "男" else self.rng.randrange(2, 1000, 2)
            body = f"{code}{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _specialties(self) -> tuple[str, str | None]:
        rng = self.rng
        first = (
            "01" if rng.random() < 0.83 else rng.choices(list(_OTHER_SPECIALTIES), list(_OTHER_SPECIALTIES.values()))[0]
        )
        if rng.random() >= 0.2:
            return first, None
        if first == "01":
            return first, "13" if rng.random() < 0.6 else rng.choice(["14", "06", "12", "04"])
        return first, "01" if first == "13" or rng.random() < 0.6 else "13"

    def _make_people(self) -> None:
        # The manual's example first: demo-applicant points at her.
        self.pool.append(
            self._pool_person(
                birth=dt.date(1995, 8, 17),
                gender="女",
                name="薛琼",
                home=_city("429006"),
                education="大学本科",
                issued_years_ago=1,
            )
        )
        for index, spec in enumerate(_ENTERPRISES):
            fixed = {0: _MAIN_OFFSETS, 1: _SECOND_OFFSETS}.get(index, [])
            self.staff[index] = []
            for i in range(spec.staff):
                if i < len(fixed):
                    offset = fixed[i]
                elif index == 0 and i in _MAIN_NEW_REGISTRANTS:
                    new = self._new_registrant(i)
                    self.staff[index].append(new)
                    continue
                elif index == 0 and i < _MAIN_SCRIPTED:
                    offset = self.rng.randint(200, 900)  # registered long enough for recent requests
                else:
                    offset = self._random_offset()
                self.staff[index].append(self._registered(index, offset, **self._main_overrides(index, i)))
        # Registrations that end in the scenarios: forced (#4), ZX (#5, #6, #4), revoked (#4).
        for index in (3, 4, 5, 3, 3):
            self.extra.append(self._registered(index, self.rng.randint(200, 900), extras=False))
        for _ in range(73):
            self.pool.append(
                self._pool_person(
                    birth=self._birth(25, 45),
                    home=self._home_city(None),
                    issued_years_ago=self.rng.choice([1, 1, 2, 2, 3, 4]),
                )
            )

    def _main_overrides(self, index: int, i: int) -> dict:
        if index != 0 or i >= _MAIN_SCRIPTED:
            return {}
        overrides: dict = {"extras": False}
        if i == 8:  # turns 65 within a month and files for 注销
            overrides["birth"] = anniversary(self.today + dt.timedelta(days=30), -65)
        elif i == 9:  # turns 65 before the renewal can be decided
            overrides["birth"] = anniversary(self.today + dt.timedelta(days=75), -65)
        elif i == 28:  # retired: the approved forced deregistration
            overrides["birth"] = anniversary(self.today - dt.timedelta(days=200), -61)
        if i in (18, 22, 23, 24):  # will ask for a second specialty
            overrides["specialties"] = ("01", None)
        return overrides

    def _new_registrant(self, i: int) -> _Staff:
        """Main-enterprise staff whose 初始注册 was approved _MAIN_NEW_REGISTRANTS[i] days ago (no renewal)."""
        valid_from = self.today - dt.timedelta(days=_MAIN_NEW_REGISTRANTS[i])
        valid_to = anniversary(valid_from, values.VALIDITY_YEARS) - dt.timedelta(days=1)
        st = self._registered(0, (valid_to - self.today).days, extras=False, renewals=0)
        st.announced = i not in _MAIN_NOT_ANNOUNCED
        return st

    def _random_offset(self) -> int:
        r = self.rng.random()
        if r < 0.03:
            return -self.rng.randint(1, 150)
        if r < 0.08:
            return self.rng.randint(0, 30)
        if r < 0.14:
            return self.rng.randint(31, 90)
        return self.rng.randint(91, 3 * 365 - 3)

    def _pool_person(
        self,
        *,
        birth: dt.date,
        home: tuple[str, str, str],
        issued_years_ago: int,
        education: str | None = None,
        gender: str | None = None,
        name: str | None = None,
    ) -> Person:
        # The exam comes at least 2 years after graduation, so the young get shorter studies.
        education = education or self._education(birth)
        if anniversary(dt.date(birth.year + _GRADUATION_AGE[education], 7, 1), 2) > self.today - dt.timedelta(days=200):
            education = "大学专科"
        person = self._person(birth, education, home=home, gender=gender, name=name, cpd_low=True)
        issued = anniversary(self.today, -issued_years_ago) - dt.timedelta(days=self.rng.randint(30, 300))
        self.cert_issue[person] = max(issued, anniversary(person.graduation_date, 2))
        return person

    def _reg_serial(self, province_code: str) -> int:
        while True:
            serial = self.rng.randint(1000, 999999)
            if f"{province_code}{serial:06d}" not in self.used_reg_nos:
                self.used_reg_nos.add(f"{province_code}{serial:06d}")
                return serial

    def _registered(
        self,
        index: int,
        offset: int,
        *,
        birth: dt.date | None = None,
        specialties: tuple[str, str | None] | None = None,
        extras: bool = True,
        renewals: int | None = None,
    ) -> _Staff:
        """Someone with an ACTIVE registration at enterprise `index` that ends `offset` days from today."""
        rng = self.rng
        ent = self.enterprises[index]
        valid_to = self.today + dt.timedelta(days=offset)
        valid_from = anniversary(valid_to, -values.VALIDITY_YEARS) + dt.timedelta(days=1)
        for _ in range(100):
            b = birth or self._birth(30, 64)
            education = self._education(b)
            # exam and first registration at least about 3 years after graduation
            earliest = anniversary(dt.date(b.year + _GRADUATION_AGE[education], 7, 1), 3) + dt.timedelta(days=90)
            if valid_from >= earliest:
                break
        else:
            raise RuntimeError("no feasible registration history")
        most = 0
        while most < 4 and anniversary(valid_from, -values.VALIDITY_YEARS * (most + 1)) >= earliest:
            most += 1
        renewals = rng.randint(0, most) if renewals is None else min(renewals, most)
        initial = anniversary(valid_from, -values.VALIDITY_YEARS * renewals)
        s1, s2 = specialties or self._specialties()
        person = self._person(b, education, home=self._home_city(self.ent_province[ent]), major_for=s1)
        self.cert_issue[person] = max(
            initial - dt.timedelta(days=rng.randint(75, 1000)), anniversary(person.graduation_date, 2)
        )
        origin, added = None, False
        # Room in the current window for an approved change (BG) before today.
        if extras and valid_from + dt.timedelta(days=30) <= min(
            self.today - dt.timedelta(days=20), valid_to - dt.timedelta(days=30)
        ):
            peers = [e for e in self.enterprises if e is not ent and e.province == ent.province]
            if peers and rng.random() < 0.12:
                origin = rng.choice(peers)
            elif s2 and rng.random() < 0.3:
                added = True
        # 注册号: province of the employer at 初始注册 + serial (domain.md §7.1)
        province_code = self.ent_province[origin or ent]
        serial = self._reg_serial(province_code)
        reg = Registration(
            reg_no=f"{province_code}{serial:06d}",
            cert_no=f"{initial.year}{province_code}{serial:06d}",
            specialty1=s1,
            specialty2=s2,
            valid_from=valid_from,
            valid_to=valid_to,
            status=workflow.ACTIVE,
        )
        return _Staff(person, reg, ent, initial, renewals, origin, added)

    def _certificates(self) -> list[QualificationCertificate]:
        rows, serial = [], self.rng.randint(10000, 20000)
        exam = {st.person: _EXAM_CATEGORY.get(st.reg.specialty1, "土木建筑工程") for st in self._all_staff()}
        for person in self._all_people():
            serial += self.rng.randint(1, 40)
            issued = self.cert_issue[person]
            rows.append(
                QualificationCertificate(
                    person_id=person.id,
                    cert_no=f"JL{issued.year}{person.id_number[:2]}{serial:06d}",
                    exam_category=exam.get(person, "土木建筑工程"),
                    issue_date=issued,
                )
            )
        return rows

    # ---- time lines and workflow walks ----

    def _office_time(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(minutes=self.rng.randint(0, 540))

    def _timeline(
        self,
        actions: list[str],
        *,
        end_day: dt.date | None = None,
        first_day: dt.date | None = None,
        last_day: dt.date | None = None,
    ) -> list[dt.datetime] | None:
        """Step times, strictly increasing: ending on `end_day`, or inside [first_day, last_day] (None: no room)."""
        gaps = [self.rng.randint(*_GAP_DAYS[a]) for a in actions[1:]]
        span = dt.timedelta(days=sum(gaps))
        if end_day is not None:
            start = end_day - span
        else:
            latest = last_day - span
            if latest < first_day:
                return None
            start = first_day + dt.timedelta(days=self.rng.randint(0, (latest - first_day).days))
        times = [self._office_time(start)]
        for gap in gaps:
            if gap:
                times.append(self._office_time(times[-1].date() + dt.timedelta(days=gap)))
            else:
                times.append(times[-1] + dt.timedelta(minutes=self.rng.randint(5, 90)))
        return times

    def _recent_times(
        self, actions: list[str], person: Person | None, within: int, optional: bool = False
    ) -> list[dt.datetime] | None:
        """A time line in the last `within` days that starts after the person's last recorded step."""
        first = self.today - dt.timedelta(days=within)
        if person in self.last_event:
            first = max(first, self.last_event[person].date() + dt.timedelta(days=1))
        times = self._timeline(actions, first_day=first, last_day=self.last_day)
        if times is None and not optional:
            raise RuntimeError(f"no room for {actions} in the last {within} days")
        return times

    @staticmethod
    def _walk(kind: str, actions: list[str], times: list[dt.datetime], opinions: dict[str, str]) -> list[_Step]:
        """Replay `actions` through the transition table: an illegal path raises InvalidTransition."""
        if actions[0] != workflow.CREATE_ACTION[kind][0]:
            raise ValueError(f"a {kind} history starts with submit")
        steps: list[_Step] = []
        status: str | None = None
        for action, at in zip(actions, times, strict=True):
            if status is None:
                role, target = _CREATOR_ROLE[kind], workflow.INITIAL_STATUS[kind]
            else:
                (role,) = workflow.find_transition(kind, action).roles
                target = workflow.next_status(kind, status, action, role)
            steps.append(_Step(action, role, status, target, at, opinions.get(action)))
            status = target
        return steps

    def _app_opinions(self, business_type: str) -> dict[str, str]:
        items = self.rng.sample(_CORRECTION_ITEMS, self.rng.randint(2, 3))
        return {
            "refuse": self.rng.choice(values.RETURN_REASONS),
            "withdraw": self.rng.choice(_APP_WITHDRAW_REASONS),
            "accept": "申请材料齐全，符合法定形式，予以受理。",
            "request_correction": "请一次性补正以下内容："
            + "；".join(f"{n}. {item}" for n, item in enumerate(items, 1))
            + "。",
            "review": "经审查，符合注册条件，报请审批。",
            "approve": _APPROVE_OPINIONS.get(business_type, "符合注册条件，准予注册。"),
            "deny": _DENY_REASONS[0],
            "resubmit": "已按要求补正材料，重新提交。",
            "cancel": "本人申请撤销该注册申请。",
        }

    def _with_announcement(
        self, business_type: str, actions: list[str], times: list[dt.datetime], opinions: dict[str, str]
    ) -> tuple[list[str], list[dt.datetime], dict[str, str]]:
        """An approved 初始/重新注册 announced (公告, 第八条) _ANNOUNCE_AFTER working days after the decision,
        when that day is before today; else it still waits."""
        if actions[-1] != "approve" or not business_types.announced(business_type):
            return actions, times, opinions
        decided = times[-1].date()
        day = deadlines.add_working_days(decided, _ANNOUNCE_AFTER)
        if day > self.last_day:
            return actions, times, opinions
        due = deadlines.add_working_days(decided, values.ANNOUNCEMENT_DAYS)
        at = dt.datetime.combine(day, dt.time(10)) + dt.timedelta(minutes=times[-1].minute)
        opinion = f"已在公众媒体上公告准予注册的审批结果（公告时限 {due.isoformat()}）"
        return [*actions, "announce"], [*times, at], opinions | {"announce": opinion}

    def _application(
        self,
        person: Person,
        ent: Enterprise,
        business_type: str,
        actions: list[str],
        times: list[dt.datetime],
        *,
        reg: Registration | None = None,
        specialties: tuple[str, str | None] | None = None,
        change_kind: str | None = None,
        opinions: dict[str, str] | None = None,
        attachments: bool = False,
        announce: bool = True,
        draw_opinions: bool = True,  # False: only `opinions`, no random draws (the data drawn after stays)
    ) -> Application:
        s1, s2 = specialties or (reg.specialty1, reg.specialty2)
        opinions = (self._app_opinions(business_type) if draw_opinions else {}) | (opinions or {})
        if announce:
            actions, times, opinions = self._with_announcement(business_type, actions, times, opinions)
        steps = self._walk(workflow.APPLICATION, actions, times, opinions)
        status = steps[-1].to_status
        if status in workflow.OPEN_APPLICATION_STATUSES:
            if person in self.open_people:
                raise RuntimeError(f"{person.name} already has an open application")
            self.open_people.add(person)

        def last(action: str) -> dt.datetime | None:
            return next((st.at for st in reversed(steps) if st.action == action), None)

        reported = last("report")
        app = Application(
            person_id=person.id,
            person_name=person.name,
            enterprise_id=ent.id,
            registration_id=reg.id if reg else None,
            business_type=business_type,
            change_kind=change_kind,
            specialty1=s1,
            specialty2=s2,
            status=status,
            applied_at=steps[0].at,
            reported_at=reported,
            accepted_at=last("accept"),
            decided_at=last("approve") or last("deny"),
            return_reason=steps[-1].opinion
            if status in (workflow.ENT_REJECTED, workflow.CORRECTION, workflow.DENIED, workflow.TERMINATED)
            else None,
            personal_commitment_version=values.PERSONAL_COMMITMENT_VERSION,
            enterprise_commitment_version=values.ENTERPRISE_COMMITMENT_VERSION if reported else None,
            enterprise_commitment_at=reported,
        )
        request = _Request(workflow.APPLICATION, app, steps, ent, person)
        self.requests.append(request)
        if attachments:
            # 第十条: an 初始注册 filed more than 3 years after the certificate also proves continuing education
            overdue = steps[0].at.date() > period_last_day(self.cert_issue[person], values.INITIAL_WITHIN_YEARS)
            needed = business_types.materials(business_type, change_kind, overdue=overdue)
            self.attachments.append((request, list(needed), APPLICANT))
        self.last_event[person] = max(self.last_event.get(person, steps[-1].at), steps[-1].at)
        return app

    def _recent(
        self,
        person: Person,
        ent: Enterprise,
        business_type: str,
        path: str | list[str],
        *,
        within: int = 120,
        optional: bool = False,
        **kwargs,
    ) -> None:
        """An application in the last `within` days; `path` is a final status or a list of actions."""
        actions = _PATHS[path] if isinstance(path, str) else path
        times = self._recent_times(actions, person, within, optional)
        if times:
            self._application(person, ent, business_type, actions, times, **kwargs)

    def _staff_app(self, st: _Staff, business_type: str, path: str | list[str], **kwargs) -> None:
        st.busy = True
        self._recent(st.person, st.enterprise, business_type, path, reg=st.reg, **kwargs)

    # ---- registration histories ----

    def _history(self, st: _Staff) -> None:
        """注册记录: CS approved at the first registration, YX before each renewal, a BG in this window."""
        person, reg = st.person, st.reg
        first_ent = st.origin or st.enterprise
        before = (reg.specialty1, None) if st.added_specialty else (reg.specialty1, reg.specialty2)
        path = _CORRECTED_APPROVAL if self.rng.random() < 0.1 else _PATHS[workflow.APPROVED]
        self._application(
            person,
            first_ent,
            "CS",
            path,
            self._timeline(path, end_day=st.initial),
            reg=reg,
            specialties=before,
            announce=st.announced,
        )
        path = _PATHS[workflow.APPROVED]
        for k in range(1, st.renewals + 1):
            # filed more than 30 days before expiry, decided before the new window starts
            end = anniversary(st.initial, values.VALIDITY_YEARS * k) - dt.timedelta(days=self.rng.randint(15, 30))
            self._application(
                person, first_ent, "YX", path, self._timeline(path, end_day=end), reg=reg, specialties=before
            )
        if st.origin or st.added_specialty:
            low = reg.valid_from + dt.timedelta(days=30)
            high = min(self.today - dt.timedelta(days=20), reg.valid_to - dt.timedelta(days=30))
            end = low + dt.timedelta(days=self.rng.randint(0, (high - low).days))
            self._application(
                person,
                st.enterprise,
                "BG",
                path,
                self._timeline(path, end_day=end),
                reg=reg,
                change_kind="BG-DW" if st.origin else "BG-ZY",
            )

    # ---- fixed scenarios ----

    def _main_scenarios(self) -> None:
        """北京小厉害有限公司: every application status, the manual's example, expiring staff."""
        main, m, pool = self.enterprises[0], self.staff[0], self.pool
        self._staff_app(m[0], "YX", workflow.PENDING_ENT, within=10)
        self._staff_app(m[1], "YX", workflow.REPORTED, within=30, attachments=True)
        self._staff_app(m[2], "YX", workflow.REPORTED, within=30)
        self._staff_app(m[3], "YX", workflow.ACCEPTED, within=40)
        self._staff_app(m[4], "YX", workflow.UNDER_REVIEW, within=60)
        self._staff_app(m[5], "YX", workflow.WITHDRAWN, within=30)
        self._staff_app(m[6], "YX", workflow.CORRECTION, within=60)
        self._staff_app(m[8], "ZX", workflow.PENDING_ENT, within=20)
        self._staff_app(m[9], "YX", workflow.REPORTED, within=20)
        self._staff_app(
            m[11],
            "YX",
            ["submit", "refuse", "resubmit"],
            within=60,
            opinions={"refuse": "劳动合同与申报信息不符", "resubmit": "已更正劳动合同信息，重新提交。"},
        )
        self._staff_app(m[15], "CX", workflow.PENDING_ENT, within=9)
        self._staff_app(
            m[18], "BG", workflow.PENDING_ENT, specialties=("01", "13"), change_kind="BG-ZY", attachments=True
        )
        self._staff_app(m[19], "YS", workflow.REPORTED, change_kind="YS-YS")
        self._staff_app(m[20], "BG", workflow.APPROVED, change_kind="BG-XX")
        self._staff_app(m[21], "YS", workflow.APPROVED, change_kind="YS-PS")
        self._staff_app(
            m[22],
            "BG",
            workflow.ENT_REJECTED,
            specialties=("01", "04"),
            change_kind="BG-ZY",
            opinions={"refuse": "申报专业与本单位业务不符"},
        )
        self._staff_app(
            m[23],
            "BG",
            ["submit", "report", "accept", "deny"],
            specialties=("01", "13"),
            change_kind="BG-ZY",
            opinions={
                "deny": (
                    "申请人未完成变更注册专业所需的24学时选修课继续教育，依据《注册监理工程师管理规定》"
                    "第十三条第（三）项，不予注册。"
                )
            },
        )
        self._staff_app(
            m[24], "BG", ["submit", "report", "withdraw", "cancel"], specialties=("01", "13"), change_kind="BG-ZY"
        )
        # Someone registered in Guangdong moving to the main enterprise (BG-DW keeps the old registration).
        mover = next(
            st
            for st in self.staff[3]
            if st.reg.valid_to > self.today + dt.timedelta(days=120) and not st.origin and not st.added_specialty
        )
        mover.busy = True
        self._recent(
            mover.person,
            main,
            "BG",
            workflow.PENDING_ENT,
            within=15,
            reg=mover.reg,
            change_kind="BG-DW",
            attachments=True,
        )
        # New registrations (CS) from people without one; 薛琼 is the manual's example.
        self._recent(pool[0], main, "CS", workflow.PENDING_ENT, within=7, specialties=("01", "02"), attachments=True)
        self._recent(pool[1], main, "CS", workflow.PENDING_ENT, within=20, specialties=("01", "13"))
        self._recent(
            pool[2],
            main,
            "CS",
            workflow.ENT_REJECTED,
            specialties=("01", None),
            opinions={"refuse": "申请人非本单位人员"},
        )
        self._recent(pool[3], main, "CS", workflow.ACCEPTED, within=40, specialties=("01", None), attachments=True)
        self._recent(
            pool[4],
            main,
            "CS",
            ["submit", "report", "accept", "request_correction", "resubmit", "report", "accept", "deny"],
            specialties=("01", None),
            opinions={
                "request_correction": "请一次性补正以下内容：1. 近一个月社会保险缴纳证明须由社保经办"
                "机构出具并加盖印章；2. 社会保险缴纳单位应与聘用单位一致。",
                "deny": _DENY_REASONS[2],
            },
        )
        self._recent(pool[5], main, "CS", workflow.REPORTED, within=20, specialties=("13", None), attachments=True)
        self._recent(pool[6], main, "CS", workflow.CANCELLED, specialties=("01", None))
        self._forced(m[26], workflow.SUBMITTED, "已与聘用单位解除劳动关系", "JCHT", within=10)
        self._forced(m[27], workflow.REQ_ACCEPTED, "聘用合同到期未续签", "LDHT", within=30)
        self._forced(m[28], workflow.REQ_APPROVED, "退休", "TXZM", within=150)
        self._forced(
            m[29],
            workflow.REQ_WITHDRAWN,
            "已与聘用单位解除劳动关系",
            "LDZC",
            within=90,
            opinions={"withdraw": "经协商，该同志已同意自行办理变更注册，撤回申请。"},
        )

    def _second_scenarios(self) -> None:
        """江苏华诚: a few statuses, a denied forced deregistration, a denied important-info change."""
        second, s, pool = self.enterprises[1], self.staff[1], self.pool
        self._staff_app(s[0], "YX", workflow.PENDING_ENT, within=15)
        self._staff_app(s[1], "YX", workflow.REPORTED, within=30)
        self._staff_app(s[2], "YX", workflow.UNDER_REVIEW, within=60)
        s[3].person.cpd_hours = 64
        self._staff_app(s[3], "YX", workflow.DENIED, within=90)
        added = self._added_specialty(s[4].reg)
        self._staff_app(
            s[4], "BG", workflow.CORRECTION, within=60, specialties=added, change_kind="BG-ZY" if added else "BG-XX"
        )
        self._forced(
            s[5],
            workflow.REQ_DENIED,
            "已与聘用单位解除劳动关系",
            "JCHT",
            within=200,
            opinions={"deny": "所附解除劳动合同证明未加盖单位公章，且未提供送达记录，不予注销。"},
        )
        self._recent(pool[7], second, "CS", workflow.ACCEPTED, within=40, specialties=("01", "13"))
        self._recent(pool[8], second, "CS", workflow.CANCELLED, specialties=("01", None))
        self._info_change(
            second,
            workflow.REQ_DENIED,
            "江苏华诚工程咨询有限公司",
            "企业名称拟变更为江苏华诚工程咨询有限公司。",
            within=300,
            opinions={"deny": "所附营业执照载明的企业名称与申请变更的名称不一致，审核不通过。"},
        )

    @staticmethod
    def _added_specialty(reg: Registration) -> tuple[str, str] | None:
        if reg.specialty2:
            return None
        return reg.specialty1, "13" if reg.specialty1 != "13" else "01"

    def _other_scenarios(self) -> None:
        """Ended registrations, the renamed enterprise and important-info changes in every status."""
        forced_out, zx1, zx2, zx3, revoked = self.extra
        revoked.busy = True  # revoked by a penalty
        self._forced(forced_out, workflow.REQ_APPROVED, "聘用合同到期未续签", "LDHT", within=400)
        self._change_closed_by_forced(forced_out, self.requests[-1], self.enterprises[2])
        for st in (zx1, zx2, zx3):
            st.busy = True
            path = _PATHS[workflow.APPROVED]
            times = self._timeline(
                path,
                first_day=self.last_event[st.person].date() + dt.timedelta(days=30),
                last_day=min(self.today - dt.timedelta(days=30), st.reg.valid_to),
            )
            self._application(st.person, st.enterprise, "ZX", path, times, reg=st.reg)
            st.reg.status, st.reg.ended_at = workflow.DEREGISTERED, times[-1]
            if st is zx1:
                self._forced_closed_by_deregistration(st, times)
        # Re-registration after a voluntary 注销, with a new employer.
        self._recent(zx2.person, self.enterprises[4], "CX", workflow.REPORTED, within=60, reg=zx2.reg)

        renamed = self.enterprises[4]
        path = _REQUEST_PATHS[workflow.REQ_APPROVED]
        times = self._timeline(path, end_day=self.renamed_at.date())
        self.renamed_at = times[-1]
        self._info_change(
            renamed,
            workflow.REQ_APPROVED,
            renamed.name,
            f"经市场监督管理部门核准，企业名称由{_RENAMED_FROM}变更为{renamed.name}，营业执照已换发。",
            times=times,
            old_name=_RENAMED_FROM,
        )
        # After 单位更名 the registrants file a BG-MC within 30 days (domain.md §4.1); skip those
        # whose CS or YX ran at the same time, since one person has one open application at a time.
        renamed_on = self.renamed_at.date()
        path = _PATHS[workflow.APPROVED]
        for st in self.staff[4]:
            windows = [anniversary(st.initial, values.VALIDITY_YEARS * k) for k in range(st.renewals + 1)]
            clash = any(abs((w - renamed_on).days) < 90 for w in windows)
            if st.initial > renamed_on or st.origin or st.added_specialty or clash:
                continue
            times = self._timeline(
                path, first_day=renamed_on + dt.timedelta(days=1), last_day=renamed_on + dt.timedelta(days=30)
            )
            self._application(st.person, renamed, "BG", path, times, reg=st.reg, change_kind="BG-MC")
        self._info_change(
            self.enterprises[5],
            workflow.SUBMITTED,
            "河北冀安工程项目管理集团有限公司",
            "企业已完成工商变更登记，名称变更为河北冀安工程项目管理集团有限公司。",
            within=10,
        )
        self._info_change(
            self.enterprises[6],
            workflow.REQ_ACCEPTED,
            "苏州恒信工程咨询有限公司",
            "企业经营范围调整，名称变更为苏州恒信工程咨询有限公司，营业执照已换发。",
            within=30,
        )
        self._info_change(
            self.enterprises[7],
            workflow.REQ_WITHDRAWN,
            "北京宏宇恒基建设集团有限公司",
            "企业名称变更。",
            within=120,
            opinions={"withdraw": "申请信息填写有误，撤回后重新提交。"},
        )

    def _noise(self) -> None:
        """Ordinary traffic at the other enterprises: renewals of expiring staff, new registrations."""
        rng = self.rng
        renewal_paths = [
            workflow.PENDING_ENT,
            workflow.REPORTED,
            workflow.ACCEPTED,
            workflow.UNDER_REVIEW,
            workflow.CORRECTION,
            workflow.WITHDRAWN,
        ]
        for index in range(1, len(_ENTERPRISES)):
            for st in self.staff[index]:
                days_left = (st.reg.valid_to - self.today).days
                if st.busy:
                    continue
                if 0 <= days_left <= 60 and rng.random() < 0.6:
                    self._staff_app(st, "YX", rng.choice(renewal_paths), within=90, optional=True)
                elif days_left < 0 and rng.random() < 0.4:
                    self._staff_app(st, "CX", rng.choice(renewal_paths[:3]), within=60, optional=True)
        statuses = {
            workflow.PENDING_ENT: 4,
            workflow.REPORTED: 4,
            workflow.ACCEPTED: 3,
            workflow.UNDER_REVIEW: 3,
            workflow.CORRECTION: 2,
            workflow.WITHDRAWN: 1,
            workflow.ENT_REJECTED: 2,
            workflow.DENIED: 1,
            workflow.CANCELLED: 1,
        }
        sizes = [spec.staff for spec in _ENTERPRISES[1:]]
        for person in self.pool[9:35]:
            ent = rng.choices(self.enterprises[1:], sizes)[0]
            status = rng.choices(list(statuses), list(statuses.values()))[0]
            self._recent(person, ent, "CS", status, specialties=self._specialties())

    # ---- forced deregistration and important-info changes ----

    def _forced(
        self,
        st: _Staff,
        status: str,
        reason: str,
        attachment_type: str,
        *,
        within: int,
        opinions: dict[str, str] | None = None,
    ) -> None:
        if attachment_type not in values.FORCED_DEREG_REASONS[reason]:
            raise ValueError(f"{attachment_type} does not fit {reason}")
        st.busy = True
        actions = _REQUEST_PATHS[status]
        times = self._recent_times(actions, st.person, within)
        steps = self._walk(
            workflow.FORCED,
            actions,
            times,
            {"accept": "材料齐全，予以受理。", "approve": "经核查，情况属实，准予注销。"} | (opinions or {}),
        )
        since = times[0].date() - dt.timedelta(days=self.rng.randint(40, 200))
        since_text = f"{since.year}年{since.month}月{since.day}日"
        detail = {
            "已与聘用单位解除劳动关系": f"{st.person.name}已于{since_text}与我单位解除劳动合同，经多次书面通知，"
            "本人仍未办理变更或注销注册手续。",
            "聘用合同到期未续签": f"{st.person.name}的聘用合同已于{since_text}到期，双方未续签，本人未办理注销注册手续。",
            "退休": f"{st.person.name}已于{since_text}办理退休手续，不再在我单位执业。",
        }[reason]
        row = ForcedDeregistration(
            enterprise_id=st.enterprise.id,
            registration_id=st.reg.id,
            person_id=st.person.id,
            reason=reason,
            reason_detail=detail,
            attachment_type=attachment_type,
            status=steps[-1].to_status,
            created_at=times[0],
        )
        request = _Request(workflow.FORCED, row, steps, st.enterprise, st.person)
        self.requests.append(request)
        self.attachments.append((request, [attachment_type], ENTERPRISE))
        self.last_event[st.person] = times[-1]
        if steps[-1].to_status == workflow.REQ_APPROVED:
            st.reg.status, st.reg.ended_at = workflow.DEREGISTERED, times[-1]

    def _info_change(
        self,
        ent: Enterprise,
        status: str,
        new_name: str,
        reason: str,
        *,
        within: int = 0,
        times: list[dt.datetime] | None = None,
        old_name: str | None = None,
        opinions: dict[str, str] | None = None,
    ) -> None:
        actions = _REQUEST_PATHS[status]
        times = times or self._recent_times(actions, None, within)
        steps = self._walk(
            workflow.INFO_CHANGE,
            actions,
            times,
            {"accept": "材料齐全，予以受理。", "approve": "经核对营业执照及工商核准变更通知书，审核通过。"}
            | (opinions or {}),
        )
        row = InfoChangeRequest(
            enterprise_id=ent.id,
            old_name=old_name or ent.name,
            old_credit_code=ent.credit_code,
            new_name=new_name,
            new_credit_code=ent.credit_code,
            reason=reason,
            status=steps[-1].to_status,
            created_at=times[0],
        )
        self.requests.append(_Request(workflow.INFO_CHANGE, row, steps, ent))

    # ---- requests the system closed (services.registration.conflicts), without random draws ----

    def _change_closed_by_forced(self, st: _Staff, forced: _Request, target: Enterprise) -> None:
        """A 变更执业单位 to `target`, filed while the enterprise's 强制注销 of `st` waited, closed when that was
        approved."""
        submit, accept, approve = (step.at for step in forced.steps)
        probe = Application(business_type="BG", change_kind="BG-DW", enterprise_id=target.id)
        opinion = conflicts.closing_opinion("准予强制注销", conflicts.application_refusal(self.session, probe, st.reg))
        times = [submit + dt.timedelta(hours=1), accept + dt.timedelta(hours=1), approve]
        self._application(
            st.person,
            target,
            "BG",
            ["submit", "report", "terminate"],
            times,
            reg=st.reg,
            change_kind="BG-DW",
            opinions={"terminate": opinion},
            draw_opinions=False,
        )

    def _forced_closed_by_deregistration(self, st: _Staff, zx_times: list[dt.datetime]) -> None:
        """The enterprise's 强制注销 of `st`, filed the day before the person's own 注销注册 and closed when that
        was approved."""
        times = [zx_times[0] - dt.timedelta(days=1), zx_times[-1]]
        row = ForcedDeregistration(
            enterprise_id=st.enterprise.id,
            registration_id=st.reg.id,
            person_id=st.person.id,
            reason="已与聘用单位解除劳动关系",
            reason_detail=f"{st.person.name}已与我单位解除劳动合同，本人未办理变更或注销注册手续。",
            attachment_type="JCHT",
            created_at=times[0],
        )
        opinion = conflicts.closing_opinion("准予注销注册", conflicts.forced_refusal(self.session, row, st.reg) or "")
        steps = self._walk(workflow.FORCED, ["submit", "terminate"], times, {"terminate": opinion})
        row.status = steps[-1].to_status
        request = _Request(workflow.FORCED, row, steps, st.enterprise, st.person)
        self.requests.append(request)
        self.fixed_attachments.append((request, "JCHT"))

    # ---- rows that need the request ids ----

    def _step_rows(self) -> list[WorkflowStep]:
        rows = []
        for req in self.requests:
            for st in req.steps:
                name = {
                    APPLICANT: req.person.name if req.person else "",
                    ENTERPRISE: self._enterprise_name_at(req.enterprise, st.at),
                    MINISTRY: MINISTRY_NAME,
                }[st.role]
                rows.append(
                    WorkflowStep(
                        request_type=req.kind,
                        request_id=req.row.id,
                        at=st.at,
                        actor_user_id=self._user_id(st.role, req.enterprise, req.person),
                        actor_name=name,
                        actor_role=st.role,
                        action=st.action,
                        from_status=st.from_status,
                        to_status=st.to_status,
                        opinion=st.opinion,
                    )
                )
        return rows

    def _attachment_rows(self) -> list[Attachment]:
        named = [
            (req, code, uploader_role, uuid.UUID(int=self.rng.getrandbits(128)).hex)
            for req, type_codes, uploader_role in self.attachments
            for code in type_codes
        ]
        named += [
            (req, code, ENTERPRISE, uuid.uuid5(uuid.NAMESPACE_OID, f"{req.kind}-{req.row.id}-{code}").hex)
            for req, code in self.fixed_attachments
        ]
        rows = []
        for req, code, uploader_role, stem in named:
            stored_name, content_type, size = _write_demo_file(self.session, code, stem)
            label = _FILE_NAMES.get(code) or values.ATTACHMENT_TYPES[code].split("/")[0]
            rows.append(
                Attachment(
                    request_type=req.kind,
                    request_id=req.row.id,
                    type_code=code,
                    original_name=f"{label}.{stored_name.rpartition('.')[2]}",
                    content_type=content_type,
                    size=size,
                    stored_name=stored_name,
                    uploaded_at=req.steps[0].at,
                    uploaded_by=self._user_id(uploader_role, req.enterprise, req.person),
                )
            )
        return rows

    # ---- penalties ----

    def _penalties(self) -> list[Penalty]:
        rng = self.rng
        three_years_ago = anniversary(self.today, -3)

        def some_day(st: _Staff) -> dt.date:
            low = max(st.initial + dt.timedelta(days=60), three_years_ago)
            return low + dt.timedelta(days=rng.randint(0, (self.today - dt.timedelta(days=30) - low).days))

        def some_kind() -> _PenaltyKind:
            return rng.choices(_PENALTY_KINDS, [k.weight for k in _PENALTY_KINDS])[0]

        main = [st for st in self.staff[0][30:] if not st.origin and st.initial < self.today - dt.timedelta(days=150)]
        # A 停止执业 running today at the main enterprise, then older cases.
        plans = [(main[0], _SAFETY, self.today - dt.timedelta(days=45), 6)]
        plans += [(st, some_kind(), some_day(st), None) for st in main[1:6]]
        others = [
            st
            for index in range(1, len(_ENTERPRISES))
            for st in self.staff[index]
            if not st.origin and st.initial < self.today - dt.timedelta(days=120)
        ]
        plans += [(st, some_kind(), some_day(st), None) for st in rng.sample(others, 33)]
        revoked = self.extra[4]
        plans.append((revoked, _REVOKE, some_day(revoked), None))
        numbers: dict[str, int] = {}
        rows = []
        for st, kind, day, months in sorted(plans, key=lambda p: (p[2], p[0].person.id_number)):
            rows.append(self._penalty(st, kind, day, months, numbers))
            if kind is _REVOKE:
                st.reg.status, st.reg.ended_at = workflow.REVOKED, dt.datetime.combine(day, dt.time(10))
        # Last, so that the draws above stay as they were: a 1-year 不予注册 at the main enterprise, for
        # someone whose registration runs on and who has nothing open (the 处罚信息 page shows the period).
        open_statuses = workflow.OPEN_APPLICATION_STATUSES | workflow.OPEN_REQUEST_STATUSES
        requested = {r.person for r in self.requests if r.row.status in open_statuses}
        barred = next(
            st
            for st in main[6:]
            if not st.busy and st.person not in requested and st.reg.valid_to > self.today + dt.timedelta(days=400)
        )
        rows.append(self._penalty(barred, _FALSE_MATERIALS, self.today - dt.timedelta(days=100), None, numbers))
        return rows

    def _doc_no(self, numbers: dict[str, int], prefix: str, year: int) -> str:
        """文号 like 建督罚字〔2024〕12号, numbered upward per issuer and year."""
        key = f"{prefix}〔{year}〕"
        numbers[key] = numbers.get(key, self.rng.randint(2, 12)) + self.rng.randint(1, 6)
        return f"{key}{numbers[key]}号"

    def _project(self, city: str) -> str:
        template = self.rng.choice(_PROJECT_TEMPLATES)
        n = self.rng.randint(1, 9)
        return template.format(city=city, w=self.rng.choice(_PROJECT_WORDS), n=n, cn="一二三四五六七八九"[n - 1])

    def _penalty(
        self, st: _Staff, kind: _PenaltyKind, day: dt.date, months: int | None, numbers: dict[str, int]
    ) -> Penalty:
        rng, person, ent = self.rng, st.person, st.enterprise
        name, project = person.name, self._project(ent.city)
        province_code = self.ent_province[ent]
        incident = day - dt.timedelta(days=rng.randint(90, 300))
        incident_text = f"{incident.year}年{incident.month}月{incident.day}日"
        effective_from = effective_to = None
        if kind is _SAFETY:
            months = months or rng.choice([3, 6, 12])
            result = "责令停止注册监理工程师执业" + ("1年" if months == 12 else f"{months}个月")
            case = f"{name}未执行工程建设强制性标准案"
            reason = (
                f"{incident_text}，{project}发生一起{rng.choice(_ACCIDENTS)}事故，造成{rng.randint(1, 2)}人死亡。"
                f"经查，{name}作为该项目总监理工程师，未按规定审查施工单位专项施工方案和特种作业人员资格，"
                "对施工现场存在的安全事故隐患未及时要求施工单位整改，未执行法律法规和工程建设强制性标准。"
            )
        elif kind is _QUALITY:
            months = 12
            result = "责令停止注册监理工程师执业1年"
            case = f"{name}因过错造成工程质量事故案"
            reason = (
                f"{incident_text}，{project}{rng.choice(['主体结构', '地下室顶板', '桩基础'])}出现严重质量缺陷。"
                f"经查，{name}作为该项目监理工程师，未按规定对进场建筑材料进行见证取样，将不合格的分项工程签认为合格，"
                "因过错造成质量事故。"
            )
        elif kind is _DOUBLE_JOB:
            result = f"给予警告，责令改正，并处罚款人民币{rng.choice([5000, 8000, 10000])}元"
            case = f"{name}同时受聘于两个单位执业案"
            reason = f"经查，{name}注册于{ent.name}期间，同时受聘于其他单位并在{project}担任监理工程师，从事执业活动。"
        elif kind is _LENT_SEAL:
            gain = rng.choice([5000, 8000, 10000])
            result = f"给予警告，责令改正，并处罚款人民币{min(3 * gain, 30000)}元"
            case = f"{name}出借注册执业证书和执业印章案"
            reason = (
                f"经查，{name}将本人注册执业证书和执业印章出借他人使用，{project}监理文件加盖其执业印章，"
                f"本人未实际到岗履职，违法所得人民币{gain}元。"
            )
        elif kind is _NO_CHANGE:
            result = "给予警告，责令限期改正"
            case = f"{name}未办理变更注册仍执业案"
            reason = f"经查，{name}实际已在其他单位工作，未办理变更注册仍在{project}从事监理执业活动。"
        elif kind is _OUT_OF_SCOPE:
            result = "给予警告，责令改正"
            case = f"{name}超出执业范围从事执业活动案"
            reason = f"经查，{name}超出本人注册专业范围，担任{project}项目总监理工程师。"
        elif kind is _FALSE_MATERIALS:
            result = "不予注册，给予警告，1年内不得再次申请注册"
            case = f"{name}提供虚假材料申请变更注册案"
            reason = (
                f"经查，{name}申请变更注册专业时提交的继续教育学时证明系伪造，属于提供虚假材料申请注册，"
                "对其变更注册申请不予注册。"
            )
        else:
            result = "吊销注册监理工程师注册执业证书，5年内不予注册"
            case = f"{name}因过错造成重大质量事故案"
            reason = (
                f"{incident_text}，{project}发生局部坍塌重大质量事故，造成{rng.randint(2, 4)}人死亡。"
                f"经查，{name}作为该项目总监理工程师，对施工单位偷工减料、擅自变更设计的行为未予制止，"
                "因过错造成重大质量事故。"
            )
        if months:
            effective_from, effective_to = day, _add_months(day, months) - dt.timedelta(days=1)
        if kind.ministry:
            authority, prefix = "住房和城乡建设部", "建督罚"
        else:
            authority, prefix = _provincial_authority(ent.province), f"{_PROVINCE_ABBR[province_code]}建罚"
        notice_day = day - dt.timedelta(days=rng.randint(20, 40))
        publish_years = {"警告": 0, "罚款": 1}.get(kind.category, 3)
        return Penalty(
            person_id=person.id,
            enterprise_id=ent.id,
            decision_no=self._doc_no(numbers, prefix + "字", day.year),
            case_name=case,
            category=kind.category,
            reason=reason,
            legal_basis=kind.legal_basis,
            party_name=name,
            party_code=person.id_number,
            result=result,
            decision_date=day,
            authority=authority,
            publish_until=anniversary(day, publish_years) if publish_years else _add_months(day, 6),
            region_code=province_code + "0000",
            reg_no=st.reg.reg_no,
            enterprise_at_time=self._enterprise_name_at(ent, dt.datetime.combine(day, dt.time(10))),
            project_name=project,
            notice_no=self._doc_no(numbers, prefix + "告字", notice_day.year),
            bad_behaviour_code=kind.behaviour_code,
            effective_from=effective_from,
            effective_to=effective_to,
            ban_term=kind.ban_term,
            ban_until=ban_last_day(day, kind.ban_term) if kind.ban_term else None,
            updated_at=dt.datetime.combine(day + dt.timedelta(days=2), dt.time(9, 30)),
        )
