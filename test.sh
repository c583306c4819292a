#!/usr/bin/env bash
# Runs the whole test suite. On a fresh Debian machine it first installs and starts what the integration
# tests talk to: RabbitMQ and PostgreSQL (from Debian's packages), on loopback only.
# Usage: ./test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

wait_for() { # description, seconds, command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 "$seconds"); do
    if "$@" >/dev/null 2>&1; then echo "==> $what is up"; return 0; fi
    sleep 1
  done
  echo "!! $what did not come up within ${seconds}s" >&2
  return 1
}

if ! as_root rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
  echo "==> starting RabbitMQ"
  as_root rabbitmq-server -detached
fi
wait_for RabbitMQ 90 as_root rabbitmq-diagnostics -q check_port_connectivity

pg_version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
if ! pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  echo "==> starting PostgreSQL $pg_version"
  as_root pg_ctlcluster "$pg_version" main start || true
fi
wait_for PostgreSQL 60 pg_isready -h 127.0.0.1 -q
# A known password for the test role; tests create and drop their own databases.
as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null

export OUTAGE_ALERTS_TEST_RABBITMQ="${OUTAGE_ALERTS_TEST_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672/}"
export OUTAGE_ALERTS_TEST_POSTGRES="${OUTAGE_ALERTS_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

export OUTAGE_ALERTS_FAULT_SUMMARY="${OUTAGE_ALERTS_FAULT_SUMMARY:-$PWD/TestResults/fault-summary.md}"
rm -f "$OUTAGE_ALERTS_FAULT_SUMMARY"

# The console log is also kept, so that a failure can be repeated at the very end, where a CI system that shows
# only the tail of a long log still shows it.
mkdir -p TestResults
console_log=TestResults/console.log
set +e
dotnet test OutageAlerts.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$console_log"
status=${PIPESTATUS[0]}
set -e

# The fault-injection suite (tests/OutageAlerts.IntegrationTests/Faults) leaves one row per fault it injected.
if [ -s "$OUTAGE_ALERTS_FAULT_SUMMARY" ]; then
  echo
  echo "==> fault-injection summary ($OUTAGE_ALERTS_FAULT_SUMMARY)"
  cat "$OUTAGE_ALERTS_FAULT_SUMMARY"
fi
if [ "$status" -ne 0 ]; then
  # Each failure's message and the top of its stack, then the names alone, last, so that a log cut to its tail
  # still says which tests failed.
  echo
  echo "==> failures in detail (from $console_log)"
  grep -E -A 14 '^[[:space:]]+Failed [A-Za-z]' "$console_log" | head -n 90 || true
  echo
  echo "==> failed tests"
  grep -E '^[[:space:]]+Failed [A-Za-z]' "$console_log" || echo "(none named: the run itself failed; see above)"
fi
exit "$status"
