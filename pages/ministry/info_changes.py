"""企业重要信息审核 (部级版): enterprise name / 统一社会信用代码 changes, 受理 / 审核通过 / 审核不通过."""

import ui
from services import workflow
from services.enterprise import info_change
from services.kernel.actor import MINISTRY
from ui.fragments.request_review import RequestReview, request_review

actor = ui.require_actor(MINISTRY)

request_review(
    RequestReview(
        kind=workflow.INFO_CHANGE,
        title="企业重要信息审核",
        key="minfo",
        prefix="mi",
        form="info_decide",
        list_requests=info_change.list_info_change_queue,
        get_request=info_change.get_info_change,
        list_steps=info_change.list_info_change_steps,
        decide=info_change.decide_info_change,
        opinion_hint="审核不通过时必填",
    )
)
