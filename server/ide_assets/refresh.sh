#!/usr/bin/env bash
# Refresh the IDE's third-party assets in server/ide_assets/static from the npm registry, unmodified.
#
# Each package is fetched at the version pinned below with `npm pack`, its tarball checked
# against the registry's own integrity hash (sha512), and the files the page loads copied
# as they are, with the package's licence. SHA256SUMS is rewritten; a test checks every
# served file against it, so an edited or truncated asset fails the suite.
#
# Usage: server/ide_assets/refresh.sh            (needs npm and the npm registry; nothing else)
set -euo pipefail
cd "$(dirname "$0")"
PACKAGES=("graphiql@3.8.3" "react@18.3.1" "react-dom@18.3.1")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for spec in "${PACKAGES[@]}"; do
    expected="$(npm view "$spec" dist.integrity)"
    tarball="$(cd "$work" && npm pack "$spec" --silent)"
    actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
    if [ "$actual" != "$expected" ]; then
        echo "refresh.sh: $spec does not match the registry's integrity hash" >&2
        exit 1
    fi
    mkdir -p "$work/${spec%@*}"
    tar xzf "$work/$tarball" -C "$work/${spec%@*}" --strip-components=1
done

cp "$work/graphiql/graphiql.min.js" "$work/graphiql/graphiql.min.css" static/
cp "$work/graphiql/LICENSE" static/graphiql.LICENSE
cp "$work/react/umd/react.production.min.js" static/
cp "$work/react/LICENSE" static/react.LICENSE
cp "$work/react-dom/umd/react-dom.production.min.js" static/
cp "$work/react-dom/LICENSE" static/react-dom.LICENSE
printf '%s\n' "${PACKAGES[@]}" > static/VERSIONS
(cd static && sha256sum graphiql.min.js graphiql.min.css react.production.min.js \
    react-dom.production.min.js graphiql.LICENSE react.LICENSE react-dom.LICENSE VERSIONS > SHA256SUMS)
echo "refreshed: ${PACKAGES[*]}"
