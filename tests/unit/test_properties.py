"""Property tests (hypothesis): validators against generated valid and broken numbers, and the
workflow table against random sequences of actions by random roles."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from services import workflow as wf
from services.kernel.actor import ROLES
from services.kernel.errors import InvalidTransition
from services.kernel.masking import mask_id_number, mask_phone
from services.kernel.validators import credit_code_error, id_number_error

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@st.composite
def id_numbers(draw) -> str:
    """A valid 18-digit 居民身份证 number with a real birth date."""
    region = draw(st.sampled_from(["110105", "320102", "429006", "440303", "650102"]))
    born = draw(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2008, 12, 31)))
    body = f"{region}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + ric.calc_check_digit(body + "0")


@st.composite
def credit_codes(draw) -> str:
    body = (
        "91"
        + draw(st.sampled_from(["110105", "320102", "440303"]))
        + "".join(draw(st.lists(st.sampled_from(USCC_ALPHABET), min_size=9, max_size=9)))
    )
    return body + uscc.calc_check_digit(body)


@given(id_numbers())
def test_generated_id_numbers_are_valid(number):
    assert id_number_error(number) is None
    assert id_number_error(number.lower()) is None


@given(id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_one_changed_character_is_caught(number, position, char):
    broken = number[:position] + char + number[position + 1 :]
    if broken != number:
        # MOD 11-2 catches every single substitution, unless it yields an impossible date first
        assert id_number_error(broken) is not None


@given(credit_codes())
def test_generated_credit_codes_are_valid(code):
    assert credit_code_error(code) is None


@given(credit_codes(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_one_changed_credit_code_character_is_caught(code, position, char):
    broken = code[:position] + char + code[position + 1 :]
    if broken != code:
        assert credit_code_error(broken) is not None


@given(st.text(max_size=40))
@example("²" * 17 + "1")  # isdigit() says yes, int() says no: once a crash
@example("１" * 17 + "X")  # full-width digits
def test_validators_never_crash_on_any_text(text):
    assert id_number_error(text) is None or isinstance(id_number_error(text), str)
    assert credit_code_error(text) is None or isinstance(credit_code_error(text), str)


@given(id_numbers(), st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_masking_hides_the_middle_and_keeps_the_length(number, phone):
    masked = mask_id_number(number)
    assert len(masked) == len(number) and masked[8:14] == "******" and masked[-4:] == number[-4:]
    assert mask_phone(phone) == phone[:3] + "****" + phone[-4:]


ACTIONS = {kind: sorted({t.action for t in transitions}) for kind, transitions in wf.TRANSITIONS.items()}


@settings(max_examples=300)
@given(st.sampled_from(sorted(wf.TRANSITIONS)), st.data())
def test_random_actions_never_leave_the_table(kind, data):
    """Any sequence of (role, action): each one either follows the table exactly or is refused
    and changes nothing; every accepted one is recorded, so the history replays to the status."""
    status = wf.INITIAL_STATUS[kind]
    history = []
    for _ in range(data.draw(st.integers(1, 25))):
        role = data.draw(st.sampled_from(ROLES))
        action = data.draw(st.sampled_from(ACTIONS[kind]))
        allowed = action in wf.allowed_actions(kind, status, role)
        try:
            new = wf.next_status(kind, status, action, role)
        except InvalidTransition:
            assert not allowed
            continue
        # a 系统终止 is no button: allowed_actions never offers it (services.registration.conflicts takes it)
        assert allowed != wf.find_transition(kind, action).system and new in wf.STATUS_LABELS[kind]
        history.append((status, action, role, new))
        status = new
    replay = wf.INITIAL_STATUS[kind]
    for before, action, role, _after in history:
        assert before == replay
        replay = wf.next_status(kind, replay, action, role)
    assert replay == status
