"""【上报】 re-checks the registration like the decision does: an application made impossible since filing (here
its registration ended behind the workflow's back, as in older data) is refused on the page with the message
naming the clause, and stays 待上报."""

from __future__ import annotations

from services import workflow
from tests import factories
from tests.pages.apptest_kit import APPLICATION, ENT, app_status, db, errors, no_exception, submit


def test_the_enterprise_cannot_report_a_change_on_an_ended_registration(login):
    from db.models import Registration
    from services.kernel.clock import now
    from services.registry.registrations import end_registration

    enterprise = factories.enterprise_actor()
    engineer, reg_id = factories.registered_engineer(enterprise)
    app_id = factories.file_application(engineer, enterprise, "BG", kind="BG-ZY", specialties=("01", "13"))
    db(lambda s: end_registration(s.get(Registration, reg_id), workflow.DEREGISTERED, at=now()))
    at = login(ENT, APPLICATION, id=app_id, mode="report")
    at.checkbox(key="agree").check()
    no_exception(submit(at, "decide").click().run())
    shown = [e.replace("\\", "") for e in errors(at)]
    assert any(e.startswith("该人员的注册已注销") and e.endswith("（第十六条）") for e in shown), shown
    assert app_status(app_id) == workflow.PENDING_ENT
