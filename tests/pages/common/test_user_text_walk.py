"""DESIGN.md rule 16 on every screen: user text never reaches the browser as live Markdown.

Every text a person can type (enterprise, person and user names, reasons, opinions, file names,
penalty texts) is poisoned in the database with a Markdown payload; then every page of every role is
opened, its toggles switched on, a row of each list selected and its dialogs opened. Each string the
browser renders as Markdown (bodies, labels, help, captions, options of radios and pills, tab,
expander and dialog titles, metric values, table cells; found by a browser probe of Streamlit 1.67)
must carry the payload inert: no emphasis, no link or image, no bare URL (which GFM turns into a
link even when escaped), no icon. Plain-text places (st.text, st.dataframe, selectbox options,
input values) may show it as it is.
"""

from __future__ import annotations

import ast
import re

from google.protobuf.message import Message
from sqlalchemy import func, select, update

from db.models import (
    Application,
    Attachment,
    Enterprise,
    ForcedDeregistration,
    InfoChangeRequest,
    Penalty,
    Person,
    Registration,
    User,
    WorkflowStep,
)
from services.kernel import actor as roles
from tests import factories
from tests.pages.apptest_kit import ROOT, db, dialogs, new_app, open_page, seed_login, select_row, walk

MARK = "粗"  # only strings holding it are judged: the app's own Markdown stays out of the way
POISON = f"**{MARK}**![p](http://x.io/p)[l](/x)"  # fits the shortest poisoned column (32)
LONG = POISON + " <b>h</b> :material/home: www.x.io a@x.io"

# What a person types, by table. Codes, numbers and value-list entries are left alone.
USER_TEXT = {
    Enterprise: ["name", "registry_name", "address", "legal_rep", "contact_person", "qualification"],
    Person: ["name", "school", "major"],
    User: ["display_name"],
    Application: ["person_name", "return_reason"],
    ForcedDeregistration: ["reason_detail"],
    InfoChangeRequest: ["old_name", "new_name", "reason"],
    WorkflowStep: ["actor_name", "opinion"],
    Attachment: ["original_name"],
    Penalty: [
        "decision_no",
        "case_name",
        "reason",
        "legal_basis",
        "party_name",
        "legal_rep",
        "result",
        "authority",
        "enterprise_at_time",
        "project_name",
        "notice_no",
    ],
}

# Where Streamlit renders a string as plain text although its field has a Markdown-ish name.
PLAIN = {("Text", "body"), ("Json", "body"), ("Html", "body"), ("Selectbox", "options"), ("MultiSelect", "options")}
MARKDOWN_FIELDS = {"body", "label", "help", "caption", "captions", "title", "delta", "text", "content", "options"}

# What the payload turns into when it reaches Markdown unescaped (backslashes do not stop a bare URL).
ACTIVE = {
    "emphasis": re.compile(rf"(?<!\\)\*(?<!\\)\*{MARK}"),
    "link or image": re.compile(r"(?<!\\)\]\\?\("),
    "bare URL": re.compile(r"(?i)(https?\\?:\\?/\\?/|(?<![\w\u2060])www\\?\.|@\\?[\w-]+\\?\.\w)"),
    "icon": re.compile(r"\\?:material/"),
}


def active_parts(text: str) -> list[str]:
    """The constructs the payload would become if `text` were rendered as Markdown."""
    if MARK not in text:
        return []
    return [name for name, pattern in ACTIVE.items() if pattern.search(text)]


def _strings(message: Message):
    """(type.field, string) of every string a message renders as Markdown, nested messages included."""
    kind = type(message).__name__
    for field, value in message.ListFields():
        items = value if hasattr(value, "__len__") and not isinstance(value, (str, bytes, Message)) else [value]
        for item in items:
            if isinstance(item, Message):
                yield from _strings(item)
            elif isinstance(item, str) and field.name in MARKDOWN_FIELDS and (kind, field.name) not in PLAIN:
                yield f"{kind}.{field.name}", item
    if kind == "Exception" and message.message_is_markdown:
        yield "Exception.message", message.message


def rendered_markdown(at) -> list[tuple[str, str]]:
    """(where, text) for every Markdown-rendered string on the page, st.table cells included."""
    found = []
    for node in walk(at._tree):
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            found += list(_strings(proto))
        if getattr(node, "type", None) == "table":
            found += [("Table.cell", str(v)) for v in node.value.to_numpy().ravel()]
    return found


def leaks(at) -> list[str]:
    """What on the page would render the payload live: `where: text -> constructs`."""
    bad = [f"{where}: {text!r} -> {active_parts(text)}" for where, text in rendered_markdown(at) if active_parts(text)]
    return bad + [f"Html.body: {h.value[:80]!r}… -> raw HTML" for h in at.html if "<b>h</b>" in h.value]


# --------------------------------------------------------------------------- the walk

DIALOG_BUTTONS = {"进度详情", "不通过", "撤回", "撤销申请"}  # they only open a dialog
SEARCHES = {"ap_ent_q": MARK, "pen_query": MARK, "fa_query": MARK}  # lists that wait for a search


def _role_pages() -> dict[str, list[str]]:
    """app.py's PAGES: every script per role, the hidden ones included."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    [node] = [n for n in ast.walk(tree) if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "PAGES"]
    return {
        getattr(roles, key.id): [spec[0] for specs in ast.literal_eval(value).values() for spec in specs]
        for key, value in zip(node.value.keys, node.value.values)
    }


def _poison() -> None:
    def run(s):
        for model, columns in USER_TEXT.items():
            table = model.__table__
            values = {}
            for name in columns:
                length = getattr(table.c[name].type, "length", None)
                values[name] = LONG if length is None or length >= len(LONG) else POISON
            s.execute(update(model).values(**values))
        s.execute(update(Enterprise).values(registry_name="新" + LONG))  # 登记信息已变更: both names shown

    db(run)


def _detail_ids() -> dict[str, int]:
    """The ?id= of each detail page: an application with images per role, a registration with history."""

    def run(s):
        ent = s.scalar(select(User.enterprise_id).where(User.username == "demo-enterprise"))
        person = s.scalar(select(User.person_id).where(User.username == "demo-applicant"))
        with_image = (
            select(Application.id)
            .join(Attachment, (Attachment.request_id == Application.id) & (Attachment.request_type == "application"))
            .where(Attachment.content_type.like("image/%"))
        )
        return {
            "pages/enterprise/application.py": s.scalar(with_image.where(Application.enterprise_id == ent).limit(1)),
            "pages/ministry/application.py": s.scalar(with_image.where(Application.status == "REPORTED").limit(1)),
            "pages/applicant/application.py": s.scalar(
                select(func.max(Application.id)).where(Application.person_id == person)
            ),
            "pages/enterprise/history.py": s.scalar(
                select(Registration.id).where(Registration.enterprise_id == ent).order_by(Registration.id).limit(1)
            ),
        }

    return db(run)


def _selection_tables(at) -> list[tuple[str, int]]:
    """(key, rows) of each list whose rows can be selected (ui.paged_table's generated suffix cut off)."""
    return [
        (f.proto.id.split("-", 2)[-1].split("_table_")[0], len(f.value))
        for f in at.dataframe
        if f.proto.selection_mode and f.proto.id
    ]


def _switch_on(at):
    toggles = [t for t in at.toggle if not t.value]
    for t in toggles:
        t.set_value(True)
    return at.run() if toggles else at


class Walk:
    def __init__(self) -> None:
        self.leaks: dict[str, list] = {}
        self.carried: set[str] = set()  # where the payload reached Markdown (escaped): Heading.body, ...

    def check(self, at, where: str) -> None:
        assert not at.exception, (where, [e.value for e in at.exception])
        self.carried |= {kind for kind, text in rendered_markdown(at) if MARK in text}
        if found := leaks(at):
            self.leaks[where] = found

    def open(self, user: str, page: str, **query):
        at = seed_login(new_app(), user).run()
        open_page(at, page, **query)
        searches = [key for key in SEARCHES if key in {t.key for t in at.text_input}]
        for key in searches:
            at.text_input(key=key).input(SEARCHES[key])
        return at.run() if searches else at

    def page(self, user: str, page: str, query: dict) -> None:
        at = self.open(user, page, **query)
        self.check(at, page)
        self.check(_switch_on(at), f"{page} toggles")
        for table, rows in _selection_tables(at):
            for row in sorted({0, rows - 1}):  # oldest and newest: the lists sort either way
                self.row(user, page, query, table, row)

    def row(self, user: str, page: str, query: dict, table: str, row: int, click: str | None = None) -> None:
        at = self.open(user, page, **query)
        select_row(at, table, row).run()
        if click is None:
            self.check(_switch_on(at), f"{page} {table}[{row}]")
            for label in [b.label for b in at.button if b.label in DIALOG_BUTTONS and not b.disabled]:
                self.row(user, page, query, table, row, label)
        else:
            [b for b in at.button if b.label == click][0].click().run()
            self.check(at, f"{page} {table}[{row}] {click}")
            assert dialogs(at), f"{click} opened no dialog on {page}"


def test_no_screen_renders_user_text_as_markdown(demo_db):
    factories.forced_request()  # a request whose attachment is an image: its caption and 查看 toggle
    ids = _detail_ids()
    _poison()
    users = {roles.ENTERPRISE: "demo-enterprise", roles.MINISTRY: "demo-ministry", roles.APPLICANT: "demo-applicant"}
    walk_ = Walk()
    for role, pages in _role_pages().items():
        for page in pages:
            query = {"id": ids[page]} if page in ids else {}
            walk_.page(users[role], page, query)
    assert walk_.leaks == {}
    # not vacuous: names and file names reached headers, captions, labels and image captions
    assert {"Heading.body", "Markdown.body", "DownloadButton.label", "Checkbox.label", "Image.caption"} <= walk_.carried


def test_the_check_sees_each_active_part():
    assert active_parts(POISON) == ["emphasis", "link or image", "bare URL"]
    assert active_parts(":material/home: " + MARK) == ["icon"]
    assert active_parts(f"{MARK} www.x.io") == ["bare URL"]
    assert active_parts(f"{MARK} a@x.io") == ["bare URL"]
    assert active_parts("[注册信息公开查询](?view=verify)") == []  # the app's own Markdown
