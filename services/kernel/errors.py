"""One error family (DESIGN.md rule 7). Messages are for the user, in Chinese."""

from __future__ import annotations


class ServiceError(Exception):
    message = "操作失败"

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message


class NotFound(ServiceError):
    # Same message whether the row does not exist or belongs to someone else:
    # ids cannot be enumerated across enterprises.
    message = "记录不存在或无权访问"


class PermissionDenied(ServiceError):
    message = "无权进行此操作"


class InvalidTransition(ServiceError):
    message = "当前状态不允许此操作"


class ConcurrentModification(ServiceError):
    message = "该记录已被他人处理，请刷新后重试"


class InvalidInput(ServiceError):
    """Bad input; `fields` maps a field label to its message."""

    def __init__(self, fields: dict[str, str] | str):
        if isinstance(fields, str):
            fields = {"": fields}
        self.fields = fields
        text = "；".join(f"{k}：{v}" if k else v for k, v in fields.items())
        super().__init__(text)


class CountedRefusal(InvalidInput):
    """A refusal whose transaction still commits (services.transaction): what the refused try counted
    against a throttle stays counted. Raised only by a use case that is its transaction's one call."""
