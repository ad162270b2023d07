"""How callers prove who they are, and how guessing is bounded.

- signals.py: sign-in succeeded, failed or locked out, handed to accounts.services to audit
  (Django's authenticate() is the one choke point every login path passes through);
- client.py: the client's address behind DJANGO_PROXY_COUNT trusted proxies, the one notion
  axes, DRF's throttles and allauth's rate limits share;
- lockout.py: the callables django-axes is configured with (whose attempt it was, the 429);
- bound.py: at most SIGNIN_ACCOUNT_FAILURES_PER_HOUR failures an hour per account, past which
  only addresses the account signed in from before may try;
- throttles.py: the per-address and per-inbox limits of the token and signup endpoints;
- gateway.py: the gateway's API token checked on the verify hot path without a query per call.

Signup (forms.py, adapters.py) and issuing API tokens stay in accounts/: they create
accounts and tokens, which is accounts.services' business.
"""
