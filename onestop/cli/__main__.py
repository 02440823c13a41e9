"""`python -m onestop.cli`: the same as the `onestop` console script."""

import sys

from onestop.cli.main import main

sys.exit(main())
