import pytest
from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests need a password hash, not a strong one: PBKDF2 costs about 0.6 s a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username: str, **extra):
    return get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.title(),
        last_name="Tester",
        **extra,
    )


def _clinician(username: str):
    """A member of the Clinicians group."""
    from django.contrib.auth.models import Group

    from assessments.roles import CLINICIANS, ensure_roles

    ensure_roles()  # a transactional test may have flushed the groups the migration made
    user = _user(username)
    user.groups.add(Group.objects.get(name=CLINICIANS))
    return user


@pytest.fixture
def alice(db):
    """A clinician."""
    return _clinician("alice")


@pytest.fixture
def signed_in(client, alice):
    """The test client, signed in as Alice."""
    client.force_login(alice)
    return client


@pytest.fixture
def bob(db):
    """A second clinician."""
    return _clinician("bob")


@pytest.fixture
def carol(db):
    """A third clinician."""
    return _clinician("carol")


@pytest.fixture
def reviewer(db):
    """A reviewer (department lead): reads every assessment and the admin, changes nothing."""
    from django.contrib.auth.models import Group

    from assessments.roles import REVIEWERS, ensure_roles

    ensure_roles()  # a transactional test may have flushed the groups the migration made
    user = _user("reviewer", is_staff=True)
    user.groups.add(Group.objects.get(name=REVIEWERS))
    return user


@pytest.fixture
def superuser(db):
    """A superuser: manages users in the admin."""
    return get_user_model().objects.create_superuser(
        username="admin", password=PASSWORD, email="admin@example.org"
    )


@pytest.fixture
def rules_2026_2(settings):
    """The active rules version pinned to 2026.2: for tests of 2026.2 behaviour through the web
    (its refusals, texts and outcomes), which 2026.3 changes on purpose."""
    settings.VERTEBRO_RULES_VERSION = "2026.2"
