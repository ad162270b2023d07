"""A trained classifier version, ready to screen: the gates, the domain models and the
labelled examples' vectors, loaded from its artefact (training.py) once per process.

`assess(texts)` is what screening asks: for each kind whose score reaches its threshold, the
likeliest domain of that kind, the kind's probability as the score, the sentence that scored
highest as the span, and the nearest labelled example of that domain as the evidence
reviewers see; and whether the classifier corroborates the rules' extra-scrutiny hits.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .training import CORROBORATE, Artefact, kind_scores, probabilities

_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]*")


def classifier_text(texts: Mapping[str, str]) -> str:
    """What the classifier reads of an application: title, description, mitigations."""
    mitigations = [texts[k] for k in sorted(texts) if k.startswith("mitigations.") and texts[k]]
    parts = [texts.get("title", "").strip(), texts.get("description", "").strip()]
    text = ". ".join(p for p in parts if p)
    if mitigations:
        text += " Safeguards: " + "; ".join(m.strip() for m in mitigations)
    return text


@dataclass(frozen=True)
class Hit:
    domain: str
    kind: str
    score: float
    field: str
    start: int
    end: int
    text: str
    evidence: str  # the nearest labelled example, for reviewers


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of `text`, leading and trailing blanks left out."""
    spans = []
    for found in _SENTENCE.finditer(text):
        start, end = found.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Assessment:
    """What the classifier says of one application: its hits, and whether it corroborates
    the rules' extra-scrutiny hits (training.py explains the three thresholds)."""

    hits: tuple[Hit, ...]
    policy_score: float  # the probability of the policy's domains together
    corroborates: bool


class Classifier:
    def __init__(self, artefact: Artefact, *, version: int, encoder=None) -> None:
        self.version = version
        self.encoder = encoder
        self.meta = artefact.meta
        self.thresholds: dict[str, float] = artefact.meta["thresholds"]
        self.classes: list[str] = artefact.meta["classes"]
        self.kinds: dict[str, str] = artefact.meta["kinds"]
        self.weights = artefact.tensors["weights"]
        self.examples = artefact.tensors["examples"].astype(np.float32)
        self.example_meta = artefact.meta["examples"]

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return probabilities(self.weights, vectors)

    def kind_scores(self, vector: np.ndarray) -> dict[str, float]:
        p = self.probabilities(vector)
        return {k: float(v[0]) for k, v in kind_scores(p, self.classes, self.kinds).items()}

    def judge(self, vector: np.ndarray) -> list[tuple[str, str, float, str]]:
        """(domain, kind, score, evidence) for each kind whose score reaches its threshold."""
        p = self.probabilities(vector)[0]
        found = []
        for kind, score in kind_scores(p[None, :], self.classes, self.kinds).items():
            if float(score[0]) < self.thresholds[kind]:
                continue
            members = [i for i, c in enumerate(self.classes) if self.kinds.get(c) == kind]
            domain = self.classes[max(members, key=lambda i: p[i])]
            found.append((domain, kind, round(float(score[0]), 4), self._nearest(vector, domain)))
        return found

    def _nearest(self, vector: np.ndarray, domain: str) -> str:
        rows = [i for i, (_, _, domains) in enumerate(self.example_meta) if domain in domains]
        if not rows:
            return "no labelled example"
        similarity = self.examples[rows] @ vector
        best = int(np.argmax(similarity))
        key, title, _ = self.example_meta[rows[best]]
        return f'nearest example: "{title}" ({key}), similarity {similarity[best]:.2f}'

    def assess(
        self, texts: Mapping[str, str], *, vector: np.ndarray | None = None, locate: bool = True
    ) -> Assessment:
        """Needs the encoder, unless `vector` (the application's, already computed) is given
        and nothing fires or `locate` is off (then a hit spans the whole description, which
        is what a simulation comparing routes needs)."""
        if vector is None:
            vector = self.encoder.embed([classifier_text(texts)])[0]
        scores = self.kind_scores(vector)
        policy_score = round(sum(scores.values()), 4)
        corroborates = policy_score >= self.thresholds[CORROBORATE]
        judged = self.judge(vector)
        if not judged or not locate:
            hits = tuple(
                Hit(d, k, score, "description", 0, len(texts.get("description", "")),
                    texts.get("description", ""), evidence)
                for d, k, score, evidence in judged
            )  # fmt: skip
            return Assessment(hits, policy_score, corroborates)
        pieces = [
            (field, start, end)
            for field, text in sorted(texts.items())
            for start, end in sentences(text or "")
        ]
        per_piece = (
            kind_scores(
                self.probabilities(self.encoder.embed([texts[f][s:e] for f, s, e in pieces])),
                self.classes,
                self.kinds,
            )
            if pieces
            else None
        )
        hits = []
        for domain, kind, score, evidence in judged:
            if per_piece is None:
                field, start, end = "description", 0, len(texts.get("description", ""))
            else:
                field, start, end = pieces[int(np.argmax(per_piece[kind]))]
            text = texts.get(field, "")[start:end]
            hits.append(Hit(domain, kind, score, field, start, end, text, evidence))
        return Assessment(tuple(hits), policy_score, corroborates)
