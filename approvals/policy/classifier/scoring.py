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


def composed(texts: Mapping[str, str]) -> tuple[str, list[tuple[str, int]]]:
    """What the classifier reads of an application as one text, "<title>. <description>
    Safeguards: <mitigation>; <mitigation>", each field stripped; and where each field's
    own (unstripped) text starts in it: (field, offset)."""
    mitigations = sorted(
        (k for k in texts if k.startswith("mitigations.") and texts[k]),
        key=lambda k: int(k.split(".")[1]),
    )
    text, starts = "", []

    def add(field: str, separator: str) -> None:
        nonlocal text
        raw = texts.get(field) or ""
        value = raw.strip()
        if not value:
            return
        text += separator if text else ""
        starts.append((field, len(text) - (len(raw) - len(raw.lstrip()))))
        text += value

    add("title", "")
    add("description", ". ")
    for i, field in enumerate(mitigations):
        add(field, " Safeguards: " if i == 0 else "; ")
    return text, starts


def classifier_text(texts: Mapping[str, str]) -> str:
    return composed(texts)[0]


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

    def judge(self, vector: np.ndarray, p: np.ndarray | None = None) -> list[tuple]:
        """(domain, kind, score, evidence) for each kind whose score reaches its threshold;
        `p`: the vector's class probabilities, when the caller has them already."""
        p = self.probabilities(vector)[0] if p is None else p
        found = []
        for kind, score in kind_scores(p[None, :], self.classes, self.kinds).items():
            if float(score[0]) < self.thresholds[kind]:
                continue
            members = [i for i, c in enumerate(self.classes) if self.kinds.get(c) == kind]
            domain = self.classes[max(members, key=lambda i: p[i])]
            found.append((domain, kind, round(float(score[0]), 4), self._nearest(vector, domain)))
        return found

    def _per_sentence(self, texts, states: np.ndarray, offsets) -> tuple[dict, list]:
        """Each sentence's kind scores, from the mean of its tokens' states; sentences past
        the model's 256 tokens have none and are left out."""
        _, starts = composed(texts)
        ends = np.array([end for _, end in offsets])
        begins = np.array([start for start, _ in offsets])
        pieces, rows = [], []
        for field, offset in starts:
            for start, end in sentences(texts[field]):
                inside = (begins >= offset + start) & (ends <= offset + end) & (ends > begins)
                if inside.any():
                    pooled = states[inside].mean(0)
                    rows.append(pooled / max(float(np.linalg.norm(pooled)), 1e-12))
                    pieces.append((field, start, end))
        if not rows:
            return {}, []
        return kind_scores(self.probabilities(np.vstack(rows)), self.classes, self.kinds), pieces

    def _nearest(self, vector: np.ndarray, domain: str) -> str:
        rows = [i for i, (_, _, domains) in enumerate(self.example_meta) if domain in domains]
        if not rows:
            return "no labelled example"
        similarity = self.examples[rows] @ vector
        best = int(np.argmax(similarity))
        key, title, _ = self.example_meta[rows[best]]
        return f'nearest example: "{title}" ({key}), similarity {similarity[best]:.2f}'

    def assess(
        self,
        texts: Mapping[str, str],
        *,
        vector: np.ndarray | None = None,
        located: tuple | None = None,
        locate: bool = True,
    ) -> Assessment:
        """Needs the encoder, unless `vector` (the application's, already computed) is given
        and nothing fires or `locate` is off (then a hit spans the whole description, which
        is what a simulation comparing routes needs). `located`: Encoder.with_tokens of the
        composed text, when the caller has it; the sentence behind a hit is found from the
        tokens' states of that one pass, not by encoding each sentence again."""
        if located is not None:
            vector = located[0]
        if vector is None:
            located = self.encoder.with_tokens(classifier_text(texts))
            vector = located[0]
        p = self.probabilities(vector)
        policy_score = round(
            sum(float(v[0]) for v in kind_scores(p, self.classes, self.kinds).values()), 4
        )
        corroborates = policy_score >= self.thresholds[CORROBORATE]
        judged = self.judge(vector, p[0])
        if not judged or not locate:
            hits = tuple(
                Hit(d, k, score, "description", 0, len(texts.get("description", "")),
                    texts.get("description", ""), evidence)
                for d, k, score, evidence in judged
            )  # fmt: skip
            return Assessment(hits, policy_score, corroborates)
        if located is None:
            located = self.encoder.with_tokens(classifier_text(texts))
        per_piece, pieces = self._per_sentence(texts, *located[1:])
        hits = []
        for domain, kind, score, evidence in judged:
            if not pieces:
                field, start, end = "description", 0, len(texts.get("description", ""))
            else:
                field, start, end = pieces[int(np.argmax(per_piece[kind]))]
            text = texts.get(field, "")[start:end]
            hits.append(Hit(domain, kind, score, field, start, end, text, evidence))
        return Assessment(tuple(hits), policy_score, corroborates)
