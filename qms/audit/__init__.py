"""The audit trail: entries recorded in the caller's transaction, one walk of the hash chain, histories."""
