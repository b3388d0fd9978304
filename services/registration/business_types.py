"""Business types (业务类别) of an application, as ONE table: per type its label, materials, checks,
effect of approval and statutory decision time (domain.md §4). Filing, approval, deadlines, the dashboards
and the pages read it; adding a business type or changing its materials is one edit here.

A 变更注册 comes in kinds (变更执业单位, 变更注册专业, 单位更名, 个人信息变更) that differ in who files it,
what it changes and what it proves; a 遗失、破损补办 in kinds (遗失, 破损) that differ in what it proves. Their
rules are in CHANGE_KINDS and REPLACEMENT_KINDS; the kind is stored in Application.change_kind.

Materials are attachment types (values.ATTACHMENT_TYPES). Where the rules accept another document in place of
one, SUBSTITUTES says which (a retiree's 退休证明 for the 社保证明); `needs` puts it all together.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.kernel import values
from services.kernel.vocabulary import BusinessType, ChangeKind, ReplacementKind


class Effect(StrEnum):
    """What 准予注册 does to the registration (services.registration.approval applies it)."""

    NEW_REGISTRATION = "new_registration"  # a new 注册号, valid for the validity period
    NEW_PERIOD = "new_period"  # the next period, right after the current one
    CHANGE = "change"  # employer or specialties change; the expiry stays
    END = "end"  # the registration is deregistered
    NEW_CERTIFICATE = "new_certificate"  # a new 注册证书编号


@dataclass(frozen=True)
class Rules:
    code: BusinessType
    materials: tuple[str, ...]  # attachment types (values.ATTACHMENT_TYPES) the applicant must give
    decision_days: int  # statutory working days from 受理 to the decision (values.DECISION_DAYS, domain.md §4.4)
    effect: Effect
    acts_on_registration: bool  # needs a current registration (延续, 变更, 注销, 补办) or creates one
    needs_certificate: bool = False  # a 资格证书 (第十条)
    needs_earlier_registration: bool = False  # 重新注册: a deregistered or lapsed one
    age_limit: bool = True  # 第十三条(六) refuses registration over the age limit; 注销 stays open
    barred_by_penalty: bool = True  # a penalty's 不予注册 period refuses it (第十三条(七)); 注销, 补办 stay open
    through_current_employer: bool = True  # filed through the employer that holds the registration
    choose_specialties: bool = False  # the applicant chooses the specialties (else the registration's)
    # 第十条: filed more than values.INITIAL_WITHIN_YEARS after the 资格证书 was issued, these materials too
    # (and the hours values.CPD_OVERDUE_INITIAL_HOURS): "逾期初始注册的，应当提供达到继续教育要求的证明材料"
    overdue_materials: tuple[str, ...] = ()
    announced: bool = False  # 第八条: 准予 is announced (公告) within values.ANNOUNCEMENT_DAYS of the decision
    # Decided only while the registration is valid: 变更 (第十二条: 在注册有效期内) and 补办 (the certificate
    # lapses at the end of its validity, 第十四条第（五）项). 延续 filed in time and 注销 are decided after it too.
    within_validity: bool = False
    # 准予 issues a new electronic certificate and voids the one before it (services.registry.certificates)
    issues_certificate: bool = True

    @property
    def label(self) -> str:
        return values.BUSINESS_TYPES[self.code]


BUSINESS_TYPES: dict[BusinessType, Rules] = {
    r.code: r
    for r in (
        Rules(
            BusinessType.INITIAL,
            ("SFZ", "ZGZS", "LDHT", "SBZM", "ZP"),
            values.DECISION_DAYS[BusinessType.INITIAL],
            Effect.NEW_REGISTRATION,
            acts_on_registration=False,
            needs_certificate=True,
            through_current_employer=False,
            choose_specialties=True,
            overdue_materials=("JXJY",),
            announced=True,
        ),
        Rules(
            BusinessType.RENEWAL,
            ("SFZ", "LDHT", "SBZM", "JXJY"),
            values.DECISION_DAYS[BusinessType.RENEWAL],
            Effect.NEW_PERIOD,
            acts_on_registration=True,
        ),
        Rules(
            BusinessType.CHANGE,
            ("SFZ", "LDHT", "SBZM"),
            values.DECISION_DAYS[BusinessType.CHANGE],
            Effect.CHANGE,
            acts_on_registration=True,
            within_validity=True,
        ),
        Rules(
            BusinessType.DEREGISTRATION,
            ("SFZ",),
            values.DECISION_DAYS[BusinessType.DEREGISTRATION],
            Effect.END,
            acts_on_registration=True,
            age_limit=False,
            barred_by_penalty=False,
            issues_certificate=False,  # the registration ends: its certificate verifies as 已注销
        ),
        Rules(
            BusinessType.REPLACEMENT,
            ("SFZ", "ZP"),  # the 遗失声明 only when lost: REPLACEMENT_KINDS
            values.DECISION_DAYS[BusinessType.REPLACEMENT],
            Effect.NEW_CERTIFICATE,
            acts_on_registration=True,
            barred_by_penalty=False,  # a new certificate for a registration held: registers nothing
            within_validity=True,
        ),
        Rules(
            BusinessType.REREGISTRATION,
            ("SFZ", "ZGZS", "LDHT", "SBZM", "JXJY"),
            values.DECISION_DAYS[BusinessType.REREGISTRATION],
            Effect.NEW_REGISTRATION,
            acts_on_registration=False,
            needs_certificate=True,
            needs_earlier_registration=True,
            through_current_employer=False,
            choose_specialties=True,
            announced=True,  # 第十六条: re-registered on 初始注册's conditions and procedure (see announced())
        ),
    )
}


@dataclass(frozen=True)
class KindRules:
    """The rules of one kind of a business type (a 变更注册's 变更内容, a 补办's 补办原因)."""

    code: str
    through_current_employer: bool = True  # 变更执业单位 is filed through the new employer
    choose_specialties: bool = False  # 变更注册专业 chooses new specialties
    extra_materials: tuple[str, ...] = ()  # asked of this kind on top of the business type's
    basis: str = ""  # the rule that asks for the extra materials, named when one is missing

    @property
    def label(self) -> str:
        return ALL_KIND_LABELS[self.code]


CHANGE_KINDS: dict[str, KindRules] = {
    r.code: r
    for r in (
        KindRules(
            ChangeKind.EMPLOYER,
            through_current_employer=False,
            extra_materials=("JCHT",),  # 工作调动证明 (SUBSTITUTES)
            basis="变更执业单位，第十二条第（三）项",
        ),
        KindRules(ChangeKind.SPECIALTY, choose_specialties=True),
        KindRules(
            ChangeKind.RENAME,
            extra_materials=("YYZZ", "GSHZ"),  # 2017 procedure: the new name's 营业执照、工商核准通知书
            basis="单位更名，《注册监理工程师注册管理工作规程》",
        ),
        KindRules(ChangeKind.PERSONAL),
    )
}
REPLACEMENT_KINDS: dict[str, KindRules] = {
    r.code: r
    for r in (
        KindRules(ReplacementKind.LOST, extra_materials=("YSSM",), basis="证书、印章遗失"),
        KindRules(ReplacementKind.DAMAGED),  # nothing was lost, so there is no 遗失声明 to give
    )
}
KINDS: dict[str, dict[str, KindRules]] = {
    BusinessType.CHANGE: CHANGE_KINDS,
    BusinessType.REPLACEMENT: REPLACEMENT_KINDS,
}

# Documents the rules accept in place of a required attachment type, and the rule's word for the material
# when it is not that type's label (domain.md §4.3).
SUBSTITUTES: dict[str, tuple[tuple[str, ...], str]] = {
    # 2017 procedure: 近一个月社保证明 (退休人员需提供有效的退休证明)
    "SBZM": (("TXZM",), ""),
    # 147号令 第十二条第（三）项: 与原聘用单位解除或终止聘用劳动合同的证明、退休人员的退休证明; the 2017
    # procedure adds 劳动仲裁机构出具的解除劳动关系的仲裁文件
    "JCHT": (("LDZC", "TXZM"), "工作调动证明"),
}


def _either(types: tuple[str, ...]) -> str:
    labels = [values.ATTACHMENT_TYPES[t] for t in types]
    return labels[0] if len(labels) == 1 else "、".join(labels[:-1]) + "或" + labels[-1]


@dataclass(frozen=True)
class Need:
    """One material the applicant must give: any one of `types` (the usual one first)."""

    types: tuple[str, ...]
    name: str = ""  # the rule's word for it (工作调动证明), when it is not the type's label
    basis: str = ""  # the rule that asks for it: 变更执业单位，第十二条第（三）项

    @property
    def code(self) -> str:
        return self.types[0]

    @property
    def label(self) -> str:
        """社会保险缴纳证明或退休证明; 工作调动证明（解除/终止劳动合同证明、劳动仲裁文书/法院判决书或退休证明）."""
        either = _either(self.types)
        return f"{self.name}（{either}）" if self.name else either

    @property
    def text(self) -> str:
        """As a refusal names it, with the rule that asks for it."""
        if not self.basis:
            return self.label
        if self.name:
            return f"{self.name}（{_either(self.types)}；{self.basis}）"
        return f"{self.label}（{self.basis}）"

    def met_by(self, given) -> bool:
        return any(t in given for t in self.types)


def _need(code: str, basis: str = "") -> Need:
    others, name = SUBSTITUTES.get(code, ((), ""))
    return Need((code, *others), name, basis)


# The labels are vocabulary (values.BUSINESS_TYPES, values.CHANGE_KINDS, values.REPLACEMENT_KINDS); the
# table covers each code.
LABELS = values.BUSINESS_TYPES
CHANGE_LABELS = values.CHANGE_KINDS
ALL_KIND_LABELS = {code: label for kinds in values.KINDS.values() for code, label in kinds.items()}
assert set(BUSINESS_TYPES) == set(LABELS) and set(CHANGE_KINDS) == set(CHANGE_LABELS)
assert set(KINDS) == set(values.KINDS) == set(values.KIND_FIELDS)
assert all(set(KINDS[bt]) == set(values.KINDS[bt]) for bt in KINDS)


def rules(business_type: str) -> Rules:
    """The rules of a business type code; KeyError for an unknown one."""
    return BUSINESS_TYPES[BusinessType(business_type)]


def kind_labels(business_type: str) -> dict[str, str]:
    """The kinds the applicant chooses from for this business type ({} when it has none)."""
    return values.KINDS.get(business_type, {})


def materials(business_type: str, kind: str | None = None, *, overdue: bool = False) -> tuple[str, ...]:
    """The attachment types usually given: the type's, its kind's extra ones, and the 逾期初始注册 ones."""
    return tuple(n.code for n in needs(business_type, kind, overdue=overdue))


def needs(business_type: str, kind: str | None = None, *, overdue: bool = False) -> tuple[Need, ...]:
    """What the applicant must attach. `overdue`: an 初始注册 more than values.INITIAL_WITHIN_YEARS after the
    资格证书 was issued (第十条)."""
    r, k = rules(business_type), _kind(business_type, kind)
    found = [_need(code) for code in r.materials]
    if k is not None:
        found += [_need(code, k.basis) for code in k.extra_materials]
    if overdue:
        found += [_need(code, "逾期初始注册，第十条") for code in r.overdue_materials]
    return tuple(found)


def missing(business_type: str, kind: str | None, given, *, overdue: bool = False) -> list[Need]:
    """The needs that none of the `given` attachment types meets."""
    return [n for n in needs(business_type, kind, overdue=overdue) if not n.met_by(given)]


def describe(missing_needs: list[Need]) -> str:
    """The needs as one list, each rule named once: 营业执照、工商核准变更通知书（单位更名，…）."""
    parts: list[str] = []
    by_basis: dict[str, list[str]] = {}
    for n in missing_needs:
        if n.basis and not n.name:
            by_basis.setdefault(n.basis, []).append(n.label)
        else:
            parts.append(n.text)
    return "、".join([*parts, *(f"{'、'.join(labels)}（{basis}）" for basis, labels in by_basis.items())])


def upload_slots(needs_: tuple[Need, ...]) -> tuple[tuple[str, str], ...]:
    """The uploaders a filing form shows for these needs: (attachment type, label), one per type."""
    required: dict[str, str] = {}
    stands_in: dict[str, list[str]] = {}  # a substitute type -> the labels of the types it may replace
    for n in needs_:
        first, others = n.types[0], n.types[1:]
        notes = [n.name] if n.name else []
        notes.append(f"必传，或以{_either(others)}代替" if others else "必传")
        required.setdefault(first, f"{values.ATTACHMENT_TYPES[first]}（{'，'.join(notes)}）")
        for t in others:
            stands_in.setdefault(t, []).append(values.ATTACHMENT_TYPES[first])
    slots = dict(required)
    for t, replaced in stands_in.items():
        slots.setdefault(t, f"{values.ATTACHMENT_TYPES[t]}（可代替{'、'.join(replaced)}）")
    return tuple(slots.items())


def decision_days(business_type: str) -> int:
    return rules(business_type).decision_days


def announced(business_type: str) -> bool:
    """Is a 准予 of this type announced (公告)? 第八条 names 初始注册; a 重新注册 is one too: 第十六条 sends it
    through 初始注册's conditions, and the 2006 procedure has no form of its own for it (domain.md §1)."""
    return business_type in LABELS and rules(business_type).announced


ANNOUNCED_TYPES = tuple(code for code, r in BUSINESS_TYPES.items() if r.announced)


def _kind(business_type: str, kind: str | None) -> KindRules | None:
    """The rules of the chosen kind of a business type; None for types without kinds or none chosen yet."""
    return KINDS.get(business_type, {}).get(kind or "")


def through_current_employer(business_type: str, change_kind: str | None = None) -> bool:
    """Filed through the employer that holds the registration (everything on a registration but a change
    of employer, which the new employer files)."""
    if business_type not in LABELS:
        return False
    r, kind = rules(business_type), _kind(business_type, change_kind)
    return kind.through_current_employer if kind else r.through_current_employer and r.acts_on_registration


def keeps_registration_specialties(business_type: str, change_kind: str | None = None) -> bool:
    """The application carries the registration's specialties, whatever was sent: only 初始/重新注册 and
    变更注册专业 choose them."""
    if business_type not in LABELS:
        return False
    kind = _kind(business_type, change_kind)
    return not (kind or rules(business_type)).choose_specialties


def business_label(app) -> str:
    """业务类别 of an application (or a row with its business_type and change_kind): 变更注册（变更执业单位）."""
    label = LABELS.get(app.business_type, app.business_type)
    if app.change_kind:
        label += f"（{ALL_KIND_LABELS.get(app.change_kind, app.change_kind)}）"
    return label
