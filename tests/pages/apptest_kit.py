"""Helpers of the page tests: log in, open a page, read what the user would see.

Every test gets a fresh copy of the demo database (`demo_db`, tests/conftest.py) and a fresh
AppTest. Logging in seeds the authenticator's session keys (notes/streamlit.md §2.5); the login
form itself is driven by `form_login` (common/test_login.py, common/test_session.py).

Import it as `tests.pages.apptest_kit` (the page tests live in tests/pages/<role>/, no __init__.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from google.protobuf import text_format
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 30

ENT = "demo-enterprise"
ENT2 = "demo-enterprise-2"
ENT_NAME = "北京小厉害有限公司"

HOME = "pages/enterprise/home.py"
REPORT = "pages/enterprise/report.py"
REGISTERED = "pages/enterprise/registered.py"
FORCED = "pages/enterprise/forced.py"
FORCED_APPLY = "pages/enterprise/forced_apply.py"
INFO = "pages/enterprise/info.py"
PENALTIES = "pages/enterprise/penalties.py"
APPLICATION = "pages/enterprise/application.py"
HISTORY = "pages/enterprise/history.py"

PASSWORD = "demo-pass-2026"  # every demo user's (tests/conftest.py DEMO_PASSWORD)


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def seed_login(at: AppTest, username: str) -> AppTest:
    """Put the session in the state streamlit-authenticator leaves after a successful login."""
    from db.models import User
    from services import transaction

    with transaction() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        name, role = user.display_name, user.role
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = name
    at.session_state["roles"] = [role]
    return at


def form_login(at: AppTest, username: str, password: str) -> AppTest:
    """Fill in and submit the login form the way a person does."""
    [user] = [t for t in at.text_input if t.label == "用户名"]
    [pwd] = [t for t in at.text_input if t.label == "密码"]
    [go] = [b for b in at.button if b.label == "登录"]
    user.input(username)
    pwd.input(password)
    return go.click().run()


def open_page(at: AppTest, page: str, **query) -> AppTest:
    at.query_params.clear()
    for k, v in query.items():
        at.query_params[k] = str(v)
    at.switch_page(page).run()
    return at


# ---------------------------------------------------------------- reading the page


def walk(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def node_text(node) -> str:
    """Every string a node carries: its proto as UTF-8 text, plus a dataframe's cells."""
    parts = []
    proto = getattr(node, "proto", None)
    if proto is not None:
        try:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        except Exception:  # noqa: BLE001 - some protos are not messages
            parts.append(str(proto))
    if getattr(node, "type", None) in ("arrow_data_frame", "dataframe"):
        try:
            parts.append(node.value.to_string())
        except Exception:  # noqa: BLE001
            pass
    return "\n".join(parts)


def all_text(at: AppTest) -> str:
    """What the page carries for a reader: every node's text but the hidden script of ui.locale (its table of
    Streamlit's English words is not on screen)."""
    return "\n".join(text for text in map(node_text, walk(at._tree)) if "data-zh-locale" not in text)


def no_exception(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def values(elements) -> list[str]:
    return [e.value for e in elements]


def errors(at: AppTest) -> list[str]:
    return values(at.error)


def successes(at: AppTest) -> list[str]:
    return values(at.success)


def flash_ok(at: AppTest) -> bool:
    """The 「操作成功」 a command leaves for the top of the next run is on screen."""
    return any(m.startswith("操作成功") for m in successes(at))


def infos(at: AppTest) -> list[str]:
    return values(at.info)


def captions(at: AppTest) -> list[str]:
    return values(at.caption)


def html_text(at: AppTest) -> str:
    return "\n".join(h.value for h in at.html)


def button(at: AppTest, label: str, key: str | None = None):
    found = [b for b in at.button if b.label == label and (key is None or b.key == key)]
    assert found, f"no button {label!r}; buttons: {[(b.label, b.key) for b in at.button]}"
    assert len(found) == 1, f"several buttons {label!r}: {[b.key for b in found]}"
    return found[0]


def submit(at: AppTest, form: str, label: str = "提交"):
    """The submit button of st.form(form): its key is FormSubmitter:<form>-<label>."""
    return at.button(key=f"FormSubmitter:{form}-{label}")


def dialogs(at: AppTest) -> list:
    return [n for n in walk(at._tree) if getattr(n, "type", None) == "dialog"]


def dialog_title(block) -> str:
    return block.proto.dialog.title


def table_widget_key(at: AppTest, table_key: str) -> str:
    """The full key of a list's table: ui.paged_table adds a generation, the page and the size
    (`report_table` -> `report_table_3_1_10`), so a selection never outlives an action."""
    for frame in at.dataframe:
        key = frame.proto.id.split("-", 2)[-1] if frame.proto.id else ""
        if key == table_key or key.startswith(f"{table_key}_"):
            return key
    return table_key


def select_row(at: AppTest, table_key: str, row: int) -> AppTest:
    """Select one row of an st.dataframe(on_select="rerun") the way the browser does."""
    at.session_state[table_widget_key(at, table_key)] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at


def table(at: AppTest, key: str | None = None):
    """The DataFrame of a dataframe element (the first one when no key is given)."""
    frames = at.dataframe if key is None else [d for d in at.dataframe if d.proto.id and key in d.proto.id]
    assert frames, "no dataframe on the page"
    return frames[0].value


CAPTION = re.compile(r"显示第 (\d+) 到第 (\d+) 条记录, 总共 (\d+) 条记录")


def record_caption(at: AppTest) -> tuple[int, int, int] | None:
    for c in captions(at):
        m = CAPTION.search(c)
        if m:
            return tuple(int(x) for x in m.groups())
    return None


def page_title(at: AppTest) -> str:
    return at.header[0].value if len(at.header) else ""


# ---------------------------------------------------------------- user text is not Markdown

EVIL = "**x** [点我](https://evil.example)"
LINK = re.compile(r"\[[^\]]*\]\([^)]*evil\.example")


def markdown_bodies(at: AppTest) -> list[str]:
    """Every element body that Streamlit renders as Markdown."""
    kinds = (
        "markdown",
        "header",
        "subheader",
        "title",
        "caption",
        "error",
        "warning",
        "info",
        "success",
        "toast",
        "exception",
    )
    bodies = []
    for kind in kinds:
        bodies += [e.value if isinstance(e.value, str) else str(e.value) for e in getattr(at, kind)]
    bodies += [e.label for e in at.expander]
    bodies += [b.label for b in at.button]
    bodies += [d.proto.label for d in at.get("download_button")]
    bodies += [c for img in at.image for c in img.captions]
    bodies += [d.proto.dialog.title for d in dialogs(at)]
    return bodies


def assert_no_link(at: AppTest) -> None:
    """No Markdown body carries EVIL's link as a link: user text was escaped."""
    bodies = [b for b in markdown_bodies(at) if LINK.search(b)]
    assert not bodies, f"user text rendered as Markdown: {bodies}"


# ---------------------------------------------------------------- database helpers


def actor(username: str):
    from services import transaction
    from services.auth.login import get_actor

    with transaction() as s:
        return get_actor(s, username)


def db(fn):
    """Run fn(session) in one transaction and return its result."""
    from services import transaction

    with transaction() as s:
        return fn(s)


def app_status(app_id: int) -> str:
    from db.models import Application

    return db(lambda s: s.get(Application, app_id).status)


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def valid_credit_code(prefix: str = "91110108MA01") -> str:
    """A 统一社会信用代码 with a correct check digit (GB 32100), unused by the demo data."""
    from stdnum.cn import uscc

    from db.models import Enterprise

    used = set(db(lambda s: list(s.scalars(select(Enterprise.credit_code)))))
    for n in range(100000):
        body = f"{prefix}{n:05d}"[:17]
        code = body + uscc.calc_check_digit(body)
        if uscc.is_valid(code) and code not in used:
            return code
    raise AssertionError("no free credit code")


def fill_false_materials_ban(at: AppTest, *, name: str, person_id: int, decision_no: str) -> AppTest:
    """部级版 行政处罚 【录入处罚】: a 1-year 不予注册 for false materials against `name`, found by the
    person picker, every field filled; the form still to be submitted (form key penalty_new)."""
    at.text_input(key="pen_query").input(name).run()
    at.selectbox(key="pen_person").set_value(person_id)
    at.selectbox(key="pen_category").set_value("不予注册").run()
    at.selectbox(key="pen_ban").set_value("1年")
    at.text_input(key="pen_decision_no").input(decision_no)
    at.text_input(key="pen_case").input("以提供虚假材料申请注册案")
    at.text_area(key="pen_reason").input("申请初始注册时提供虚假的社会保险证明。")
    at.text_input(key="pen_basis").input("《注册监理工程师管理规定》（建设部令第147号）")
    at.text_input(key="pen_result").input("不予注册，1年内不得再次申请注册")
    return at
