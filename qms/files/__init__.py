"""Files: the content-addressed store, what an upload really is, and what is shown of a stored file."""
