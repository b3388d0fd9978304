"""What the screen tour at 1024×768 found wrong (s21): each test failed before its fix.

The widths are those the page hands the browser's grid (ui.tables fits every list to the main area a
1024 px screen leaves, ui.layout.LIST_WIDTH); the screenshots are in the session's report.
"""

from __future__ import annotations

import json

import pytest

from services.kernel import values
from tests import factories
from tests.pages.apptest_kit import no_exception

MESSAGES = "pages/common/messages.py"


def _widths(frame) -> dict[str, int]:
    """Column widths in px the page gave st.dataframe (its column config travels as JSON)."""
    config = json.loads(frame.proto.columns)
    return {name: c["width"] for name, c in config.items() if isinstance(c.get("width"), int)}


def test_a_message_title_is_readable_in_the_list_at_1024(login):
    # Before: 标题 got the width of its two-character header (36 px): "测试消息4：您的注" and cut.
    factories.message_for("demo-applicant", "您的注册申请已受理，请关注审批进度")
    at = no_exception(login("demo-applicant", MESSAGES))
    [frame] = at.dataframe
    widths = _widths(frame)
    assert widths["标题"] >= 400  # about 28 characters at 14 px
    assert widths["标题"] > 2 * max(w for c, w in widths.items() if c != "标题")
    assert widths["状态"] <= 60  # 已读 / 未读: two characters


def test_an_image_toggle_label_fits_its_column_at_1024():
    # Before: three columns, ~250 px each at 1024: "查看 监理工程师资格证书：ZGZ…" (业务审批, 附件材料).
    from ui.fragments.attachments import IMAGE_COLUMNS
    from ui.layout import LIST_WIDTH
    from ui.tables import header_width

    expander_padding, column_gap, switch = 2 * 16, 16, 36
    column = (LIST_WIDTH - expander_padding - (IMAGE_COLUMNS - 1) * column_gap) / IMAGE_COLUMNS
    # the longest common type with a scanner's usual file name
    assert header_width("查看 监理工程师资格证书：资格证书扫描件.png") + switch <= column


def test_a_small_attachment_is_never_listed_as_0_kb(login):
    # Before: a file under 512 bytes showed 大小 "0 KB" (个人版 申请详情, 附件材料).
    from services import workflow

    app_id = factories.application(workflow.ENT_REJECTED, name="小附件")
    at = no_exception(login(factories.applicant_username(app_id), "pages/applicant/application.py", id=str(app_id)))
    sizes = [frame.value for frame in at.dataframe if "大小" in frame.value.columns][0]["大小"]
    assert len(sizes) >= 5 and "0 KB" not in list(sizes)
    assert set(sizes) == {"1 KB"}  # the factories' files are a few hundred bytes


def _offered(at) -> list[str]:
    kinds = set(values.MESSAGE_KIND_LABELS.values())
    return [c.label for c in at.checkbox if c.label in kinds]


@pytest.mark.parametrize(
    ("username", "offered"),
    [
        ("demo-ministry", ["办理时限提醒"]),
        ("demo-applicant", ["申请进度", "补正通知", "审批结果", "强制注销与企业信息审核", "注册到期提醒"]),
        (
            "demo-enterprise",
            ["申请进度", "补正通知", "审批结果", "强制注销与企业信息审核", "注册到期提醒", "到期人员每日汇总"],
        ),
    ],
)
def test_reminder_settings_offer_only_the_kinds_the_role_is_sent(login, username, offered):
    # Before: every role was offered all seven kinds; the ministry is only ever sent 办理时限提醒.
    at = no_exception(login(username, MESSAGES))
    assert _offered(at) == offered


def test_the_kinds_offered_cover_every_event_rule():
    from services.kernel.actor import APPLICANT, ENTERPRISE
    from services.notifications.events import EMPLOYER, ENGINEER, RULES
    from services.notifications.inbox import KINDS_BY_ROLE

    role = {ENGINEER: APPLICANT, EMPLOYER: ENTERPRISE}
    for rule in RULES.values():
        for party in rule.parties:
            assert rule.kind in KINDS_BY_ROLE[role[party]], (rule, party)


def test_saving_the_settings_keeps_the_kinds_not_offered(login, actor_of):
    from services import transaction
    from services.notifications import inbox

    at = no_exception(login("demo-ministry", MESSAGES))
    [box] = [c for c in at.checkbox if c.label == "办理时限提醒"]
    box.uncheck()
    [save] = [b for b in at.button if b.label == "保存"]
    at = no_exception(save.click().run())
    with transaction() as s:
        prefs = inbox.get_preferences(s, actor_of("demo-ministry"))
    assert prefs.by_email["deadline"] is False and prefs.by_email["progress"] is True


def test_the_steps_table_fits_1024_without_scrolling_sideways(login):
    # Before: 意见 was "large" (400 px): at 1024 the grid ran 150 px past the main area and the end of
    # each 意见 (a 补正 list, the 公告 time limit) could only be reached by scrolling sideways.
    from services import workflow
    from ui.layout import LIST_WIDTH
    from ui.tables import GRID_EDGES

    app_id = factories.application(workflow.ENT_REJECTED, name="看进度")
    at = no_exception(login(factories.applicant_username(app_id), "pages/applicant/application.py", id=str(app_id)))
    [steps] = [frame for frame in at.dataframe if "意见" in frame.value.columns]
    widths = _widths(steps)
    assert set(widths) == set(steps.value.columns)  # every column sized, none left to the grid
    assert sum(widths.values()) <= LIST_WIDTH - GRID_EDGES
    assert widths["意见"] == max(widths.values()) and widths["意见"] >= 250


def test_after_changing_the_password_the_login_form_says_so_in_green(login):
    # Before: the success was a one-run flash, then the login form showed red 「登录已失效，请重新登录。」.
    from tests.pages.apptest_kit import PASSWORD, all_text, errors, form_login, successes

    at = no_exception(login("demo-applicant", "pages/common/password.py"))
    inputs = {t.label: t for t in at.text_input}
    inputs["原密码"].input(PASSWORD)
    inputs["新密码"].input("a-new-pass-12")
    inputs["确认新密码"].input("a-new-pass-12")
    at = no_exception(at.button(key="FormSubmitter:change_password-确认修改").click().run())
    for _ in range(2):  # and on the reruns the cookie component causes
        assert "用户登录" in all_text(at)
        assert successes(at) == ["密码已修改，请使用新密码重新登录。"]
        assert not errors(at)
        at = no_exception(at.run())
    at = no_exception(form_login(at, "demo-applicant", "a-new-pass-12").run())
    assert "密码已修改" not in all_text(at)  # gone once they log in again


def test_the_login_title_stays_on_one_line_at_1024():
    # Before: columns 1, 2, 1 left the box 493 px at 1024; the 44 px title broke before its last character.
    from ui.layout import LOGIN_COLUMNS, MIN_SCREEN, NARROW_PADDING, SCROLLBAR

    gaps = 2 * 16
    box = (MIN_SCREEN - sum(NARROW_PADDING) - SCROLLBAR - gaps) * LOGIN_COLUMNS[1] / sum(LOGIN_COLUMNS)
    title, size, anchor = "注册监理工程师管理系统", 44, 24  # h1 px, and the heading's link icon's room
    assert len(title) * size + anchor <= box


def test_the_penalty_person_picker_after_a_search_that_found_nobody(login):
    # Before: the picker still said 「请先输入姓名、证件号码或注册号查找」 under the name just typed.
    at = no_exception(login("demo-ministry", "pages/ministry/penalties.py"))
    assert at.selectbox(key="pen_person").placeholder == "请先输入姓名、证件号码或注册号查找"
    at = no_exception(at.text_input(key="pen_query").input("没有这个人").run())
    assert at.selectbox(key="pen_person").placeholder == "请换一个姓名、证件号码或注册号查找"
    assert "没有找到匹配的人员" in [i.value for i in at.info]


def test_saving_a_penalty_says_which_one_was_recorded(login):
    # Before: only 「操作成功」, and the form emptied: nothing said what had been recorded.
    from tests.pages.apptest_kit import fill_false_materials_ban, submit, successes

    nobody = factories.engineer(name="柏看反馈")
    at = login("demo-ministry", "pages/ministry/penalties.py")
    fill_false_materials_ban(at, name="柏看反馈", person_id=nobody.person_id, decision_no="建督罚字〔2026〕78号")
    at = no_exception(submit(at, "penalty_new").click().run())
    assert "操作成功，已录入行政处罚：建督罚字〔2026〕78号（不予注册）" in successes(at)


def test_an_opinion_longer_than_its_column_is_shown_in_full_under_the_steps(login):
    # Before: a grid cell does not wrap; at 1024 px an 意见 past about 18 characters was cut, with no
    # way to read the rest (no tooltip, no wider column that fits).
    from services import transaction, workflow
    from services.registration import reporting
    from tests.pages.apptest_kit import all_text

    reason = "执业资格证书扫描件不清晰，身份证复印件缺少反面，劳动合同未加盖单位公章，请补齐后重新提交（最后一句）"
    app_id = factories.application(workflow.PENDING_ENT, name="长意见")
    with transaction() as s:
        reporting.refuse_application(s, factories.enterprise_actor(), application_id=app_id, reason=reason)
    at = no_exception(login(factories.applicant_username(app_id), "pages/applicant/application.py", id=str(app_id)))
    captions = [c.value for c in at.caption]
    shown = [c for c in captions if "步意见：" in c]
    assert len(shown) == 1 and "（最后一句）" in shown[0], captions  # the long one, not the steps that fit
    assert "（最后一句）" in all_text(at)
