"""A .docx shown in the browser: converted to plain HTML by mammoth, sanitised by nh3, cached by the file's SHA-256.

The stored file never changes, so its HTML never changes either: one conversion per file and renderer version.
"""

from __future__ import annotations

import io
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import BinaryIO

import mammoth
import nh3

from qms.text.extract import package_refusal
from qms.text.vietnamese import slug

_log = logging.getLogger(__name__)

#: Bump when the conversion or the allowed markup changes: older cached pages are then ignored.
RENDERER_VERSION = "3"

ALLOWED_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "a", "img",
}
ALLOWED_ATTRIBUTES = {
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "a": {"href"},
    "img": {"src", "alt"},
}

# Word's own heading and title styles, plus the names Vietnamese templates give them, one level below the
# page's own h1 (the document's code and title), so a page has one h1 and headings in order.
STYLE_MAP = """
p[style-name='Title'] => h2:fresh
p[style-name='Tiêu đề'] => h2:fresh
p[style-name='Subtitle'] => h3:fresh
p[style-name='heading 1'] => h2:fresh
p[style-name='Heading 1'] => h2:fresh
p[style-name='Heading 2'] => h3:fresh
p[style-name='Heading 3'] => h4:fresh
p[style-name='Heading 4'] => h5:fresh
p[style-name='Heading 5'] => h6:fresh
p[style-name='Heading 6'] => h6:fresh
"""


#: Where a link in a document may lead: the web, mail, or a place in the same page; never data:, javascript: ….
LINK_SCHEMES = ("http:", "https:", "mailto:")
#: Images are embedded by mammoth as data: URIs of their own bytes, and are never fetched from elsewhere.
IMAGE_PREFIX = "data:image/"


def _allowed_url(element: str, attribute: str, value: str) -> str | None:
    """Links only to the web, mail or an in-page anchor; images only as embedded data."""
    url = value.strip()
    if element == "a" and attribute == "href":
        return url if url.startswith("#") or url.lower().startswith(LINK_SCHEMES) else None
    if element == "img" and attribute == "src":
        return url if url.lower().startswith(IMAGE_PREFIX) else None
    return value


def clean(html: str) -> str:
    """Only structure survives: no scripts, styles, event handlers or foreign URLs (images stay as data: URIs)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_allowed_url,
        link_rel="noopener noreferrer",
    )


def to_html(stream: BinaryIO) -> str:
    """The document's body as sanitised HTML: headings, paragraphs, lists and tables.

    Only a package that passes the upload's check is converted (every part, whatever its name): mammoth
    follows the relationships and expands XML entities itself, so it must never read what was not checked.
    """
    data = stream.read()
    refused = package_refusal(data)
    if refused is not None:
        _log.warning("reading view refused a stored .docx (%s)", refused)
        return ""
    result = mammoth.convert_to_html(io.BytesIO(data), style_map=STYLE_MAP)
    return clean(result.value)


class HtmlCache:
    """Converted pages on disk, one file per SHA-256 and renderer version; written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root) / f"v{RENDERER_VERSION}"

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256[:2] / f"{sha256}.html"

    def get(self, sha256: str) -> str | None:
        try:
            return self._path(sha256).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def put(self, sha256: str, html: str) -> None:
        target = self._path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(html)
            os.replace(tmp_name, target)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def html_of(self, sha256: str, stream: BinaryIO) -> str:
        """The cached page, or the file converted now and kept for next time."""
        cached = self.get(sha256)
        if cached is not None:
            return cached
        html = to_html(stream)
        try:
            self.put(sha256, html)
        except OSError as error:  # a full disk costs the next reader a conversion, not this one the page
            _log.warning("reading view not cached (%s): %s", sha256[:12], error.strerror)
        return html


@dataclass(frozen=True)
class Heading:
    """One entry of a page's table of contents: its level (2-6), its anchor and its text."""

    level: int
    anchor: str
    text: str


_HEADING = re.compile(r"<h([2-6])>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def with_contents(html: str) -> tuple[str, list[Heading]]:
    """The page with an anchor on each heading, and its headings in order, for a table of contents.

    The HTML is ``clean``'s (headings carry no attribute), so a heading is found by its plain tag; anchors are made
    from the text (``s-thanh-phan-ho-so``), numbered when two headings read the same.
    """
    headings: list[Heading] = []
    used: set[str] = set()

    def anchored(match: re.Match[str]) -> str:
        text = " ".join(unescape(_TAG.sub("", match.group(2))).split())
        if not text:
            return match.group(0)
        base = "s-" + (slug(text)[:60].strip("-") or str(len(headings) + 1))
        anchor, number = base, 2
        while anchor in used:
            anchor, number = f"{base}-{number}", number + 1
        used.add(anchor)
        headings.append(Heading(int(match.group(1)), anchor, text))
        return f'<h{match.group(1)} id="{anchor}">{match.group(2)}</h{match.group(1)}>'

    return _HEADING.sub(anchored, html), headings
