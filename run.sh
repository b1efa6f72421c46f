#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds Confab and starts a local confabd on SQLite, with an account for you.
# Data stays between runs (in ${XDG_DATA_HOME:-~/.local/share}/confab).
#   ./run.sh            the server and the desktop app signed in to it (only the server without a display)
#   ./run.sh --server   only the server
#   ./run.sh --host     the desktop app hosting its own server (the built-in server;
#                       its data in ~/.local/share/confab-desktop/server)
set -euo pipefail
cd "$(dirname "$0")"
source packaging/deps.sh
confab_install_packages "${CONFAB_BUILD_PACKAGES[@]}"
confab_build build

if [ "${1:-}" = --host ]; then
    shift
    exec build/app/confab --host "$@"
fi

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
server_only=false
for a in "$@"; do
    if [ "$a" = --server ]; then server_only=true; else args+=("$a"); fi
done
if $server_only || { [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; } || [ ! -x build/app/confab ]; then
    $server_only || echo "No display (or no desktop app built): only the server runs. Connect with: build/app/confab --server <the ws:// URL below>"
    exec build/server/confabd --data "$data_dir" "${args[@]}"
fi

# The server in the background; the desktop app, signed in, in the foreground. When the app
# exits, the server stops.
server_log="$data_dir/confabd.log"
build/server/confabd --data "$data_dir" "${args[@]}" > >(tee "$server_log") 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null' EXIT
url=""
for _ in $(seq 100); do
    url=$(sed -n 's/.*listening on \(wss\?:[^ ]*\).*/\1/p' "$server_log" 2>/dev/null | head -n1)
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || { echo "confabd did not start" >&2; exit 1; }
    sleep 0.1
done
[ -n "$url" ] || { echo "confabd did not report its address" >&2; exit 1; }
echo "Server: $url  (connect other clients there)"
build/app/confab --server "$url" --user "$user" --password-file "$password_file"
