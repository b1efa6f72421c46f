#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds Confab and starts a local confabd on SQLite, with an account for you.
# Data stays between runs (in ${XDG_DATA_HOME:-~/.local/share}/confab).
#   ./run.sh            the server (and, once it exists, the desktop app signed in to it)
#   ./run.sh --server   only the server
set -euo pipefail
cd "$(dirname "$0")"
source packaging/deps.sh
confab_install_packages "${CONFAB_BUILD_PACKAGES[@]}"
confab_build build

data_dir="${CONFAB_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/confab}"
config_dir="${XDG_CONFIG_HOME:-$HOME/.config}/confab"
mkdir -p "$data_dir" "$config_dir"

# An account named after you, made once; its password is kept readable only by you.
user=$(id -un | tr 'A-Z' 'a-z' | tr -cd 'a-z0-9_.-' | cut -c1-32)
[ -n "$user" ] || user=me
password_file="$config_dir/local-password"
if [ ! -s "$password_file" ]; then
    (umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' > "$password_file")
fi
if ! build/server/confabctl --data "$data_dir" user list 2>/dev/null | awk '{print $1}' | grep -qx "$user"; then
    build/server/confabctl --data "$data_dir" user add "$user" --admin --password-stdin < "$password_file"
fi

echo "Sign in as '$user' with the password in $password_file"
echo "Data: $data_dir"
args=()
for a in "$@"; do [ "$a" = --server ] || args+=("$a"); done
exec build/server/confabd --data "$data_dir" "${args[@]}"
