import pytest

from anjian.workdays import services


@pytest.fixture(autouse=True)
def fresh_holiday_cache():
    """Each test's rows are rolled back at its end, which the process's copy of the table cannot see:
    start and leave every test with none, so no test counts with another's holidays."""
    services.invalidate_cache()
    yield
    services.invalidate_cache()
