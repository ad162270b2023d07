"""The default policy is a data file (approvals/policy/default_policy.toml). `load_policy`
refuses a malformed one with a message naming the domain and field, and writes nothing."""

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from approvals.models import Domain, PolicyVersion
from approvals.policy import default
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD = """
[phrases]
cards = ["gift card*", "prepaid card*"]

[cues.fraud_team]
weight = 3
any = ["our fraud team", "fraud analysts"]

[[domain]]
slug = "fraud-scams"
name = "Fraud and scams"
kind = "prohibited"
description = "Scams, phishing, forged documents."

[[domain.trigger]]
weight = 5
name = "paid in gift cards"
all = [["pay*", "send*"], ["@cards"]]
within = 6

[[domain.cue]]
use = "fraud_team"
near = 10

[[domain]]
slug = "legal"
name = "Legal"
kind = "extra_scrutiny"
description = "Legal advice, decisions with legal effect."
typical_conditions = "A qualified lawyer reviews outputs."

[[domain.trigger]]
weight = 3
any = ["legal advice", "draft* contracts"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> str:
    """The message load_policy stops with."""
    with pytest.raises(CommandError) as refused:
        call_command("load_policy", file=path, verbosity=0)
    return str(refused.value)


@pytest.fixture
def no_policy():
    """A database before its first policy (the session's default policy set aside)."""
    Domain.objects.all().delete()
    PolicyVersion.objects.all().delete()


def test_a_policy_file_publishes_as_version_one_with_its_lists_and_shared_cues_written_out(
    tmp_path, no_policy
):
    call_command("load_policy", file=write(tmp_path, GOOD), verbosity=0)

    version = PolicyVersion.objects.get()
    assert (version.number, version.status) == (1, PolicyVersion.Status.PUBLISHED)
    fraud = version.domains.get(slug="fraud-scams")
    assert fraud.rules == {
        "triggers": [
            {
                "weight": 5,
                "name": "paid in gift cards",
                "all": [["pay*", "send*"], ["gift card*", "prepaid card*"]],
                "within": 6,
            }
        ],
        "cues": [{"weight": 3, "any": ["our fraud team", "fraud analysts"], "near": 10}],
    }
    assert fraud.typical_conditions == ""
    legal = version.domains.get(slug="legal")
    assert (legal.kind, legal.typical_conditions) == (
        "extra_scrutiny",
        "A qualified lawyer reviews outputs.",
    )
    # load_policy then publishes the shipped classifier for the policy it published
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["policy.published", "classifier.published"]


def test_the_default_file_is_what_an_empty_database_gets(no_policy):
    call_command("load_policy", verbosity=0)

    stored = list(
        PolicyVersion.objects.get(number=1)
        .domains.order_by("pk")
        .values("slug", "name", "kind", "description", "typical_conditions", "rules")
    )
    assert stored == default.domains()


def test_a_file_is_checked_even_when_a_policy_exists(tmp_path):
    assert "not valid TOML" in load(write(tmp_path, "[[domain]\nslug = 1"))
    assert PolicyVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('name = "Legal"\n', ""),
            "policy.toml: domain 'legal': 'name' is missing or empty.",
        ),
        (
            ('kind = "extra_scrutiny"', 'kind = "scrutiny"'),
            "policy.toml: domain 'legal': 'kind' must be one of 'extra_scrutiny', "
            "'prohibited', not 'scrutiny'.",
        ),
        (
            ('slug = "legal"', 'slug = "Legal Advice"'),
            "policy.toml: domain 2: 'slug' must be lowercase letters, digits and hyphens",
        ),
        (
            ('slug = "legal"', 'slug = "fraud-scams"'),
            "policy.toml: domain 'fraud-scams': this slug is used by an earlier domain.",
        ),
        (
            ('typical_conditions = "A', 'conditions = "A'),
            "policy.toml: domain 'legal': unknown 'conditions'; expected 'cue', 'description'",
        ),
        (
            ("weight = 5\n", "weight = 9\n"),
            "policy.toml: domain 'fraud-scams': trigger 1: 'weight' must be a whole number "
            "from 1 to 6, not 9",
        ),
        (
            ('["@cards"]', '["@card"]'),
            "policy.toml: domain 'fraud-scams': trigger 1: 'all' group 2: '@card' names no list "
            "of [phrases].",
        ),
        (
            ('use = "fraud_team"', 'use = "fraud-team"'),
            "policy.toml: domain 'fraud-scams': cue 1: 'use' names no cue of [cues]: 'fraud-team'.",
        ),
        (
            ('any = ["legal advice", "draft* contracts"]', 'any = ["legal advice", "dr*"]'),
            "policy.toml: domain 'legal': trigger 1: stem 'dr*' is shorter than 3 letters",
        ),
        (
            ("within = 6\n", "within = 6\nnear = 4\n"),
            "policy.toml: domain 'fraud-scams': trigger 1: unknown 'near'",
        ),
        (
            ('any = ["our fraud team", "fraud analysts"]', 'any = "our fraud team"'),
            "policy.toml: cues.fraud_team: each group must be a non-empty list of phrases",
        ),
    ],
)
def test_a_malformed_file_names_the_domain_and_field_and_publishes_nothing(
    tmp_path, no_policy, change, message
):
    old, new = change
    assert old in GOOD
    events = AuditEvent.objects.count()
    refused = load(write(tmp_path, GOOD.replace(old, new, 1)))

    assert refused.startswith(message), refused
    assert not PolicyVersion.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_file_that_is_not_toml_says_where(tmp_path, no_policy):
    refused = load(write(tmp_path, GOOD.replace("weight = 5", "weight = ", 1)))
    assert re.match(r"policy\.toml: not valid TOML: .*line \d+", refused), refused


def test_a_missing_file_says_so(tmp_path, no_policy):
    refused = load(tmp_path / "nowhere.toml")
    assert refused.endswith("nowhere.toml: cannot be read (No such file or directory).")
