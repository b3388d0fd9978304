"""Registry import from the command line (the page is 部级版 → 系统管理 → 数据导入):

    python -m ops.imports 企业 enterprises.xlsx --dry-run
    python -m ops.imports 人员 people.csv [--all-or-nothing] [--report refused.xlsx] [--user admin]

Kinds: 企业, 人员, 资格证书, 注册, 继续教育, 行政处罚 (or enterprise, person, certificate, registration,
cpd, penalty), loaded in that order. --dry-run checks and prints what would happen, changing nothing.
Exit code 0 when every row was good, 1 when rows were refused (see --report), 2 when the file was not read.
--user names the 系统管理 account the audit log credits; without it the import is credited to 命令行.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from services import transaction
from services.auth.login import get_actor
from services.kernel.actor import MINISTRY, Actor
from services.kernel.errors import ServiceError
from services.kernel.vocabulary import Duty
from services.registry import imports

_BY_LABEL = {label: code for code, label in imports.KIND_LABELS.items()}
SHOWN_REFUSALS = 50
# The shell's administrator, when no account is named (user id 0 is no account).
COMMAND_LINE = Actor(user_id=0, role=MINISTRY, name="命令行", duties=frozenset({Duty.admin}))


def _actor(username: str | None) -> Actor:
    if not username:
        return COMMAND_LINE
    with transaction() as s:
        actor = get_actor(s, username)
    if actor is None:
        raise ServiceError(f"用户不存在：{username}")
    return actor


def print_result(result: imports.ImportResult, *, dry_run: bool, out=None) -> None:
    out = out or sys.stdout
    verb = "检查结果（未导入）" if dry_run or not result.loaded else "导入结果"
    print(f"{result.label}：{verb}", file=out)
    print(
        f"  共 {result.total} 行：新增 {result.new}，修改 {result.changed}，未变 {result.unchanged}，拒绝 {result.refused}",
        file=out,
    )
    for r in result.refusals[:SHOWN_REFUSALS]:
        print(f"  第 {r.row} 行，{r.column}：{r.message}", file=out)
    if len(result.refusals) > SHOWN_REFUSALS:
        print(f"  ……另有 {len(result.refusals) - SHOWN_REFUSALS} 条错误说明，见 --report 错误报告", file=out)
    if not dry_run and not result.loaded:
        print("  有被拒绝的行，按“全部或全不”未导入任何数据", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=[*_BY_LABEL, *imports.KIND_LABELS], help="导入类型")
    parser.add_argument("file", type=Path, help=".xlsx 或 .csv 文件")
    parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")
    parser.add_argument("--all-or-nothing", action="store_true", help="有一行被拒绝就不导入任何数据")
    parser.add_argument("--report", type=Path, help="被拒绝的行写入此 .xlsx 错误报告")
    parser.add_argument("--user", help="记入审计日志的系统管理账户")
    parser.add_argument("--quiet", action="store_true", help="不显示进度条")
    args = parser.parse_args(argv)
    kind = _BY_LABEL.get(args.kind, args.kind)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"失败：无法读取文件 {args.file}（{exc.strerror}）", file=sys.stderr)
        return 2
    try:
        actor = _actor(args.user)
        with tqdm(unit="行", desc=imports.KIND_LABELS[kind], disable=args.quiet, file=sys.stderr) as bar:
            with transaction() as s:
                run = imports.preview_import if args.dry_run else imports.load_import
                extra = {} if args.dry_run else {"all_or_nothing": args.all_or_nothing}
                result = run(s, actor, kind=kind, data=data, file_name=args.file.name, progress=bar.update, **extra)
    except ServiceError as exc:
        print(f"失败：{exc.message}", file=sys.stderr)
        return 2
    del data  # the file is not kept
    print_result(result, dry_run=args.dry_run)
    if result.refused and args.report:
        args.report.write_bytes(imports.import_error_report(result))
        print(f"  错误报告：{args.report}")
    return 1 if result.refused else 0


if __name__ == "__main__":
    sys.exit(main())
