import pytest

from anjian.testing import build_world


@pytest.fixture
def world(db):
    """The fixed personas and subjects of anjian.testing."""
    return build_world()
