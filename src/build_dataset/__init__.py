"""acftu-discourse: build a validated, citable data package from news texts on China's trade unions.

The version and release date below are the single source for the package metadata,
datapackage.json and CITATION.cff; `build-dataset release` rewrites them.
"""

__version__ = "1.0.1"
__release_date__ = "2026-11-23"

# build_dataset.load("figures") -> pandas DataFrame; load.py imports only the standard
# library, pandas and pyarrow are imported when it is called.
from build_dataset.load import load as load  # noqa: E402
