"""``python -m theory`` runs the command line."""

import sys

from theory.cli import main

sys.exit(main())
