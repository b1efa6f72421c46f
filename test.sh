#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds Confab and runs every test (unit, integration, end-to-end, QML, a short fuzz run).
# Safe to run twice: installs only what is missing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")"
source packaging/deps.sh
confab_install_packages "${CONFAB_BUILD_PACKAGES[@]}" "${CONFAB_TEST_PACKAGES[@]}"
confab_build build
cd build
ctest --output-on-failure -j2 --timeout 600 "$@"
