"""`python -m bench` (what `make bench` runs): every benchmark, one table. See bench/suite.py."""

import sys

from bench.suite import main

sys.exit(main())
