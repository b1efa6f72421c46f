#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sourced by run.sh and test.sh: installs the Debian 12 packages Confab builds, runs and
# tests with. Idempotent: does nothing when everything is already there.

CONFAB_BUILD_PACKAGES=(
    cmake ninja-build g++ clang libclang-rt-14-dev pkg-config
    qt6-base-dev qt6-websockets-dev qt6-declarative-dev libqt6sql6-sqlite qt6-qpa-plugins
    qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
    qml6-module-qtquick-window qml6-module-qtqml-models qml6-module-qtquick-templates
    qml6-module-qtqml-workerscript qml6-module-qttest qml6-module-qt-labs-settings
    libargon2-dev libsqlite3-dev sqlite3 fonts-dejavu-core fonts-noto-color-emoji libncurses-dev libssl-dev
    libavahi-client-dev qtkeychain-qt6-dev
)
CONFAB_TEST_PACKAGES=(
    libgtest-dev libgmock-dev libbenchmark-dev xvfb xauth openssl xdotool x11-utils
    avahi-daemon dbus-daemon gnome-keyring libsecret-tools faketime
)

confab_missing_packages() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
    done
}

# confab_install_packages PKG...: apt-get installs the missing ones (via sudo when not root).
confab_install_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        echo "This script sets itself up on Debian 12 (apt-get). On this system install the" >&2
        echo "equivalents of these Debian packages yourself, then run it again:" >&2
        echo "  $*" >&2
        exit 1
    fi
    local missing
    missing=$(confab_missing_packages "$@")
    [ -z "$missing" ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "Missing packages and no sudo: as root, run apt-get install $missing" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    echo "Installing Debian packages: $missing"
    # shellcheck disable=SC2086
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; then
        "${sudo[@]}" apt-get update
        # shellcheck disable=SC2086
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
    fi
}

# confab_build DIR [cmake args...]: configures (once) and builds the whole tree into DIR.
confab_build() {
    local dir=$1
    shift
    if [ ! -f "$dir/build.ninja" ]; then
        CXX=${CXX:-clang++} cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
    fi
    cmake --build "$dir" --parallel "$(nproc)"
}
