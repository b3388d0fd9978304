"""The enterprise's watchlist (the e-Notify idea): the staff whose expiry it is reminded of one by one
(services.notifications.reminders), kept on 已注册人员, exported with expiry dates as .xlsx and imported
back with the 到期提醒 column marked."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Person, Registration, Watch
from services import workflow
from services.audit.record import audit
from services.kernel.actor import ENTERPRISE, Actor
from services.kernel.clock import now, today
from services.kernel.errors import InvalidInput
from services.kernel.masking import mask_id_number
from services.kernel.paging import EXPORT_LIMIT, table
from services.kernel.scope import RowId, get_scoped, require_role
from services.kernel.text import fmt_date

WATCH_COLUMNS = ["序号", "姓名", "证件号码", "注册号", "证书编号", "有效期至", "剩余天数", "到期提醒"]
WATCHED, NOT_WATCHED = "是", "否"
_YES = {"是", "已关注", "关注", "y", "yes", "1", "√"}
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def is_watched(session: Session, actor: Actor, *, registration_id: RowId) -> bool:
    require_role(actor, ENTERPRISE)
    reg = get_scoped(session, actor, Registration, registration_id)
    return session.get(Watch, (actor.enterprise_id, reg.person_id)) is not None


def set_watch(session: Session, actor: Actor, *, registration_id: RowId, on: bool) -> None:
    """关注 / 取消关注 one registered person of the enterprise."""
    require_role(actor, ENTERPRISE)
    reg = get_scoped(session, actor, Registration, registration_id)
    if reg.status != workflow.ACTIVE:
        raise InvalidInput("该注册已失效，不能关注")
    _set(session, actor, reg.person_id, on)
    audit(session, actor, "watch" if on else "unwatch", "registration", reg.id)


def _set(session: Session, actor: Actor, person_id: int, on: bool) -> bool:
    """Whether anything changed."""
    row = session.get(Watch, (actor.enterprise_id, person_id))
    if on and row is None:
        session.add(Watch(enterprise_id=actor.enterprise_id, person_id=person_id, created_at=now()))
        return True
    if not on and row is not None:
        session.delete(row)
        return True
    return False


def _staff(session: Session, actor: Actor):
    return session.execute(
        select(Registration, Person)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.enterprise_id == actor.enterprise_id, Registration.status == workflow.ACTIVE)
        .order_by(Registration.valid_to, Registration.id)
        .limit(EXPORT_LIMIT)
    ).all()


def export_watchlist(session: Session, actor: Actor) -> pd.DataFrame:
    """The enterprise's registered staff with expiry dates and whether each is on the watchlist."""
    require_role(actor, ENTERPRISE)
    day = today()
    watched = set(session.scalars(select(Watch.person_id).where(Watch.enterprise_id == actor.enterprise_id)))
    frame = table(
        [
            {
                "序号": i,
                "姓名": person.name,
                "证件号码": mask_id_number(person.id_number),
                "注册号": reg.reg_no,
                "证书编号": reg.cert_no,
                "有效期至": fmt_date(reg.valid_to),
                "剩余天数": (reg.valid_to - day).days,
                "到期提醒": WATCHED if person.id in watched else NOT_WATCHED,
            }
            for i, (reg, person) in enumerate(_staff(session, actor), start=1)
        ],
        columns=WATCH_COLUMNS,
    )
    audit(session, actor, "export", "watchlist", rows=len(frame))
    return frame


@dataclass(frozen=True)
class ImportResult:
    watched: int  # on the list after the import
    changed: int
    unknown: tuple[str, ...]  # 注册号 of the file that are not the enterprise's active registrations


def import_watchlist(session: Session, actor: Actor, *, content: bytes) -> ImportResult:
    """The watchlist becomes the rows of the file (the export, edited) whose 到期提醒 says 是; people
    the file does not name keep their setting."""
    require_role(actor, ENTERPRISE)
    marks = _read_marks(content)
    staff = {reg.reg_no: reg.person_id for reg, _ in _staff(session, actor)}
    unknown = tuple(sorted(no for no in marks if no not in staff))
    changed = sum(_set(session, actor, staff[no], on) for no, on in marks.items() if no in staff)
    watched = len(session.scalars(select(Watch.person_id).where(Watch.enterprise_id == actor.enterprise_id)).all())
    audit(session, actor, "import", "watchlist", rows=len(marks))
    return ImportResult(watched, changed, unknown)


def _read_marks(content: bytes) -> dict[str, bool]:
    if not content or len(content) > MAX_IMPORT_BYTES:
        raise InvalidInput({"文件": "请上传不超过 2 MB 的 Excel 文件（.xlsx）"})
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput({"文件": "文件不是有效的 Excel 文件（.xlsx），请使用导出的名单修改后上传"}) from None
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, ())]
    if "注册号" not in header or "到期提醒" not in header:
        raise InvalidInput({"文件": "文件第一行应包含「注册号」和「到期提醒」两列"})
    reg_col, mark_col = header.index("注册号"), header.index("到期提醒")
    marks: dict[str, bool] = {}
    for i, row in enumerate(rows, start=2):
        if i > EXPORT_LIMIT + 1:
            raise InvalidInput({"文件": f"文件行数超过 {EXPORT_LIMIT} 行"})
        reg_no = str(row[reg_col] if reg_col < len(row) and row[reg_col] is not None else "").strip()
        if reg_no:
            mark = str(row[mark_col] if mark_col < len(row) and row[mark_col] is not None else "").strip().lower()
            marks[reg_no] = mark in _YES
    book.close()
    return marks
