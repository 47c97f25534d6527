#!/usr/bin/env bash
# The whole test suite: installs the real-libzmq peers if they are missing, then restores, builds
# and runs every test project. Extra arguments go to `dotnet test` (e.g. --filter Name~Tcp).
#
# Parallelism is chosen, not left to defaults: the test assemblies run one after another
# (-m:1), and within each, xunit.runner.json caps how many tests run at once (Zmq.Tests 4,
# interop and CLI 2, the benchmark smoke tests 1), so that a 2-core machine is loaded but not
# starved and the timing-sensitive tests keep their thread pool.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -d tests/interop/node/node_modules/zeromq ]; then
  echo "Installing the interop peers (zeromq.js 6.8.0, libzmq 4.3.5) ..."
  (cd tests/interop/node && npm ci --no-audit --no-fund)
fi

# Debian's libzmq 4.3.4: the benchmark's reference, whose path the smoke tests run (through P/Invoke
# and through bench/native/perf_peer.c, built with gcc against libzmq3-dev), and (through
# python3-zmq) the second libzmq build of the interop tests.
if ! ldconfig -p | grep 'libzmq\.so\.5 ' >/dev/null || ! /usr/bin/python3 -c 'import zmq' 2>/dev/null \
  || [ ! -f /usr/include/zmq.h ] || ! command -v cc >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's libzmq5, libzmq3-dev, gcc and python3-zmq ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libzmq5 python3-zmq libzmq3-dev gcc >/dev/null
  else
    echo "The tests need Debian's libzmq5, libzmq3-dev, gcc and python3-zmq: sudo apt-get install libzmq5 libzmq3-dev gcc python3-zmq" >&2
    exit 1
  fi
fi

dotnet test Zmq.slnx -c Release -m:1 "$@"
