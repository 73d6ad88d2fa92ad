"""Settings for the benchmarks only: production settings plus one bare view (bench/bench_urls.py).

The bare view is the yardstick the pages are compared with; it is reachable only when this module is
the settings module, which only the scripts in bench/ do.
"""

from studio.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
