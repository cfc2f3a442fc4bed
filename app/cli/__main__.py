"""``python -m app.cli``: the same command line as ``thresher``."""

import sys

from app.cli import main

sys.exit(main())
