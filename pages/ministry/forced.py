"""强制注销审核 (部级版): the enterprises' forced deregistration requests, 受理 / 准予注销 / 不予注销."""

import ui
from services import workflow
from services.deregistration import requests as forced
from services.deregistration import review as forced_review
from services.kernel.actor import MINISTRY
from ui.fragments.request_review import RequestReview, request_review

actor = ui.require_actor(MINISTRY)

request_review(
    RequestReview(
        kind=workflow.FORCED,
        title="强制注销审核",
        key="mforced",
        prefix="mf",
        form="forced_decide",
        list_requests=forced_review.list_forced_queue,
        get_request=forced_review.get_forced_request,
        list_steps=forced.list_forced_steps,
        decide=forced_review.decide_forced,
        opinion_hint="不予注销时必填",
        with_attachments=True,
    )
)
