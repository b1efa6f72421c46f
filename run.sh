#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds Confab and starts a local confabd on SQLite (data kept between runs).
set -euo pipefail
cd "$(dirname "$0")"
source packaging/deps.sh
confab_install_packages "${CONFAB_BUILD_PACKAGES[@]}"
confab_build build
exec build/server/confabd "$@"
