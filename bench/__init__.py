"""The benchmark: a city-scale synthetic data set and timings of the app against raw SQL (README.md)."""
