import pytest

from precinct.eservices.tests.conftest import catalogue, dossier  # noqa: F401  (shared fixtures)
from precinct.portalsync.tests.receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def sync_settings(settings, receiver):
    """Delivery on, pointed at the local receiver, with back-off short enough for a test."""
    settings.PORTAL_SYNC_URL = receiver.url
    settings.PORTAL_SYNC_TOKEN = "test-token"
    settings.PORTAL_SYNC_TIMEOUT = 0.5
    settings.PORTAL_SYNC_MAX_ATTEMPTS = 4
    settings.PORTAL_SYNC_BACKOFF_SECONDS = 0.0
    settings.PORTAL_SYNC_BACKOFF_MAX_SECONDS = 0.0
    settings.PORTAL_SYNC_BATCH = 10
    return settings
