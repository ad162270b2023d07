"""The default policy ships every domain of the taxonomy, with rules the screening compiles."""

import json

from approvals.policy import default
from approvals.policy import screening as s

DOMAINS = default.domains()

# The taxonomy of docs/policy.md, in its order.
PROHIBITED = [
    "child-sexual-exploitation",
    "weapons-cbrn",
    "violence-extremism",
    "hate-harassment",
    "self-harm-promotion",
    "malware-intrusion",
    "spam",
    "fraud-scams",
    "astroturfing",
    "disinformation",
    "election-political-ops",
    "impersonation-undisclosed-ai",
    "protected-class-inference",
    "surveillance-biometric-id",
    "social-scoring-predictive-policing",
    "emotion-inference-work-school",
    "manipulation-of-vulnerable",
    "restricted-industries",
    "academic-dishonesty",
    "unsupervised-consequential-decisions",
]
EXTRA_SCRUTINY = [
    "medical-health",
    "legal",
    "finance-credit",
    "insurance",
    "employment-housing",
    "education-assessment",
    "journalism-auto-publish",
    "public-benefits-services",
    "law-enforcement-justice-migration",
    "critical-infrastructure",
    "national-security",
    "minors-facing",
    "consumer-chatbots-agents",
    "synthetic-likeness-voice",
]
MODEL_FIELDS = {"slug", "name", "kind", "description", "typical_conditions", "rules"}


def test_every_taxonomy_domain_is_present_in_its_order_and_kind():
    assert [d["slug"] for d in DOMAINS] == PROHIBITED + EXTRA_SCRUTINY
    assert [d["kind"] for d in DOMAINS] == (["prohibited"] * 20 + ["extra_scrutiny"] * 14)


def test_every_domain_has_exactly_the_fields_the_domain_model_stores():
    for domain in DOMAINS:
        assert set(domain) == MODEL_FIELDS, domain["slug"]
        assert domain["name"] and domain["description"].endswith(".")
        if domain["kind"] == "prohibited":
            assert domain["typical_conditions"] == ""
        else:
            assert domain["typical_conditions"], domain["slug"]
    assert len({d["name"] for d in DOMAINS}) == len(DOMAINS)


def test_rules_survive_a_json_round_trip_and_compile_as_stored():
    stored = json.loads(json.dumps(DOMAINS))
    assert stored == DOMAINS
    policy = s.compile_policy(
        1,
        [
            s.DomainSpec(slug=d["slug"], name=d["name"], kind=d["kind"], rules=d["rules"])
            for d in stored
        ],
    )
    assert sorted(policy.domains) == sorted(PROHIBITED + EXTRA_SCRUTINY)


def test_every_domain_has_triggers_and_no_two_domains_share_a_rules_object():
    for domain in DOMAINS:
        assert domain["rules"]["triggers"], domain["slug"]
    cue_objects = [id(cue) for d in DOMAINS for cue in d["rules"]["cues"]]
    assert len(cue_objects) == len(set(cue_objects))
