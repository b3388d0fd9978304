"""Value lists of the domain (domain.md), held as data in one place.

Every screen, service, demo loader and test reads these; nothing else spells them out.
Rule numbers (validity, renewal lead time, age limit, ...) are configuration with the
statutory defaults and can be overridden by environment variables.
"""

from __future__ import annotations

import os

from services.kernel.vocabulary import BusinessType, ChangeKind, MessageKind, ReplacementKind

# 14 registration specialties (domain.md §3.1). `active` lets a retired category keep
# displaying on old registrations while it can no longer be chosen.
SPECIALTIES: list[tuple[str, str, bool]] = [
    ("01", "房屋建筑工程", True),
    ("02", "冶炼工程", True),
    ("03", "矿山工程", True),
    ("04", "化工石油工程", True),
    ("05", "水利水电工程", True),
    ("06", "电力工程", True),
    ("07", "农林工程", True),
    ("08", "铁路工程", True),
    ("09", "公路工程", True),
    ("10", "港口与航道工程", True),
    ("11", "航天航空工程", True),
    ("12", "通信工程", True),
    ("13", "市政公用工程", True),
    ("14", "机电安装工程", True),
]
SPECIALTY_NAMES = {code: name for code, name, _ in SPECIALTIES}

# 业务类别 (domain.md §4.1). QZZX is a separate request type, not an application.
BUSINESS_TYPES: dict[str, str] = {  # in the order the screens offer them
    BusinessType.INITIAL: "初始注册",
    BusinessType.RENEWAL: "延续注册",
    BusinessType.CHANGE: "变更注册",
    BusinessType.DEREGISTRATION: "注销注册",
    BusinessType.REPLACEMENT: "遗失、破损补办",  # 注册执业证书、执业印章遗失破损补办 (2006 procedure, form 5)
    BusinessType.REREGISTRATION: "重新注册",
}
CHANGE_KINDS: dict[str, str] = {
    ChangeKind.EMPLOYER: "变更执业单位",
    ChangeKind.SPECIALTY: "变更注册专业",
    ChangeKind.RENAME: "单位更名",
    ChangeKind.PERSONAL: "个人信息变更",
}
REPLACEMENT_KINDS: dict[str, str] = {
    ReplacementKind.LOST: "遗失",
    ReplacementKind.DAMAGED: "破损",
}
# The kinds of a business type that has them, and the word for the choice (Application.change_kind).
KINDS: dict[str, dict[str, str]] = {
    BusinessType.CHANGE: CHANGE_KINDS,
    BusinessType.REPLACEMENT: REPLACEMENT_KINDS,
}
KIND_FIELDS: dict[str, str] = {
    BusinessType.CHANGE: "变更内容",
    BusinessType.REPLACEMENT: "补办原因",
}

# 附件类型 (domain.md §4.3)
ATTACHMENT_TYPES: dict[str, str] = {
    "SFZ": "身份证明",
    "ZGZS": "监理工程师资格证书",
    "LDHT": "劳动合同/聘用合同",
    "SBZM": "社会保险缴纳证明",
    "TXZM": "退休证明",
    "XLZS": "学历证书",
    "XWZS": "学位证书",
    "ZCZS": "职称证书",
    "JXJY": "继续教育证明",
    "JCHT": "解除/终止劳动合同证明",
    "LDZC": "劳动仲裁文书/法院判决书",
    "YYZZ": "营业执照",
    "GSHZ": "工商核准变更通知书",
    "YSSM": "遗失声明",
    "ZP": "一寸彩色免冠照片",
    "SWZM": "死亡证明/丧失民事行为能力证明",
    "QT": "其他",
}
# The attachments each business type requires: services.registration.business_types.

# Enterprise refusal (不通过) reasons; the user may also type one (domain.md §10 #10).
RETURN_REASONS: list[str] = [
    "申请人非本单位人员",
    "劳动合同与申报信息不符",
    "社会保险缴纳单位与本单位不一致",
    "附件材料不清晰或不完整",
    "申报专业与本单位业务不符",
    "个人信息有误，请核实后重新申报",
]

# 强制注销 reasons and the attachment types that prove them (domain.md §5.4)
FORCED_DEREG_REASONS: dict[str, list[str]] = {
    "已与聘用单位解除劳动关系": ["JCHT", "LDZC"],
    "聘用合同到期未续签": ["JCHT", "LDHT"],
    "退休": ["TXZM"],
    "死亡": ["SWZM"],
    "丧失民事行为能力": ["SWZM"],
    "受到刑事处罚": ["LDZC"],
    "其他": ["QT"],
}
# The case of 建设部令第147号 each reason is (第十五条: the employer must apply for 注销 in these cases).
# Retirement ends the labour contract (劳动合同法 第四十四条), so it is a 第十四条第（四）项 case.
FORCED_DEREG_CLAUSES: dict[str, str] = {
    "已与聘用单位解除劳动关系": "第十四条第（四）项",
    "聘用合同到期未续签": "第十四条第（四）项",
    "退休": "第十四条第（四）项",
    "死亡": "第十四条第（七）项",
    "丧失民事行为能力": "第十四条第（七）项",
    "受到刑事处罚": "第十五条第（六）项",
    "其他": "第十五条第（七）项",
}

RESIDENT_ID = "居民身份证"  # the only 证件类型 with a structure to check (GB 11643-1999)
ID_TYPES: list[str] = [
    RESIDENT_ID,
    "军官证",
    "警官证",
    "护照",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "港澳台居民居住证",
    "外国人永久居留身份证",
]
GENDERS: list[str] = ["男", "女"]
EDUCATIONS: list[str] = ["博士研究生", "硕士研究生", "大学本科", "大学专科", "中专/中技", "高中及以下"]
DEGREES: list[str] = ["无", "学士", "硕士", "博士"]
TITLES: list[str] = ["无", "初级", "中级", "副高级", "正高级"]
EXAM_CATEGORIES: list[str] = ["土木建筑工程", "交通运输工程", "水利工程"]

PENALTY_CATEGORIES: list[str] = [
    "警告",
    "罚款",
    "没收违法所得",
    "责令停止执业",
    "撤销注册",
    "吊销注册证书",
    "不予注册",
    "通报批评",
    "其他",
]

# GB/T 2260 provinces (code prefix -> name) and a few prefecture-level cities each,
# enough for realistic demo data and the dependent city list.
PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}
# First two digits of a 居民身份证 address code (GB 11643-1999 地址码): every GB/T 2260 province-level
# division, with 71 台湾, 81 香港, 82 澳门. 83 (Taiwan residents' residence permits) is no division.
ID_PROVINCE_CODES = frozenset(PROVINCES) | {"71", "81", "82"}
# (province code, city name, 6-digit division code used as an ID-number address prefix)
CITIES: list[tuple[str, str, str]] = [
    ("11", "北京市", "110105"),
    ("12", "天津市", "120101"),
    ("13", "石家庄市", "130102"),
    ("13", "保定市", "130602"),
    ("14", "太原市", "140105"),
    ("15", "呼和浩特市", "150102"),
    ("21", "沈阳市", "210102"),
    ("21", "大连市", "210202"),
    ("22", "长春市", "220102"),
    ("23", "哈尔滨市", "230102"),
    ("31", "上海市", "310101"),
    ("32", "南京市", "320102"),
    ("32", "苏州市", "320505"),
    ("32", "无锡市", "320213"),
    ("33", "杭州市", "330102"),
    ("33", "宁波市", "330203"),
    ("34", "合肥市", "340102"),
    ("35", "福州市", "350102"),
    ("35", "厦门市", "350203"),
    ("36", "南昌市", "360102"),
    ("37", "济南市", "370102"),
    ("37", "青岛市", "370202"),
    ("41", "郑州市", "410102"),
    ("42", "武汉市", "420102"),
    ("42", "天门市", "429006"),
    ("42", "宜昌市", "420502"),
    ("43", "长沙市", "430102"),
    ("44", "广州市", "440103"),
    ("44", "深圳市", "440303"),
    ("44", "东莞市", "441900"),
    ("45", "南宁市", "450102"),
    ("46", "海口市", "460105"),
    ("50", "重庆市", "500101"),
    ("51", "成都市", "510104"),
    ("52", "贵阳市", "520102"),
    ("53", "昆明市", "530102"),
    ("54", "拉萨市", "540102"),
    ("61", "西安市", "610102"),
    ("62", "兰州市", "620102"),
    ("63", "西宁市", "630102"),
    ("64", "银川市", "640104"),
    ("65", "乌鲁木齐市", "650102"),
]


def cities_of(province_name: str) -> list[str]:
    code = next((c for c, n in PROVINCES.items() if n == province_name), None)
    return [name for pc, name, _ in CITIES if pc == code]


# 企业承诺: the five clauses of the manual, versioned (domain.md §1.3).
ENTERPRISE_COMMITMENT_VERSION = "2021-12"
ENTERPRISE_COMMITMENT_INTRO = "本单位已知悉相关法律法规及《注册监理工程师管理规定》的相关要求，本单位郑重承诺如下："
ENTERPRISE_COMMITMENT: list[str] = [
    "我公司已审慎阅读、充分理解并同意接受注册监理工程师管理系统相关规则，对系统相关规则的修改、调整均予以接受。",
    "我公司充分了解并清楚知晓不得出租、出借、出售、购买国家政务服务平台账户，妥善保管且依法依规使用本公司账户，并承诺承担相应法律责任。",
    "我公司同意以电子申报方式，申请监理工程师注册业务。",
    "我公司已通过实名认证，认证及申报事项均为本公司办理，提供的信息及材料均为真实。",
    "我公司愿意承担不实承诺、未履行承诺、违反承诺、隐瞒有关情况、提供虚假材料或违法违规执业的全部法律责任，接受有关主管部门的查问或处罚。",
]
PERSONAL_COMMITMENT_VERSION = "2021-12"
PERSONAL_COMMITMENT: list[str] = [
    "本人已知悉相关法律法规及《注册监理工程师管理规定》的相关要求。",
    "本人仅受聘于一个建设工程勘察、设计、施工、监理、招标代理、造价咨询等单位，未在两个或者两个以上单位申请注册。",
    "本人提供的信息及材料均真实、准确、完整，未隐瞒有关情况。",
    "本人同意以电子申报方式申请监理工程师注册业务。",
    "本人愿意承担不实承诺、违反承诺、提供虚假材料的全部法律责任。",
]


def _int_env(name: str, default: int, *, least: int = 0) -> int:
    """A whole number from the environment, else the default. A value that is not a whole number of at
    least `least` stops the start with the variable's name: a statutory limit must not silently revert."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        number = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a whole number") from None
    if number < least:
        raise ValueError(f"{name}={raw!r}: expected a whole number of at least {least}")
    return number


# Rule numbers (domain.md §11 "decisions developers should make configurable"): environment variables with
# the statutory defaults of 建设部令第147号 (README: Configuration). The sources are named beside each.
VALIDITY_YEARS = _int_env("RULE_VALIDITY_YEARS", 3, least=1)  # 第十一条: 每一注册有效期为3年 (domain.md §1.1)
RENEWAL_LEAD_DAYS = _int_env("RULE_RENEWAL_LEAD_DAYS", 30)  # 第十一条: 注册有效期满30日前 申请延续
MAX_SPECIALTIES = _int_env("RULE_MAX_SPECIALTIES", 2, least=1)  # 第六条: 每人最多可以申请两个专业注册
MAX_AGE = _int_env("RULE_MAX_AGE", 65, least=1)  # 第十三条第（六）项: 年龄超过65周岁 不予注册
EXPIRY_WARNING_DAYS = 30  # the manual's 首页 list (30 天内到期), not a statutory number
# 第十条: 初始注册 within this many years of the 资格证书's issue; later needs continuing education first.
INITIAL_WITHIN_YEARS = _int_env("RULE_INITIAL_WITHIN_YEARS", 3, least=1)
# Continuing-education hours (domain.md §3.3; 注册监理工程师继续教育暂行办法): 96 per 3-year cycle
# (48 必修 + 48 选修), asked before 延续注册 and, as "近3年继续教育要求" (2006 procedure), before a
# late 初始注册; 24 选修 in the new specialty before 变更注册专业; 8 of the new region before a
# cross-province change of employer.
CPD_CYCLE_HOURS = _int_env("RULE_CPD_CYCLE_HOURS", 96)
CPD_OVERDUE_INITIAL_HOURS = _int_env("RULE_CPD_OVERDUE_INITIAL_HOURS", CPD_CYCLE_HOURS)
CPD_SPECIALTY_CHANGE_HOURS = _int_env("RULE_CPD_SPECIALTY_CHANGE_HOURS", 24)
CPD_CROSS_PROVINCE_HOURS = _int_env("RULE_CPD_CROSS_PROVINCE_HOURS", 8)
UPLOAD_MAX_BYTES = _int_env("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, least=1)
# A registry import file (系统管理 → 数据导入 and ops.imports): 300,000 people fit in about 40 MB of CSV.
IMPORT_MAX_BYTES = _int_env("IMPORT_MAX_BYTES", 64 * 1024 * 1024, least=1)

# Statutory time limits per stage (domain.md §4.4), in working days on the Chinese holiday calendar with its
# 调休 workdays (services.registration.deadlines): 147号令 counts them in 日, and 行政许可法 第八十二条 counts an
# authority's 期限 in working days, without the statutory holidays.
ACCEPTANCE_DAYS = _int_env("RULE_ACCEPTANCE_DAYS", 5, least=1)  # 第八条: 5日内一次性告知补正, else 即为受理
# From 受理 to the written decision, per business type (read by services.registration.business_types):
DECISION_DAYS: dict[str, int] = {
    # 第八条: 初始注册 审批 within 20日
    BusinessType.INITIAL: _int_env("RULE_DECISION_DAYS_INITIAL", 20, least=1),
    # 第八条: 变更注册、延续注册 within 10日
    BusinessType.RENEWAL: _int_env("RULE_DECISION_DAYS_RENEWAL", 10, least=1),
    BusinessType.CHANGE: _int_env("RULE_DECISION_DAYS_CHANGE", 10, least=1),
    # not named in 第八条; the 10日 of 变更/延续 (domain.md §4.4 [I])
    BusinessType.DEREGISTRATION: _int_env("RULE_DECISION_DAYS_DEREGISTRATION", 10, least=1),
    BusinessType.REPLACEMENT: _int_env("RULE_DECISION_DAYS_REPLACEMENT", 10, least=1),
    # 第十六条: 重新申请注册 meets 初始注册's conditions, and is filed as one: its 20日
    BusinessType.REREGISTRATION: _int_env("RULE_DECISION_DAYS_REREGISTRATION", 20, least=1),
}
# 第八条: 自作出决定之日起10日内，在公众媒体上公告审批结果 (初始注册; the business types: business_types.announced)
ANNOUNCEMENT_DAYS = _int_env("RULE_ANNOUNCEMENT_DAYS", 10, least=1)

# The legal clause a 不予注册 cites (147号令 第13条).
DENIAL_CLAUSES = [
    "第十三条第（一）项：不具有完全民事行为能力",
    "第十三条第（二）项：刑事处罚尚未执行完毕或执行完毕未满2年",
    "第十三条第（三）项：未达到继续教育要求",
    "第十三条第（四）项：在两个或者两个以上单位申请注册",
    "第十三条第（五）项：以虚假的职称证书参加考试并取得资格证书",
    "第十三条第（六）项：年龄超过65周岁",
    "第十三条第（七）项：法律、法规规定不予注册的其他情形",
]
# Items of a 一次性告知补正 notice: all corrections at once, as a checklist plus free text.
CORRECTION_ITEMS = [
    "注册申请表信息不完整",
    "社会保险缴纳证明不符合要求",
    "劳动合同不清晰或已过期",
    "资格证书信息与系统不一致",
    "继续教育学时不足",
    "照片不符合要求",
    "身份证明材料不清晰",
    "申报专业与资格不符",
]

# 审计日志: actions and objects in words
ACTION_LABELS = {
    "report": "上报",
    "refuse": "不通过",
    "withdraw": "撤回",
    "accept": "受理",
    "review": "审查",
    "approve": "准予",
    "deny": "不予",
    "request_correction": "一次性告知补正",
    "announce": "公告",
    "file": "个人申报",
    "resubmit": "重新提交",
    "cancel": "撤销申请",
    "create": "新建",
    "update_basic": "修改基本信息",
    "export": "导出",
    "download": "下载附件",
    "download_certificate": "下载电子注册证书",
    "view_unmasked": "查看完整证件号码",
    "login_ok": "登录成功",
    "login_fail": "登录失败",
    "login_throttled": "登录受限",
    "logout": "退出登录",
    "password_reset": "重置密码",
    "account_create": "创建账户",
    "account_disable": "停用账户",
    "account_enable": "启用账户",
    "account_activate": "激活注册账户",
    "password_change": "修改密码",
    "login_pending": "登录（账户待激活）",
    "signup": "注册账号",
    "signup_refused": "注册账号（信息不符或已有账户）",
    "watch": "关注到期提醒",
    "unwatch": "取消关注到期提醒",
    "import": "数据导入",
    "import_update": "导入修改",
    "calendar_change": "更正工作日日历",
}


OBJECT_LABELS = {
    "application": "注册申请",
    "application_queue": "注册审批",
    "forced": "强制注销",
    "info_change": "企业重要信息修改",
    "enterprise": "企业信息",
    "registration": "已注册人员",
    "penalty": "行政处罚",
    "attachment": "附件",
    "user": "账户",
    "person": "人员",
    "watchlist": "到期提醒关注名单",
    "certificate": "资格证书",
    "cpd": "继续教育",
    "calendar": "工作日日历",
}

# Derived registration states (domain.md §6.3) shown on 已注册人员.
STATE_ACTIVE = "有效"
STATE_EXPIRING = "即将到期"
STATE_EXPIRED = "已过期"
STATE_SUSPENDED = "暂停执业"
STATE_SUPERSEDED = "已被新证书取代"  # an electronic certificate a newer one replaced (services.registry.certificates)
REGISTERED_STATES = (STATE_ACTIVE, STATE_EXPIRING, STATE_EXPIRED)

# 行政处罚 categories with an effect on the registration
SUSPENSION = "责令停止执业"  # the only category with a 停止执业 period (domain.md §8.1)
REVOKING = ("撤销注册", "吊销注册证书")  # categories that end the registration (domain.md §6.3)
# 不予注册 periods a penalty can carry (domain.md §5.5, §8.3): label -> years, None for life.
BAN_LIFE = "终身"
PENALTY_BAN_TERMS: dict[str, int | None] = {"1年": 1, "3年": 3, "5年": 5, BAN_LIFE: None}
# 吊销 (条例 第五十八条, 第七十二条: 5年 or 终身) and a 不予注册 decision always carry a period;
# 撤销注册 may (3年 after a registration obtained by deceit); no other category does.
BAN_REQUIRED = ("吊销注册证书", "不予注册")
BAN_ALLOWED = (*BAN_REQUIRED, "撤销注册")

# 建设部令第147号 第八条: a 不予注册 decision states its reasons and tells of the right to reconsideration
# or suit; the time limits are those of 行政复议法 (60 days) and 行政诉讼法 第四十六条 (6 months).
DENIAL_REMEDY = (
    "申请人如对本决定不服，可以自收到本决定之日起六十日内依法申请行政复议，"
    "或者自知道或者应当知道作出本决定之日起六个月内依法向人民法院提起行政诉讼。"
)

# Longest text a user may store in a Text column (a String(n) column's own n is its limit: kernel/limits.py).
TEXT_LIMITS: dict[str, int] = {
    "workflow_step.opinion": 2000,  # a correction notice: its checklist plus a note of OPINION_LIMIT
    "application.return_reason": 2000,
    "info_change_request.reason": 500,
    "forced_deregistration.reason_detail": 500,
    "penalty.reason": 2000,
    "penalty.legal_basis": 500,
    "penalty.result": 500,
}
OPINION_LIMIT = 1000  # 审核意见, 补正说明, 不予注册理由 typed by the ministry (the pages' max_chars)
RETURN_REASON_LIMIT = 500  # 退回理由 typed by an enterprise, 补正说明 by an applicant

# 消息中心: the kinds of message, as the preferences list them
MESSAGE_KIND_LABELS: dict[str, str] = {
    MessageKind.progress: "申请进度",
    MessageKind.correction: "补正通知",
    MessageKind.decision: "审批结果",
    MessageKind.request: "强制注销与企业信息审核",
    MessageKind.expiry: "注册到期提醒",
    MessageKind.digest: "到期人员每日汇总",
    MessageKind.deadline: "办理时限提醒",
}
EXPIRY_REMINDER_DAYS = (90, 30, 7)  # days before a registration ends that its reminders go out
EXPIRY_DIGEST_DAYS = 90  # the enterprise's daily digest lists expiries this far ahead
