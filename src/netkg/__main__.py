"""`python -m netkg` runs the command line, so a non-activated virtualenv works too."""

import sys

from netkg.cli import main

sys.exit(main())
