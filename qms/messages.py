"""What a service says, with the values in it: Vietnamese wherever it is used as text, any language at display.

A ``Message`` is a ``str`` (its Vietnamese text), so registers, dossiers, the API and the logs use it as they use
any text; it also keeps its catalogue id and values, so that a page renders it in the reader's language
(``qms.web.language.translate``) and a stored one (a finding) keeps both (``as_data``/``from_data``).
Values that are themselves Messages (a unit, a part of a sentence) are rendered in the same language; other values
(a code, a quote from the document, a number) are shown as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class Message(str):
    """A catalogue text (msgid, Vietnamese, ``%(name)s`` placeholders) and its values."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Message:
        text = msgid % {name: str(value) for name, value in params.items()} if params else msgid
        made = super().__new__(cls, text)
        made.msgid = msgid
        made.params = params
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        # copy/deepcopy/pickle (dataclasses.asdict deep-copies) keep the id and the values.
        return (_rebuilt, (self.msgid, self.params))

    def render(self, gettext: Callable[[str], str], value: Callable[[Any], Any] = str) -> Any:
        """The text in the language ``gettext`` translates into; values that are Messages too.

        ``value`` turns each other value into what is put in the text (the web escapes it and marks a name or a
        quote as Vietnamese content); the text itself then goes through ``value`` too when it is markup-aware.
        """
        if not self.params:
            return gettext(self.msgid)
        values = {name: item.render(gettext, value) if isinstance(item, Message) else value(item)
                  for name, item in self.params.items()}
        try:
            return _formatted(gettext(self.msgid), values, value)
        except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder: the Vietnamese is right
            return _formatted(self.msgid, values, value)

    def as_data(self) -> dict[str, Any]:
        """A JSON-ready form: the id and the values, nested Messages included."""
        return {"msgid": self.msgid, "params": {
            name: value.as_data() if isinstance(value, Message) else value for name, value in self.params.items()
        }}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Message:
        params = {
            name: cls.from_data(value) if isinstance(value, Mapping) and "msgid" in value else value
            for name, value in (data.get("params") or {}).items()
        }
        return cls(str(data["msgid"]), **params)


def _formatted(text: str, values: dict[str, Any], value: Callable[[Any], Any]) -> Any:
    markup = getattr(value, "markup", None)
    return (markup(text) if markup is not None else text) % values


def _rebuilt(msgid: str, params: dict[str, Any]) -> Message:
    return Message(msgid, **params)


def joined(parts: list[Any], separator: str = "; ") -> Message:
    """Several texts (Messages or not) as one, each rendered in the reader's language."""
    names = {f"p{index}": part for index, part in enumerate(parts)}
    return Message(separator.join(f"%({name})s" for name in names), **names) if names else Message("")
