from precinct.eservices.tests.conftest import catalogue  # noqa: F401  (a fixture used here)
