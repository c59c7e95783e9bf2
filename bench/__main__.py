"""`python -m bench` (what `make bench` runs): the checker's speed targets."""

import sys

from bench.bench_scan import main

sys.exit(main())
