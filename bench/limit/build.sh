#!/bin/sh
# Builds the bare libmicrohttpd server: bench/limit/limit
set -eu
cd "$(dirname "$0")"
cc -O2 -Wall -Wextra -o limit limit.c $(pkg-config --cflags --libs libmicrohttpd)
