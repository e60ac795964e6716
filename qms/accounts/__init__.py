"""Accounts: the organisation tree, users, passwords, tokens, and every role rule in one place."""
