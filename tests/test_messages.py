"""A service's Message: Vietnamese as text, any language at display, its values kept when stored."""

from __future__ import annotations

import copy
import json
import pickle

from qms.messages import Message, joined

ENGLISH = {
    "Bước %(step)s chưa ghi thời gian thực hiện.": "Step %(step)s states no time.",
    "Tổng thời gian các bước là %(total)s, vượt %(limit)s.": "The steps add up to %(total)s, more than %(limit)s.",
    "%(count)s giờ": "%(count)s hours",
    "thời hạn giải quyết %(time)s của thủ tục %(procedure)s": "the statutory time %(time)s of procedure %(procedure)s",
    "Hệ thống (tự động)": "System (automatic)",
    "Mất placeholder %(step)s": "Lost its placeholder",
}


def english(msgid: str) -> str:
    return ENGLISH.get(msgid, msgid)


def test_a_message_is_its_vietnamese_text_and_renders_in_another_language_with_its_values():
    message = Message("Bước %(step)s chưa ghi thời gian thực hiện.", step="3")
    assert message == "Bước 3 chưa ghi thời gian thực hiện." and isinstance(message, str)
    assert message.render(english) == "Step 3 states no time."
    assert json.dumps({"m": message}, ensure_ascii=False) == '{"m": "Bước 3 chưa ghi thời gian thực hiện."}'


def test_nested_messages_render_in_the_same_language_and_other_values_stay_as_written():
    limit = Message("thời hạn giải quyết %(time)s của thủ tục %(procedure)s", time="Trong ngày", procedure="2.000635")
    message = Message("Tổng thời gian các bước là %(total)s, vượt %(limit)s.",
                      total=Message("%(count)s giờ", count="9"), limit=limit)
    assert "là 9 giờ, vượt thời hạn giải quyết Trong ngày của thủ tục 2.000635." in message
    assert message.render(english) == (
        "The steps add up to 9 hours, more than the statutory time Trong ngày of procedure 2.000635."
    )


def test_stored_and_read_back_it_keeps_its_id_and_values():
    limit = Message("thời hạn giải quyết %(time)s của thủ tục %(procedure)s", time="8 giờ", procedure="1.001193")
    message = Message("Tổng thời gian các bước là %(total)s, vượt %(limit)s.", total="10 giờ", limit=limit)
    again = Message.from_data(json.loads(json.dumps(message.as_data())))
    assert again == message and again.render(english) == message.render(english)
    assert again.render(english).startswith("The steps add up to 10 giờ, more than the statutory time 8 giờ")
    for copied in (copy.deepcopy(message), pickle.loads(pickle.dumps(message))):
        assert isinstance(copied, Message) and copied.render(english) == message.render(english)


def test_a_translation_with_a_wrong_placeholder_falls_back_to_the_vietnamese():
    # "%" with a mapping and no placeholder gives the text as it is: the value is lost, never an error.
    assert Message("Mất placeholder %(step)s", step="2").render(english) == "Lost its placeholder"
    assert Message("Mất placeholder %(step)s", step="2").render(lambda msgid: "Bad %(other)s") == "Mất placeholder 2"
    assert Message("Hệ thống (tự động)").render(english) == "System (automatic)"
    assert joined([Message("Hệ thống (tự động)"), "QT-01"]).render(english) == "System (automatic); QT-01"
