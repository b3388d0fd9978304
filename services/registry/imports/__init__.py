"""数据导入 (系统管理): the registry from files — 企业, 人员, 资格证书, 注册, 继续教育, 行政处罚 (issue 15).

Check first, then load: `preview_import` reads the file and tells what would happen (new / changed /
unchanged / refused, each refusal with its row, column and reason); `load_import` loads the good rows
(or, with all_or_nothing, nothing when one row is refused). Idempotent by natural keys: loading the same
file twice changes nothing; a changed value is updated and audited with before and after; an import never
deletes. The file is read from memory and never stored."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from services import workflow
from services.audit import record  # as a module: the package re-exports no writer
from services.files.exports import to_xlsx_bytes
from services.files.uploads import display_name
from services.kernel.actor import Actor, require_duty
from services.kernel.errors import InvalidInput
from services.kernel.vocabulary import Duty
from services.registry.imports.kinds import KIND_LABELS, KINDS, Kind
from services.registry.imports.load import (
    FileState,
    ProgressFn,
    Tally,
    batches,
    make_rows,
    process_batch,
    recount_cpd_hours,
)
from services.registry.imports.reading import FILE_FIELD, read_table

__all__ = [
    "KIND_LABELS",
    "ImportResult",
    "Refusal",
    "get_import_template",
    "preview_import",
    "load_import",
    "import_error_report",
    "refusals_frame",
]
REFUSAL_COLUMNS = ["行号", "列", "错误说明"]
ERROR_COLUMN = "错误说明"
_LOAD_ORDER = "导入顺序：企业 → 人员 → 资格证书 → 注册 → 继续教育 → 行政处罚（后者引用前者）"


@dataclass(frozen=True)
class Refusal:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ImportResult:
    """What an import would do (a preview) or did (loaded)."""

    kind: str
    label: str
    file_name: str
    new: int
    changed: int
    unchanged: int
    refused: int  # rows
    refusals: tuple[Refusal, ...]  # every message of every refused row
    headers: tuple[str, ...]
    refused_rows: tuple[tuple[str, ...], ...]  # the refused rows as written, for the error report
    loaded: bool = False

    @property
    def total(self) -> int:
        return self.new + self.changed + self.unchanged + self.refused


def _kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise InvalidInput({"导入类型": "请选择导入类型"})
    return KINDS[kind]


def get_import_template(session: Session, actor: Actor, *, kind: str) -> bytes:
    """The .xlsx template: Chinese headers, one example row, cells formatted as text (an 18-digit number
    typed into a number cell loses its last digits), and a 说明 sheet with the value lists."""
    require_duty(actor, Duty.admin)
    spec = _kind(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = spec.label
    bold = Font(bold=True)
    for c, column in enumerate(spec.columns, start=1):
        head = ws.cell(row=1, column=c, value=column.header)
        head.font = bold
        example = ws.cell(row=2, column=c, value=column.example)
        example.data_type = "s"
        for r in range(2, 1001):
            ws.cell(row=r, column=c).number_format = "@"
        ws.column_dimensions[get_column_letter(c)].width = max(12, 2 * len(column.header) + 4)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("说明")
    notes.append(["列", "是否必填", "说明"])
    for column in spec.columns:
        notes.append([column.header, "必填" if column.required else "选填", _hint(column.header)])
    notes.append([])
    notes.append([_LOAD_ORDER])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _hint(header: str) -> str:
    from services.kernel import values

    lists = {
        "证件类型": values.ID_TYPES,
        "性别": values.GENDERS,
        "学历": values.EDUCATIONS,
        "学位": values.DEGREES,
        "所在省": list(values.PROVINCES.values()),
        "注册专业1": list(values.SPECIALTY_NAMES.values()),
        "注册专业2": list(values.SPECIALTY_NAMES.values()),
        "专业": list(values.SPECIALTY_NAMES.values()),
        "状态": list(workflow.REGISTRATION_LABELS.values()),
        "处罚类别": values.PENALTY_CATEGORIES,
        "不予注册期限": list(values.PENALTY_BAN_TERMS),
        "考试专业类别": values.EXAM_CATEGORIES,
    }
    if header in lists:
        return "可选值：" + "、".join(lists[header])
    if (
        "日期" in header
        or header.startswith("有效期")
        or header in ("毕业时间", "公示截止期", "停止执业起", "停止执业止")
    ):
        return "日期，如 2024-01-31"
    return ""


def _run(
    session: Session,
    actor: Actor,
    spec: Kind,
    data: bytes,
    file_name: str,
    *,
    write: bool,
    progress: ProgressFn | None,
) -> ImportResult:
    header, numbered = read_table(data, file_name)
    missing = [c.header for c in spec.columns if c.required and c.header not in header]
    if missing:
        raise InvalidInput(
            {FILE_FIELD: f"不是「{spec.label}」的导入文件：缺少列 {'、'.join(missing)}，请使用下载的模板"}
        )
    state, tally = FileState(), Tally()
    for batch in batches(make_rows(spec, header, numbered)):
        process_batch(session, actor, spec, batch, state, tally, write=write)
        if progress:
            progress(len(batch))
    if write and tally.person_ids:
        recount_cpd_hours(session, tally.person_ids)
    refusals = tuple(Refusal(r.number, col, msg) for r in tally.refused_rows for col, msg in r.errors)
    columns = tuple(h for h in header if h)
    return ImportResult(
        kind=spec.code,
        label=spec.label,
        file_name=display_name(file_name),
        new=tally.new,
        changed=tally.changed,
        unchanged=tally.unchanged,
        refused=len(tally.refused_rows),
        refusals=refusals,
        headers=columns,
        refused_rows=tuple(tuple(r.cells.get(h, "") for h in columns) for r in tally.refused_rows),
        loaded=write,
    )


def preview_import(
    session: Session, actor: Actor, *, kind: str, data: bytes, file_name: str, progress: ProgressFn | None = None
) -> ImportResult:
    """Check a file against the registry without changing anything."""
    require_duty(actor, Duty.admin)
    return _run(session, actor, _kind(kind), data, file_name, write=False, progress=progress)


def load_import(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    data: bytes,
    file_name: str,
    all_or_nothing: bool = False,
    progress: ProgressFn | None = None,
) -> ImportResult:
    """【确认导入】: load the good rows; with `all_or_nothing`, nothing at all when a row is refused
    (the result then says loaded=False and lists the refusals)."""
    require_duty(actor, Duty.admin)
    spec = _kind(kind)
    workflow.begin_write(session)
    if all_or_nothing:
        checked = _run(session, actor, spec, data, file_name, write=False, progress=None)
        if checked.refused:
            return checked
    result = _run(session, actor, spec, data, file_name, write=True, progress=progress)
    record.audit(
        session,
        actor,
        "import",
        spec.code,
        file=result.file_name,
        new=result.new,
        updated=result.changed,  # not "changed": that key holds field-by-field changes (audit.log.describe)
        unchanged=result.unchanged,
        refused=result.refused,
    )
    return result


def refusals_frame(result: ImportResult) -> pd.DataFrame:
    return pd.DataFrame([(r.row, r.column, r.message) for r in result.refusals], columns=REFUSAL_COLUMNS)


def import_error_report(result: ImportResult) -> bytes:
    """The refused rows as written, plus 行号 and 错误说明: fix them there and import the file again.
    Written through the export writer, so no cell can run as a formula."""
    messages: dict[int, list[str]] = {}
    for r in result.refusals:
        messages.setdefault(r.row, []).append(f"{r.column}：{r.message}")
    numbers = sorted(messages)
    frame = pd.DataFrame(list(result.refused_rows), columns=list(result.headers))
    frame.insert(0, "行号", numbers[: len(frame)])
    frame[ERROR_COLUMN] = ["；".join(messages[n]) for n in numbers[: len(frame)]]
    return to_xlsx_bytes(frame, sheet_name="错误报告")
