import pytest

# Rate-limit counters live in the default cache, which is a database table in development and tests:
# each test's transaction rolls its counters back, so tests start with none.
from precinct.testing import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def signing_keys(world):
    """Signing keys for the world's wards and department: issuing a result (`issue_result`) signs it."""
    from precinct.results.testing import world_signing_keys

    return world_signing_keys(world)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 is deliberately slow; tests use a fast hasher unless marked `real_hashers`."""
    if request.node.get_closest_marker("real_hashers") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _notifications_composed_at_once(settings):
    """The worker composes messages queued with notify_later() at once (no batching delay) in tests."""
    settings.NOTIFY_LATER_SECONDS = 0


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, tmp_path_factory):
    """Uploaded files from tests never land in the developer's var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
    settings.PRECINCT_SIGNING_DIR = tmp_path_factory.getbasetemp() / "signing"  # test keys, not var/signing


@pytest.fixture(autouse=True)
def _audit_anchors_per_test(settings, tmp_path):
    """Each test's audit anchors (and anchor key) in its own folder: anchors name row ids of its database."""
    settings.PRECINCT_AUDIT_ANCHOR_DIR = tmp_path / "audit-anchors"
    settings.PRECINCT_PARTITION_ARCHIVE_DIR = tmp_path / "partition-archive"  # archived months (ADR 0030)


@pytest.fixture(autouse=True)
def _no_memo_between_tests():
    """Per-process memos must not carry rows from one test's database into the next."""
    from precinct.core.memo import forget_all

    forget_all()
    yield
    forget_all()
