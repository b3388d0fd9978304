"""Demo data integrity: valid identifiers, workflow histories that replay, the manual's scenarios."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

from db.engine import make_engine
from db.models import (
    Application,
    Attachment,
    Base,
    Enterprise,
    ForcedDeregistration,
    InfoChangeRequest,
    Penalty,
    Person,
    QualificationCertificate,
    Registration,
    Specialty,
    User,
    WorkflowStep,
)
from ops.demo import load_demo_data, sync_specialties
from services import workflow
from services.files import storage
from services.kernel import values
from services.kernel.validators import age_on
from services.registration import business_types

MAIN = "北京小厉害有限公司"
KINDS = {
    workflow.APPLICATION: Application,
    workflow.FORCED: ForcedDeregistration,
    workflow.INFO_CHANGE: InfoChangeRequest,
}


def _load(folder: Path, today: dt.date | None = None) -> Session:
    engine = make_engine(f"sqlite:///{folder / 't.db'}")
    Base.metadata.create_all(engine)
    session = Session(engine)
    load_demo_data(session, today=today)
    session.commit()
    return session


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATA_DIR", str(folder))
        mp.setenv("BCRYPT_ROUNDS", "4")
        session = _load(folder)
        yield session, folder
        session.close()


@pytest.fixture
def s(demo) -> Session:
    return demo[0]


def _main(s: Session) -> Enterprise:
    return s.scalars(select(Enterprise).order_by(Enterprise.id)).first()


def _today() -> dt.date:
    from services.kernel.clock import now

    return now().date()


def test_person_ids_are_valid_unique_and_match_gender_and_birth(s):
    people = s.scalars(select(Person)).all()
    assert 380 <= len(people) <= 420
    assert len({p.id_number for p in people}) == len(people)
    for p in people:
        assert ric.is_valid(p.id_number), p.id_number
        assert int(p.id_number[16]) % 2 == (1 if p.gender == "男" else 0)
        assert ric.get_birth_date(p.id_number) == p.birth_date
        assert 25 <= age_on(p.birth_date, _today()) <= 64
        assert p.city in values.cities_of(p.province)
        assert len(p.phone) == 11 and p.phone.startswith("1")
        assert p.education in values.EDUCATIONS and p.degree in values.DEGREES and p.title in values.TITLES
    assert any(p.cpd_hours < 96 for p in people)


def test_every_person_holds_a_qualification_certificate(s):
    certs = s.scalars(select(QualificationCertificate)).all()
    assert sorted(c.person_id for c in certs) == sorted(s.scalars(select(Person.id)))
    assert len({c.cert_no for c in certs}) == len(certs)
    assert all(c.issue_date < _today() and c.exam_category in values.EXAM_CATEGORIES for c in certs)


def test_enterprises_have_valid_credit_codes_and_one_registry_mismatch(s):
    ents = s.scalars(select(Enterprise).order_by(Enterprise.id)).all()
    assert 6 <= len(ents) <= 10
    for e in ents:
        assert uscc.is_valid(e.credit_code) and e.credit_code.startswith("91"), e.credit_code
        assert e.city in values.cities_of(e.province)
        assert len(e.contact_phone) == 11 and len(e.postal_code) == 6 and "@" in e.email
    assert (ents[0].name, ents[0].province, ents[0].city) == (MAIN, "北京市", "北京市")
    changed = [i for i, e in enumerate(ents) if (e.registry_name, e.registry_credit_code) != (e.name, e.credit_code)]
    assert len(changed) == 1 and changed[0] >= 2


def test_sync_specialties_is_idempotent(s):
    sync_specialties(s)
    assert s.scalar(select(func.count()).select_from(Specialty)) == len(values.SPECIALTIES)
    s.rollback()


def test_at_most_one_open_application_per_person(s):
    counts = Counter(
        s.scalars(select(Application.person_id).where(Application.status.in_(workflow.OPEN_APPLICATION_STATUSES)))
    )
    assert counts and max(counts.values()) == 1


def test_no_person_ever_had_two_applications_running_at_once(s):
    ends = dict(
        s.execute(
            select(WorkflowStep.request_id, func.max(WorkflowStep.at))
            .where(WorkflowStep.request_type == "application")
            .group_by(WorkflowStep.request_id)
        ).all()
    )
    by_person = defaultdict(list)
    for app in s.scalars(select(Application).order_by(Application.applied_at)):
        by_person[app.person_id].append(app)
    for apps in by_person.values():
        for earlier, later in zip(apps, apps[1:]):
            assert ends[earlier.id] < later.applied_at, (earlier.id, later.id)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_steps_replay_through_the_workflow_to_the_current_status(s, kind):
    model = KINDS[kind]
    steps = defaultdict(list)
    for step in s.scalars(
        select(WorkflowStep).where(WorkflowStep.request_type == kind).order_by(WorkflowStep.at, WorkflowStep.id)
    ):
        steps[step.request_id].append(step)
    rows = s.scalars(select(model)).all()
    assert rows and sorted(steps) == sorted(r.id for r in rows)
    for row in rows:
        first, *rest = steps[row.id]
        assert (first.action, first.from_status, first.to_status) == ("submit", None, workflow.INITIAL_STATUS[kind])
        status, at = first.to_status, first.at
        for step in rest:
            assert step.at > at and step.from_status == status
            status = workflow.next_status(kind, status, step.action, step.actor_role)
            assert step.to_status == status
            at = step.at
        assert status == row.status, row.id
        assert at < dt.datetime.combine(_today(), dt.time.min)


def test_step_actors_are_named(s):
    for step in s.scalars(select(WorkflowStep)):
        assert step.actor_name
        if step.actor_role == "ministry":
            assert step.actor_name == "住房和城乡建设部执业资格注册中心" and step.actor_user_id is not None
    users = dict(s.execute(select(User.username, User.id)).all())
    enterprise_steps = s.scalars(select(WorkflowStep.actor_user_id).where(WorkflowStep.actor_name == MAIN))
    assert set(enterprise_steps) == {users["demo-enterprise"]}


def test_application_fields_agree_with_their_steps(s):
    steps = defaultdict(list)
    for step in s.scalars(
        select(WorkflowStep)
        .where(WorkflowStep.request_type == "application")
        .order_by(WorkflowStep.at, WorkflowStep.id)
    ):
        steps[step.request_id].append(step)
    for app in s.scalars(select(Application)):
        history = steps[app.id]

        def last(action, history=history):
            return next((st.at for st in reversed(history) if st.action == action), None)

        assert app.applied_at == history[0].at
        assert app.reported_at == last("report") == app.enterprise_commitment_at
        assert (app.enterprise_commitment_version is not None) == (app.reported_at is not None)
        assert app.accepted_at == last("accept")
        assert app.decided_at == (last("approve") or last("deny"))
        needs_reason = app.status in (workflow.ENT_REJECTED, workflow.CORRECTION, workflow.DENIED, workflow.TERMINATED)
        assert bool(app.return_reason) == needs_reason
        kinds = business_types.kind_labels(app.business_type)  # 变更内容, 补办原因
        assert (app.change_kind is not None) == bool(kinds)
        assert app.change_kind is None or app.change_kind in kinds
        assert app.specialty2 != app.specialty1
        assert app.personal_commitment_version == values.PERSONAL_COMMITMENT_VERSION


def test_every_status_and_business_type_appears(s):
    for kind, model in KINDS.items():
        assert set(s.scalars(select(model.status))) == set(workflow.STATUS_LABELS[kind]), kind
    assert set(s.scalars(select(Application.business_type))) == set(values.BUSINESS_TYPES)
    assert set(s.scalars(select(Registration.status))) == set(workflow.REGISTRATION_LABELS)


def test_the_manual_example(s):
    xue = s.scalars(select(Person).where(Person.name == "薛琼")).one()
    assert (xue.gender, xue.province, xue.city, xue.id_number[:6]) == ("女", "湖北省", "天门市", "429006")
    app = s.scalars(select(Application).where(Application.person_id == xue.id)).one()
    assert (app.status, app.business_type, app.specialty1, app.specialty2) == (workflow.PENDING_ENT, "CS", "01", "02")
    assert s.get(Enterprise, app.enterprise_id).name == MAIN
    assert s.scalar(select(func.count()).select_from(Registration).where(Registration.person_id == xue.id)) == 0
    types = set(
        s.scalars(
            select(Attachment.type_code).where(
                Attachment.request_type == "application", Attachment.request_id == app.id
            )
        )
    )
    assert types == set(business_types.materials("CS"))


def test_main_enterprise_has_the_statuses_the_manual_shows(s):
    main = _main(s)
    counts = Counter(s.scalars(select(Application.status).where(Application.enterprise_id == main.id)))
    assert counts[workflow.PENDING_ENT] >= 3 and counts[workflow.REPORTED] >= 2 and counts[workflow.ACCEPTED] >= 1
    for status in (workflow.ENT_REJECTED, workflow.WITHDRAWN, workflow.APPROVED, workflow.DENIED):
        assert counts[status] >= 1, status
    forced = set(s.scalars(select(ForcedDeregistration.status).where(ForcedDeregistration.enterprise_id == main.id)))
    assert forced == {workflow.SUBMITTED, workflow.REQ_ACCEPTED, workflow.REQ_APPROVED, workflow.REQ_WITHDRAWN}
    assert (
        s.scalar(select(func.count()).select_from(InfoChangeRequest).where(InfoChangeRequest.enterprise_id == main.id))
        == 0
    )


def test_main_enterprise_has_expiring_and_expired_staff(s):
    main, today = _main(s), _today()
    active = s.scalars(
        select(Registration).where(Registration.enterprise_id == main.id, Registration.status == workflow.ACTIVE)
    ).all()
    assert 50 <= len(active) <= 70
    left = [(r.valid_to - today).days for r in active]
    assert sum(0 <= d <= 30 for d in left) >= 5
    assert sum(30 < d <= 90 for d in left) >= 4
    assert sum(d < 0 for d in left) >= 1


def test_registrations_are_well_formed(s):
    regs = s.scalars(select(Registration)).all()
    ents = {e.id: e for e in s.scalars(select(Enterprise))}
    province_codes = {name: code for code, name in values.PROVINCES.items()}
    assert len({r.reg_no for r in regs}) == len(regs) and len({r.cert_no for r in regs}) == len(regs)
    for r in regs:
        assert len(r.reg_no) == 8 and r.reg_no.isdigit() and r.reg_no[:2] in values.PROVINCES
        assert r.specialty2 != r.specialty1
        assert (r.ended_at is not None) == (r.status != workflow.ACTIVE)
        assert r.valid_to > r.valid_from
    same_province = sum(r.reg_no[:2] == province_codes[ents[r.enterprise_id].province] for r in regs)
    assert same_province / len(regs) > 0.9
    share_01 = sum(r.specialty1 == "01" for r in regs) / len(regs)
    assert 0.75 < share_01 < 0.92


def test_forced_deregistrations_are_consistent(s):
    for req in s.scalars(select(ForcedDeregistration)):
        assert req.attachment_type in values.FORCED_DEREG_REASONS[req.reason]
        reg = s.get(Registration, req.registration_id)
        assert reg.person_id == req.person_id and reg.enterprise_id == req.enterprise_id
        if req.status == workflow.REQ_APPROVED:
            assert reg.status == workflow.DEREGISTERED
        types = list(
            s.scalars(
                select(Attachment.type_code).where(Attachment.request_type == "forced", Attachment.request_id == req.id)
            )
        )
        assert types == [req.attachment_type]


def test_demo_users(s):
    users = {u.username: u for u in s.scalars(select(User))}
    main = _main(s)
    assert (users["demo-enterprise"].role, users["demo-enterprise"].enterprise_id) == ("enterprise", main.id)
    second = s.get(Enterprise, users["demo-enterprise-2"].enterprise_id)
    assert users["demo-enterprise-2"].role == "enterprise" and second.id != main.id
    assert users["demo-ministry"].role == "ministry"
    applicant = users["demo-applicant"]
    assert applicant.role == "applicant" and s.get(Person, applicant.person_id).name == "薛琼"
    assert len({u.password_hash for u in users.values()}) == 1


def test_attachment_files_exist_with_the_recorded_size(demo):
    s, _ = demo
    attachments = s.scalars(select(Attachment)).all()
    assert len(attachments) >= 10
    for att in attachments:
        data = storage.read(s, att.stored_name)
        assert len(data) == att.size
        magic = b"\x89PNG" if att.content_type == "image/png" else b"%PDF-"
        assert data.startswith(magic) and att.stored_name.endswith(att.original_name[-4:])


def test_penalties(s):
    main, today = _main(s), _today()
    penalties = s.scalars(select(Penalty)).all()
    assert 35 <= len(penalties) <= 45
    regs = {r.person_id: r for r in s.scalars(select(Registration))}
    people = {p.id: p for p in s.scalars(select(Person))}
    for p in penalties:
        assert p.category in values.PENALTY_CATEGORIES and p.decision_no.endswith("号") and p.notice_no
        assert (p.party_name, p.party_code) == (people[p.person_id].name, people[p.person_id].id_number)
        assert p.reg_no == regs[p.person_id].reg_no and p.enterprise_at_time and p.project_name
        assert p.bad_behaviour_code.startswith("Q1-") and len(p.region_code) == 6
        assert today - dt.timedelta(days=3 * 366) <= p.decision_date < today
        assert (p.effective_from is not None) == (p.category == "责令停止执业")
    assert len({p.decision_no for p in penalties}) == len(penalties)
    ours = [p for p in penalties if p.enterprise_id == main.id]
    assert len(ours) >= 5
    assert any(p.effective_from <= today <= p.effective_to for p in ours if p.effective_from)


@pytest.mark.parametrize("today", [dt.date(2026, 1, 1), dt.date(2028, 2, 29)])
def test_same_seed_gives_the_same_data_on_any_day(tmp_path, monkeypatch, today):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    numbers = []
    for folder in (first, second):
        with _load(folder, today) as s:
            numbers.append(list(s.scalars(select(Person.id_number).order_by(Person.id))))
            regs = s.scalars(
                select(Registration).where(Registration.enterprise_id == 1, Registration.status == workflow.ACTIVE)
            ).all()
            assert sum(0 <= (r.valid_to - today).days <= 30 for r in regs) >= 5
    assert numbers[0] == numbers[1] and len(numbers[0]) > 300


def test_the_demo_shows_the_manuals_cases_on_any_day(s):
    """What the manual's screens need, whatever the date (the date sweep runs this on holidays, a leap
    day, at year and month ends): 已上报 items the enterprise can still withdraw and accepted ones it can
    no longer, and in the ministry's queue items past their statutory limit and items within it."""
    from services.registration import deadlines

    main, today = _main(s), _today()
    statuses = Counter(s.scalars(select(Application.status).where(Application.enterprise_id == main.id)))
    assert statuses[workflow.REPORTED] >= 1  # 撤回 allowed
    assert statuses[workflow.ACCEPTED] + statuses[workflow.UNDER_REVIEW] >= 1  # 撤回 refused: already accepted
    timed = s.scalars(select(Application).where(Application.status.in_(deadlines.TIMED_STATUSES))).all()
    states = Counter(deadlines.due_state(deadlines.due_date(app), today) for app in timed)
    assert states[deadlines.OVERDUE] >= 1, states
    assert states[deadlines.ON_TIME] + states[deadlines.DUE_SOON] >= 1, states
