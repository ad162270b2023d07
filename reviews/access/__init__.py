"""After approval: re-certifying grants and watching how they are used.

- campaigns.py: access-review campaigns (start, remind, lapse, end, schedules);
- grant_reviews.py: re-reviews of one grant, whatever opened them (a campaign, a policy
  change, monitoring): who may decide, certify, reduce or revoke;
- monitoring.py: the anomaly rules run over every live grant, findings flagged once;
- policy_changes.py: re-screening active grants after a policy is published;
- mail.py: the mail these owe the grants' holders and the administrators;
- api.py, views.py, urls.py, forms.py, serializers.py, tasks.py: their API, pages and tasks.

Who may decide (reviews/eligibility.py) and how mail goes out (reviews/notifications.py)
are the queue's, shared with applications' reviews.
"""
