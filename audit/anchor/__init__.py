"""The audit chain's anchors outside the database: the key that its hashes are keyed with
(keys) and the signed digests of its head written to a directory (digests)."""
