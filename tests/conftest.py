import pytest
from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery-staple"


def _user(username: str, **extra):
    return get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.title(),
        last_name="Tester",
        **extra,
    )


@pytest.fixture
def alice(db):
    """A clinician."""
    return _user("alice")


@pytest.fixture
def bob(db):
    """A second clinician."""
    return _user("bob")
