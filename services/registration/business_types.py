"""Business types (业务类别) of an application, as ONE table: per type its label, materials, checks,
effect of approval and statutory decision time (domain.md §4). Filing, approval, deadlines, the dashboards
and the pages read it; adding a business type or changing its materials is one edit here.

A 变更注册 comes in kinds (变更执业单位, 变更注册专业, 单位更名, 个人信息变更) that differ in who files it
and what it changes; their rules are in CHANGE_KINDS.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.kernel import values
from services.kernel.vocabulary import BusinessType, ChangeKind


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
    decision_days: int  # statutory working days from 受理 to the decision (domain.md §4.4)
    effect: Effect
    acts_on_registration: bool  # needs a current registration (延续, 变更, 注销, 补办) or creates one
    needs_certificate: bool = False  # a 资格证书 (第十条)
    needs_earlier_registration: bool = False  # 重新注册: a deregistered or lapsed one
    age_limit: bool = True  # 第十三条(六) refuses registration over the age limit; 注销 stays open
    through_current_employer: bool = True  # filed through the employer that holds the registration
    choose_specialties: bool = False  # the applicant chooses the specialties (else the registration's)
    # Decided only while the registration is valid: 变更 (第十二条: 在注册有效期内) and 补办 (the certificate
    # lapses at the end of its validity, 第十四条第（五）项). 延续 filed in time and 注销 are decided after it too.
    within_validity: bool = False

    @property
    def label(self) -> str:
        return values.BUSINESS_TYPES[self.code]


BUSINESS_TYPES: dict[BusinessType, Rules] = {
    r.code: r
    for r in (
        Rules(
            BusinessType.INITIAL,
            ("SFZ", "ZGZS", "LDHT", "SBZM", "ZP"),
            20,
            Effect.NEW_REGISTRATION,
            acts_on_registration=False,
            needs_certificate=True,
            through_current_employer=False,
            choose_specialties=True,
        ),
        Rules(
            BusinessType.RENEWAL,
            ("SFZ", "LDHT", "SBZM", "JXJY"),
            10,
            Effect.NEW_PERIOD,
            acts_on_registration=True,
        ),
        Rules(
            BusinessType.CHANGE,
            ("SFZ", "LDHT", "SBZM"),
            10,
            Effect.CHANGE,
            acts_on_registration=True,
            within_validity=True,
        ),
        Rules(
            BusinessType.DEREGISTRATION,
            ("SFZ",),
            10,
            Effect.END,
            acts_on_registration=True,
            age_limit=False,
        ),
        Rules(
            BusinessType.REPLACEMENT,
            ("SFZ", "YSSM", "ZP"),
            10,
            Effect.NEW_CERTIFICATE,
            acts_on_registration=True,
            within_validity=True,
        ),
        Rules(
            BusinessType.REREGISTRATION,
            ("SFZ", "ZGZS", "LDHT", "SBZM", "JXJY"),
            20,
            Effect.NEW_REGISTRATION,
            acts_on_registration=False,
            needs_certificate=True,
            needs_earlier_registration=True,
            through_current_employer=False,
            choose_specialties=True,
        ),
    )
}


@dataclass(frozen=True)
class ChangeRules:
    code: ChangeKind
    through_current_employer: bool  # 变更执业单位 is filed through the new employer
    choose_specialties: bool  # 变更注册专业 chooses new specialties

    @property
    def label(self) -> str:
        return values.CHANGE_KINDS[self.code]


CHANGE_KINDS: dict[ChangeKind, ChangeRules] = {
    r.code: r
    for r in (
        ChangeRules(
            ChangeKind.EMPLOYER,
            through_current_employer=False,
            choose_specialties=False,
        ),
        ChangeRules(
            ChangeKind.SPECIALTY,
            through_current_employer=True,
            choose_specialties=True,
        ),
        ChangeRules(
            ChangeKind.RENAME,
            through_current_employer=True,
            choose_specialties=False,
        ),
        ChangeRules(
            ChangeKind.PERSONAL,
            through_current_employer=True,
            choose_specialties=False,
        ),
    )
}

# The labels are vocabulary (values.BUSINESS_TYPES, values.CHANGE_KINDS); the table covers each code.
LABELS = values.BUSINESS_TYPES
CHANGE_LABELS = values.CHANGE_KINDS
assert set(BUSINESS_TYPES) == set(LABELS) and set(CHANGE_KINDS) == set(CHANGE_LABELS)


def rules(business_type: str) -> Rules:
    """The rules of a business type code; KeyError for an unknown one."""
    return BUSINESS_TYPES[BusinessType(business_type)]


def materials(business_type: str) -> tuple[str, ...]:
    return rules(business_type).materials


def decision_days(business_type: str) -> int:
    return rules(business_type).decision_days


def _change(business_type: str, change_kind: str | None) -> ChangeRules | None:
    """The rules of the chosen kind of a 变更注册; None for other types or no kind chosen yet."""
    if business_type == BusinessType.CHANGE and change_kind in CHANGE_LABELS:
        return CHANGE_KINDS[ChangeKind(change_kind)]
    return None


def through_current_employer(business_type: str, change_kind: str | None = None) -> bool:
    """Filed through the employer that holds the registration (everything on a registration but a change
    of employer, which the new employer files)."""
    if business_type not in LABELS:
        return False
    r, kind = rules(business_type), _change(business_type, change_kind)
    return kind.through_current_employer if kind else r.through_current_employer and r.acts_on_registration


def keeps_registration_specialties(business_type: str, change_kind: str | None = None) -> bool:
    """The application carries the registration's specialties, whatever was sent: only 初始/重新注册 and
    变更注册专业 choose them."""
    if business_type not in LABELS:
        return False
    kind = _change(business_type, change_kind)
    return not (kind or rules(business_type)).choose_specialties


def business_label(app) -> str:
    """业务类别 of an application (or a row with its business_type and change_kind): 变更注册（变更执业单位）."""
    label = LABELS.get(app.business_type, app.business_type)
    if app.change_kind:
        label += f"（{CHANGE_LABELS.get(app.change_kind, app.change_kind)}）"
    return label
