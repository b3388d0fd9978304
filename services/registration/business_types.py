"""Business types (业务类别) of an application: 初始, 延续, 变更, 注销, 遗失补办, 重新注册."""
from __future__ import annotations

from services.kernel import values


def business_label(app) -> str:
    """业务类别 of an application (or a row with its business_type and change_kind): 变更注册（变更执业单位）."""
    label = values.BUSINESS_TYPES.get(app.business_type, app.business_type)
    if app.change_kind:
        label += f"（{values.CHANGE_KINDS.get(app.change_kind, app.change_kind)}）"
    return label
