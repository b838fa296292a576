"""Suite-wide test settings."""

import pytest
from django.core.cache import cache
from django.test import override_settings


@pytest.fixture(autouse=True, scope="session")
def fast_password_hasher():
    """Django's own advice for a faster suite: PBKDF2's million iterations cost a third of a second
    for every user a test creates and every login, some hundreds in a run. What a password is
    checked against is the same with MD5; the production hasher is left to the settings."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """A background worker runs in a process of its own (tests marked `worker`), which SQLite's
    test database in memory would not reach: when such a test runs, that database is a file."""
    from django.conf import settings

    if not any(item.get_closest_marker("worker") for item in request.session.items):
        return
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("worker") / "test.sqlite3")


@pytest.fixture(autouse=True)
def empty_report_cache():
    """Each test starts with an empty cache (reports.caching): a test's writes are rolled back,
    and with them the generations the cache's entries are keyed on."""
    cache.clear()
