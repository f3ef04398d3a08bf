#!/bin/sh
# Builds the Node (N-API) binding of the mbedTLS transport:
#   native/node/build/Release/wsx_tls.node
# Needs libmbedtls-dev (scripts/setup-system.sh installs it) and a C compiler.
# Uses the node-gyp that ships inside npm, and this Node's own headers when
# they are installed next to it (no download from nodejs.org).
# To build against another mbedTLS (e.g. 3.x), set MBEDTLS_INCLUDE and
# MBEDTLS_LIB to its include/ and library/ directories (static libraries
# there must be built with -fPIC).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/native/node"

node_bin=$(command -v node)
prefix=$(dirname "$(dirname "$node_bin")")
gyp=""
for candidate in \
  "$(npm root -g 2>/dev/null)/npm/node_modules/node-gyp/bin/node-gyp.js" \
  "$prefix/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js" \
  "$root/node_modules/node-gyp/bin/node-gyp.js"; do
  if [ -f "$candidate" ]; then gyp="$candidate"; break; fi
done

nodedir_arg=""
if [ -f "$prefix/include/node/node_api.h" ]; then
  nodedir_arg="--nodedir=$prefix"
fi

mbedtls_args=""
if [ -n "${MBEDTLS_INCLUDE:-}" ]; then mbedtls_args="$mbedtls_args --mbedtls_include=$MBEDTLS_INCLUDE"; fi
if [ -n "${MBEDTLS_LIB:-}" ]; then mbedtls_args="$mbedtls_args --mbedtls_lib=$MBEDTLS_LIB"; fi

# shellcheck disable=SC2086
if [ -n "$gyp" ]; then
  node "$gyp" rebuild $nodedir_arg $mbedtls_args
else
  npm exec --yes node-gyp -- rebuild $nodedir_arg $mbedtls_args
fi
test -f build/Release/wsx_tls.node
echo "build-native: built native/node/build/Release/wsx_tls.node"
