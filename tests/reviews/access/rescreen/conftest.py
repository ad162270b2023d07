"""The policy-change fixtures of tests/approvals/policy (applications, grants, the loyalty
draft), for the grants' re-screen after a publication."""

from tests.approvals.policy.conftest import (  # noqa: F401  (fixtures)
    approved,
    loyalty_draft,
    submitted,
)
