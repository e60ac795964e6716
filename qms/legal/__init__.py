"""Legal documents: the register, status as of a date, import, a revision's legal basis and review items."""
