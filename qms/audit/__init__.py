"""The audit trail: entries recorded in the caller's transaction, and one walk of the hash chain."""
