"""What an upload is and what it may be called: names from clients are reduced to one safe part."""

from __future__ import annotations

import io

import pytest
from support.hostile_files import encrypted_office_file

from qms.errors import Invalid
from qms.files import filetypes


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("..\\..\\Windows\\win.ini.docx", "win.ini.docx"),
        ("C:\\Users\\thuky\\Quy trình.docx", "Quy trình.docx"),
        ("../", "tai-lieu"),
        ("", "tai-lieu"),
        ('a<b>:"c"|?*.pdf', "a_b___c____.pdf"),
        ("cap-ban-sao\u202efdp.docx", "cap-ban-saofdp.docx"),
        ("x" * 250 + ".tar.docx", "x" * 195 + ".docx"),
    ],
)
def test_safe_filename_keeps_one_harmless_part(sent, kept):
    assert filetypes.safe_filename(sent) == kept
    assert len(filetypes.safe_filename(sent)) <= 200


def test_an_encrypted_office_file_and_a_legacy_doc_are_told_apart():
    with pytest.raises(Invalid) as encrypted:
        filetypes.check_upload(io.BytesIO(encrypted_office_file()), "quy-trinh.docx")
    assert encrypted.value.code == "encrypted"
    # The same compound file with a Word 97 stream where the encrypted package was: an old .doc.
    legacy = encrypted_office_file().replace("EncryptedPackage".encode("utf-16-le"), "WordDocument".encode("utf-16-le"))
    with pytest.raises(Invalid) as old:
        filetypes.check_upload(io.BytesIO(legacy), "quy-trinh.docx")
    assert old.value.code == "legacy_doc" and ".doc" in old.value.message
