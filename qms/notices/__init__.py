"""Who is told what: in-app notices and their e-mail.

events.py (the registry: event codes and their texts), service.py (``notify`` in the caller's unit of work, the
recipient's list, unread count, mark read), mail.py (SMTP settings, letters, one connection), delivery.py (claim,
send, record the attempt; the daily digest; stranded mail). The queue (``qms.tasks``) runs the sending.
"""

from qms.notices.events import EVENT_LABELS
from qms.notices.service import notify, take_unsent, with_roles

__all__ = ["EVENT_LABELS", "notify", "take_unsent", "with_roles"]
