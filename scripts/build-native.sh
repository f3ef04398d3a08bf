#!/bin/sh
# Builds the Node (N-API) binding of the mbedTLS transport:
#   native/node/build/Release/wsx_tls.node
# Needs libmbedtls-dev (scripts/setup-system.sh installs it) and a C compiler.
# Uses the node-gyp that ships inside npm, and this Node's own headers when
# they are installed next to it (no download from nodejs.org).
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

if [ -n "$gyp" ]; then
  node "$gyp" rebuild $nodedir_arg
else
  npm exec --yes node-gyp -- rebuild $nodedir_arg
fi
test -f build/Release/wsx_tls.node
echo "build-native: built native/node/build/Release/wsx_tls.node"
