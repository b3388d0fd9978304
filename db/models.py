"""SQLAlchemy 2.0 typed models. The schema itself comes from the Alembic migrations;
a test fails when the two disagree."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so the migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Timestamps have no column default: the services stamp them from their clock
# (services.kernel.clock, the one reader of the wall clock), so tests can move time.


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Specialty(Base):
    __tablename__ = "specialty"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Enterprise(Base):
    __tablename__ = "enterprise"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    # The registry (市场监管) record the "important info" prompt compares against.
    registry_name: Mapped[str] = mapped_column(String(128))
    registry_credit_code: Mapped[str] = mapped_column(String(18))
    province: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(200), default="")
    legal_rep: Mapped[str] = mapped_column(String(32), default="")
    contact_person: Mapped[str] = mapped_column(String(32), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    postal_code: Mapped[str] = mapped_column(String(6), default="")
    email: Mapped[str] = mapped_column(String(100), default="")
    qualification: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version_id}


class Person(Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    id_type: Mapped[str] = mapped_column(String(20), default="居民身份证")
    id_number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(32), index=True)
    gender: Mapped[str] = mapped_column(String(2))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    province: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(32))
    school: Mapped[str] = mapped_column(String(64), default="")
    graduation_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    education: Mapped[str] = mapped_column(String(16), default="")
    degree: Mapped[str] = mapped_column(String(8), default="")
    major: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(8), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    cpd_hours: Mapped[int | None] = mapped_column(Integer, nullable=True)  # continuing education, this cycle
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class QualificationCertificate(Base):
    __tablename__ = "qualification_certificate"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    cert_no: Mapped[str] = mapped_column(String(32), unique=True)
    exam_category: Mapped[str] = mapped_column(String(16))
    issue_date: Mapped[dt.date] = mapped_column(Date)


class CpdRecord(Base):
    """继续教育: hours of one 3-year cycle ("2024-2026"), per specialty ('' when not per specialty).
    Person.cpd_hours is the sum of the current cycle's records, kept by the import."""

    __tablename__ = "cpd_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    cycle: Mapped[str] = mapped_column(String(9))
    specialty: Mapped[str] = mapped_column(String(4))
    required_hours: Mapped[int] = mapped_column(Integer)
    elective_hours: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("person_id", "cycle", "specialty", name="uq_cpd_record_person_cycle_specialty"),)


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))  # enterprise | ministry | applicant
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), nullable=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Set at logout and password change: a session or cookie issued before it no longer counts.
    sessions_revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Comma-separated services.kernel.vocabulary.Duty codes: what this user may do inside its role.
    duties: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # A password set by an administrator is used once: the next login must change it.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # A sign-up waiting for the ministry administrator to activate it.
    pending_activation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Registration(Base):
    """A person's registration with an enterprise: 注册号, certificate, specialties, validity."""

    __tablename__ = "registration"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    reg_no: Mapped[str] = mapped_column(String(8), unique=True)
    cert_no: Mapped[str] = mapped_column(String(32), unique=True)
    specialty1: Mapped[str] = mapped_column(ForeignKey("specialty.code"))
    specialty2: Mapped[str | None] = mapped_column(ForeignKey("specialty.code"), nullable=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # workflow.REG_* codes
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (
        # home page "expires within 30 days" and the registered-staff list
        # with the specialties, so that the home page's staff-by-specialty counts come from the index
        # alone: 3.1 -> 0.4 ms for the largest enterprise (migration 0006)
        Index(
            "ix_registration_ent_status_valid_to_spec",
            "enterprise_id",
            "status",
            "valid_to",
            "specialty1",
            "specialty2",
        ),
        # dashboards: active registrations expiring in a few days (this month's remainder, the next
        # 30 days) across all enterprises, the part the monthly aggregate cannot answer (migration 0005)
        Index("ix_registration_status_valid_to", "status", "valid_to"),
    )


class ElectronicCertificate(Base):
    """An electronic certificate issued for a registration (services.registry.certificates). Its live status
    comes from the registration; void_at/void_reason/superseded_by are set when a newer one replaces it."""

    __tablename__ = "electronic_certificate"
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), index=True)
    cert_no: Mapped[str] = mapped_column(String(32))  # the 注册证书编号 it was issued with
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)
    issued_for: Mapped[str] = mapped_column(String(32))  # 准予初始注册 ..., or 补发电子证书 for older registrations
    void_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    void_reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("electronic_certificate.id"), nullable=True)


class Application(Base):
    __tablename__ = "application"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # 申请人姓名 as filed: the 注册上报 list shows, sorts and searches it within one enterprise
    # from an index, without reading the person of each of thousands of applications (migration 0006)
    person_name: Mapped[str] = mapped_column(String(32), server_default="")
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id"), nullable=True)
    business_type: Mapped[str] = mapped_column(String(4))
    change_kind: Mapped[str | None] = mapped_column(String(8), nullable=True)
    specialty1: Mapped[str] = mapped_column(ForeignKey("specialty.code"))
    specialty2: Mapped[str | None] = mapped_column(ForeignKey("specialty.code"), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    applied_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reported_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    return_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    personal_commitment_version: Mapped[str] = mapped_column(String(16))
    enterprise_commitment_version: Mapped[str | None] = mapped_column(String(16), nullable=True)
    enterprise_commitment_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (
        # 注册上报 list: one enterprise, filtered by status, newest first
        Index("ix_application_ent_status_applied", "enterprise_id", "status", "applied_at"),
        Index("ix_application_ent_applied", "enterprise_id", "applied_at"),
        # 注册上报 sorted by or searched for 姓名 (largest enterprise: 27.3 -> 1.9 ms sorted, 15.4 -> 2.7 searched)
        Index("ix_application_ent_person_name", "enterprise_id", "person_name"),
        Index("ix_application_person_status", "person_id", "status"),
        # ministry queue, filtered by status, oldest report first: count 425 -> 0.5 ms at national scale
        Index("ix_application_status_reported", "status", "reported_at"),
        # dashboards: applications per month over a date range, without scanning 1M rows
        Index("ix_application_applied", "applied_at"),
        # dashboards: processing times of decided applications in a date range
        Index("ix_application_status_decided", "status", "decided_at"),
    )


class ForcedDeregistration(Base):
    """强制注销: the enterprise asks the ministry to deregister someone who has left."""

    __tablename__ = "forced_deregistration"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    reason: Mapped[str] = mapped_column(String(32))
    reason_detail: Mapped[str] = mapped_column(Text, default="")
    attachment_type: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    # 强制注销审核 lists every enterprise's requests oldest first: 4.4 -> 0.1 ms for a page of 2,950 (0006)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version_id}


class InfoChangeRequest(Base):
    """企业重要信息修改: name or 统一社会信用代码, reviewed by the ministry."""

    __tablename__ = "info_change_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    old_name: Mapped[str] = mapped_column(String(128))
    old_credit_code: Mapped[str] = mapped_column(String(18))
    new_name: Mapped[str] = mapped_column(String(128))
    new_credit_code: Mapped[str] = mapped_column(String(18))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version_id}


class WorkflowStep(Base):
    """One row per transition of any request type: drives 进度详情."""

    __tablename__ = "workflow_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_type: Mapped[str] = mapped_column(String(16))  # application | forced | info_change
    request_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(128))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    opinion: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (Index("ix_workflow_step_request", "request_type", "request_id", "at"),)


class Attachment(Base):
    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_type: Mapped[str] = mapped_column(String(16))  # application | forced | info_change
    request_id: Mapped[int] = mapped_column(Integer)
    type_code: Mapped[str] = mapped_column(String(8))
    original_name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    stored_name: Mapped[str] = mapped_column(String(48), unique=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    __table_args__ = (Index("ix_attachment_request", "request_type", "request_id"),)


class LoginCounter(Base):
    """The login throttle's counts that are not an account's (services/auth/throttle.py): names that
    are not accounts, addresses, device browsers. In the database so that every app process of a
    cluster counts the same attempts; the key is an HMAC, never the name or address typed."""

    __tablename__ = "login_counter"
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # name | source | device
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class AttachmentBlob(Base):
    """An attachment's bytes when ATTACHMENT_STORE is `database` (services/files/storage.py): every
    app process of a cluster reads what another stored. bytea on PostgreSQL, BLOB on SQLite."""

    __tablename__ = "attachment_blob"
    stored_name: Mapped[str] = mapped_column(String(48), primary_key=True, comment="= attachment.stored_name")
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Penalty(Base):
    """行政处罚 record, in the 双公示 format (domain.md §8)."""

    __tablename__ = "penalty"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), nullable=True)
    decision_no: Mapped[str] = mapped_column(String(64))
    case_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    party_name: Mapped[str] = mapped_column(String(64))
    party_code: Mapped[str] = mapped_column(String(32))
    legal_rep: Mapped[str] = mapped_column(String(32), default="")
    result: Mapped[str] = mapped_column(Text)
    decision_date: Mapped[dt.date] = mapped_column(Date)
    authority: Mapped[str] = mapped_column(String(64))
    publish_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    region_code: Mapped[str] = mapped_column(String(6), default="")
    reg_no: Mapped[str] = mapped_column(String(8), default="")
    enterprise_at_time: Mapped[str] = mapped_column(String(128), default="")
    project_name: Mapped[str] = mapped_column(String(200), default="")
    notice_no: Mapped[str] = mapped_column(String(64), default="")
    bad_behaviour_code: Mapped[str] = mapped_column(String(16), default="")
    effective_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    effective_to: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # 不予注册 period (values.PENALTY_BAN_TERMS; NULL: none) and its last day, counted from decision_date
    # and stored when recorded (NULL for 终身). Filing, 上报 and the decision refuse a registration then.
    ban_term: Mapped[str | None] = mapped_column(String(8), nullable=True)
    ban_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    __table_args__ = (
        Index("ix_penalty_ent_date", "enterprise_id", "decision_date"),
        # dashboards: penalties of a date range by category, covering (province and person for the
        # filters) so that 21k of 100k wide rows are not read: 60 -> 13 ms at national scale (0005).
        # party_name too: the ministry's 姓名 search walks this index in date order and tests the
        # name there instead of in 100k table rows (112 -> 15 ms for a name nobody has).
        Index("ix_penalty_date_category", "decision_date", "category", "enterprise_id", "person_id", "party_name"),
    )


# ---------------------------------------------------------------- dashboard aggregates (migration 0005)
# Kept exactly right by database triggers on application, registration and enterprise (every
# write path: services, demo loader, bulk generator, SQL), never written by the application code.
# `specialty` is '*' for the row that counts each application once, or a specialty code for the
# rows per specialty slot (an application is counted in each of its one or two specialties).
# Province is the employing enterprise's province. A count can be 0 after moves: readers skip 0.


class StatApplicationMonth(Base):
    """Applications per month of applied_at, province, specialty slot, business type and status."""

    __tablename__ = "stat_application_month"
    specialty: Mapped[str] = mapped_column(String(4), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # yyyymm
    province: Mapped[str] = mapped_column(String(16), primary_key=True)
    business_type: Mapped[str] = mapped_column(String(4), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class StatDecision(Base):
    """Decided (APPROVED/DENIED) applications per month of decided_at, province, specialty slot,
    business type, stage (1 = reported->accepted, 2 = accepted->decided) and working days spent
    on the holiday calendar of stat_working_day (-1: a day outside that calendar)."""

    __tablename__ = "stat_decision"
    specialty: Mapped[str] = mapped_column(String(4), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # yyyymm
    province: Mapped[str] = mapped_column(String(16), primary_key=True)
    business_type: Mapped[str] = mapped_column(String(4), primary_key=True)
    stage: Mapped[int] = mapped_column(Integer, primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class StatRegistrationMonth(Base):
    """ACTIVE registrations per month of valid_to, province and specialty pair ('' = no second)."""

    __tablename__ = "stat_registration_month"
    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # yyyymm
    province: Mapped[str] = mapped_column(String(16), primary_key=True)
    specialty1: Mapped[str] = mapped_column(String(4), primary_key=True)
    specialty2: Mapped[str] = mapped_column(String(4), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class StatWorkingDay(Base):
    """The holiday calendar for the triggers: working days from the first day of the table up to
    and including `day` (days since 1970-01-01). Its fingerprint is in stat_meta; the dashboards
    use stat_decision only while it matches services.deadlines."""

    __tablename__ = "stat_working_day"
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    cum: Mapped[int] = mapped_column(Integer)


class StatMeta(Base):
    __tablename__ = "stat_meta"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditLog(Base):
    """Append-only record of changes, exports and unmasked views (no ID or phone numbers)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_enterprise_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    object_type: Mapped[str] = mapped_column(String(24))
    object_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    # 审计日志 filtered by 操作 or by 操作人, newest first: over the 5.3M rows of the national bench, a rare
    # 操作 took 9.7 s for a page and 9.9 s to count through the time index alone, 0.0 ms with these.
    __table_args__ = (
        Index("ix_audit_log_action_at", "action", "at"),
        Index("ix_audit_log_user_at", "actor_user_id", "at"),
    )


# ---------------------------------------------------------------- 消息中心 and e-mail (migration 0012)


class Message(Base):
    """One message in a user's 消息中心, written in the transaction of the event it tells of."""

    __tablename__ = "message"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    kind: Mapped[str] = mapped_column(String(16))  # vocabulary.MessageKind
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(200), default="")  # a path inside the app
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Scheduled reminders say once: (registration, end date, threshold, user) or (digest, user, day).
    dedup_key: Mapped[str | None] = mapped_column(String(80), nullable=True, unique=True)
    __table_args__ = (
        # 消息中心, newest first; the sidebar's unread count reads the same index
        Index("ix_message_user_created", "user_id", "created_at"),
        Index("ix_message_user_read", "user_id", "read_at"),
    )


class Outbox(Base):
    """An e-mail to send, written with its message; the sender claims, sends and marks it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"), nullable=True, index=True)
    email_to: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)


class NotificationPreference(Base):
    """Per user and message kind: also by e-mail, or in the 消息中心 only (no row: also by e-mail)."""

    __tablename__ = "notification_preference"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean)


class NotificationAddress(Base):
    """A user's own e-mail address (an enterprise user without one gets the enterprise contact's)."""

    __tablename__ = "notification_address"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    email: Mapped[str] = mapped_column(String(100))


class Watch(Base):
    """An enterprise's watchlist: the people whose expiry it is reminded of one by one."""

    __tablename__ = "watch"
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


__all__ = [
    "Base",
    "Specialty",
    "Enterprise",
    "Person",
    "QualificationCertificate",
    "CpdRecord",
    "User",
    "Registration",
    "Application",
    "ForcedDeregistration",
    "InfoChangeRequest",
    "WorkflowStep",
    "Attachment",
    "AttachmentBlob",
    "LoginCounter",
    "Penalty",
    "AuditLog",
    "StatApplicationMonth",
    "StatDecision",
    "StatRegistrationMonth",
    "StatWorkingDay",
    "StatMeta",
    "Message",
    "Outbox",
    "NotificationPreference",
    "NotificationAddress",
    "Watch",
]
