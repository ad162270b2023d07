"""Screening evidence for pages: a text cut into plain and highlighted pieces, and the
matches grouped per domain and span."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    text: str
    domains: tuple[str, ...] = ()  # slugs; empty for plain text
    names: tuple[str, ...] = ()  # the domains' names, for people

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


def by_field(
    texts: dict[str, str], matches: list[dict], names: dict[str, str] | None = None
) -> list[tuple[str, list[Piece]]]:
    """Each field that has evidence, cut into pieces; fields without a match are left out.
    `names` maps a domain's slug to its name."""
    names = names or {}
    return [
        (
            field_label(field),
            [
                Piece(p.text, p.domains, tuple(names.get(d, d) for d in p.domains))
                for p in pieces(text, matches, field)
            ],
        )
        for field, text in texts.items()
        if any(m["field"] == field for m in matches)
    ]


CONTEXT_CHARS = 60  # of the field's text shown on each side of a span
KIND_LABELS = {"prohibited": "Prohibited", "extra_scrutiny": "Extra scrutiny"}
KIND_ORDER = ("prohibited", "extra_scrutiny")
SOURCE_LABELS = (("rule", "rules"), ("classifier", "classifier"))


@dataclass(frozen=True)
class Hit:
    """One rule, or the classifier, that found a span."""

    source: str  # "rule" or "classifier"
    name: str  # the rule's name, or the classifier's nearest labelled example
    score: float | None


@dataclass(frozen=True)
class Span:
    field: str
    start: int
    end: int
    text: str
    before: str  # the context around the span, "…" where the field's text was cut
    after: str
    hits: tuple[Hit, ...]

    @property
    def source(self) -> str:
        """ "classifier" when the classifier found the span (alone or with rules)."""
        return "classifier" if any(h.source == "classifier" for h in self.hits) else "rule"

    @property
    def found_by(self) -> str:
        sources = {h.source for h in self.hits}
        return " and ".join(
            label
            for key, label in (("rule", "rules"), ("classifier", "classifier"))
            if key in sources
        ).capitalize()


@dataclass(frozen=True)
class Group:
    slug: str
    name: str
    kind: str
    spans: tuple[Span, ...]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def field_label(field: str) -> str:
    """`mitigations.0` -> "Mitigation 1"; `description` -> "Description"."""
    if field.startswith("mitigations."):
        return f"Mitigation {int(field.split('.', 1)[1]) + 1}"
    return {"domains": "Declared domains"}.get(field, field.replace("_", " ").capitalize())


def grouped(texts: dict[str, str], matches: list[dict], names: dict[str, str]) -> list[Group]:
    """The matches per domain (prohibited first), one span per (field, start, end) with
    every rule and the classifier that found it; `names` maps a domain's slug to its name."""
    by_domain: dict[str, dict[tuple, list[dict]]] = {}
    kinds: dict[str, str] = {}
    for m in matches:
        kinds.setdefault(m["domain"], m.get("kind", ""))
        key = (m["field"], m["start"], m["end"])
        by_domain.setdefault(m["domain"], {}).setdefault(key, []).append(m)
    groups = []
    for slug, spans in by_domain.items():
        rows = []
        for (field, start, end), found in sorted(spans.items(), key=lambda kv: _order(kv[0])):
            # A declared domain's "text" is its slug: say its name instead.
            text = "" if field == "domains" else texts.get(field, "")
            inside = 0 <= start < end <= len(text)
            shown = f"{names.get(slug, slug)} (declared)" if field == "domains" else ""
            rows.append(
                Span(
                    field=field_label(field),
                    start=start,
                    end=end,
                    text=text[start:end] if inside else shown or found[0].get("text", ""),
                    before=_cut(text[:start], left=True) if inside else "",
                    after=_cut(text[end:], left=False) if inside else "",
                    hits=tuple(
                        dict.fromkeys(
                            Hit(m.get("source") or "rule", m.get("rule", ""), m.get("score"))
                            for m in found
                        )
                    ),
                )
            )
        groups.append(Group(slug, names.get(slug, slug), kinds[slug], tuple(rows)))
    rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
    return sorted(groups, key=lambda g: (rank.get(g.kind, len(rank)), g.name))


def _order(key: tuple) -> tuple:
    field, start, _ = key
    number = int(field.split(".", 1)[1]) if field.startswith("mitigations.") else -1
    return ({"domains": 0, "title": 1, "description": 2}.get(field, 3), number, start)


def _cut(text: str, *, left: bool) -> str:
    if len(text) <= CONTEXT_CHARS:
        return text
    return "…" + text[-CONTEXT_CHARS:] if left else text[:CONTEXT_CHARS] + "…"
