"""What the 企业版 page tests look up in the demo data, and what they expect of a masked number."""

from __future__ import annotations

import re

from sqlalchemy import select

from services import workflow
from tests.pages.apptest_kit import ENT, actor, db, table

NO_RECORDS = "没有找到匹配的记录"
MASKED = re.compile(r"^.{4}\*+.{4}$")


def applications(username: str, status: str | None = None, **filters):
    from services.registration import reporting as apps

    return db(
        lambda s: apps.list_applications(
            s, actor(username), filters=apps.ApplicationFilter(status=status, **filters), page_size=100
        )
    )


def first_shown_application(at, status: str = workflow.PENDING_ENT) -> int:
    """The id of the report table's first row: the same list from the service (its keys), checked
    against the row the page shows."""
    page = applications(ENT, status)
    shown, listed = table(at).iloc[0], page.rows.iloc[0]
    for column in ("姓名", "申请时间", "证件号码"):
        assert shown[column] == listed[column], column
    return page.keys[0].id


def xue_application_id() -> int:
    page = applications(ENT, workflow.PENDING_ENT, name="薛琼")
    assert page.total == 1, "demo data: 薛琼's 初始注册 waits for 上报 at demo-enterprise"
    return page.keys[0].id


def registered_rows(username: str = ENT, **filters):
    from services.registry import registrations

    return db(lambda s: registrations.list_registered(s, actor(username), page_size=100, **filters))


def forced_rows(username: str = ENT):
    from services.deregistration import requests as forced

    return db(lambda s: forced.list_forced(s, actor(username), page_size=100))


def rename_person(person_id: int, name: str) -> None:
    """The person is called `name`, and filed their applications under it (application.person_name)."""
    from sqlalchemy import update

    from db.models import Application, Person

    def _do(s):
        s.get(Person, person_id).name = name
        s.execute(update(Application).where(Application.person_id == person_id).values(person_name=name))

    db(_do)


def person_of_application(app_id: int) -> tuple[int, str]:
    from db.models import Application, Person

    return db(
        lambda s: s.execute(
            select(Person.id, Person.name)
            .join(Application, Application.person_id == Person.id)
            .where(Application.id == app_id)
        ).one()
    )
