"""The authenticated actor, built once per run from the database and passed to every service."""

from __future__ import annotations

from dataclasses import dataclass

from services.kernel.errors import PermissionDenied
from services.kernel.vocabulary import Role

ENTERPRISE, MINISTRY, APPLICANT = Role.enterprise, Role.ministry, Role.applicant
ROLES = tuple(Role)
ROLE_LABELS: dict[str, str] = {ENTERPRISE: "企业版", MINISTRY: "部级版", APPLICANT: "个人版"}


@dataclass(frozen=True)
class Actor:
    user_id: int
    role: str
    name: str
    enterprise_id: int | None = None
    person_id: int | None = None
    # services.kernel.vocabulary.Duty codes held inside the role (app_user.duties).
    duties: frozenset[str] = frozenset()

    def may(self, duty: str) -> bool:
        return duty in self.duties

    @property
    def own_person_id(self) -> int:
        """The applicant's own person (an applicant actor always has one)."""
        if self.person_id is None:
            raise ValueError("not an applicant")
        return self.person_id

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role}")
        if self.role == ENTERPRISE and self.enterprise_id is None:
            raise ValueError("an enterprise actor needs an enterprise")
        if self.role == APPLICANT and self.person_id is None:
            raise ValueError("an applicant actor needs a person")


def parse_duties(stored: str | None) -> frozenset[str]:
    """app_user.duties ("review,decide") as a set."""
    return frozenset(d for d in (stored or "").split(",") if d)


def require_duty(actor: Actor, *duties: str) -> None:
    """The one check of a duty, in the service layer (the menu only mirrors it): the actor holds `duty`,
    or one of several that each allow the use case (services.kernel.duties)."""
    if not any(actor.may(duty) for duty in duties):
        raise PermissionDenied()


def actor_of_user(user) -> Actor:
    """The actor of an app_user row (the ORM entity or a row of its columns)."""
    return Actor(
        user_id=user.id,
        role=user.role,
        name=user.display_name,
        enterprise_id=user.enterprise_id,
        person_id=user.person_id,
        duties=parse_duties(user.duties),
    )
