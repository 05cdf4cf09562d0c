"""acftu-discourse: build a validated, citable data package from news texts on China's trade unions.

The version and release date below are the single source for the package metadata,
datapackage.json and CITATION.cff; `build-dataset release` rewrites them.
"""

__version__ = "0.1.0"
__release_date__ = "2026-11-22"
