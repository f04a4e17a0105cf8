#!/usr/bin/env bash
# Benchmarks Minato against Debian's containerd on this machine, in the same run, as root:
#   ./bench.sh            full comparison; writes bench/results/<date>/ and bench/results/latest.md
#   ./bench.sh --quick    smoke run into a temp dir (nothing under bench/results changes)
#   ./bench.sh --docker [--quick]   Docker Engine API workloads (incl. build and push) vs dockerd (docker.io), Podman and buildah; bench/results/<date>/docker.md
#   ./bench.sh --streaming-soak [--cycles N]   10,000 exec/attach/port-forward cycles; bench/results/<date>/streaming-soak.md
#   ./bench.sh --churn [--cycles N] [--concurrency N]   1,000 pod + container lifecycles, 10 at a time: nothing may leak or slow down
#   ./bench.sh --mixed-load [--clients N] [--seconds N]   50 clients calling a mix of CRI RPCs for 10 minutes: no error, p99 reported
# Any further arguments go to `minato-bench run` (see `minato-bench run --help`).
# Run it on an otherwise idle machine: other builds or tests running meanwhile skew the numbers.
set -euo pipefail
cd "$(dirname "$0")"

if [ "$(id -u)" != 0 ]; then
  echo "bench.sh: run as root (both runtimes manage namespaces, mounts and cgroups)" >&2
  exit 1
fi

# Minato's own packages (runtimes, CNI plugins, registry, skopeo, busybox), then the comparison target. containerd is
# started by the bench with its own config, socket and dirs; a system containerd, if one runs, is left alone.
./setup.sh --deps
if ! dpkg-query -W -f='${Status}' containerd 2>/dev/null | grep -q 'install ok installed'; then
  echo "==> installing containerd (the comparison target)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends containerd >/dev/null
fi

if [ "${1:-}" = "--docker" ]; then
  # The Docker API comparison targets: Debian's dockerd (docker.io) and Podman's Docker-compatible service, both started by
  # the bench on sockets, data roots and bridges of their own. Installing must not start a system dockerd (which would
  # take /var/run/docker.sock and set the FORWARD policy to DROP), nor leave Podman's CNI network in /etc/cni/net.d,
  # where it would become the CRI's pod network.
  missing=no
  for p in docker.io podman buildah; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing=yes
  done
  if [ "$missing" = yes ]; then
    echo "==> installing docker.io, podman and buildah (the Docker API and build comparison targets)"
    podman_net=/etc/cni/net.d/87-podman-bridge.conflist
    had_podman_net=$([ -e "$podman_net" ] && echo yes || echo no)
    # policy-rc.d answering 101 keeps the maintainer scripts from starting anything; one the machine has is left alone.
    ours=no status=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
      ours=yes
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io podman buildah >/dev/null || status=$?
    [ "$ours" = no ] || rm -f /usr/sbin/policy-rc.d
    [ "$status" = 0 ] || exit "$status"
    [ "$had_podman_net" = yes ] || rm -f "$podman_net"
  fi
fi

echo "==> building (Release)"
dotnet build bench/Minato.Bench/Minato.Bench.csproj -c Release --nologo -v quiet

bench=bench/Minato.Bench/bin/Release/net10.0/minato-bench
if [ "${1:-}" = "--streaming-soak" ]; then
  shift
  exec "$bench" streaming-soak --out "bench/results/$(date -u +%Y-%m-%d)" "$@"
fi

if [ "${1:-}" = "--churn" ]; then
  shift
  exec "$bench" churn "$@"
fi

if [ "${1:-}" = "--mixed-load" ]; then
  shift
  exec "$bench" mixed-load "$@"
fi

if [ "${1:-}" = "--docker" ]; then
  shift
  exec "$bench" docker --out "bench/results/$(date -u +%Y-%m-%d)" "$@"
fi

if [ "${1:-}" = "--quick" ]; then
  shift
  exec "$bench" run --quick --out "$(mktemp -d /tmp/minato-bench-quick.XXXXXX)" "$@"
fi

exec "$bench" run --out "bench/results/$(date -u +%Y-%m-%d)" --latest bench/results/latest.md "$@"
