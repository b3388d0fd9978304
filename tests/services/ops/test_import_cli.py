"""python -m ops.imports: the preview printed, a dry run changes nothing, exit code 1 when rows are refused,
the error report written, the audit credits the named account."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from db.models import AuditLog, Enterprise, User
from ops import imports as cli
from services import transaction
from services.registry.imports import kinds
from tests import factories

HEADER = kinds.ENTERPRISE.headers


def _row(code: str) -> list[str]:
    return ["命令行导入监理有限公司", code, "北京市", "北京市", "", "", "", ""]


def _count(code: str) -> int:
    with transaction() as s:
        return len(s.scalars(select(Enterprise.id).where(Enterprise.credit_code == code)).all())


def test_dry_run_then_load_with_exit_codes_and_report(demo_db, tmp_path, capsys):
    good = factories.credit_code()
    path = tmp_path / "企业.csv"
    path.write_bytes(factories.csv_file(HEADER, [_row(good), _row("91110108MA00000000")], encoding="gbk"))
    report = tmp_path / "错误.xlsx"

    assert cli.main(["企业", str(path), "--dry-run", "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "共 2 行：新增 1，修改 0，未变 0，拒绝 1" in out
    assert "第 3 行，统一社会信用代码：统一社会信用代码第 18 位校验码不正确（GB 32100-2015）" in out
    assert _count(good) == 0

    assert cli.main(["企业", str(path), "--all-or-nothing", "--quiet"]) == 1
    assert "未导入任何数据" in capsys.readouterr().out
    assert _count(good) == 0

    assert cli.main(["enterprise", str(path), "--quiet", "--report", str(report)]) == 1
    assert _count(good) == 1
    ws = load_workbook(io.BytesIO(report.read_bytes())).active
    assert ws.cell(row=2, column=1).value == "3" and "校验码" in ws.cell(row=2, column=ws.max_column).value

    clean = tmp_path / "clean.xlsx"
    clean.write_bytes(factories.xlsx_file(HEADER, [_row(good)]))
    with transaction() as s:
        s.scalars(select(User).where(User.username == "demo-ministry")).one().duties = "review,decide"
    assert cli.main(["企业", str(clean), "--quiet", "--user", "demo-ministry"]) == 2  # not 系统管理
    assert "无权进行此操作" in capsys.readouterr().err
    with transaction() as s:
        s.scalars(select(User).where(User.username == "demo-ministry")).one().duties = "admin"
    assert cli.main(["企业", str(clean), "--quiet", "--user", "demo-ministry"]) == 0
    assert "新增 0，修改 0，未变 1，拒绝 0" in capsys.readouterr().out
    with transaction() as s:
        user_id = s.scalar(select(User.id).where(User.username == "demo-ministry"))
        credited = s.scalars(select(AuditLog.actor_user_id).where(AuditLog.action == "import")).all()
    assert credited == [0, user_id]


def test_an_unreadable_file_exits_2(demo_db, tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    assert cli.main(["人员", str(path), "--quiet"]) == 2
    assert "无法读取该 Excel 文件" in capsys.readouterr().err
    assert cli.main(["人员", str(tmp_path / "missing.csv"), "--quiet"]) == 2
