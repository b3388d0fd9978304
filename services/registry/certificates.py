"""电子注册证书: the electronic certificate of a registration, its signed token and its live status.

A certificate is issued on 准予 of the business types whose rules say so (business_types.Rules.
issues_certificate: 初始, 延续, 变更, 补办, 重新注册); the one it replaces is voided with the reason, in the
same transaction. Whether a certificate still counts is computed when asked, from the registration: 有效 /
暂停执业 / 已注销 / 已撤销 / 已过期 / 已被新证书取代, with why and since when. A registration older than
electronic certificates gets its first one when it is first downloaded.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import ElectronicCertificate, Enterprise, Penalty, Person, Registration
from services import workflow
from services.audit.record import audit
from services.files.certificate_pdf import CertificateContent, certificate_pdf
from services.files.pdf_signing import sign_pdf
from services.kernel import duties, values
from services.kernel.actor import Actor
from services.kernel.clock import now, today
from services.kernel.errors import InvalidInput
from services.kernel.scope import RowId, get_scoped, load
from services.kernel.text import fmt_date, specialties_text
from services.registry import certificate_keys
from services.registry.certificate_token import Claims, read_token, sign_token

PUBLIC_URL_ENV = "APP_PUBLIC_URL"  # where the public verification page is reached from outside
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8501"
FIRST_ISSUE = "首次签发电子证书"  # issued_for of a registration that had none yet


def issue_certificate(session: Session, reg: Registration, *, at: dt.datetime, reason: str) -> int:
    """A new certificate of `reg` (the caller holds its lock), voiding the ones before it: the new id."""
    cert = ElectronicCertificate(registration_id=reg.id, cert_no=reg.cert_no, issued_at=at, issued_for=reason)
    session.add(cert)
    session.flush()
    session.execute(
        update(ElectronicCertificate)
        .where(
            ElectronicCertificate.registration_id == reg.id,
            ElectronicCertificate.void_at.is_(None),
            ElectronicCertificate.id != cert.id,
        )
        .values(void_at=at, void_reason=f"{reason}，已换发新证书", superseded_by=cert.id)
    )
    return cert.id


def current_certificate(session: Session, registration_id: int) -> ElectronicCertificate | None:
    return session.scalars(
        select(ElectronicCertificate)
        .where(ElectronicCertificate.registration_id == registration_id, ElectronicCertificate.void_at.is_(None))
        .order_by(ElectronicCertificate.id.desc())
    ).first()


def certificate_for(session: Session, reg: Registration) -> ElectronicCertificate:
    """The registration's current certificate; a registration from before electronic certificates gets its
    first one now (the caller holds the registration's lock)."""
    cert = current_certificate(session, reg.id)
    if cert is None:
        cert_id = issue_certificate(session, reg, at=now(), reason=FIRST_ISSUE)
        cert = load(session, ElectronicCertificate, cert_id)
    return cert


def token_of(cert: ElectronicCertificate, reg: Registration) -> str:
    return sign_token(certificate_keys.token_key(), Claims(cert.id, reg.reg_no, cert.issued_at.date()))


def verification_url(token: str) -> str:
    """The public verification page of a token, as the QR code carries it."""
    base = os.environ.get(PUBLIC_URL_ENV) or DEFAULT_PUBLIC_URL
    return f"{base.rstrip('/')}/?view=verify&t={token}"


@dataclass(frozen=True)
class LiveStatus:
    status: str  # 有效 / 暂停执业 / 已注销 / 已撤销 / 已过期 / 已被新证书取代
    reason: str  # why it no longer counts ("" while 有效)
    since: str  # since when (a date, "" while 有效)

    @property
    def valid(self) -> bool:
        return self.status == values.STATE_ACTIVE

    @property
    def summary(self) -> str:
        """证书状态：已注销（注册已注销，证书随之失效；自 2026-12-05 起）."""
        why = "；".join(part for part in (self.reason, f"自 {self.since} 起" if self.since else "") if part)
        return f"证书状态：{self.status}" + (f"（{why}）" if why else "")


def _suspension(session: Session, person_id: int, day: dt.date) -> Penalty | None:
    return session.scalars(
        select(Penalty)
        .where(Penalty.person_id == person_id, Penalty.effective_from <= day, Penalty.effective_to >= day)
        .order_by(Penalty.effective_from)
    ).first()


def live_status(session: Session, cert: ElectronicCertificate, reg: Registration) -> LiveStatus:
    """Does this certificate count today, and if not, why and since when."""
    day = today()
    if cert.void_at is not None:
        return LiveStatus(values.STATE_SUPERSEDED, cert.void_reason or "", fmt_date(cert.void_at.date()))
    if reg.status != workflow.ACTIVE:
        label = workflow.REGISTRATION_LABELS.get(reg.status, reg.status)
        ended = fmt_date(reg.ended_at.date()) if reg.ended_at else ""
        return LiveStatus(label, f"注册{label}，证书随之失效", ended)
    if reg.valid_to < day:
        return LiveStatus(values.STATE_EXPIRED, "注册有效期已满且未延续", fmt_date(reg.valid_to + dt.timedelta(days=1)))
    penalty = _suspension(session, reg.person_id, day)
    if penalty is not None:
        return LiveStatus(
            values.STATE_SUSPENDED,
            f"责令停止执业至 {fmt_date(penalty.effective_to)}（{penalty.decision_no}）",
            fmt_date(penalty.effective_from),
        )
    return LiveStatus(values.STATE_ACTIVE, "", "")


@dataclass(frozen=True)
class CertificateCheck:
    """What the public verification page shows for a token: what the certificate shows, and its live status.
    Never an ID or phone number."""

    name: str
    reg_no: str
    cert_no: str
    specialties: str
    enterprise_name: str
    valid_to: str
    issued_on: str
    live: LiveStatus

    def pairs(self) -> list[tuple[str, str]]:
        rows = [
            ("姓名", self.name),
            ("注册号", self.reg_no),
            ("注册证书编号", self.cert_no),
            ("注册专业", self.specialties),
            ("执业单位", self.enterprise_name),
            ("有效期至", self.valid_to),
            ("签发日期", self.issued_on),
            ("证书状态", self.live.status),
        ]
        if not self.live.valid:
            rows += [("原因", self.live.reason), ("自何时起", self.live.since)]
        return rows


def check_certificate(session: Session, *, token: str) -> CertificateCheck | None:
    """The certificate a token names and its live status; None when the token is not one the issuing
    authority signed (or names no certificate). Public: no actor, nothing written."""
    claims = read_token(token, certificate_keys.token_key().public_key())
    if claims is None:
        return None
    cert = session.get(ElectronicCertificate, claims.certificate_id)
    if cert is None:
        return None
    reg = load(session, Registration, cert.registration_id)
    if reg.reg_no != claims.reg_no:
        return None
    person = load(session, Person, reg.person_id)
    ent = load(session, Enterprise, reg.enterprise_id)
    return CertificateCheck(
        name=person.name,
        reg_no=reg.reg_no,
        cert_no=cert.cert_no,
        specialties=specialties_text(reg.specialty1, reg.specialty2),
        enterprise_name=ent.name,
        valid_to=fmt_date(reg.valid_to),
        issued_on=fmt_date(cert.issued_at.date()),
        live=live_status(session, cert, reg),
    )


# --- the PDF --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateFile:
    filename: str
    data: bytes  # the signed PDF


def _downloadable(reg: Registration) -> None:
    if reg.status != workflow.ACTIVE:
        label = workflow.REGISTRATION_LABELS.get(reg.status, reg.status)
        raise InvalidInput(f"该注册{label}，注册证书随之失效，不能下载电子注册证书（第十五条）")
    if reg.valid_to < today():
        raise InvalidInput("该注册有效期已满且未延续，注册证书已失效，不能下载电子注册证书（第十四条第（五）项）")


def download_certificate(session: Session, actor: Actor, *, registration_id: RowId) -> CertificateFile:
    """The signed PDF of a registration's current electronic certificate: the holder's own, an enterprise's
    staff's, any for the ministry (NotFound for another's). Audited."""
    duties.require(actor, "registry.certificates.download_certificate")
    workflow.begin_write(session)
    seen = get_scoped(session, actor, Registration, registration_id, person_attr="person_id")
    reg = session.scalars(
        select(Registration)
        .where(Registration.id == seen.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    _downloadable(reg)
    cert = certificate_for(session, reg)
    audit(session, actor, "download_certificate", "registration", reg.id, certificate=cert.id)
    return CertificateFile(f"电子注册证书_{reg.reg_no}.pdf", render_certificate(session, cert, reg))


def render_certificate(session: Session, cert: ElectronicCertificate, reg: Registration) -> bytes:
    person = load(session, Person, reg.person_id)
    ent = load(session, Enterprise, reg.enterprise_id)
    issued = cert.issued_at.date()
    content = CertificateContent(
        title="中华人民共和国注册监理工程师注册执业证书",
        rows=[
            ("姓　　名", person.name),
            ("性　　别", person.gender or ""),
            ("注 册 号", reg.reg_no),
            ("注册证书编号", cert.cert_no),
            ("注册专业", specialties_text(reg.specialty1, reg.specialty2)),
            ("执业单位", ent.name),
            ("有 效 期", f"{fmt_date(reg.valid_from)} 至 {fmt_date(reg.valid_to)}"),
            ("电子证书序号", str(cert.id)),
        ],
        url=verification_url(token_of(cert, reg)),
        note="扫描二维码核验证书状态",
        authority=f"发证机关：{certificate_keys.AUTHORITY}",
        issued_on=f"签发日期：{issued.year}年{issued.month}月{issued.day}日",
    )
    files = certificate_keys.signing_files()
    return sign_pdf(
        certificate_pdf(content),
        key=files.key,
        cert=files.cert,
        chain=files.chain,
        reason="注册监理工程师电子注册证书",
        location="北京",
    )
