"""What changed between two submitted revisions, for reviewers."""

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object
    text_diff: list[str]  # word-level `- old` / `+ new` lines for the long text fields


def diff(before: dict, after: dict) -> list[FieldChange]:
    changes = []
    for field in after:
        old, new = before.get(field), after[field]
        if old == new:
            continue
        lines = []
        if isinstance(old, str) and isinstance(new, str) and field == "description":
            lines = [
                line
                for line in difflib.ndiff(old.split(), new.split())
                if line.startswith(("- ", "+ "))
            ]
        changes.append(FieldChange(field=field, before=old, after=new, text_diff=lines))
    return changes
