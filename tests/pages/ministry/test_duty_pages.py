"""部级版 by duty (issue 15): the menu shows only what the user's duties allow, another page's URL says
无权访问, and a page offers only the steps of the user's duty (services.kernel.duties)."""

from __future__ import annotations

import pytest

from services import workflow
from tests.pages.apptest_kit import (
    app_status,
    button,
    db,
    errors,
    infos,
    new_app,
    no_exception,
    page_title,
    seed_login,
)
from ui.session import KEPT_KEY, Kept

QUEUE = "pages/ministry/queue.py"
REVIEW = "pages/ministry/application.py"
PENALTIES = "pages/ministry/penalties.py"
DASHBOARD = "pages/ministry/dashboard.py"
AUDIT = "pages/ministry/audit.py"
NO_ACCESS = "您无权访问该页面，请从左侧菜单选择要办理的业务。"


def _menu(at, username: str) -> list[str]:
    """The titles the sidebar menu lists: the navigation app.py built for this user's role and duties."""
    from services import transaction
    from services.auth.login import get_actor

    with transaction() as s:
        actor = get_actor(s, username)
    assert actor is not None
    sections, _home = at.session_state[KEPT_KEY].menus[f"{actor.role}_{','.join(sorted(actor.duties))}"]
    return [page.title for pages in sections.values() for page in pages if page.visibility == "visible"]


def _first_app(status: str) -> int:
    from sqlalchemy import select

    from db.models import Application

    return db(
        lambda s: s.scalars(select(Application.id).where(Application.status == status).order_by(Application.id)).first()
    )


def _offered(at) -> list[str]:
    """The steps a page offers: its buttons and its expanders (一次性告知补正, 不予注册 open a form)."""
    return [b.label for b in at.button] + [e.label for e in at.expander]


def _link(username: str, page: str):
    """`page`'s URL opened as a link, then logged in as `username` (the way a deep link is followed)."""
    at = new_app().run()
    at.switch_page(page)
    return no_exception(seed_login(at, username).run())


def _open(at, page: str, **query):
    at.query_params.clear()
    for k, v in query.items():
        at.query_params[k] = str(v)
    at.switch_page(page).run()
    return no_exception(at)


def test_an_analyst_sees_the_dashboards_only_and_no_access_on_the_queue(demo_db):
    at = no_exception(seed_login(new_app(), "demo-analyst").run())
    assert page_title(at) == "统计分析"  # the home page: the first the duties allow
    assert _menu(at, "demo-analyst") == ["统计分析", "消息中心"]
    at = _link("demo-analyst", QUEUE)
    assert "无权访问" in [t.value for t in at.title]
    assert errors(at) == [NO_ACCESS]
    assert len(at.dataframe) == 0


def test_a_reviewer_starts_at_the_queue_and_never_sees_the_dashboards_or_the_audit_log(demo_db):
    at = no_exception(seed_login(new_app(), "demo-review").run())
    assert page_title(at) == "注册审批"
    assert _menu(at, "demo-review") == ["注册审批", "强制注销审核", "企业重要信息审核", "行政处罚", "消息中心"]
    for page in (DASHBOARD, AUDIT):
        assert errors(_link("demo-review", page)) == [NO_ACCESS], page


def test_the_full_ministry_user_keeps_every_page(demo_db):
    at = no_exception(seed_login(new_app(), "demo-ministry").run())
    assert page_title(at) == "统计分析"
    assert _menu(at, "demo-ministry") == [
        "统计分析",
        "注册审批",
        "强制注销审核",
        "企业重要信息审核",
        "行政处罚",
        "用户管理",
        "审计日志",
        "数据导入",
        "消息中心",
    ]


def test_a_reviewer_accepts_and_examines_but_is_offered_no_decision(demo_db):
    at = no_exception(seed_login(new_app(), "demo-review").run())
    assert button(at, "受理", key="btn_accept")  # the queue's batch 受理
    _open(at, REVIEW, id=_first_app(workflow.UNDER_REVIEW))
    offered = _offered(at)
    assert "准予注册" not in offered and "不予注册" not in offered
    assert "一次性告知补正" in offered
    _open(at, REVIEW, id=_first_app(workflow.ACCEPTED))
    assert "审查" in _offered(at)


def test_a_decider_decides_but_does_not_accept(demo_db):
    at = no_exception(seed_login(new_app(), "demo-decide").run())
    assert page_title(at) == "注册审批"
    assert "受理" not in [b.label for b in at.button]
    _open(at, REVIEW, id=_first_app(workflow.UNDER_REVIEW))
    offered = _offered(at)
    assert "准予注册" in offered and "不予注册" in offered and "一次性告知补正" not in offered
    _open(at, REVIEW, id=_first_app(workflow.REPORTED))
    assert "受理" not in [b.label for b in at.button]


def test_a_stale_approve_click_of_a_reviewer_is_refused_with_the_message(demo_db):
    """A 准予注册 click that reaches a reviewer's run (drawn before the duties changed): the service refuses."""
    at = no_exception(seed_login(new_app(), "demo-review").run())
    app_id = _first_app(workflow.UNDER_REVIEW)
    _open(at, REVIEW, id=app_id)
    at.session_state["act_approve"] = True  # the click on a 准予注册 drawn by an earlier run
    no_exception(at.run())
    button(at, "确定", key="dlg_approve_ok").click().run()
    assert "无权进行此操作" in errors(at)
    assert app_status(app_id) == workflow.UNDER_REVIEW


@pytest.mark.parametrize("username,recording", [("demo-review", False), ("demo-decide", True)])
def test_only_the_decider_records_penalties(demo_db, username, recording):
    at = _open(no_exception(seed_login(new_app(), username).run()), PENALTIES)
    assert page_title(at) == "行政处罚"
    assert len(at.dataframe) == 1  # both read the records
    assert ("录入处罚" in [t.label for t in at.tabs]) is recording


def test_a_ministry_user_without_duties_is_told_so(demo_db):
    from sqlalchemy import update

    from db.models import User

    db(lambda s: s.execute(update(User).where(User.username == "demo-analyst").values(duties="")))
    at = no_exception(seed_login(new_app(), "demo-analyst").run())
    assert "尚未分配职责" in [t.value for t in at.title]
    assert infos(at) == ["您的账户尚未分配职责，请联系系统管理员。"]
    assert errors(_link("demo-analyst", QUEUE)) == [NO_ACCESS]


def test_the_cached_dashboards_are_not_read_without_the_analyse_duty(demo_db):
    """统计分析 is cached for every analyst: a ministry user without the duty, running the page's script
    (behind the navigation's refusal), gets the service's refusal, not an analyst's cached figures."""
    from streamlit.testing.v1 import AppTest

    from tests.pages.apptest_kit import ROOT, TIMEOUT, actor

    for username, refused in (("demo-analyst", False), ("demo-review", True)):
        at = AppTest.from_file(str(ROOT / DASHBOARD), default_timeout=TIMEOUT)
        at.session_state[KEPT_KEY] = Kept(actor=actor(username))
        no_exception(at.run())
        assert ("无权进行此操作" in errors(at)) is refused, username
        assert (len(at.get("plotly_chart")) == 0) is refused, username
