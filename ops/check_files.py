"""Stored attachment files and attachment rows that do not match (`make check-files`).

    python -m ops.check_files      # exit status 1 when a file has no row or a row has no file

Reads the configured store (services/files/storage.py). An orphan file (stored, named by no row) is
what a crash between writing a file and rolling back its transaction can leave in the file store;
`make backup` leaves orphans out. A row without its file is data loss.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Attachment
from services import transaction
from services.files import storage


@dataclass(frozen=True)
class FileCheck:
    present: tuple[str, ...]  # stored files that a row names
    orphans: tuple[str, ...]  # stored files that no attachment row names
    missing: tuple[tuple[int, str], ...]  # (attachment id, stored name) of rows whose file is not stored

    @property
    def clean(self) -> bool:
        return not self.orphans and not self.missing


def check_files(session: Session) -> FileCheck:
    rows = session.execute(select(Attachment.id, Attachment.stored_name)).all()
    on_disk = storage.names(session)
    named = {name for _, name in rows}
    return FileCheck(
        present=tuple(sorted(on_disk & named)),
        orphans=tuple(sorted(on_disk - named)),
        missing=tuple(sorted((att_id, name) for att_id, name in rows if name not in on_disk)),
    )


def report(result: FileCheck) -> list[str]:
    lines = [f"孤立文件（没有附件记录）：{name}" for name in result.orphans]
    lines += [f"缺失文件（附件记录 {att_id}）：{name}" for att_id, name in result.missing]
    return lines


def main() -> int:
    with transaction() as s:
        result = check_files(s)
    for line in report(result):
        print(line)
    print(
        "附件文件与记录一致"
        if result.clean
        else f"孤立文件 {len(result.orphans)} 个，缺失文件 {len(result.missing)} 个"
    )
    return 0 if result.clean else 1


if __name__ == "__main__":
    sys.exit(main())
