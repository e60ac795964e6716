"""Defaults for every setting, overridden by QMS_* environment variables.

Only UPPERCASE names are read into the Flask config. A value given to
``create_app(overrides)`` wins over both.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"QMS_{name}", default)


def _env_bool(name: str, default: bool) -> bool:
    return _env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


STORAGE_DIR = Path(_env("STORAGE_DIR", str(PROJECT_DIR / "storage"))).resolve()

#: SQLite under storage/ by default; ``postgresql+psycopg://…`` for PostgreSQL.
DATABASE_URL = _env("DATABASE_URL", f"sqlite:///{STORAGE_DIR / 'qms.sqlite3'}")

#: Content-addressed files live here, one file per SHA-256; empty means STORAGE_DIR/files.
FILES_DIR = _env("FILES_DIR", "")

#: The local Whoosh index of this host; empty means STORAGE_DIR/index.
INDEX_DIR = _env("INDEX_DIR", "")

#: Where the nightly backups go (`flask qms backup`); the append-only file of audit chain anchors
#: (audit-anchors.txt, written daily) is kept here too. Empty means STORAGE_DIR/backups. Put it on another disk.
BACKUP_DIR = _env("BACKUP_DIR", "")

#: How long a request waits for the index writer before leaving the work to the next one.
INDEX_WRITER_TIMEOUT = float(_env("INDEX_WRITER_TIMEOUT", "0.5"))

#: Processes writing a full rebuild (`flask qms reindex`); one segment each.
INDEX_BUILD_PROCESSES = int(_env("INDEX_BUILD_PROCESSES", str(min(2, os.cpu_count() or 1))))

#: Local-time zone of the agencies: "today" for effective dates is computed in it.
TIMEZONE = _env("TIMEZONE", "Asia/Ho_Chi_Minh")

#: Largest upload accepted, in bytes (Flask answers 413 past it).
MAX_CONTENT_LENGTH = int(_env("MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))

#: Below this much free space where the files are kept, /readyz reports the file store as failing (bytes).
MIN_FREE_BYTES = int(_env("MIN_FREE_BYTES", str(256 * 1024 * 1024)))

#: Longest query string accepted, in bytes as sent (percent-encoded); longer is answered 414 by the application.
#: gunicorn's limit_request_line (config/gunicorn.conf.py, 8190) must stay above it plus the path.
MAX_QUERY_BYTES = int(_env("MAX_QUERY_BYTES", "7000"))

SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = int(_env("SESSION_LIFETIME_SECONDS", str(8 * 3600)))

#: Days an API token lives unless `flask qms token --days` says otherwise.
TOKEN_DAYS = int(_env("TOKEN_DAYS", "90"))

#: Days a reader has to confirm «Tôi đã đọc và hiểu» before the reminder (qms.acknowledgements.reminders).
ACKNOWLEDGE_DAYS = int(_env("ACKNOWLEDGE_DAYS", "7"))

#: Flask-Limiter back end; memory:// is per process, use redis:// for several workers.
RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
#: Prefix of the limiter's keys, for a Redis database shared with other applications.
RATELIMIT_KEY_PREFIX = _env("RATELIMIT_KEY_PREFIX", "")
LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute")
#: Sign-in attempts per account, whatever the address: guessing one password from many addresses is slowed too.
LOGIN_ACCOUNT_RATE_LIMIT = _env("LOGIN_ACCOUNT_RATE_LIMIT", "10 per minute")

#: Reverse proxies in front of the application whose X-Forwarded-For/-Proto/-Host are believed (Werkzeug's
#: ProxyFix): 1 behind one nginx. 0 believes none, so a client cannot choose its own address.
TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))

#: Level of the application's own loggers (JSON lines on stderr; see qms/ops/request_log.py).
LOG_LEVEL = _env("LOG_LEVEL", "INFO")

#: Crash tests only: ``point:seconds[,…]`` pauses the service at a named point (qms/ops/faults.py). Empty = inert.
FAULT_PAUSE = _env("FAULT_PAUSE", "")

#: The task queue: Redis when set (the same one as the rate limits, e.g. redis://redis.internal:6379/1), else a
#: SQLite queue under STORAGE_DIR. TASKS_IMMEDIATE: run jobs inside the call that enqueues them (empty: only in tests).
REDIS_URL = _env("REDIS_URL", "")
TASKS_IMMEDIATE = _env("TASKS_IMMEDIATE", "")
#: Threads of one `flask qms worker`; each runs one conversion or recognition at a time.
TASKS_WORKERS = int(_env("TASKS_WORKERS", "2"))
#: Seconds before a failed conversion is tried again, and how many tries in all before it is marked failed.
TASKS_RETRY_DELAY = float(_env("TASKS_RETRY_DELAY", "30"))
PROCESSING_ATTEMPTS = int(_env("PROCESSING_ATTEMPTS", "3"))
#: Longest pause, in seconds, between two looks of an idle worker thread into the SQLite queue (Redis waits instead).
TASKS_POLL_INTERVAL = float(_env("TASKS_POLL_INTERVAL", "0.25"))

#: LibreOffice (.doc, .odt, .rtf → .docx): seconds before the converter's process group is killed.
CONVERSION_TIMEOUT = float(_env("CONVERSION_TIMEOUT", "120"))
#: persistent: a long-lived LibreOffice per worker thread, driven through UNO by CONVERTER_PYTHON (a Python with
#: Debian's python3-uno), falling back to one soffice per file when it cannot start; per-file: always one per file.
CONVERTER = _env("CONVERTER", "persistent")
CONVERTER_PYTHON = _env("CONVERTER_PYTHON", "/usr/bin/python3")
#: Pages a converted or recognised file may have; pixels a page picture may have (Pillow's bomb guard too).
CONVERSION_MAX_PAGES = int(_env("CONVERSION_MAX_PAGES", "500"))
OCR_MAX_PIXELS = int(_env("OCR_MAX_PIXELS", str(60_000_000)))
#: OCRmyPDF + Tesseract: seconds for a whole file, the language model, CPU cores per file.
OCR_TIMEOUT = float(_env("OCR_TIMEOUT", "600"))
OCR_LANGUAGE = _env("OCR_LANGUAGE", "vie")
OCR_JOBS = int(_env("OCR_JOBS", "1"))

#: E-mail of notices: smtp://host:port (STARTTLS when offered) or smtps://user:password@host:port; empty: mail is off
#: and notices stay in the application. Credentials may come from QMS_SMTP_USER / QMS_SMTP_PASSWORD instead.
SMTP_URL = _env("SMTP_URL", "")
SMTP_USER = _env("SMTP_USER", "")
SMTP_PASSWORD = _env("SMTP_PASSWORD", "")
SMTP_TIMEOUT = float(_env("SMTP_TIMEOUT", "30"))
MAIL_FROM = _env("MAIL_FROM", "")
#: The address people open the application at; mail links are absolute (https://qms.example.gov.vn).
BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
#: A mail the server refuses or cannot take is tried again after MAIL_RETRY_DELAY seconds, doubling, this many times.
MAIL_ATTEMPTS = int(_env("MAIL_ATTEMPTS", "5"))
MAIL_RETRY_DELAY = float(_env("MAIL_RETRY_DELAY", "60"))

WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

API_TITLE = "QMS ISO 9001 API"
API_VERSION = "v1"
OPENAPI_VERSION = "3.0.3"
OPENAPI_URL_PREFIX = "/api/v1"
OPENAPI_JSON_PATH = "openapi.json"


def secret_key(storage_dir: Path) -> str:
    """QMS_SECRET_KEY, else a random key generated once into storage/ and kept there."""
    configured = os.environ.get("QMS_SECRET_KEY")
    if configured:
        return configured
    key_file = storage_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    storage_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when two workers start at once, the first key written is the one kept.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
