"""``python -m aicmo_core.cli``: the ``aicmo`` command."""

import sys

from aicmo_core.cli import main

sys.exit(main())
