"""Screening's second layer: a classifier over sentence embeddings that catches paraphrase
and euphemism the rules miss, and learns from reviewers' decisions.

- encoder.py: all-MiniLM-L6-v2 in numpy on the CPU (pinned weights, checked at load);
- training.py: pure: labelled examples and their vectors in, a reproducible artefact out
  (the model, thresholds chosen by cross-validation, the examples for evidence);
- scoring.py: a trained artefact ready to screen: hits with spans, scores and the nearest
  labelled example;
- examples.py: the seed examples (seed_examples.json) and decided revisions as examples;
- versions.py: classifier versions (train a draft, publish, the shipped default), the
  vectors' cache, what screening and the health check ask;
- simulation.py: a draft classifier over past applications, compared as a policy draft is.

The shipped classifier, default_classifier.safetensors, is `manage.py train_classifier
--output` over seed_examples.json; `load_policy` publishes it as classifier v1.
"""
