"""The one shape of a detail view: a title, sections of label/value pairs in screen order, and
(in each service's subclass) the typed fields a page needs to decide its buttons."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[tuple[str, str], ...]  # (label, value), in screen order


@dataclass(frozen=True)
class Detail:
    title: str
    sections: tuple[Section, ...]

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """Every (label, value) of every section, in screen order."""
        return tuple(pair for section in self.sections for pair in section.fields)

    def value(self, label: str) -> str:
        """The value shown under `label` (KeyError when no section shows it)."""
        for name, value in self.fields:
            if name == label:
                return value
        raise KeyError(label)


def section(title: str, pairs) -> Section:
    return Section(title, tuple((str(k), "" if v is None else str(v)) for k, v in pairs))
