"""Screening: a pure function of (texts, declared domains, policy version), with evidence.

The labelled use cases in tests/data hold the issue's targets; the rest pins the behaviour
other code relies on (spans, determinism, precedence, cues, hostile input)."""

import json
import time
from pathlib import Path

import pytest

from approvals.policy import default
from approvals.policy import screening as s

DOMAINS = default.domains()

DATA = Path(__file__).resolve().parents[2] / "data" / "use_cases.json"
CASES = json.loads(DATA.read_text(encoding="utf-8"))
ROUTES = {
    s.PROHIBITED_DECLARED: "auto_reject",
    s.PROHIBITED_SUSPECTED: "policy_escalation",
    s.SCRUTINY: "extra_scrutiny",
    s.CLEAR: "standard",
}
ACCURACY_FLOOR = 0.97  # reached: 100%; the margin lets a rule edit cost a case or two


def texts_of(case: dict) -> dict[str, str]:
    texts = {"title": case["title"], "description": case["description"]}
    texts.update({f"mitigations.{i}": m for i, m in enumerate(case["mitigations"])})
    return texts


def compiled(version: int = 1) -> s.CompiledPolicy:
    return s.compile_policy(
        version,
        [
            s.DomainSpec(slug=d["slug"], name=d["name"], kind=d["kind"], rules=d["rules"])
            for d in DOMAINS
        ],
    )


POLICY = compiled()


def screen(description: str = "", *, declared=(), **texts: str) -> s.Screening:
    fields = {"description": description, **texts} if description else texts
    return s.screen(POLICY, texts=fields, declared=declared)


def routed(case: dict) -> str:
    return ROUTES[s.screen(POLICY, texts=texts_of(case), declared=case["declared"]).outcome]


# ---------------------------------------------------------------- the labelled data set


def test_the_data_set_has_the_fields_and_at_least_80_cases():
    assert len(CASES) >= 80
    assert len({case["id"] for case in CASES}) == len(CASES)
    slugs = {d["slug"] for d in DOMAINS}
    for case in CASES:
        assert set(case) == {
            "id",
            "title",
            "description",
            "mitigations",
            "declared",
            "expected_route",
            "intent",
            "domain",
            "style",
        }, case["id"]
        assert case["expected_route"] in ROUTES.values()
        assert case["intent"] in {"prohibited", "scrutiny", "benign"}
        assert case["style"] in {"plain", "euphemistic", "benign_sensitive"}
        assert case["domain"] is None or case["domain"] in slugs
        assert set(case["declared"]) <= slugs


def test_the_data_set_covers_every_domain_with_plain_and_euphemistic_cases():
    for domain in DOMAINS:
        positives = [c for c in CASES if c["domain"] == domain["slug"]]
        assert positives, domain["slug"]
        if domain["kind"] == "prohibited":
            undeclared = {
                c["style"]
                for c in positives
                if c["expected_route"] == "policy_escalation" and not c["declared"]
            }
            assert {"plain", "euphemistic"} <= undeclared, domain["slug"]
    assert sum(c["expected_route"] == "auto_reject" for c in CASES) >= 5
    assert sum(c["style"] == "benign_sensitive" and c["intent"] == "benign" for c in CASES) >= 20


def test_every_prohibited_use_case_is_escalated_or_rejected():
    missed = [
        c["id"]
        for c in CASES
        if c["intent"] == "prohibited" and routed(c) not in {"auto_reject", "policy_escalation"}
    ]
    assert missed == []


def test_at_least_nine_in_ten_benign_use_cases_are_routed_standard():
    benign = [c for c in CASES if c["intent"] == "benign"]
    flagged = [c["id"] for c in benign if routed(c) != "standard"]
    assert len(flagged) <= 0.1 * len(benign), flagged


def test_the_data_set_is_routed_as_labelled():
    wrong = [
        (c["id"], c["expected_route"], routed(c)) for c in CASES if routed(c) != c["expected_route"]
    ]
    assert len(wrong) <= (1 - ACCURACY_FLOOR) * len(CASES), wrong


def test_every_match_spans_exactly_the_text_that_triggered_it():
    for case in CASES:
        texts = texts_of(case)
        result = s.screen(POLICY, texts=texts, declared=case["declared"])
        declared_text = ", ".join(sorted(set(case["declared"])))
        for match in result.matches:
            source = declared_text if match.field == "domains" else texts[match.field]
            assert 0 <= match.start < match.end <= len(source), (case["id"], match)
            assert source[match.start : match.end] == match.text, (case["id"], match)
            assert match.rule


# ---------------------------------------------------------------- outcome and evidence


def test_a_declared_prohibited_domain_is_rejected_whatever_the_text_says():
    result = screen(
        "Drafts payment reminders; a human reviews every message.",
        declared=["fraud-scams"],
        **{"mitigations.0": "general wellness only"},
    )
    assert result.outcome == s.PROHIBITED_DECLARED
    assert [m.as_dict() for m in result.matches] == [
        {
            "domain": "fraud-scams",
            "kind": "prohibited",
            "field": "domains",
            "start": 0,
            "end": len("fraud-scams"),
            "text": "fraud-scams",
            "source": "rule",
            "rule": "declared",
            "score": None,
        }
    ]


def test_declared_prohibited_beats_detected_prohibited_and_extra_scrutiny():
    result = screen(
        "We write fake reviews for clinics and summarise patient records.",
        declared=["medical-health", "spam"],
    )
    assert result.outcome == s.PROHIBITED_DECLARED
    assert {"astroturfing", "medical-health", "spam"} <= set(result.matched_domains)


def test_text_suggesting_a_prohibited_use_is_escalated_with_the_triggering_words():
    description = "We generate hundreds of fake reviews for our clients and post them."
    result = screen(description)
    assert result.outcome == s.PROHIBITED_SUSPECTED
    match = next(m for m in result.matches if m.rule == "phrase: fake review*")
    assert match.domain == "astroturfing" and match.kind == s.PROHIBITED
    assert match.field == "description"
    assert match.text == "fake reviews" == description[match.start : match.end]


def test_a_co_occurrence_is_evidenced_by_each_of_its_parts():
    result = screen("A family safety app that mirrors the spouse's messages, running silently.")
    parts = [m for m in result.matches if m.domain == "surveillance-biometric-id"]
    assert result.outcome == s.PROHIBITED_SUSPECTED
    assert {m.text for m in parts} >= {"silently", "messages"}
    assert all(m.rule.startswith("co-occurrence: ") for m in parts)


def test_extra_scrutiny_declared_or_detected_routes_to_extra_scrutiny():
    assert screen("Summarises our weekly sales.", declared=["legal"]).outcome == s.SCRUTINY
    detected = screen("Suggests a diagnosis from the patient's symptoms for a clinician.")
    assert detected.outcome == s.SCRUTINY
    assert detected.matched_domains == ["medical-health"]


def test_mitigations_count_as_text_too():
    result = screen(
        "Summarises notes after each visit.",
        **{"mitigations.0": "A clinician reviews every summary."},
    )
    assert result.outcome == s.SCRUTINY
    assert any(m.field == "mitigations.0" and m.text == "clinician" for m in result.matches)


def test_nothing_to_screen_is_clear():
    assert screen().as_dict() == {
        "outcome": s.CLEAR,
        "policy_version": 1,
        "classifier_version": None,
        "layers": ["rule"],
        "note": "",
        "matches": [],
        "set_aside": [],
    }
    assert screen(title="", description="").outcome == s.CLEAR
    assert screen("Translates our help-centre articles into German.").outcome == s.CLEAR


def test_unknown_declared_slugs_are_ignored():
    text = "Translates our help-centre articles into German."
    with_unknown = screen(text, declared=["not-a-domain", "legal", "legal"])
    assert with_unknown == screen(text, declared=["legal"])
    assert screen(text, declared=["not-a-domain"]).outcome == s.CLEAR


def test_declared_matches_span_their_slug_in_the_sorted_joined_list():
    result = screen("", declared=["spam", "legal", "astroturfing"])
    joined = "astroturfing, legal, spam"
    assert [(joined[m.start : m.end], m.text) for m in result.matches] == [
        ("astroturfing", "astroturfing"),
        ("legal", "legal"),
        ("spam", "spam"),
    ]


# ---------------------------------------------------------------- purity and determinism


def test_the_same_input_gives_the_same_result_even_with_a_freshly_compiled_policy():
    case = next(c for c in CASES if c["id"] == "surv-euph-family")
    first = s.screen(POLICY, texts=texts_of(case), declared=case["declared"]).as_dict()
    again = s.screen(compiled(), texts=texts_of(case), declared=case["declared"]).as_dict()
    assert first == again
    assert json.loads(json.dumps(first)) == first


def test_the_order_of_fields_and_declared_domains_does_not_matter():
    case = next(c for c in CASES if c["id"] == "astro-declared")
    texts = texts_of(case)
    forwards = s.screen(POLICY, texts=texts, declared=case["declared"])
    backwards = s.screen(
        POLICY,
        texts=dict(reversed(list(texts.items()))),
        declared=tuple(reversed(case["declared"])),
    )
    assert forwards.as_dict() == backwards.as_dict()


def test_matches_are_sorted_by_field_start_and_domain_and_carry_the_policy_version():
    result = s.screen(
        compiled(version=7),
        texts={
            "title": "Fake reviews",
            "description": "Clinic patients get fake reviews written.",
            "mitigations.0": "A clinician signs off.",
        },
        declared=["medical-health"],
    )
    keys = [(m.field, m.start, m.domain) for m in result.matches]
    assert keys == sorted(keys)
    assert result.policy_version == 7
    assert result.matched_domains == sorted(set(result.matched_domains))


# ---------------------------------------------------------------- cues and negation


@pytest.mark.parametrize(
    "plain, with_cue, before, after",
    [
        (
            "Our tool finds fake reviews on the marketplace.",
            "Our tool finds fake reviews on the marketplace so moderators can remove them.",
            s.PROHIBITED_SUSPECTED,
            s.CLEAR,
        ),
        (
            "The model screens personal loan applications and automatically declines weak ones.",
            "The model screens personal loan applications and automatically declines weak ones. "
            "A loan officer makes every final decision.",
            s.PROHIBITED_SUSPECTED,
            s.SCRUTINY,
        ),
        (
            "Gives tips to users who report symptoms of poor sleep.",
            "Gives tips to users who report symptoms of poor sleep. It is a general wellness app.",
            s.SCRUTINY,
            s.CLEAR,
        ),
        (
            "A voice clone of a famous actor for our internal videos.",
            "A voice clone of a famous actor for our internal videos, recorded with his consent.",
            s.PROHIBITED_SUSPECTED,
            s.SCRUTINY,
        ),
    ],
)
def test_a_benign_cue_changes_the_outcome_of_otherwise_identical_text(
    plain, with_cue, before, after
):
    assert screen(plain).outcome == before
    assert screen(with_cue).outcome == after


def test_a_cheap_safeguard_does_not_launder_a_clearly_prohibited_phrase():
    result = screen(
        "We post fake reviews and testimonials for our clients' shops.",
        **{
            "mitigations.0": "A human in the loop reviews every post.",
            "mitigations.1": "Users give their consent.",
        },
    )
    assert result.outcome == s.PROHIBITED_SUSPECTED


def test_cues_never_suppress_a_declared_domain():
    result = screen("A general wellness app with sleep tips.", declared=["medical-health"])
    assert result.outcome == s.SCRUTINY and result.matched_domains == ["medical-health"]


def test_a_negated_trigger_does_not_count_but_a_rule_written_with_a_negator_does():
    assert (
        screen("We identify faces by matching them against a database.").outcome
        == s.PROHIBITED_SUSPECTED
    )
    assert screen("We do not identify faces or match them against a database.").outcome == s.CLEAR
    assert screen("It does not give investment advice or make credit decisions.").outcome == s.CLEAR
    assert (
        screen("Loan applications are approved with no human review.").outcome
        == s.PROHIBITED_SUSPECTED
    )


# ---------------------------------------------------------------- hostile and odd input


def test_very_long_and_odd_input_is_screened_quickly_with_valid_spans():
    odd = (
        "naïve ÉCOLE ß İstanbul fake\u00a0reviews \x00\x07\x1b[31m \u202eevil\u202c "
        "👩‍💻 ‮ 𝔣𝔞𝔨𝔢 \ud7ff\t\r\n" * 1500
    )[:100_000]
    repeated = ("fake reviews from sock-puppet accounts, " * 3000)[:100_000]
    one_word = "x" * 100_000
    texts = {"description": odd, "title": repeated, "mitigations.0": one_word}
    started = time.perf_counter()
    result = s.screen(POLICY, texts=texts, declared=["spam"] * 1000)
    assert time.perf_counter() - started < 10  # a hang guard, not a performance target
    assert result.outcome == s.PROHIBITED_DECLARED
    for match in result.matches:
        if match.field != "domains":
            assert texts[match.field][match.start : match.end] == match.text
    assert len(result.matches) < 200  # evidence is bounded, not one match per repetition
    json.dumps(result.as_dict())


def test_non_text_field_values_of_none_are_treated_as_empty():
    assert s.screen(POLICY, texts={"description": None}, declared=[]).outcome == s.CLEAR


# ---------------------------------------------------------------- the rule language


@pytest.mark.parametrize(
    "rules, complaint",
    [
        ({"triggers": [{"any": ["ab*"], "weight": 3}]}, "shorter than"),
        ({"triggers": [{"any": ["fine"], "weight": 0}]}, "whole number"),
        ({"triggers": [{"any": ["fine"], "weight": True}]}, "whole number"),
        ({"triggers": [{"any": ["fine"], "all": [["x"]], "weight": 3}]}, "exactly one"),
        ({"triggers": [{"any": ["fine"], "weight": 3, "near": 3}]}, "exactly one"),
        ({"triggers": [{"all": [["fine"], []], "weight": 3}]}, "non-empty"),
        ({"triggers": [{"any": ["!!!"], "weight": 3}]}, "no word"),
        ({"triggers": [{"any": ["fine"], "weight": 3, "within": 500}]}, "whole number"),
        ({"triggers": "fake reviews"}, "must be a list"),
        ({"rules": []}, "'triggers' and 'cues'"),
    ],
)
def test_rules_outside_the_language_are_refused_with_a_message_naming_the_place(rules, complaint):
    with pytest.raises(s.RuleError, match=complaint) as refused:
        s.compile_policy(2, [s.DomainSpec("spam", "Spam", s.PROHIBITED, rules)])
    assert "spam" in str(refused.value)
    assert isinstance(refused.value, ValueError)


def test_a_policy_with_a_bad_kind_or_a_repeated_slug_is_refused():
    with pytest.raises(s.RuleError, match="kind"):
        s.compile_policy(2, [s.DomainSpec("spam", "Spam", "forbidden", {})])
    with pytest.raises(s.RuleError, match="twice"):
        s.compile_policy(2, [s.DomainSpec("spam", "Spam", s.PROHIBITED, {})] * 2)


def test_an_edited_policy_screens_with_its_own_rules():
    edited = s.compile_policy(
        2,
        [
            s.DomainSpec(
                "spam",
                "Spam",
                s.PROHIBITED,
                {
                    "triggers": [{"any": ["newsletter blast*"], "weight": 3}],
                    "cues": [{"any": ["opted in"], "weight": 1, "near": 5}],
                },
            )
        ],
    )
    hit = s.screen(edited, texts={"description": "Weekly newsletter blasts."}, declared=[])
    assert hit.outcome == s.PROHIBITED_SUSPECTED and hit.policy_version == 2
    assert hit.matches[0].text == "newsletter blasts"
    calmed = s.screen(
        edited, texts={"description": "Newsletter blasts to those who opted in."}, declared=[]
    )
    assert calmed.outcome == s.CLEAR


# ---------------------------------------------------------------- words that meant no harm


def test_a_laboratory_safety_summariser_is_not_disinformation():
    """Reported: stems matched 'inventory' and 'storage' and escalated it."""
    result = screen(
        "Summarises the safety data sheets of our laboratory's chemical inventory for lab "
        "staff: storage conditions, stock levels to reorder, and which substances are stored "
        "together.",
        title="Lab safety sheet summariser",
    )
    assert result.outcome == s.CLEAR, result.matched_domains


@pytest.mark.parametrize(
    ("description", "domain"),
    [
        (
            "Generates a match report for every final whistle from the data feed and puts it "
            "live on our sports site at once, with no editor in between.",
            "journalism-auto-publish",
        ),
        (
            "An assistant on our travel site that talks with visitors, rebooks their flights "
            "and pays with the saved card.",
            "consumer-chatbots-agents",
        ),
    ],
)
def test_domains_without_a_keyword_of_their_own_are_found(description, domain):
    result = screen(description)
    assert result.outcome == s.SCRUTINY and domain in result.matched_domains
