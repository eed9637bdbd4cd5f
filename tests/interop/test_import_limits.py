"""A QuestionnaireResponse upload or import_fhir file that is not JSON Vertebro can read is
refused with a message naming the problem: never a 500, never a traceback."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Assessment

NESTED = b"[" * 30_000 + b"]" * 30_000  # 60 KB, under the upload limit

pytestmark = pytest.mark.django_db

REFUSED = {
    "nested 60 KB": (NESTED, "nests deeper than 32 levels"),
    "nested 40": (
        b'{"resourceType": "QuestionnaireResponse", "item": ' + b"[" * 40 + b"]" * 40 + b"}",
        "nests deeper than 32 levels",
    ),
    "NaN": (b'{"resourceType": "QuestionnaireResponse", "x": NaN}', "NaN is not a JSON number"),
    "NUL": (b'{"resourceType": "QuestionnaireResponse\\u0000"}', "NUL character"),
    "surrogate": (b'{"resourceType": "\\ud800"}', "lone surrogate"),
    "huge number": (b'{"a": 1e999}', "too large"),
    "not UTF-8": (b"\xff\xfe", "not UTF-8"),
}


@pytest.mark.parametrize(("content", "words"), REFUSED.values(), ids=REFUSED.keys())
def test_the_import_page_refuses_it_with_a_400_naming_the_problem(client, bob, content, words):
    client.force_login(bob)
    upload = SimpleUploadedFile("response.json", content, "application/json")
    response = client.post("/interop/import/", {"file": upload})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(("content", "words"), REFUSED.values(), ids=REFUSED.keys())
def test_import_fhir_refuses_it_with_a_message_and_no_traceback(bob, tmp_path, content, words):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "response.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=words):
        call_command("import_fhir", str(path), "--user", "bob")
