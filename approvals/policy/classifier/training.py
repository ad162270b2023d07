"""Trains the screening classifier: pure numpy, no Django, no clock, no randomness.

The model is a multinomial logistic regression over the sentence embeddings: one class per
policy domain and one for benign use, classes weighted to balance, L2, fitted by Adam for a
fixed number of steps from zeros (so the same data gives the same bytes on the same machine).
A kind's score is the probability of its domains together; the domain named is the likeliest
of that kind. The examples' own vectors are kept so that a hit can show its nearest labelled
example. (Per-kind binary gates were tried first: at the same benign target they caught 280
of 596 prohibited training examples in cross-validation against 412 for this model.)

Three thresholds are chosen by 5-fold cross-validation on the training examples alone (folds
by a digest of each example's key), never on the held-out set:
- `prohibited`, `extra_scrutiny`: a kind's score at or above it flags the application;
- `corroborate`: an extra-scrutiny domain found by the rules alone (a topic word such as
  "lawyer" or "clinical") routes to extra scrutiny only when the classifier gives the policy's
  domains together at least this probability; otherwise it is set aside, shown to reviewers,
  and the application stays standard. Prohibited rule hits always count, as do declared
  domains; without a classifier every rule hit counts.
The choice keeps at least BENIGN_TARGET of the benign examples on the standard route, and
within that catches as many prohibited (escalated) and extra-scrutiny examples as it can.
Same examples and vectors in, same bytes out (Artefact.to_bytes).
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

PROHIBITED, EXTRA_SCRUTINY = "prohibited", "extra_scrutiny"
KINDS = (PROHIBITED, EXTRA_SCRUTINY)
ALL, PROHIBITED_ONLY = "all", "prohibited"  # which unlisted domains an example is a "no" for
STANDARD, SCRUTINY_ROUTE, ESCALATION = "standard", "extra_scrutiny", "policy_escalation"
BENIGN, CORROBORATE = "benign", "corroborate"
BENIGN_TARGET = 0.97
FOLDS = 5
L2, RATE, STEPS = 1e-5, 0.05, 1500  # chosen by cross-validation on the seed examples
GRID = np.round(np.concatenate([np.arange(0.1, 0.99, 0.03), 1 - np.logspace(-2, -6, 9)]), 6)
CORROBORATION_GRID = (0.0, 0.2, 0.5, 0.8, 0.9, 0.95, 0.99)
FORMAT = "2"


@dataclass(frozen=True)
class Example:
    key: str  # stable: "seed:<id>" or "revision:<pk>"
    title: str
    text: str
    domains: tuple[str, ...] = ()  # what it is; empty for a benign example
    scope: str = ALL  # ALL: a "no" for every other domain; PROHIBITED_ONLY: for prohibited ones
    fields: tuple[tuple[str, str], ...] = ()  # the screened texts, for the rules' own route
    declared: tuple[str, ...] = ()

    def is_benign(self) -> bool:
        return not self.domains and self.scope == ALL


def data_digest(examples: Sequence[Example], encoder: str) -> str:
    """Of everything training reads: the encoder and each example's key, text and labels."""
    rows = sorted((e.key, e.text, sorted(e.domains), e.scope) for e in examples)
    blob = json.dumps([encoder, rows], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def fit_softmax(x: np.ndarray, targets: np.ndarray, *, steps: int = STEPS) -> np.ndarray:
    """Weights, the bias as the last row: (d + 1, classes). `targets` are rows of class
    probabilities (one-hot, or split between the domains a rejection cited)."""
    n, classes = targets.shape
    xb = np.hstack([x.astype(np.float64), np.ones((n, 1))])
    share = targets.sum(0)
    balance = np.where(share > 0, n / (classes * np.maximum(share, 1e-9)), 0.0)
    weight = (targets * balance).sum(1, keepdims=True)
    theta = np.zeros((xb.shape[1], classes))
    first, second = np.zeros_like(theta), np.zeros_like(theta)
    decay = np.ones((xb.shape[1], 1))
    decay[-1] = 0.0  # the bias is not penalised
    for step in range(1, steps + 1):
        p = _softmax(xb @ theta)
        grad = xb.T @ ((p - targets) * weight) / n + L2 * decay * theta
        first = 0.9 * first + 0.1 * grad
        second = 0.999 * second + 0.001 * grad * grad
        theta -= RATE * (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
    return theta


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def probabilities(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    x = np.atleast_2d(x).astype(np.float64)
    return _softmax(x @ theta[:-1] + theta[-1])


def _targets(examples: Sequence[Example], classes: list[str]) -> np.ndarray:
    """Class 0 is benign: "none of the policy's domains". An example cleared of prohibited
    use only (PROHIBITED_ONLY, no domains) is trained as benign too."""
    index = {slug: i for i, slug in enumerate(classes)}
    rows = np.zeros((len(examples), len(classes)))
    for i, e in enumerate(examples):
        known = [index[d] for d in e.domains if d in index]
        if known:
            rows[i, known] = 1.0 / len(known)
        else:
            rows[i, 0] = 1.0
    return rows


def kind_scores(p: np.ndarray, classes: list[str], kinds: Mapping[str, str]) -> dict:
    """Each kind's probability (its domains together), per row of `p`."""
    return {
        kind: p[:, [i for i, c in enumerate(classes) if kinds.get(c) == kind]].sum(1)
        for kind in KINDS
    }


def _fold(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % FOLDS


def _rank(route: str) -> int:
    return (STANDARD, SCRUTINY_ROUTE, ESCALATION).index(route)


def _wanted(example: Example, kinds: Mapping[str, str]) -> int:
    """2: should be escalated, 1: at least extra scrutiny, 0: standard, -1: no target."""
    own = {kinds.get(d) for d in example.domains}
    if PROHIBITED in own:
        return 2
    if EXTRA_SCRUTINY in own:
        return 1
    return 0 if example.is_benign() else -1


def route(scores: dict, rules: np.ndarray, thresholds: Mapping[str, float]) -> np.ndarray:
    """The route (0 standard, 1 extra scrutiny, 2 escalation) of rules and classifier
    together, as screening combines them."""
    policy_score = scores[PROHIBITED] + scores[EXTRA_SCRUTINY]
    counted = np.where((rules == 2) | (policy_score >= thresholds[CORROBORATE]), rules, 0)
    own = np.where(
        scores[PROHIBITED] >= thresholds[PROHIBITED],
        2,
        np.where(scores[EXTRA_SCRUTINY] >= thresholds[EXTRA_SCRUTINY], 1, 0),
    )
    return np.maximum(counted, own)


def _figures(routed: np.ndarray, wanted: np.ndarray) -> dict:
    def share(k: int, ok) -> dict:
        chosen = wanted == k
        return {"of": int(chosen.sum()), "routed": int(ok(routed[chosen]).sum())}

    return {
        "prohibited_escalated": share(2, lambda r: r >= 2),
        "extra_scrutiny_at_least": share(1, lambda r: r >= 1),
        "benign_standard": share(0, lambda r: r == 0),
    }


@dataclass(frozen=True)
class Choice:
    thresholds: dict
    figures: dict
    target_met: bool


def choose(scores: dict, rules: np.ndarray, wanted: np.ndarray, target: float) -> Choice:
    """The thresholds that catch the most while keeping `target` of the benign examples
    standard; when no choice keeps that many (the rules alone flag more), the one that keeps
    the most. Ties go to the higher thresholds."""
    benign = wanted == 0
    best = None
    for tc in CORROBORATION_GRID:
        for tp in GRID:
            for ts in GRID:
                thresholds = {PROHIBITED: tp, EXTRA_SCRUTINY: ts, CORROBORATE: tc}
                routed = route(scores, rules, thresholds)
                kept = float((routed[benign] == 0).mean()) if benign.any() else 1.0
                caught = sum(
                    float((routed[wanted == k] >= k).mean()) for k in (2, 1) if (wanted == k).any()
                )
                key = (min(kept, target), caught, tc + tp + ts)
                if best is None or key > best[0]:
                    best = (key, thresholds, routed, kept >= target)
    _, thresholds, routed, met = best
    return Choice({k: float(v) for k, v in thresholds.items()}, _figures(routed, wanted), met)


def cross_validate(examples, vectors, classes, kinds, rules, target) -> Choice:
    folds = np.array([_fold(e.key) for e in examples])
    targets = _targets(examples, classes)
    oof = np.zeros((len(examples), len(classes)))
    for fold in range(FOLDS):
        train, test = folds != fold, folds == fold
        if test.any() and train.any():
            oof[test] = probabilities(fit_softmax(vectors[train], targets[train]), vectors[test])
    wanted = np.array([_wanted(e, kinds) for e in examples])
    return choose(kind_scores(oof, classes, kinds), rules, wanted, target)


@dataclass(frozen=True)
class Artefact:
    tensors: dict  # name -> np.ndarray (float32)
    meta: dict

    def to_bytes(self) -> bytes:
        from safetensors.numpy import save

        return save(
            {k: np.ascontiguousarray(v) for k, v in sorted(self.tensors.items())},
            metadata={"meta": json.dumps(self.meta, sort_keys=True, ensure_ascii=False)},
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> "Artefact":
        from safetensors.numpy import load

        # safetensors' layout: 8 bytes of header length, the JSON header, then the tensors.
        header = json.loads(data[8 : 8 + int.from_bytes(data[:8], "little")])
        return cls(load(data), json.loads(header["__metadata__"]["meta"]))

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.to_bytes()).hexdigest()


def train(
    examples: Sequence[Example],
    vectors: np.ndarray,
    *,
    kinds: Mapping[str, str],
    encoder: str,
    rule_routes: Mapping[str, str] | None = None,
    target: float = BENIGN_TARGET,
) -> Artefact:
    """`kinds`: the policy's domains (slug -> kind). `rule_routes`: how the rules alone route
    each example (key -> route), so that thresholds count the rules' own flags."""
    order = sorted(range(len(examples)), key=lambda i: examples[i].key)
    examples = [examples[i] for i in order]
    vectors = np.asarray(vectors, dtype=np.float32)[order]
    classes = [BENIGN] + sorted({d for e in examples for d in e.domains if d in kinds})
    rules = np.array([_rank((rule_routes or {}).get(e.key, STANDARD)) for e in examples])
    choice = cross_validate(examples, vectors, classes, kinds, rules, target)
    theta = fit_softmax(vectors, _targets(examples, classes))
    meta = {
        "format": FORMAT,
        "encoder": encoder,
        "data_digest": data_digest(examples, encoder),
        "classes": classes,
        "kinds": {c: kinds[c] for c in classes[1:]},
        "thresholds": choice.thresholds,
        "target": target,
        "target_met": choice.target_met,
        "cross_validated": choice.figures,
        "examples": [
            [e.key, e.title, sorted(d for d in e.domains if d in kinds)] for e in examples
        ],
        "counts": _counts(examples, kinds),
    }
    tensors = {
        "weights": np.round(theta, 6).astype(np.float32),
        "examples": vectors.astype(np.float16),  # evidence only: half precision is plenty
    }
    return Artefact(tensors, meta)


def _counts(examples: Sequence[Example], kinds: Mapping[str, str]) -> dict:
    counts: dict[str, int] = {"benign": 0, "not_prohibited": 0}
    for e in examples:
        if e.is_benign():
            counts["benign"] += 1
        elif not e.domains:
            counts["not_prohibited"] += 1
        for d in e.domains:
            if d in kinds:
                counts[d] = counts.get(d, 0) + 1
    return dict(sorted(counts.items()))
