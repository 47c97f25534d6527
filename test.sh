#!/usr/bin/env bash
# The whole test suite: installs the real-libzmq interop peers if they are missing, then restores,
# builds and runs every test project. Extra arguments go to `dotnet test` (e.g. --filter Name~Tcp).
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -d tests/interop/node/node_modules/zeromq ]; then
  echo "Installing the interop peers (zeromq.js 6.8.0, libzmq 4.3.5) ..."
  (cd tests/interop/node && npm ci --no-audit --no-fund)
fi

dotnet test Zmq.slnx -c Release "$@"
