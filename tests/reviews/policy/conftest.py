"""The policy-change fixtures of tests/approvals/policy (applications, grants, the loyalty
draft), for the policy pages and API."""

from tests.approvals.policy.conftest import (  # noqa: F401  (fixtures)
    approved,
    loyalty_draft,
    submitted,
)
