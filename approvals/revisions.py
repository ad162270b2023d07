"""What changed between two submitted revisions, for reviewers: per field, the words
inserted and deleted in a text (with some unchanged words around them for context), the
items added to and removed from a list, a number's old and new value."""

import difflib
from dataclasses import dataclass, field

CONTEXT = 6  # unchanged words kept on each side of a change; the rest is summarised
MIN_GAP = 5  # fewer unchanged words than this are shown rather than summarised

TEXT, ITEMS, VALUE = "text", "items", "value"
SAME, INS, DEL, GAP = "same", "ins", "del", "gap"


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object
    kind: str = VALUE  # TEXT, ITEMS (a list) or VALUE (a number, a choice)
    # TEXT: (SAME | INS | DEL, words) runs, and (GAP, "N") for N unchanged words left out
    segments: list[tuple[str, str]] = field(default_factory=list)
    added: list = field(default_factory=list)  # ITEMS
    removed: list = field(default_factory=list)
    kept: list = field(default_factory=list)


def _ordered(after: dict, order) -> list[str]:
    return [f for f in order if f in after] + [f for f in after if f not in order]


def diff(before: dict, after: dict, order=()) -> list[FieldChange]:
    """The fields whose value differs, in `order` (then `after`'s own order)."""
    changes = []
    for name in _ordered(after, order):
        old, new = before.get(name), after[name]
        if old == new:
            continue
        if isinstance(old, str) and isinstance(new, str):
            changes.append(FieldChange(name, old, new, TEXT, segments=words_diff(old, new)))
        elif isinstance(old, list) and isinstance(new, list):
            changes.append(
                FieldChange(
                    name,
                    old,
                    new,
                    ITEMS,
                    added=[i for i in new if i not in old],
                    removed=[i for i in old if i not in new],
                    kept=[i for i in new if i in old],
                )
            )
        else:
            changes.append(FieldChange(name, old, new, VALUE))
    return changes


def unchanged(before: dict, after: dict, order=()) -> list[str]:
    return [name for name in _ordered(after, order) if before.get(name) == after[name]]


def words_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word runs marked SAME, DEL or INS; a long unchanged run keeps CONTEXT words on each
    side of a change and is summarised as (GAP, count) in between."""
    a, b = old.split(), new.split()
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    out: list[tuple[str, str]] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            out.extend(_context(a[i1:i2], first=index == 0, last=index == len(opcodes) - 1))
            continue
        if i2 > i1:
            out.append((DEL, " ".join(a[i1:i2])))
        if j2 > j1:
            out.append((INS, " ".join(b[j1:j2])))
    return out


def _context(words: list[str], *, first: bool, last: bool) -> list[tuple[str, str]]:
    head = [] if first else words[:CONTEXT]
    tail = [] if last else words[-CONTEXT:]
    if len(words) < len(head) + len(tail) + MIN_GAP:
        return [(SAME, " ".join(words))]
    left_out = len(words) - len(head) - len(tail)
    runs = [(SAME, " ".join(head))] if head else []
    runs.append((GAP, str(left_out)))
    return runs + ([(SAME, " ".join(tail))] if tail else [])
