#!/bin/sh
# Runs the wsx_tls C core's host test driver (native/test/wsx_tls_driver.c)
# under AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer
# (default) or valgrind (--valgrind), against local `openssl s_server` peers
# on 127.0.0.1, across handshake, failure, resumption and close paths. The
# core owns no socket: the driver owns them and carries the ciphertext. Then
# (default mode) the same core and driver are built for a 32-bit target
# (-m32, against Debian's i386 mbedTLS) with -Wall -Wextra -Werror and run,
# since an ESP32 is 32-bit. Exits non-zero on any failed case, warning, leak
# or invalid access. Needs gcc, openssl, libmbedtls-dev, gcc-multilib and
# libmbedtls-dev:i386 (scripts/setup-system.sh) and, for --valgrind, valgrind.
# To check another mbedTLS (e.g. a 3.x build), set MBEDTLS_INCLUDE and
# MBEDTLS_LIB to its include/ and library/ directories (the 32-bit run is
# then left out: it always uses Debian's i386 mbedTLS).
#   --measure   heap per host and per connection (glibc, no checking)
#   --no-m32    leave out the 32-bit build and run
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
mode=asan
m32=yes
for arg in "$@"; do
  case "$arg" in
    --valgrind) mode=valgrind ;;
    --measure) mode=measure ;;
    --no-m32) m32=no ;;
    *) echo "native-memcheck: unknown argument $arg" >&2; exit 2 ;;
  esac
done
[ -n "${MBEDTLS_INCLUDE:-}" ] && m32=no

work=$(mktemp -d "${TMPDIR:-/tmp}/wsx-memcheck.XXXXXX")
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  for p in $pids; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ssl() { openssl "$@" >/dev/null 2>&1; }
key() { ssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1.key"; }
root_ca() {
  key "$1"
  ssl req -x509 -new -key "$1.key" -out "$1.pem" -days 30 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
signed() { # name issuer cn extensions...
  name=$1 issuer=$2 cn=$3; shift 3
  key "$name"
  ssl req -new -key "$name.key" -out "$name.csr" -subj "/CN=$cn"
  printf '%s\n' "$@" > "$name.ext"
  ssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -CAcreateserial -out "$name.pem" -days 30 -extfile "$name.ext"
}

cd "$work"
root_ca ca "memcheck root"
root_ca other-ca "memcheck unrelated root"
signed int ca "memcheck intermediate" "basicConstraints=critical,CA:TRUE,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign"
signed server int localhost "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost"
signed ipsan int 127.0.0.1 "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1"
signed wronghost int elsewhere.test "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" "subjectAltName=DNS:elsewhere.test"
signed client ca "memcheck client" "basicConstraints=CA:FALSE" "extendedKeyUsage=clientAuth"
signed client-int int "memcheck chained client" "basicConstraints=CA:FALSE" "extendedKeyUsage=clientAuth"
ssl ec -in client.key -aes256 -passout "pass:open sesame" -out client-pem-aes.key

# serve NAME ARGS...: starts `openssl s_server -rev` on 127.0.0.1, port 0, in
# this shell (so cleanup can stop it) and waits until NAME.log shows its port.
serve() {
  name=$1; shift
  openssl s_server -accept 127.0.0.1:0 -rev "$@" </dev/null >"$name.log" 2>&1 &
  pids="$pids $!"
  i=0
  while ! grep -q "^ACCEPT 127" "$name.log" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 200 ]; then cat "$name.log" >&2; exit 1; fi
    sleep 0.05
  done
}
port_of() { sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1.log" | head -n 1; }

serve good -cert server.pem -key server.key -cert_chain int.pem
serve mutual -cert server.pem -key server.key -cert_chain int.pem -CAfile ca.pem -Verify 2
serve wrong -cert wronghost.pem -key wronghost.key -cert_chain int.pem
serve noticket -cert server.pem -key server.key -cert_chain int.pem -no_ticket
serve ipsan -cert ipsan.pem -key ipsan.key -cert_chain int.pem
serve good2 -cert server.pem -key server.key -cert_chain int.pem
ports="$(port_of good) $(port_of mutual) $(port_of wrong) $(port_of noticket) $(port_of ipsan) $(port_of good2)"

core="$root/native/core"
cflags="-std=c11 -g -O1 -Wall -Wextra -Werror -I$core"
if [ -n "${MBEDTLS_INCLUDE:-}" ]; then cflags="$cflags -I$MBEDTLS_INCLUDE"; fi
srcs="$root/native/test/wsx_tls_driver.c $core/wsx_tls.c $core/wsx_tls_errors.c"
libs="-lmbedtls -lmbedx509 -lmbedcrypto"
if [ -n "${MBEDTLS_LIB:-}" ]; then libs="-L$MBEDTLS_LIB $libs"; fi

# shellcheck disable=SC2086
if [ "$mode" = asan ]; then
  cc $cflags -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -o driver $srcs $libs
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ./driver "$work" $ports
elif [ "$mode" = measure ]; then
  cc $cflags -DWSX_MEASURE -o driver $srcs $libs
  GLIBC_TUNABLES=glibc.malloc.tcache_count=0 ./driver "$work" $ports
else
  cc $cflags -o driver $srcs $libs
  valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=86 \
    ./driver "$work" $ports
fi
echo "native-memcheck ($mode): clean"

# An ESP32 is 32-bit: the core must build warning-free and work there too (size_t and long are 32 bits).
if [ "$mode" = asan ] && [ "$m32" = yes ]; then
  lib32=/usr/lib/i386-linux-gnu
  if [ ! -f "$lib32/libmbedtls.a" ] && [ ! -f "$lib32/libmbedtls.so" ]; then
    echo "native-memcheck: no 32-bit mbedTLS in $lib32 (run scripts/setup-system.sh: gcc-multilib, libmbedtls-dev:i386), or pass --no-m32" >&2
    exit 1
  fi
  # shellcheck disable=SC2086
  cc -m32 $cflags -Wshadow -Wconversion -o driver32 $srcs -L"$lib32" $libs
  # Some kernels (sandboxes) cannot execute i386 binaries: then the build and link are the check.
  if ./driver32 --can-run >/dev/null 2>&1; then
    ./driver32 "$work" $ports
    echo "native-memcheck (32-bit, -m32 -Wall -Wextra -Werror -Wshadow -Wconversion): built and ran clean"
  else
    echo "native-memcheck (32-bit, -m32 -Wall -Wextra -Werror -Wshadow -Wconversion): built and linked warning-free; this kernel cannot execute i386 binaries, so it was not run"
  fi
fi
