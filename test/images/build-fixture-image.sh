#!/usr/bin/env bash
# Builds the real container image the image-scan tests read (issue 13), once per
# version of this script, into a machine-wide cache (printed on stdout):
#   ${XDG_CACHE_HOME:-$HOME/.cache}/chainwatch-test-images/<hash of this script>/
#
# Everything comes from the package managers' own configuration (no registry is
# named here): the Debian rootfs from the host's apt sources through mmdebstrap,
# the wheels from pip's configured index, the npm packages from npm's. It needs
# root (mmdebstrap's root mode), mmdebstrap and umoci (Debian packages), pip, npm
# and network; .ci/run calls it before the tests. The tests never build it.
#
# The image, an OCI image layout (oci/, tag "fixture") and the same as an OCI
# archive (image.oci.tar), has five layers:
#   0  Debian minbase (the host's release) with git, python3, python3-pip
#   1  wheels installed by pip into /usr/local/lib/python3.X/dist-packages
#   2  npm packages installed into /usr/local/lib/fixture-app/node_modules
#   3  a conda prefix's conda-meta (the real record in ../shared's conda-meta fixture)
#   4  whiteouts deleting one pip-installed distribution (six) that layer 1 added
# expected/ holds what the package managers themselves list for the final image:
#   dpkg.tsv (dpkg-query over the rootfs), pip.json (pip list over the final
#   dist-packages), npm.json (npm query "*" over the app).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${CHAINWATCH_SHARED_DATA:-$repo/../shared/data}"
hash="$(sha256sum "$0" | cut -c1-16)"
out="${XDG_CACHE_HOME:-$HOME/.cache}/chainwatch-test-images/$hash"
if [ -f "$out/done" ]; then echo "$out"; exit 0; fi

for tool in mmdebstrap umoci python3 npm dpkg-query; do
  command -v "$tool" >/dev/null || { echo "build-fixture-image: $tool is missing (apt-get install mmdebstrap umoci)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
codename="$(. /etc/os-release && echo "${VERSION_CODENAME:?the host must be Debian}")"

# The Debian rootfs takes minutes from the archive: it is kept apart, by release and package list, so a
# change to the other layers does not fetch it again.
include="git,python3,python3-pip"
rootfs="${XDG_CACHE_HOME:-$HOME/.cache}/chainwatch-test-images/rootfs-$codename-minbase-${include//,/-}.tar"
if [ ! -f "$rootfs" ]; then
  echo "build-fixture-image: layer 0: mmdebstrap $codename minbase with $include" >&2
  mkdir -p "$(dirname "$rootfs")"
  mmdebstrap --quiet --variant=minbase --include="$include" --format=tar "$codename" "$rootfs.tmp" >&2
  mv "$rootfs.tmp" "$rootfs"
fi
ln -s "$rootfs" "$work/layer0.tar"
mkdir -p "$work/admin"
tar -C "$work/admin" -xf "$work/layer0.tar" ./var/lib/dpkg/status ./usr/bin
python_version="$(ls "$work/admin/usr/bin" | sed -n 's/^python\(3\.[0-9]*\)$/\1/p' | sort -V | tail -1)"
rm -rf "$work/admin/usr"

echo "build-fixture-image: layer 1: pip install (python $python_version)" >&2
site="usr/local/lib/python$python_version/dist-packages"
mkdir -p "$work/layer1/$site"
python3 -m pip install --quiet --disable-pip-version-check --no-deps --no-compile --only-binary=:all: \
  --target "$work/layer1/$site" jupyter_core==4.11.1 jinja2==2.10 requests==2.19.0 six==1.16.0 >&2

echo "build-fixture-image: layer 2: npm install" >&2
app="usr/local/lib/fixture-app"
mkdir -p "$work/layer2/$app"
printf '{"name":"fixture-app","version":"1.0.0","private":true}\n' > "$work/layer2/$app/package.json"
(cd "$work/layer2/$app" && npm install --silent --no-audit --no-fund --ignore-scripts minimist@1.2.5 is-number@7.0.0 semver@7.5.1 >&2)

echo "build-fixture-image: layer 3: a conda prefix" >&2
mkdir -p "$work/layer3/opt/conda/conda-meta"
# conda names each record <name>-<version>-<build>.json; the fixture is one real record.
meta="$shared/lockfiles/python/condameta/valid"
record="$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%s-%s-%s.json" % (r["name"], r["version"], r["build_string"]))' "$meta")"
cp "$meta" "$work/layer3/opt/conda/conda-meta/$record"

echo "build-fixture-image: layer 4: whiteouts for six" >&2
mkdir -p "$work/layer4/$site"
(cd "$work/layer1/$site" && ls -d six* ) | while read -r name; do : > "$work/layer4/$site/.wh.$name"; done

mkdir -p "$out.tmp/expected"
dpkg-query --admindir="$work/admin/var/lib/dpkg" -W -f '${Package}\t${Version}\t${db:Status-Abbrev}\n' > "$out.tmp/expected/dpkg.tsv"
cp -a "$work/layer1/$site" "$work/final-site"
(cd "$work/final-site" && rm -rf six*)
python3 -m pip list --disable-pip-version-check --path "$work/final-site" --format=json > "$out.tmp/expected/pip.json"
(cd "$work/layer2/$app" && npm query '*' --silent) > "$out.tmp/expected/npm.json"

for n in 1 2 3 4; do tar --numeric-owner --owner=0 --group=0 -C "$work/layer$n" -cf "$work/layer$n.tar" .; done
umoci init --layout "$out.tmp/oci"
umoci new --image "$out.tmp/oci:fixture"
add() { umoci raw add-layer --image "$out.tmp/oci:fixture" --history.created_by "$2" "$1"; }
add "$work/layer0.tar" "mmdebstrap --variant=minbase --include=$include $codename"
add "$work/layer1.tar" "RUN pip install --target /$site jupyter_core==4.11.1 jinja2==2.10 requests==2.19.0 six==1.16.0"
add "$work/layer2.tar" "RUN cd /$app && npm install minimist@1.2.5 is-number@7.0.0 semver@7.5.1"
add "$work/layer3.tar" "COPY conda-meta /opt/conda/conda-meta"
add "$work/layer4.tar" "RUN pip uninstall six"
tar -C "$out.tmp/oci" -cf "$out.tmp/image.oci.tar" .
touch "$out.tmp/done"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out"
