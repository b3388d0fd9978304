"""Actors for demo people in service tests (the demo has a login only for 薛琼)."""
from __future__ import annotations

from sqlalchemy import select

from db.models import Person, User
from services import transaction
from services.kernel.actor import Actor


def applicant_for(person_id: int) -> Actor:
    """A logged-in applicant for a demo person, creating the account when there is none."""
    with transaction() as s:
        person = s.get(Person, person_id)
        user = s.scalars(select(User).where(User.person_id == person_id)).first()
        if user is None:
            user = User(username=f"p{person_id}", display_name=person.name, password_hash="x", role="applicant",
                        person_id=person_id)
            s.add(user)
            s.flush()
        return Actor(user_id=user.id, role="applicant", name=person.name, person_id=person_id)
