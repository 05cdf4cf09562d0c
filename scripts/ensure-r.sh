#!/usr/bin/env bash
# Make sure Rscript with readr and jsonlite is available for the R loading tests.
#
# Installs Debian's r-base-core, r-cran-readr and r-cran-jsonlite with apt-get when
# Rscript or one of the packages is missing (non-interactive; needs root or sudo).
# Does nothing when they are already there. Fails loudly when they cannot be installed,
# so that `make test` on a clean machine either gets R or stops with a clear message.
set -euo pipefail

have_r() {
    command -v Rscript >/dev/null 2>&1 &&
        Rscript -e 'for (p in c("readr", "jsonlite")) if (!requireNamespace(p, quietly = TRUE)) quit(status = 1)' \
            >/dev/null 2>&1
}

if have_r; then
    exit 0
fi

PACKAGES=(r-base-core r-cran-readr r-cran-jsonlite)
echo "ensure-r: Rscript with readr and jsonlite not found; installing ${PACKAGES[*]} with apt-get" >&2

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-r: apt-get is not available: install R (>= 4.1) with the readr and jsonlite" \
         "packages yourself, then run make test again" >&2
    exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        echo "ensure-r: installing R needs root (or sudo): run as root, or install" \
             "${PACKAGES[*]} yourself" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" </dev/null

if ! have_r; then
    echo "ensure-r: installed ${PACKAGES[*]}, but Rscript still cannot load readr and jsonlite" >&2
    exit 1
fi
echo "ensure-r: $(Rscript --version 2>&1 | head -n 1)" >&2
