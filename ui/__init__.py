"""Streamlit helpers shared by the pages (DESIGN.md "Layout"), imported only by app.py and pages/.

    session   the actor gate and login state          calls    the one way to run a use case
    errors    the error boundary: anything unexpected ends the run with a Chinese message
    tables    paged lists, exports, steps            dialogs  「信息」 confirmations, 进度详情
    layout    sidebar and padding at 1024×768
    text      escaped user text, key/value grids     widgets  date fields, action buttons, house style
    fragments what several pages draw (application detail, attachments, request review)

`import ui` gives the names pages use; the modules are where they live.
"""

from ui.calls import act, call, on_download, public_call, show_flash, while_on
from ui.dialogs import confirm_dialog, steps_dialog
from ui.errors import install_error_boundary
from ui.fragments.application import application_sections
from ui.layout import LOGIN_COLUMNS, apply_layout
from ui.session import (
    account,
    current_actor,
    end_session,
    flash,
    guard_login_cookie,
    kept,
    must_change_password,
    require_actor,
    signed_in,
    signed_off,
    start_session,
    unread_messages,
)
from ui.tables import (
    export_buttons,
    list_table,
    page_args,
    paged_table,
    picked_row,
    record_caption,
    reset_page,
    steps_table,
    take_operation,
)
from ui.text import kv_grid, md_escape, sections
from ui.widgets import EARLIEST_DATE, IMPORT_MB, UPLOAD_MB, action_button, date_field

__all__ = [
    "account",
    "LOGIN_COLUMNS",
    "EARLIEST_DATE",
    "IMPORT_MB",
    "UPLOAD_MB",
    "act",
    "action_button",
    "application_sections",
    "apply_layout",
    "call",
    "confirm_dialog",
    "current_actor",
    "date_field",
    "end_session",
    "export_buttons",
    "flash",
    "guard_login_cookie",
    "kept",
    "install_error_boundary",
    "kv_grid",
    "list_table",
    "md_escape",
    "must_change_password",
    "on_download",
    "page_args",
    "paged_table",
    "picked_row",
    "public_call",
    "record_caption",
    "require_actor",
    "reset_page",
    "sections",
    "show_flash",
    "signed_in",
    "signed_off",
    "start_session",
    "steps_dialog",
    "steps_table",
    "take_operation",
    "unread_messages",
    "while_on",
]
