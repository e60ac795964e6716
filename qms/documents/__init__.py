"""Documents and their revisions: the workflow, the lifecycle, the document set as of a day, the diff."""
