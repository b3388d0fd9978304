"""A national-scale database for the benchmarks, built from empty through the real migrations.

    python -m bench.generate --url sqlite:///data/bench/national/app.db --scale national [--seed 1]
    python -m bench.generate --url postgresql+psycopg://user@host/db --scale small

Scales (domain.md §9): `national` is 10,000 enterprises with a skewed size distribution (the
largest holds 2,000 registrants, the mean is about 30), 300,000 persons, about 300k
registrations expiring over the coming 3 years (some already expired), 1M+ applications of every
business type and status with their workflow steps, 100,000 penalties and a few thousand forced
deregistrations. `small` is about the size of the demo data, `tiny` is for the integrity test.

Deterministic for a seed and a day (`--today`, default today): dates are relative to it so that the
home page always has registrations expiring within 30 days. ID numbers carry valid GB 11643 check
digits, credit codes valid GB 32100 ones. Every request's steps are replayed through
workflow.next_status once per path (the paths are precomputed), so no step can contradict the
transition table, and a person has at most one open application.

Rows go in with SQLAlchemy Core `insert()` executemany in batches, with explicit ids, never one
ORM object per row. Users: bench-ministry, bench-largest (the largest enterprise), bench-median
(an enterprise of median size), bench-applicant (a person with an open application); password
`bench-pass-2026`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine, event, insert, text

from services.kernel.dates import anniversary

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pass-2026"
# Bumped whenever the generator builds something new: `make bench` rebuilds a cached database of an older one.
VERSION = 4  # 2: the audit log; 3: applications created as 个人申报 (file) in it, as the app writes them;
# 4: the 公告 step of approved 初始/重新注册
USERS = ("bench-ministry", "bench-largest", "bench-median", "bench-applicant")
BATCH = 20_000


@dataclass(frozen=True)
class Scale:
    enterprises: int
    persons: int
    largest: int  # registrants of the largest enterprise
    pool: int  # persons without a registration (first-time applicants)
    penalties: int
    forced: int
    info_changes: int


SCALES = {
    "national": Scale(10_000, 300_000, 2_000, 10_000, 100_000, 3_000, 300),
    "small": Scale(10, 400, 120, 40, 40, 10, 4),
    "tiny": Scale(20, 300, 60, 30, 30, 8, 4),
}

# --- value pools: Faker is slow, small pools combined at random are not ---------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_CUM = []
_total = 0.0
for _i in range(len(_SURNAMES)):
    _total += 1.0 / (_i + 8)  # Zipf-like: 王李张 far more common than 汤
    _SURNAME_CUM.append(_total)
_GIVEN_M = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国志文立新春海峰亮东晓"
_GIVEN_F = "芳娜敏静丽艳娟霞燕玲桂丹萍红琳婷雪慧颖洁琼倩晶莉月秀英梅兰凤云"
_ENT_WORDS = (
    "华诚 鲁信 华粤 之江 冀安 恒信 宏宇 建科 中信 正源 天成 华建 金桥 长城 方圆 联合 新城 东方 华夏 泰和 "
    "中天 永安 宏图 国信 兴业 华厦 誉达 明德 博远 安达 四方 浩然 百川 鼎盛 瑞丰 广厦 昊天 宏远 信达 中正 "
    "建工 城建 路桥 交建 水电 嘉禾 启航 卓越 恒通 振华 远大 安居 和信 同济 筑诚 宏基 联建 万通 正大 华信"
).split()
_ENT_SUFFIXES = [
    "工程监理有限公司",
    "建设监理有限公司",
    "工程咨询有限公司",
    "工程项目管理有限公司",
    "建设管理有限公司",
    "工程管理咨询有限公司",
]
_QUALIFICATIONS = [
    "工程监理综合资质",
    "房屋建筑工程监理甲级",
    "房屋建筑工程监理乙级",
    "市政公用工程监理甲级",
    "市政公用工程监理乙级",
    "电力工程监理甲级",
    "建筑工程施工总承包一级",
]
_SCHOOLS = [
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
    "沈阳建筑大学",
    "长安大学",
    "江苏建筑职业技术学院",
    "山东城市建设职业学院",
    "广东建设职业技术学院",
    "四川建筑职业技术学院",
]
_MAJORS = [
    "土木工程",
    "工程管理",
    "建筑学",
    "工业与民用建筑",
    "给排水科学与工程",
    "道路桥梁与渡河工程",
    "电气工程及其自动化",
    "建筑环境与能源应用工程",
    "水利水电工程",
    "交通工程",
]
_EDUCATIONS = [
    ("博士研究生", 1, 29, "博士"),
    ("硕士研究生", 10, 26, "硕士"),
    ("大学本科", 58, 22, "学士"),
    ("大学专科", 24, 21, "无"),
    ("中专/中技", 5, 19, "无"),
    ("高中及以下", 2, 18, "无"),
]
_EDU_CUM = []
_total = 0
for _e in _EDUCATIONS:
    _total += _e[1]
    _EDU_CUM.append(_total)
_TITLES = ["初级", "中级", "副高级", "正高级"]
_MOBILE_PREFIXES = [
    "130",
    "131",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "158",
    "159",
    "177",
    "180",
    "186",
    "187",
    "188",
    "189",
    "199",
]
_OTHER_SPECIALTIES = ["13", "13", "13", "06", "06", "04", "14", "12", "08", "09", "05", "02", "03", "10", "07", "11"]
_BUSY_PROVINCES = {"32", "37", "44", "33", "13"}
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_PROVINCE_ABBR = {
    "11": "京",
    "12": "津",
    "13": "冀",
    "14": "晋",
    "15": "蒙",
    "21": "辽",
    "22": "吉",
    "23": "黑",
    "31": "沪",
    "32": "苏",
    "33": "浙",
    "34": "皖",
    "35": "闽",
    "36": "赣",
    "37": "鲁",
    "41": "豫",
    "42": "鄂",
    "43": "湘",
    "44": "粤",
    "45": "桂",
    "46": "琼",
    "50": "渝",
    "51": "川",
    "52": "黔",
    "53": "滇",
    "54": "藏",
    "61": "陕",
    "62": "甘",
    "63": "青",
    "64": "宁",
    "65": "新",
}
_OPINIONS = {
    "refuse": [
        "申请人非本单位人员",
        "劳动合同与申报信息不符",
        "社会保险缴纳单位与本单位不一致",
        "附件材料不清晰或不完整",
    ],
    "withdraw": ["申报信息需核实修改，撤回后重新上报", "劳动合同附件上传错误，撤回更正"],
    "accept": ["申请材料齐全，符合法定形式，予以受理。"],
    "request_correction": [
        "请一次性补正以下内容：1. 近一个月社会保险缴纳证明须加盖印章；2. 劳动合同签字页不清晰。",
        "请一次性补正以下内容：1. 继续教育证明学时不足；2. 照片不符合要求。",
    ],
    "review": ["经审查，符合注册条件，报请审批。"],
    "approve": ["符合注册条件，准予注册。"],
    "deny": [
        "申请人未达到注册监理工程师继续教育要求，依据《注册监理工程师管理规定》第十三条第（三）项，不予注册。",
        "申请人在两个单位申请注册，依据《注册监理工程师管理规定》第十三条第（四）项，不予注册。",
    ],
    "resubmit": ["已按要求补正材料，重新提交。"],
    "cancel": ["本人申请撤销该注册申请。"],
}
_FORCED_OPINIONS = {
    "accept": "材料齐全，予以受理。",
    "approve": "经核查，情况属实，准予注销。",
    "deny": "所附解除劳动合同证明未加盖单位公章，不予注销。",
    "withdraw": "企业撤回申请",
}
_INFO_OPINIONS = {
    "accept": "材料齐全，予以受理。",
    "approve": "经核对营业执照及工商核准变更通知书，审核通过。",
    "deny": "所附营业执照载明的企业名称与申请变更的名称不一致，审核不通过。",
    "withdraw": "企业撤回申请",
}
# (category, legal basis, behaviour code, by the ministry, weight, result)
_PENALTY_KINDS = [
    ("责令停止执业", "《建设工程安全生产管理条例》第五十八条", "Q1-2-01", True, 9, "责令停止注册监理工程师执业{m}个月"),
    ("责令停止执业", "《建设工程质量管理条例》第七十二条", "Q1-2-02", True, 4, "责令停止注册监理工程师执业{m}个月"),
    ("罚款", "《注册监理工程师管理规定》第三十一条", "Q1-3-01", False, 7, "给予警告，责令改正，并处罚款人民币1万元"),
    ("罚款", "《注册监理工程师管理规定》第三十一条", "Q1-3-02", False, 6, "给予警告，责令改正，并处罚款人民币3万元"),
    ("警告", "《注册监理工程师管理规定》第三十条", "Q1-1-03", False, 6, "给予警告，责令限期改正"),
    ("警告", "《注册监理工程师管理规定》第三十一条", "Q1-3-04", False, 6, "给予警告，责令改正"),
]
_PENALTY_CUM = []
_total = 0
for _k in _PENALTY_KINDS:
    _total += _k[4]
    _PENALTY_CUM.append(_total)
_PROJECT_WORDS = ["滨江", "锦绣", "翠湖", "金桥", "阳光", "御景", "紫荆", "天和", "云锦", "长泰", "新城", "泰和"]
_FORCED_STATUSES_W = None  # filled in _Paths


# --- pure helpers ----------------------------------------------------------------------------


def id_check_digit(body17: str) -> str:
    """GB 11643 check character of the first 17 characters (what stdnum.cn.ric computes)."""
    total = sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS))
    return "10X98765432"[total % 11]


def _org_check(body: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


@cache
def _division_valid(code: str, year: int) -> bool:
    from stdnum.cn import ric

    body = f"{code}{year}0101001"
    return ric.is_valid(body + id_check_digit(body))


@cache
def id_division(division: str, birth_year: int) -> str | None:
    """The division code, or its prefecture or province when the district is younger than the person."""
    return next(
        (code for code in (division, division[:4] + "00", division[:2] + "0000") if _division_valid(code, birth_year)),
        None,
    )


def enterprise_sizes(rng: random.Random, n: int, total: int, largest: int) -> list[int]:
    """Registrants per enterprise: index 0 is the largest; the rest log-normal, capped well below it."""
    if n == 1:
        return [total]
    rest = total - largest
    raw = [rng.lognormvariate(0.0, 1.1) for _ in range(n - 1)]
    cap = max(1, int(largest * 0.45))
    factor = rest / sum(raw)
    sizes = [max(1, min(cap, round(r * factor))) for r in raw]
    diff = rest - sum(sizes)
    while diff:
        i = rng.randrange(len(sizes))
        if diff > 0 and sizes[i] < cap:
            sizes[i] += 1
            diff -= 1
        elif diff < 0 and sizes[i] > 1:
            sizes[i] -= 1
            diff += 1
    return [largest, *sizes]


class _Paths:
    """Each final status's list of actions, walked once through workflow.next_status."""

    def __init__(self):
        from services import workflow as wf
        from services.kernel.actor import APPLICANT, ENTERPRISE

        self.wf = wf
        app = {
            "approved": ["submit", "report", "accept", "review", "approve"],
            "approved_corrected": [
                "submit",
                "report",
                "accept",
                "request_correction",
                "resubmit",
                "report",
                "accept",
                "review",
                "approve",
            ],
            "pending": ["submit"],
            "pending_resubmitted": ["submit", "refuse", "resubmit"],
            "reported": ["submit", "report"],
            "withdrawn": ["submit", "report", "withdraw"],
            "accepted": ["submit", "report", "accept"],
            "correction": ["submit", "report", "accept", "request_correction"],
            "under_review": ["submit", "report", "accept", "review"],
            "ent_rejected": ["submit", "refuse"],
            "cancelled": ["submit", "cancel"],
            "cancelled_after_withdraw": ["submit", "report", "withdraw", "cancel"],
            "denied": ["submit", "report", "accept", "review", "deny"],
            "denied_early": ["submit", "report", "accept", "deny"],
        }
        req = {
            wf.SUBMITTED: ["submit"],
            wf.REQ_WITHDRAWN: ["submit", "withdraw"],
            wf.REQ_ACCEPTED: ["submit", "accept"],
            wf.REQ_APPROVED: ["submit", "accept", "approve"],
            wf.REQ_DENIED: ["submit", "accept", "deny"],
        }
        self.app = {name: self._walk(wf.APPLICATION, actions, APPLICANT) for name, actions in app.items()}
        self.forced = {st: self._walk(wf.FORCED, actions, ENTERPRISE) for st, actions in req.items()}
        self.info = {st: self._walk(wf.INFO_CHANGE, actions, ENTERPRISE) for st, actions in req.items()}
        self.open_app = [
            "pending",
            "pending_resubmitted",
            "reported",
            "withdrawn",
            "accepted",
            "correction",
            "under_review",
        ]
        self.open_weights = [5, 1, 5, 1, 3, 2, 3]
        self.failed_app = ["ent_rejected", "cancelled", "cancelled_after_withdraw", "denied", "denied_early"]
        self.failed_weights = [4, 3, 1, 2, 1]

    def _walk(self, kind, actions, creator):
        wf = self.wf
        steps, status = [], None
        for action in actions:
            if status is None:
                role, target = creator, wf.INITIAL_STATUS[kind]
            else:
                (role,) = wf.find_transition(kind, action).roles
                target = wf.next_status(kind, status, action, role)
            steps.append((action, role, status, target))
            status = target
        return steps


# (min, max) whole days between a step and the one before it (as ops.demo)
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


# --- the generator ---------------------------------------------------------------------------


class Generator:
    def __init__(self, conn, scale: Scale, seed: int, today: dt.date, progress: bool):
        from db import models as m
        from services.kernel import values

        self.m, self.values = m, values
        self.conn, self.scale, self.today = conn, scale, today
        self.rng = random.Random(seed)
        self.paths = _Paths()
        self.wf = self.paths.wf
        self.announce_days: dict[dt.date, dt.date] = {}
        self.progress = progress
        self.ids = Counter()
        self.buffers: dict = {}
        self.order = [
            m.Specialty,
            m.Enterprise,
            m.Person,
            m.QualificationCertificate,
            m.Registration,
            m.Application,
            m.ForcedDeregistration,
            m.InfoChangeRequest,
            m.WorkflowStep,
            m.Penalty,
            m.User,
        ]
        self.inserted = Counter()
        self.used_ids: set[str] = set()
        self.used_codes: set[str] = set()
        self.used_names: set[str] = set()
        self.reg_serial: dict[str, int] = {}
        self.cert_serial = 10_000
        self.doc_numbers: Counter = Counter()
        self.now = dt.datetime.combine(today, dt.time(18, 0))
        self.last_day = today - dt.timedelta(days=1)  # histories end before today: no step in the future
        self.applicant_person: int | None = None
        self.busy_cities = [c for c in values.CITIES]
        self.city_cum = []
        total = 0
        for c in values.CITIES:
            total += 3 if c[0] in _BUSY_PROVINCES else 1
            self.city_cum.append(total)
        self.cities_by_province: dict[str, list] = {}
        for c in values.CITIES:
            self.cities_by_province.setdefault(c[0], []).append(c)

    # ---- buffering and bulk insert ----

    def next_id(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def add(self, model, row: dict) -> None:
        buf = self.buffers.setdefault(model, [])
        buf.append(row)
        if len(buf) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Insert every buffer in dependency order, so a child never arrives before its parent."""
        for model in self.order:
            rows = self.buffers.get(model)
            if rows:
                self.conn.execute(insert(model.__table__), rows)
                self.conn.commit()
                self.inserted[model.__tablename__] += len(rows)
                self.buffers[model] = []

    # ---- small random helpers ----

    def name(self, gender: str) -> str:
        rng = self.rng
        surname = _SURNAMES[_bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]
        pool = _GIVEN_M if gender == "男" else _GIVEN_F
        given = rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool)
        return surname + given

    def city(self, province_code: str | None = None):
        rng = self.rng
        if province_code and rng.random() < 0.55:
            return rng.choice(self.cities_by_province[province_code])
        return self.values.CITIES[_bisect(self.city_cum, rng.random() * self.city_cum[-1])]

    def mobile(self) -> str:
        return self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def id_number(self, division: str, birth: dt.date, gender: str) -> str:
        code = id_division(division, birth.year)
        while True:
            seq = self.rng.randrange(1, 1000, 2) if gender == "男" else self.rng.randrange(2, 1000, 2)
            body = f"{code}{birth:%Y%m%d}{seq:03d}"
            number = body + id_check_digit(body)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def credit_code(self, division: str, founded: int) -> str:
        from stdnum.cn import uscc

        rng = self.rng
        while True:
            if founded >= 2015:
                body = "MA" + "".join(rng.choice(_USCC_ALPHABET) for _ in range(6))
            else:
                body = "".join(rng.choice("0123456789") for _ in range(8))
            base = "91" + division + body + _org_check(body)
            code = base + uscc.calc_check_digit(base)
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def specialties(self) -> tuple[str, str | None]:
        rng = self.rng
        first = "01" if rng.random() < 0.83 else rng.choice(_OTHER_SPECIALTIES)
        if rng.random() >= 0.2:
            return first, None
        if first == "01":
            return first, "13" if rng.random() < 0.6 else rng.choice(["14", "06", "12", "04"])
        return first, "01"

    def office_time(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(minutes=self.rng.randint(0, 540))

    def timeline(
        self,
        steps,
        *,
        end_day: dt.date | None = None,
        first_day: dt.date | None = None,
        last_day: dt.date | None = None,
    ) -> list[dt.datetime] | None:
        """Strictly increasing step times: ending on end_day, or inside [first_day, last_day] (None: no room)."""
        rng = self.rng
        gaps = [rng.randint(*_GAP_DAYS[s[0]]) for s in steps[1:]]
        span = sum(gaps)
        if end_day is not None:
            start = end_day - dt.timedelta(days=span)
        else:
            latest = last_day - dt.timedelta(days=span)
            if latest < first_day:
                return None
            start = first_day + dt.timedelta(days=rng.randint(0, (latest - first_day).days))
        times = [self.office_time(start)]
        for gap in gaps:
            if gap:
                times.append(self.office_time(times[-1].date() + dt.timedelta(days=gap)))
            else:
                times.append(times[-1] + dt.timedelta(minutes=rng.randint(5, 90)))
        return times

    # ---- rows ----

    def emit_steps(self, kind: str, request_id: int, steps, times, names: dict[str, str], opinions) -> None:
        rng = self.rng
        for (action, role, before, after), at in zip(steps, times):
            choices = opinions.get(action)
            opinion = (choices if isinstance(choices, str) else rng.choice(choices)) if choices else None
            self.add(
                self.m.WorkflowStep,
                {
                    "id": self.next_id(self.m.WorkflowStep),
                    "request_type": kind,
                    "request_id": request_id,
                    "at": at,
                    "actor_user_id": None,
                    "actor_name": names[role],
                    "actor_role": role,
                    "action": action,
                    "from_status": before,
                    "to_status": after,
                    "opinion": opinion,
                },
            )

    def announce(self, app_id: int, business_type: str, status: str, decided: dt.datetime, names) -> None:
        """The 公告 (第八条) of an approved 初始/重新注册, 3 working days after the decision, when that is past."""
        from services.registration import business_types, deadlines

        if status != self.wf.APPROVED or not business_types.announced(business_type):
            return
        day = self.announce_days.get(decided.date())
        if day is None:
            day = self.announce_days[decided.date()] = deadlines.add_working_days(decided.date(), 3)
        if day >= self.today:
            return
        at = dt.datetime.combine(day, dt.time(10)) + dt.timedelta(minutes=decided.minute)
        step = ("announce", "ministry", status, status)
        self.emit_steps(self.wf.APPLICATION, app_id, [step], [at], names, {"announce": "已在公众媒体上公告审批结果。"})

    def application(
        self,
        person: dict,
        ent: dict,
        business_type: str,
        path: str,
        times,
        *,
        reg_id: int | None,
        specialties,
        change_kind: str | None = None,
    ) -> str:
        steps = self.paths.app[path]
        app_id = self.next_id(self.m.Application)
        status = steps[-1][3]

        def last(action):
            for (a, *_), at in zip(reversed(steps), reversed(times)):
                if a == action:
                    return at
            return None

        reported = last("report")
        return_reason = None
        if status in (self.wf.ENT_REJECTED, self.wf.CORRECTION, self.wf.DENIED):
            return_reason = self.rng.choice(_OPINIONS[steps[-1][0]])
        self.add(
            self.m.Application,
            {
                "id": app_id,
                "person_id": person["id"],
                "person_name": person["name"],
                "enterprise_id": ent["id"],
                "registration_id": reg_id,
                "business_type": business_type,
                "change_kind": change_kind,
                "specialty1": specialties[0],
                "specialty2": specialties[1],
                "status": status,
                "applied_at": times[0],
                "reported_at": reported,
                "accepted_at": last("accept"),
                "decided_at": last("approve") or last("deny"),
                "return_reason": return_reason,
                "personal_commitment_version": self.values.PERSONAL_COMMITMENT_VERSION,
                "enterprise_commitment_version": self.values.ENTERPRISE_COMMITMENT_VERSION if reported else None,
                "enterprise_commitment_at": reported,
                "version_id": 1,
            },
        )
        names = {"applicant": person["name"], "enterprise": ent["name"], "ministry": self.ministry_name}
        self.emit_steps(self.wf.APPLICATION, app_id, steps, times, names, _OPINIONS)
        self.announce(app_id, business_type, status, times[-1], names)
        return status

    # ---- the run ----

    def run(self) -> None:
        from ops.demo import MINISTRY_NAME

        self.ministry_name = MINISTRY_NAME
        sc, rng, m = self.scale, self.rng, self.m
        for code, name, active in self.values.SPECIALTIES:
            self.add(m.Specialty, {"code": code, "name": name, "active": active})
        registered = sc.persons - sc.pool
        sizes = enterprise_sizes(rng, sc.enterprises, registered, sc.largest)
        self.enterprises = [self.enterprise(i) for i in range(sc.enterprises)]
        self.sizes = sizes
        slots = [e for e, n in zip(self.enterprises, sizes) for _ in range(n)]
        rng.shuffle(slots)  # an enterprise's people are scattered over the person table, as in life
        self.p_forced = sc.forced / registered
        q = sc.penalties / registered
        self.q_penalty = q / (1 + q)  # geometric count with mean sc.penalties / registered
        bar = _bar(sc.persons, "persons", self.progress)
        for ent in slots:
            self.registered_person(ent)
            bar.update(1)
        for _ in range(sc.pool):
            self.pool_person(rng.choice(slots))
            bar.update(1)
        bar.close()
        for ent in rng.sample(self.enterprises, min(sc.info_changes, len(self.enterprises))):
            self.info_change(ent)
        self.flush()
        self.users()
        self.flush()

    def enterprise(self, index: int) -> dict:
        rng, values = self.rng, self.values
        pc, city, division = self.city()
        founded = rng.randint(1995, 2022)
        while True:
            name = (
                values.PROVINCES[pc].rstrip("省市")
                + rng.choice(_ENT_WORDS)
                + rng.choice(_ENT_WORDS)
                + rng.choice(_ENT_SUFFIXES)
            )
            if name not in self.used_names:
                self.used_names.add(name)
                break
        code = self.credit_code(division, founded)
        row = {
            "id": self.next_id(self.m.Enterprise),
            "name": name,
            "credit_code": code,
            "registry_name": name,
            "registry_credit_code": code,
            "province": values.PROVINCES[pc],
            "city": city,
            "address": f"{values.PROVINCES[pc]}{city}{rng.choice(_PROJECT_WORDS)}路{rng.randint(1, 400)}号",
            "legal_rep": self.name("男"),
            "contact_person": self.name(rng.choice("男女")),
            "contact_phone": self.mobile(),
            "postal_code": f"{division[:2]}{rng.randint(0, 9999):04d}",
            "email": f"jlzc{index + 1}@example.com.cn",
            "qualification": rng.choice(_QUALIFICATIONS),
            "created_at": dt.datetime(founded, rng.randint(1, 12), rng.randint(1, 28), 10),
            "version_id": 1,
        }
        self.add(self.m.Enterprise, row)
        return {"id": row["id"], "name": name, "pc": pc, "province": row["province"], "code": code}

    def person(self, birth: dt.date, education, province_code: str | None) -> dict:
        rng, values = self.rng, self.values
        gender = "男" if rng.random() < 0.78 else "女"
        home = self.city(province_code)
        while id_division(home[2], birth.year) is None:  # e.g. 重庆 (500000) exists only since 1997
            home = self.city(None)
        age = self.today.year - birth.year
        title = _TITLES[0 if age < 30 else 1 if age < 40 else rng.randint(1, 3)]
        edu, _, grad_age, degree = education
        row = {
            "id": self.next_id(self.m.Person),
            "id_type": "居民身份证",
            "id_number": self.id_number(home[2], birth, gender),
            "name": self.name(gender),
            "gender": gender,
            "birth_date": birth,
            "province": values.PROVINCES[home[0]],
            "city": home[1],
            "school": rng.choice(_SCHOOLS),
            "graduation_date": dt.date(birth.year + grad_age, 7, 1),
            "education": edu,
            "degree": degree,
            "major": rng.choice(_MAJORS),
            "title": title,
            "phone": self.mobile(),
            "cpd_hours": rng.randint(40, 95) if rng.random() < 0.2 else rng.randint(96, 140),
            "created_at": self.office_time(self.today - dt.timedelta(days=rng.randint(1, 4000))),
        }
        self.add(self.m.Person, row)
        return row

    def certificate(self, person: dict, issued: dt.date, specialty: str) -> None:
        self.cert_serial += self.rng.randint(1, 9)
        self.add(
            self.m.QualificationCertificate,
            {
                "id": self.next_id(self.m.QualificationCertificate),
                "person_id": person["id"],
                "cert_no": f"JL{issued.year}{person['id_number'][:2]}{self.cert_serial:08d}",
                "exam_category": {
                    "08": "交通运输工程",
                    "09": "交通运输工程",
                    "10": "交通运输工程",
                    "05": "水利工程",
                }.get(specialty, "土木建筑工程"),
                "issue_date": issued,
            },
        )

    def education(self):
        return _EDUCATIONS[_bisect(_EDU_CUM, self.rng.random() * _EDU_CUM[-1])]

    def birth(self, youngest: int, oldest: int) -> dt.date:
        start = anniversary(self.today, -oldest - 1) + dt.timedelta(days=1)
        end = anniversary(self.today, -youngest)
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def reg_no(self, pc: str) -> str:
        serial = self.reg_serial.get(pc, self.rng.randint(1000, 5000)) + self.rng.randint(1, 6)
        self.reg_serial[pc] = serial
        if serial > 999_999:
            raise RuntimeError(f"注册号 serials of province {pc} exhausted")
        return f"{pc}{serial:06d}"

    def registered_person(self, ent: dict) -> None:
        """Someone registered with `ent`: CS, renewals, maybe a change, a failure, an open request."""
        rng, wf, today = self.rng, self.wf, self.today
        r = rng.random()
        if r < 0.03:
            offset = -rng.randint(1, 150)
        elif r < 0.08:
            offset = rng.randint(0, 30)
        elif r < 0.14:
            offset = rng.randint(31, 90)
        else:
            offset = rng.randint(91, 3 * 365 - 3)
        valid_to = today + dt.timedelta(days=offset)
        valid_from = anniversary(valid_to, -3) + dt.timedelta(days=1)
        for _ in range(50):
            birth, education = self.birth(30, 64), self.education()
            earliest = anniversary(dt.date(birth.year + education[2], 7, 1), 3) + dt.timedelta(days=90)
            if valid_from >= earliest:
                break
        else:
            birth, education = self.birth(45, 55), _EDUCATIONS[2]
            earliest = anniversary(dt.date(birth.year + education[2], 7, 1), 3) + dt.timedelta(days=90)
        most = 0
        while most < 4 and anniversary(valid_from, -3 * (most + 1)) >= earliest:
            most += 1
        renewals = rng.randint(min(most, 1), most)
        initial = anniversary(valid_from, -3 * renewals)
        person = self.person(birth, education, ent["pc"])
        s1, s2 = self.specialties()
        self.certificate(
            person,
            max(initial - dt.timedelta(days=rng.randint(75, 1000)), anniversary(person["graduation_date"], 2)),
            s1,
        )
        # Where the person first registered: 12% moved here by a change of employer (BG-DW).
        origin = ent
        window_first = valid_from + dt.timedelta(days=30)
        window_last = min(self.last_day - dt.timedelta(days=20), valid_to - dt.timedelta(days=30))
        roomy = window_first <= window_last
        moved = roomy and rng.random() < 0.12
        if moved:
            origin = rng.choice(self.enterprises)
            moved = origin is not ent
            origin = origin if moved else ent
        reg_id = self.next_id(self.m.Registration)
        reg_no = self.reg_no(origin["pc"])
        reg = {
            "id": reg_id,
            "person_id": person["id"],
            "enterprise_id": ent["id"],
            "reg_no": reg_no,
            "cert_no": f"{initial.year}{reg_no}",
            "specialty1": s1,
            "specialty2": s2,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "status": wf.ACTIVE,
            "ended_at": None,
            "version_id": 1,
        }
        spec = (s1, s2)
        path = "approved_corrected" if rng.random() < 0.1 else "approved"
        self.application(
            person,
            origin,
            "CS",
            path,
            self.timeline(self.paths.app[path], end_day=initial),
            reg_id=reg_id,
            specialties=spec,
        )
        last = initial
        for k in range(1, renewals + 1):
            end = anniversary(initial, 3 * k) - dt.timedelta(days=rng.randint(15, 30))
            self.application(
                person,
                origin,
                "YX",
                "approved",
                self.timeline(self.paths.app["approved"], end_day=end),
                reg_id=reg_id,
                specialties=spec,
            )
            last = end
        if roomy and (moved or rng.random() < 0.08):
            times = self.timeline(self.paths.app["approved"], first_day=window_first, last_day=window_last)
            if times:
                kind = "BG-DW" if moved else rng.choice(["BG-ZY", "BG-XX"])
                self.application(
                    person, ent, "BG", "approved", times, reg_id=reg_id, specialties=spec, change_kind=kind
                )
                last = times[-1].date()
        if roomy and rng.random() < 0.14:  # a request that failed or was given up
            path = rng.choices(self.paths.failed_app, self.paths.failed_weights)[0]
            times = self.timeline(
                self.paths.app[path], first_day=max(window_first, last + dt.timedelta(days=1)), last_day=window_last
            )
            if times:
                self.application(
                    person,
                    ent,
                    rng.choice(["YS", "BG"]),
                    path,
                    times,
                    reg_id=reg_id,
                    specialties=spec,
                    change_kind=None,
                )
                last = times[-1].date()
        first_free = max(last + dt.timedelta(days=1), today - dt.timedelta(days=120))
        # How the registration ends, if it does; else maybe an open application.
        r = rng.random()
        open_app = False
        if r < self.p_forced:
            status = rng.choices(list(self.paths.forced), [20, 10, 15, 45, 10])[0]
            times = self.timeline(
                self.paths.forced[status],
                first_day=max(first_free, today - dt.timedelta(days=400)),
                last_day=self.last_day,
            )
            if times:
                self.forced(person, ent, reg, status, times)
        elif r < self.p_forced + 0.01 and first_free <= self.last_day:
            times = self.timeline(self.paths.app["approved"], first_day=first_free, last_day=self.last_day)
            if times:
                self.application(person, ent, "ZX", "approved", times, reg_id=reg_id, specialties=spec)
                reg["status"], reg["ended_at"] = wf.DEREGISTERED, times[-1]
        else:
            days_left = offset
            if -90 <= days_left <= 60 and rng.random() < 0.55:
                open_app = ("YX" if days_left >= 0 else "CX", None)
            elif rng.random() < 0.03:
                open_app = rng.choice([("BG", "BG-ZY"), ("BG", "BG-XX"), ("YS", None)])
            if open_app:
                path = rng.choices(self.paths.open_app, self.paths.open_weights)[0]
                times = self.timeline(
                    self.paths.app[path],
                    first_day=max(first_free, today - dt.timedelta(days=60)),
                    last_day=self.last_day,
                )
                if times:
                    self.application(
                        person, ent, open_app[0], path, times, reg_id=reg_id, specialties=spec, change_kind=open_app[1]
                    )
        self.add(self.m.Registration, reg)
        self.penalties(person, ent, reg, initial)

    def pool_person(self, ent: dict) -> None:
        """Someone without a registration: a first-time applicant, maybe after a failed try."""
        rng, today = self.rng, self.today
        person = self.person(self.birth(27, 45), _EDUCATIONS[rng.choice([2, 2, 2, 3, 1])], ent["pc"])
        self.certificate(person, today - dt.timedelta(days=rng.randint(200, 1500)), "01")
        spec = self.specialties()
        first = today - dt.timedelta(days=400)
        if rng.random() < 0.3:
            path = rng.choices(self.paths.failed_app, self.paths.failed_weights)[0]
            times = self.timeline(self.paths.app[path], first_day=first, last_day=today - dt.timedelta(days=150))
            if times:
                self.application(person, rng.choice(self.enterprises), "CS", path, times, reg_id=None, specialties=spec)
                first = times[-1].date() + dt.timedelta(days=1)
        if rng.random() < 0.75:
            path = rng.choices(self.paths.open_app, self.paths.open_weights)[0]
        else:
            path = rng.choices(self.paths.failed_app, self.paths.failed_weights)[0]
        times = self.timeline(
            self.paths.app[path], first_day=max(first, today - dt.timedelta(days=90)), last_day=self.last_day
        )
        if times:
            status = self.application(person, ent, "CS", path, times, reg_id=None, specialties=spec)
            if self.applicant_person is None and status == self.wf.PENDING_ENT:
                self.applicant_person = (person["id"], person["name"])

    def forced(self, person: dict, ent: dict, reg: dict, status: str, times) -> None:
        wf, values = self.wf, self.values
        reason = self.rng.choice(["已与聘用单位解除劳动关系", "聘用合同到期未续签", "退休", "已与聘用单位解除劳动关系"])
        req_id = self.next_id(self.m.ForcedDeregistration)
        self.add(
            self.m.ForcedDeregistration,
            {
                "id": req_id,
                "enterprise_id": ent["id"],
                "registration_id": reg["id"],
                "person_id": person["id"],
                "reason": reason,
                "reason_detail": f"{person['name']}已离开本单位，本人未办理变更或注销注册手续。",
                "attachment_type": values.FORCED_DEREG_REASONS[reason][0],
                "status": status,
                "created_at": times[0],
                "version_id": 1,
            },
        )
        names = {"enterprise": ent["name"], "ministry": self.ministry_name}
        self.emit_steps(
            wf.FORCED, req_id, self.paths.forced[status], times, names, {"submit": reason, **_FORCED_OPINIONS}
        )
        if status == wf.REQ_APPROVED:
            reg["status"], reg["ended_at"] = wf.DEREGISTERED, times[-1]

    def info_change(self, ent: dict) -> None:
        rng, wf = self.rng, self.wf
        status = rng.choices(list(self.paths.info), [20, 10, 15, 45, 10])[0]
        steps = self.paths.info[status]
        times = self.timeline(steps, first_day=self.today - dt.timedelta(days=365), last_day=self.last_day)
        req_id = self.next_id(self.m.InfoChangeRequest)
        new_name = ent["name"].replace("有限公司", "集团有限公司")
        self.add(
            self.m.InfoChangeRequest,
            {
                "id": req_id,
                "enterprise_id": ent["id"],
                "old_name": ent["name"],
                "old_credit_code": ent["code"],
                "new_name": new_name,
                "new_credit_code": ent["code"],
                "reason": f"企业名称拟变更为{new_name}。",
                "status": status,
                "created_at": times[0],
                "version_id": 1,
            },
        )
        self.emit_steps(
            wf.INFO_CHANGE,
            req_id,
            steps,
            times,
            {"enterprise": ent["name"], "ministry": self.ministry_name},
            _INFO_OPINIONS,
        )

    def penalties(self, person: dict, ent: dict, reg: dict, initial: dt.date) -> None:
        rng, today = self.rng, self.today
        low = max(initial + dt.timedelta(days=60), today - dt.timedelta(days=5 * 365))
        high = today - dt.timedelta(days=5)
        while rng.random() < self.q_penalty and low < high:
            category, basis, code, ministry, _, result = _PENALTY_KINDS[
                _bisect(_PENALTY_CUM, rng.random() * _PENALTY_CUM[-1])
            ]
            day = low + dt.timedelta(days=rng.randint(0, (high - low).days))
            effective_from = effective_to = None
            if category == "责令停止执业":
                months = rng.choice([3, 6, 12])
                result = result.format(m=months)
                effective_from, effective_to = day, day + dt.timedelta(days=30 * months - 1)
            prefix = "建督罚" if ministry else f"{_PROVINCE_ABBR[ent['pc']]}建罚"
            authority = (
                "住房和城乡建设部"
                if ministry
                else ent["province"]
                + ("住房和城乡建设委员会" if ent["province"].endswith("市") else "住房和城乡建设厅")
            )
            key = f"{prefix}〔{day.year}〕"
            self.doc_numbers[key] += 1
            project = f"{ent['province']}{rng.choice(_PROJECT_WORDS)}花园{rng.randint(1, 9)}号楼工程"
            self.add(
                self.m.Penalty,
                {
                    "id": self.next_id(self.m.Penalty),
                    "person_id": person["id"],
                    "enterprise_id": ent["id"],
                    "decision_no": f"{prefix}字{key[len(prefix) :]}{self.doc_numbers[key]}号",
                    "case_name": f"{person['name']}违反注册监理工程师执业规定案",
                    "category": category,
                    "reason": f"经查，{person['name']}在{project}监理工作中违反执业规定。",
                    "legal_basis": basis,
                    "party_name": person["name"],
                    "party_code": person["id_number"],
                    "legal_rep": "",
                    "result": result,
                    "decision_date": day,
                    "authority": authority,
                    "publish_until": anniversary(day, 3 if category == "责令停止执业" else 1),
                    "region_code": ent["pc"] + "0000",
                    "reg_no": reg["reg_no"],
                    "enterprise_at_time": ent["name"],
                    "project_name": project,
                    "notice_no": f"{prefix}告字{key[len(prefix) :]}{self.doc_numbers[key]}号",
                    "bad_behaviour_code": code,
                    "effective_from": effective_from,
                    "effective_to": effective_to,
                    "updated_at": dt.datetime.combine(day + dt.timedelta(days=2), dt.time(9, 30)),
                },
            )

    def users(self) -> None:
        from services.auth.passwords import hash_password

        hashed = hash_password(PASSWORD)  # bcrypt is slow: hash once, every bench user shares it
        largest = self.enterprises[0]
        order = sorted(range(len(self.sizes)), key=lambda i: (self.sizes[i], i))
        median = self.enterprises[order[len(order) // 2]]
        person_id, person_name = self.applicant_person or (None, None)
        rows = [
            ("bench-ministry", self.ministry_name, "ministry", None, None),
            ("bench-largest", largest["name"], "enterprise", largest["id"], None),
            ("bench-median", median["name"], "enterprise", median["id"], None),
        ]
        if person_id:
            rows.append(("bench-applicant", person_name, "applicant", None, person_id))
        # Every enterprise and every engineer has an account, as in the real system: 310k users, so that
        # whatever the login costs per user shows in the bench (loading them all cost 5 s a click).
        rows += [(f"ent-{e['id']}", e["name"], "enterprise", e["id"], None) for e in self.enterprises[1:]]
        rows += [
            (f"person-{pid}", f"人员{pid}", "applicant", None, pid)
            for pid in range(1, self.ids[self.m.Person] + 1)
            if pid != person_id
        ]
        for username, display, role, ent_id, pid in rows:
            self.add(
                self.m.User,
                {
                    "id": self.next_id(self.m.User),
                    "username": username,
                    "display_name": display,
                    "password_hash": hashed,
                    "role": role,
                    "enterprise_id": ent_id,
                    "person_id": pid,
                    "active": True,
                    # the ministry's bench user opens every screen; each enterprise account is its administrator
                    "duties": {"ministry": "review,decide,analyse,admin", "enterprise": "enterprise_admin"}.get(
                        role, ""
                    ),
                },
            )  # the lockout and session columns keep their model defaults


def _bisect(cum: list, x: float) -> int:
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] > x:
            hi = mid
        else:
            lo = mid + 1
    return lo


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


def _bar(total: int, unit: str, enabled: bool):
    if not enabled:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total, unit=" " + unit, file=sys.stderr, mininterval=1.0, dynamic_ncols=True)


# --- entry points ----------------------------------------------------------------------------

TABLES = [
    "enterprise",
    "person",
    "qualification_certificate",
    "registration",
    "application",
    "workflow_step",
    "forced_deregistration",
    "info_change_request",
    "penalty",
    "app_user",
    "specialty",
    "audit_log",
]


def audit_trail(conn) -> None:
    """The audit log of those applications: one row per step, by the account that took it, with the
    detail workflow.transition writes (审计日志 lists millions of rows at national scale). In SQL, from
    the steps, after the accounts exist; account ids found through two small keyed tables."""
    conn.execute(text("CREATE TEMP TABLE bench_ent_user (ent INTEGER PRIMARY KEY, uid INTEGER NOT NULL)"))
    conn.execute(
        text(
            "INSERT INTO bench_ent_user SELECT enterprise_id, min(id) FROM app_user "
            "WHERE role = 'enterprise' GROUP BY enterprise_id"
        )
    )
    conn.execute(text("CREATE TEMP TABLE bench_person_user (pid INTEGER PRIMARY KEY, uid INTEGER NOT NULL)"))
    conn.execute(
        text(
            "INSERT INTO bench_person_user SELECT person_id, min(id) FROM app_user "
            "WHERE role = 'applicant' GROUP BY person_id"
        )
    )
    ministry = conn.execute(text("SELECT id FROM app_user WHERE username = 'bench-ministry'")).scalar_one()
    conn.execute(
        text(
            "INSERT INTO audit_log (at, actor_user_id, actor_role, actor_enterprise_id, action, object_type, "
            "object_id, detail) "
            "SELECT ws.at, CASE ws.actor_role WHEN 'enterprise' THEN eu.uid WHEN 'applicant' THEN pu.uid "
            "ELSE :ministry END, ws.actor_role, CASE ws.actor_role WHEN 'enterprise' THEN a.enterprise_id END, "
            # an application is created by 个人申报 (audited as "file", with its business type), then moved by transitions
            "CASE ws.action WHEN 'submit' THEN 'file' ELSE ws.action END, 'application', ws.request_id, "
            "CASE ws.action WHEN 'submit' THEN '{\"business_type\": \"' || a.business_type || '\"}' "
            "ELSE '{\"before\": \"' || coalesce(ws.from_status, '') || '\", \"after\": \"' || ws.to_status || '\"}' END "
            "FROM workflow_step ws JOIN application a ON a.id = ws.request_id "
            "LEFT JOIN bench_ent_user eu ON eu.ent = a.enterprise_id "
            "LEFT JOIN bench_person_user pu ON pu.pid = a.person_id "
            "WHERE ws.request_type = 'application'"
        ),
        {"ministry": ministry},
    )
    conn.execute(text("DROP TABLE bench_ent_user"))
    conn.execute(text("DROP TABLE bench_person_user"))
    conn.commit()


def row_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def _load_engine(url: str):
    if url.startswith("sqlite"):
        engine = create_engine(url)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=OFF")  # a crash mid-load means regenerate, nothing is lost
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.execute("PRAGMA cache_size=-1000000")
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.close()

        return engine
    return create_engine(url)


def generate(
    url: str, scale: str | Scale = "national", *, seed: int = 1, today: dt.date | None = None, progress: bool = True
) -> dict:
    """Migrate an empty database at `url` and fill it; returns {"seconds", "counts", ...}."""
    os.environ["DATABASE_URL"] = url
    if url.startswith("sqlite:///"):
        os.environ.setdefault("DATA_DIR", str(Path(url.removeprefix("sqlite:///")).resolve().parent))
    from db.engine import reset_engines
    from ops.setup import migrate
    from services.kernel.clock import now

    reset_engines()
    sc = SCALES[scale] if isinstance(scale, str) else scale
    started = time.perf_counter()
    migrate()
    engine = _load_engine(url)
    with engine.connect() as conn:
        if conn.execute(text("SELECT count(*) FROM enterprise")).scalar_one():
            raise SystemExit(f"{url} is not empty: bench.generate builds a database from empty")
        conn.commit()
        gen = Generator(conn, sc, seed, today or now().date(), progress)
        gen.run()
        audit_trail(conn)
        if engine.dialect.name == "postgresql":
            for table in TABLES:
                if table != "specialty":
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT coalesce(max(id), 1) FROM {table}))"
                        )
                    )
            conn.commit()
            conn.execute(text("ANALYZE"))
            conn.commit()
        else:
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")  # as ops.setup.analyze
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    loaded = time.perf_counter() - started
    counts = row_counts(engine)
    engine.dispose()
    reset_engines()
    return {
        "seconds": round(loaded, 1),
        "counts": counts,
        "seed": seed,
        "today": gen.today.isoformat(),
        "largest_enterprise_id": gen.enterprises[0]["id"],
        "sizes_top5": sorted(gen.sizes, reverse=True)[:5],
        "size_mean": round(sum(gen.sizes) / len(gen.sizes), 1),
        "size_median": sorted(gen.sizes)[len(gen.sizes) // 2],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of an empty (or missing SQLite) database")
    parser.add_argument("--scale", choices=sorted(SCALES), default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if args.url.startswith("sqlite:///"):
        Path(args.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    result = generate(args.url, args.scale, seed=args.seed, today=args.today, progress=not args.no_progress)
    print(f"generated {args.scale} in {result['seconds']} s (seed {result['seed']}, today {result['today']})")
    print(
        f"enterprise sizes: largest {result['sizes_top5']}, mean {result['size_mean']}, median {result['size_median']}"
    )
    for table, n in result["counts"].items():
        print(f"  {table:<28}{n:>12,}")


if __name__ == "__main__":
    main()
