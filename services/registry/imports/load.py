"""Check, then load: one pass over the file in batches, against the registry.

Each batch is checked (its rows, then against the database: unknown person or enterprise, a number
held by someone else, two registrations), classified new / changed / unchanged / refused, and, when
loading, written at once (bulk inserts, updates audited with before and after), then dropped from the
session: memory stays bounded whatever the file's size. An import never deletes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from db.models import CpdRecord, Enterprise, Penalty, Person, QualificationCertificate, Registration
from services import workflow
from services.audit.record import audit
from services.kernel import values
from services.kernel.actor import Actor
from services.kernel.clock import now, today
from services.kernel.masking import mask_phone
from services.registration.eligibility import ban_last_day
from services.registry.imports.kinds import Kind, Row, cycle_years
from services.registry.imports.reading import FORMULA, Cell

BATCH = 2000
TWO_UNITS = "不能在两个或者两个以上单位注册（第十三条第（四）项）"
_MASKED = {"phone", "contact_phone"}  # the audit log holds no phone numbers


@dataclass
class Tally:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    refused_rows: list[Row] = field(default_factory=list)
    person_ids: set[int] = field(default_factory=set)  # 继续教育: whose current hours to recount


@dataclass
class FileState:
    """What one pass remembers across batches: keys seen, for duplicates in the file."""

    keys: dict[tuple, int] = field(default_factory=dict)
    cert_nos: dict[str, int] = field(default_factory=dict)
    active_people: dict[int, int] = field(default_factory=dict)  # person id -> row with an 有效 registration


def make_rows(kind: Kind, header: list[str], numbered: Iterable[tuple[int, list[Cell]]]) -> Iterator[Row]:
    for number, cells in numbered:
        row = Row(number, {h: (cells[i].text if i < len(cells) else "") for i, h in enumerate(header) if h})
        for i, h in enumerate(header):
            if h and i < len(cells) and cells[i].formula:
                row.refuse(h, FORMULA)
        if not row.errors:
            kind.check(row)
        yield row


def batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, BATCH)):
        yield chunk


# ------------------------------------------------------------------ against the registry


def _people(session: Session, rows: list[Row]) -> None:
    numbers = {r.refs["person"] for r in rows if not r.errors and r.refs.get("person")}
    if not numbers:
        return
    found = {
        n: (pid, name)
        for pid, n, name in session.execute(
            select(Person.id, Person.id_number, Person.name).where(Person.id_number.in_(numbers))
        )
    }
    for row in rows:
        number = row.refs.get("person")
        if row.errors or not number:
            continue
        if number not in found:
            column = "行政相对人代码" if "行政相对人代码" in row.cells else "证件号码"
            row.refuse(column, "人员库中没有该证件号码的人员，请先导入人员")
        else:
            row.fields["person_id"], row.refs["person_name"] = found[number]


def _enterprises(session: Session, rows: list[Row]) -> None:
    codes = {r.refs["enterprise"] for r in rows if not r.errors and r.refs.get("enterprise")}
    if not codes:
        return
    found = {
        c: i
        for c, i in session.execute(
            select(Enterprise.credit_code, Enterprise.id).where(Enterprise.credit_code.in_(codes))
        )
    }
    for row in rows:
        code = row.refs.get("enterprise")
        if row.errors or not code:
            continue
        if code not in found:
            row.refuse("聘用单位统一社会信用代码", "企业库中没有该统一社会信用代码的企业，请先导入企业")
        else:
            row.fields["enterprise_id"] = found[code]


def _key(kind: Kind, fields: dict[str, Any]) -> tuple:
    match kind.code:
        case "enterprise":
            return (fields["credit_code"],)
        case "person":
            return (fields["id_number"],)
        case "certificate":
            return (fields["cert_no"],)
        case "registration":
            return (fields["reg_no"],)
        case "cpd":
            return (fields["person_id"], fields["cycle"], fields["specialty"])
        case _:
            return (fields["person_id"], fields["decision_no"])


def _existing(session: Session, kind: Kind, rows: list[Row]) -> dict[tuple, Any]:
    good = [r.fields for r in rows if not r.errors]
    if not good:
        return {}
    stmt: Any
    match kind.code:
        case "enterprise":
            stmt = select(Enterprise).where(Enterprise.credit_code.in_({f["credit_code"] for f in good}))
        case "person":
            stmt = select(Person).where(Person.id_number.in_({f["id_number"] for f in good}))
        case "certificate":
            cert_nos = {f["cert_no"] for f in good}
            stmt = select(QualificationCertificate).where(QualificationCertificate.cert_no.in_(cert_nos))
        case "registration":
            stmt = select(Registration).where(Registration.reg_no.in_({f["reg_no"] for f in good}))
        case "cpd":
            stmt = select(CpdRecord).where(CpdRecord.person_id.in_({f["person_id"] for f in good}))
        case _:
            stmt = select(Penalty).where(
                Penalty.person_id.in_({f["person_id"] for f in good}),
                Penalty.decision_no.in_({f["decision_no"] for f in good}),
            )
    return {_key(kind, vars(obj)): obj for obj in session.scalars(stmt)}


def _registration_checks(session: Session, rows: list[Row], existing: dict[tuple, Any], state: FileState) -> None:
    good = [r for r in rows if not r.errors]
    cert_holders = {
        c: n
        for c, n in session.execute(
            select(Registration.cert_no, Registration.reg_no).where(
                Registration.cert_no.in_({r.fields["cert_no"] for r in good})
            )
        )
    }
    active: dict[int, list[str]] = {}
    # The status is tested here, not in SQL: with it there, SQLite walked the status index through every
    # active registration for each batch (quadratic at national size) instead of the person index.
    for person_id, reg_no, status in session.execute(
        select(Registration.person_id, Registration.reg_no, Registration.status).where(
            Registration.person_id.in_({r.fields["person_id"] for r in good})
        )
    ):
        if status == workflow.ACTIVE:
            active.setdefault(person_id, []).append(reg_no)
    for row in good:
        f = row.fields
        old = existing.get((f["reg_no"],))
        if old is not None and old.person_id != f["person_id"]:
            row.refuse("证件号码", "该注册号已登记在另一人员名下")
        if old is not None and old.status != f["status"]:
            row.refuse("状态", "注册状态不能通过导入变更，须通过注销、撤销等业务办理")
        holder = cert_holders.get(f["cert_no"])
        if holder and holder != f["reg_no"]:
            row.refuse("注册证书编号", f"该注册证书编号已属于注册号 {holder}")
        first = state.cert_nos.setdefault(f["cert_no"], row.number)
        if first != row.number:
            row.refuse("注册证书编号", f"注册证书编号与第 {first} 行重复")
        if f["status"] == workflow.ACTIVE and not row.errors:
            others = [n for n in active.get(f["person_id"], []) if n != f["reg_no"]]
            if others:
                row.refuse("证件号码", f"该人员已有有效注册（注册号 {others[0]}），{TWO_UNITS}")
            else:
                first = state.active_people.setdefault(f["person_id"], row.number)
                if first != row.number:
                    row.refuse("证件号码", f"该人员在第 {first} 行已有有效注册，{TWO_UNITS}")


def _penalty_fill(session: Session, rows: list[Row]) -> None:
    """The party and its unit from the registry where the row leaves them blank (as 【录入处罚】 does)."""
    good = [r for r in rows if not r.errors]
    reg_nos = {r.fields["reg_no"] for r in good if r.fields.get("reg_no")}
    by_no = {reg.reg_no: reg for reg in session.scalars(select(Registration).where(Registration.reg_no.in_(reg_nos)))}
    latest: dict[int, Registration] = {}
    for held in session.scalars(
        select(Registration)
        .where(Registration.person_id.in_({r.fields["person_id"] for r in good}))
        .order_by(Registration.valid_to)
    ):
        latest[held.person_id] = held  # the last to expire wins
    ent_ids = {r.enterprise_id for r in [*by_no.values(), *latest.values()]}
    ents = {e.id: e for e in session.scalars(select(Enterprise).where(Enterprise.id.in_(ent_ids)))}
    for row in good:
        f = row.fields
        reg: Registration | None = by_no.get(f.get("reg_no", "")) if f.get("reg_no") else latest.get(f["person_id"])
        if f.get("reg_no") and (reg is None or reg.person_id != f["person_id"]):
            row.refuse("注册号", "注册库中没有该人员的这个注册号")
            continue
        ent = ents.get(reg.enterprise_id) if reg else None
        province = next((c for c, n in values.PROVINCES.items() if ent and n == ent.province), "")
        f.setdefault("party_name", row.refs["person_name"])
        f["party_code"] = row.refs["person"]
        f["enterprise_id"] = ent.id if ent else None
        f.setdefault("reg_no", reg.reg_no if reg else "")
        f.setdefault("enterprise_at_time", ent.name if ent else "")
        f.setdefault("region_code", f"{province}0000" if province else "")
        term = f.get("ban_term")
        f["ban_until"] = ban_last_day(f["decision_date"], term) if term else None


def _audit_value(attr: str, value: object) -> object:
    if attr in _MASKED:
        return mask_phone(value if isinstance(value, str) else "")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _insert_values(kind: Kind, f: dict[str, Any], at: dt.datetime) -> dict[str, Any]:
    match kind.code:
        case "enterprise":
            return f | {"registry_credit_code": f["credit_code"], "created_at": at}
        case "person":
            return f | {"created_at": at}
        case "cpd" | "penalty":
            return f | {"updated_at": at}
        case _:
            return dict(f)


def process_batch(
    session: Session, actor: Actor, kind: Kind, rows: list[Row], state: FileState, tally: Tally, *, write: bool
) -> None:
    for row in rows:  # duplicates in the file: the first row counts, the others are refused
        if row.errors:
            continue
        first = state.keys.setdefault(row.file_key, row.number)
        if first != row.number:
            row.refuse(kind.key_columns[0], f"与第 {first} 行重复（{'、'.join(kind.key_columns)}相同）")
    if any(r.refs.get("person") for r in rows):
        _people(session, rows)
    if any(r.refs.get("enterprise") for r in rows):
        _enterprises(session, rows)
    existing = _existing(session, kind, rows)
    if kind.code == "registration" and any(not r.errors for r in rows):
        _registration_checks(session, rows, existing, state)
    if kind.code == "penalty" and any(not r.errors for r in rows):
        _penalty_fill(session, rows)
    if kind.code == "certificate":
        for row in rows:
            old = existing.get((row.fields.get("cert_no"),)) if not row.errors else None
            if old is not None and old.person_id != row.fields["person_id"]:
                row.refuse("资格证书编号", "该资格证书编号已登记在另一人员名下")
    at = now()
    inserts = []
    for row in rows:
        if row.errors:
            tally.refused_rows.append(row)
            continue
        f = row.fields
        if kind.code == "cpd":
            tally.person_ids.add(f["person_id"])
        old = existing.get(_key(kind, f))
        if old is None:
            tally.new += 1
            inserts.append(_insert_values(kind, f, at))
            continue
        changes = {a: (getattr(old, a), v) for a, v in f.items() if hasattr(old, a) and getattr(old, a) != v}
        if not changes:
            tally.unchanged += 1
            continue
        tally.changed += 1
        if write:
            for attr, (_, new) in changes.items():
                setattr(old, attr, new)
            if kind.code in ("cpd", "penalty"):
                old.updated_at = at
            shown = {
                kind.labels.get(a, a): {"before": _audit_value(a, b), "after": _audit_value(a, v)}
                for a, (b, v) in changes.items()
                if a in kind.labels and a != "registry_name"
            }
            audit(session, actor, "import_update", kind.code, old.id, changed=shown)
    if write:
        if inserts:
            session.execute(insert(kind.model), inserts)
        session.flush()
    session.expunge_all()  # bounded memory: nothing of this batch stays in the identity map


def recount_cpd_hours(session: Session, person_ids: set[int]) -> None:
    """Person.cpd_hours: the hours of the cycle that holds this year (what filing checks)."""
    year = today().year
    ids = sorted(person_ids)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        totals: dict[int, int] = {}
        for person_id, cycle, hours in session.execute(
            select(CpdRecord.person_id, CpdRecord.cycle, func.sum(CpdRecord.required_hours + CpdRecord.elective_hours))
            .where(CpdRecord.person_id.in_(chunk))
            .group_by(CpdRecord.person_id, CpdRecord.cycle)
        ):
            first, last = cycle_years(cycle)
            if first <= year <= last:
                totals[person_id] = int(hours)
        for person in session.scalars(select(Person).where(Person.id.in_(totals))):
            person.cpd_hours = totals[person.id]
        session.flush()
        session.expunge_all()


ProgressFn = Callable[[int], None]
