#!/usr/bin/env bash
# Builds the vSphere simulator the integration tests and bench/vsphere.sh run, once:
#   src/test/go/vcsim/build.sh [OUTPUT]      (default target/vcsim/vcsim-lite)
# Offline: Debian's golang-go and golang-github-vmware-govmomi-dev (the govmomi source under
# /usr/share/gocode), installed with apt-get when missing. Prints the binary's path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../../../target/vcsim/vcsim-lite}"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"

if [[ -x "$out" && "$out" -nt "$here/main.go" ]]; then
  echo "$out"
  exit 0
fi

if ! command -v go >/dev/null 2>&1 || [[ ! -d /usr/share/gocode/src/github.com/vmware/govmomi/simulator ]]; then
  sudo=""
  if [[ "$(id -u)" != 0 ]]; then sudo="sudo"; fi
  echo "installing golang-go and golang-github-vmware-govmomi-dev with apt-get" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    golang-go golang-github-vmware-govmomi-dev >&2
fi

# one build at a time, also across concurrent test JVMs
exec 9>"$out.lock"
flock 9
if [[ -x "$out" && "$out" -nt "$here/main.go" ]]; then
  echo "$out"
  exit 0
fi
cache="$(dirname "$out")/gocache"
mkdir -p "$cache"
echo "building the vSphere simulator into $out" >&2
(cd "$here" && GOPATH=/usr/share/gocode GO111MODULE=off GOCACHE="$cache" \
  go build -o "$out.tmp" main.go)
mv "$out.tmp" "$out"
echo "$out"
