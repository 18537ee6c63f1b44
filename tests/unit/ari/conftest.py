"""The trading tests' brokerage (a seeded investor with trading and bank accounts) for the IVR's trading desk."""

from tests.unit.trading.conftest import desk  # noqa: F401 - a fixture
