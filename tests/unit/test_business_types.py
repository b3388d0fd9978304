"""The business-type table: every type has its rules, and the questions the code asks of it answer as the
rules of 建设部令第147号 and the 2017 procedure say (domain.md §4)."""

import pytest

from services.kernel import values
from services.registration import business_types as bt
from services.registration.business_types import BusinessType, ChangeKind, Effect


def test_every_business_type_and_change_kind_has_rules():
    assert set(bt.BUSINESS_TYPES) == set(values.BUSINESS_TYPES)
    assert set(bt.CHANGE_KINDS) == set(values.CHANGE_KINDS)
    for code, rules in bt.BUSINESS_TYPES.items():
        assert rules.label == values.BUSINESS_TYPES[code]
        assert set(rules.materials) <= set(values.ATTACHMENT_TYPES), code
        assert "SFZ" in rules.materials  # every filing proves the identity
        assert rules.decision_days in (10, 20)


@pytest.mark.parametrize(
    "code, effect, days",
    [
        ("CS", Effect.NEW_REGISTRATION, 20),
        ("CX", Effect.NEW_REGISTRATION, 20),
        ("YX", Effect.NEW_PERIOD, 10),
        ("BG", Effect.CHANGE, 10),
        ("ZX", Effect.END, 10),
        ("YS", Effect.NEW_CERTIFICATE, 10),
    ],
)
def test_effect_and_decision_days(code, effect, days):
    assert (bt.rules(code).effect, bt.decision_days(code)) == (effect, days)


def test_only_initial_and_reregistration_need_a_certificate_and_no_registration():
    assert {c for c, r in bt.BUSINESS_TYPES.items() if not r.acts_on_registration} == {"CS", "CX"}
    assert {c for c, r in bt.BUSINESS_TYPES.items() if r.needs_certificate} == {"CS", "CX"}
    assert {c for c, r in bt.BUSINESS_TYPES.items() if r.needs_earlier_registration} == {"CX"}


def test_the_age_limit_does_not_bar_deregistration():
    assert {c for c, r in bt.BUSINESS_TYPES.items() if not r.age_limit} == {BusinessType.DEREGISTRATION}


@pytest.mark.parametrize(
    "code, kind, current_employer, keeps_specialties",
    [
        ("CS", None, False, False),
        ("CX", None, False, False),
        ("YX", None, True, True),
        ("ZX", None, True, True),
        ("YS", None, True, True),
        ("BG", None, True, True),  # kind not chosen yet
        ("BG", ChangeKind.EMPLOYER, False, True),  # the new employer files; the specialties stay
        ("BG", ChangeKind.SPECIALTY, True, False),  # the current employer files new specialties
        ("BG", ChangeKind.RENAME, True, True),
        ("BG", ChangeKind.PERSONAL, True, True),
        (None, None, False, False),  # nothing chosen
    ],
)
def test_who_files_and_whose_specialties(code, kind, current_employer, keeps_specialties):
    assert bt.through_current_employer(code, kind) is current_employer
    assert bt.keeps_registration_specialties(code, kind) is keeps_specialties


def test_business_label_names_the_change_kind():
    class Row:
        business_type, change_kind = "BG", "BG-DW"

    assert bt.business_label(Row) == "变更注册（变更执业单位）"
    Row.business_type, Row.change_kind = "YX", None
    assert bt.business_label(Row) == "延续注册"
