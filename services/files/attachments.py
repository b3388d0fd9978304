"""Attachment downloads: served only after the actor may see the request it belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import Application, Attachment, ForcedDeregistration, InfoChangeRequest
from services import workflow
from services.audit.record import audit
from services.files import storage
from services.kernel import duties
from services.kernel.actor import Actor
from services.kernel.errors import NotFound
from services.kernel.scope import RowId, get_scoped, row_id

_OWNERS: dict[str, tuple[type, str | None]] = {
    workflow.APPLICATION: (Application, "person_id"),
    workflow.FORCED: (ForcedDeregistration, None),
    workflow.INFO_CHANGE: (InfoChangeRequest, None),
}


@dataclass(frozen=True)
class AttachmentFile:
    name: str
    content_type: str
    data: bytes


def get_attachment_file(session: Session, actor: Actor, *, attachment_id: RowId) -> AttachmentFile:
    """One attachment's file, for a person who downloads or opens it: each call is one audited
    download, so screens call it only on that person's click (never to draw a page)."""
    duties.require(actor, "files.attachments.get_attachment_file")
    att = session.get(Attachment, row_id(attachment_id))
    if att is None or att.request_type not in _OWNERS:
        raise NotFound()
    model, person_attr = _OWNERS[att.request_type]
    get_scoped(session, actor, model, att.request_id, person_attr=person_attr)  # NotFound if foreign
    audit(session, actor, "download", "attachment", att.id)
    return AttachmentFile(att.original_name, att.content_type, storage.read(session, att.stored_name))


def get_attachment_data(session: Session, actor: Actor, *, attachment_id: RowId) -> bytes:
    """The bytes of one download (the `data` of a download button, run when it is clicked); audited."""
    duties.require(actor, "files.attachments.get_attachment_data")
    return get_attachment_file(session, actor, attachment_id=attachment_id).data
