"""Suite-wide test settings."""

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True, scope="session")
def fast_password_hasher():
    """Django's own advice for a faster suite: PBKDF2's million iterations cost a third of a second
    for every user a test creates and every login, some hundreds in a run. What a password is
    checked against is the same with MD5; the production hasher is left to the settings."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
