"""`python -m considerations`: validate the course data (see considerations.data)."""

import sys

from considerations.data import main

sys.exit(main())
