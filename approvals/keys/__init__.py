"""Production keys and what they are used for, from minting to the gateway's every call.

- services.py: mint, list, rotate, revoke (each one transaction, audited, then published);
- keyformat.py: the key's text (prefix, id, secret, checksum), refused without a query;
- keystore.py: the verifier's copy of each key in Redis, and the process's own copy of that;
- verify.py: the gateway's question, the hot path; limits.py: rates and quotas in one
  Redis round trip; buckets.py: a grant's names in Redis (one hash slot) and the flush of
  its usage; counts.py: counts added to PostgreSQL's usage rows; usage.py: usage read back
  per grant;
- anomalies.py: pure rules over that usage. They sit here, beside the figures they read,
  because approvals/ may not import reviews/; reviews/access/monitoring.py acts on them;
- api.py, views.py, urls.py, tasks.py: the key API and verify, the grant and key pages, the
  periodic flush and expiry.

Grants themselves (their terms and status changes) are approvals/grants.py: the lifecycle
issues them, and the keys only read them.
"""
