from bench.command import Command  # noqa: F401  (the benchmark lives in bench/)
