"""Demo data placeholder."""
LOGINS: list[tuple[str, str]] = []


def load(session, files, today):  # type: ignore[no-untyped-def]
    return False
