"""The conversation on an application: comments between reviewers and developers, and the
mail that carries each one to the other side (sent after commit, swept when lost)."""
