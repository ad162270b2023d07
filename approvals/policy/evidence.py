"""Cuts a text into plain and highlighted pieces, for showing screening evidence."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    text: str
    domains: tuple[str, ...] = ()  # empty for plain text

    @property
    def marked(self) -> bool:
        return bool(self.domains)


def pieces(text: str, matches: list[dict], field: str) -> list[Piece]:
    """Overlapping spans are merged; a merged piece names every domain that matched in it."""
    spans = sorted(
        (m["start"], m["end"], m["domain"])
        for m in matches
        if m["field"] == field and 0 <= m["start"] < m["end"] <= len(text)
    )
    merged: list[list] = []
    for start, end, domain in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].add(domain)
        else:
            merged.append([start, end, {domain}])
    out, cursor = [], 0
    for start, end, domains in merged:
        if start > cursor:
            out.append(Piece(text[cursor:start]))
        out.append(Piece(text[start:end], tuple(sorted(domains))))
        cursor = end
    if cursor < len(text):
        out.append(Piece(text[cursor:]))
    return out


def by_field(texts: dict[str, str], matches: list[dict]) -> list[tuple[str, list[Piece]]]:
    """Each field that has evidence, cut into pieces; fields without a match are left out."""
    return [
        (field, pieces(text, matches, field))
        for field, text in texts.items()
        if any(m["field"] == field for m in matches)
    ]
