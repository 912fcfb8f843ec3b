"""``python -m cnnacc``."""

import sys

from cnnacc.main import main

sys.exit(main())
