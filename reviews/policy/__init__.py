"""The administrators' pages and API for policy versions: list, simulate a draft, publish.

They live in reviews/ rather than beside the policy (approvals/policy/) because publishing
re-screens the active grants and opens re-reviews (reviews/access/policy_changes.py), and
approvals/ may not import reviews/.
"""
