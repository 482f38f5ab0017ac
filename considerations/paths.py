"""Where the course data lives.

In a checkout (and an editable install) that is the repository's `data/`;
in an installed wheel it is the copy packaged as `considerations/_data`.
`CONSIDERATIONS_DATA` overrides both, e.g. for tests on a broken copy.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir() -> Path:
    override = os.environ.get("CONSIDERATIONS_DATA")
    if override:
        return Path(override)
    for candidate in (_PACKAGE.parent / "data", _PACKAGE / "_data"):
        if (candidate / "sources.csv").is_file():
            return candidate
    raise FileNotFoundError(
        "course data not found: expected data/sources.csv next to the considerations package "
        "(a checkout) or considerations/_data (an installed wheel); set CONSIDERATIONS_DATA to its folder"
    )
