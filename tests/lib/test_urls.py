"""vertebro_lib.urls.reverse_once gives what `reverse` gives, for any ids, any other argument
and any script prefix."""

import uuid

from django.urls import reverse, set_script_prefix

from vertebro_lib.urls import reverse_once


def test_it_gives_the_url_reverse_gives_for_any_id_and_argument():
    for _ in range(3):
        first, second = uuid.uuid4(), uuid.uuid4()
        assert reverse_once("assessments:pdf", first) == reverse("assessments:pdf", args=[first])
        assert reverse_once("assessments:pdf", second) == reverse("assessments:pdf", args=[second])
        for step in (1, 4):
            assert reverse_once("assessments:step", first, step) == reverse(
                "assessments:step", args=[first, step]
            )
        for kind in ("response", "bundle"):
            assert reverse_once("interop:export", second, kind) == reverse(
                "interop:export", args=[second, kind]
            )
    assert reverse_once("assessments:new") == reverse("assessments:new")
    text_id = str(uuid.uuid4())
    assert reverse_once("assessments:result", text_id) == reverse(
        "assessments:result", args=[text_id]
    )


def test_it_follows_the_script_prefix():
    some_id = uuid.uuid4()
    try:
        set_script_prefix("/vertebro/")
        assert reverse_once("assessments:pdf", some_id).startswith("/vertebro/assessments/")
    finally:
        set_script_prefix("/")
    assert reverse_once("assessments:pdf", some_id) == reverse("assessments:pdf", args=[some_id])
