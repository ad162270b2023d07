"""The usage policy, and screening against it.

- versions.py: the published policy and drafts (create, publish, the default as version 1);
- default_policy.toml: the default policy as data, loaded and checked by default.py;
- rules.py: the rule language (triggers and cues, phrases and stems) and its matcher;
- screening.py: pure: a revision's texts (texts_of) and a compiled policy in, matches and
  evidence out;
- evidence.py: a text cut into highlighted pieces, for the pages that show the evidence;
- simulation.py: a draft screened against today's applications and grants, before it is
  published. It compares routes by approvals/routing.py's names, the one import of this
  package that looks up at the app (routing turns a screening into a queue, so it sits
  above screening).

The models (PolicyVersion, Domain) stay in approvals/models.py under the app label
"approvals". The administrators' pages for versions are in reviews/policy/: publishing opens
grant re-reviews, which approvals/ may not import.
"""
