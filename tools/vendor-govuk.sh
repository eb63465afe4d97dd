#!/bin/sh
# Vendor the browser assets FEWS serves or tests with, from the npm registry (no CDN at run time).
#
#   tools/vendor-govuk.sh            # re-create web/static/govuk/ and tests/browser/vendor/
#
# - govuk-frontend 6.3.0 (MIT; DESIGN.md §2): dist/govuk/govuk-frontend.min.css and .min.js go to
#   web/static/govuk/; the app serves web/static/govuk/assets/ at /assets, where the CSS expects it.
#   Left out on purpose: the GDS Transport fonts, the crown (crest, favicons, app icons, OpenGraph image)
#   and manifest.json that names them. Those are reserved for GOV.UK services; FEWS uses the system
#   font stack (web/static/css/fews.css) and its own header.
# - axe-core (MPL-2.0), for the accessibility checks of tests/browser only: axe.min.js goes to
#   tests/browser/vendor/. It is never served by the app.
#
# Needs npm and tar. The npm tarball's integrity is printed by `npm pack`; the versions are pinned here.
set -eu
GOVUK_VERSION=6.3.0
AXE_VERSION=4.14.1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "govuk-frontend@$GOVUK_VERSION" "axe-core@$AXE_VERSION" >/dev/null
mkdir govuk axe
tar -xzf "govuk-frontend-$GOVUK_VERSION.tgz" -C govuk
tar -xzf "axe-core-$AXE_VERSION.tgz" -C axe

DEST="$ROOT/web/static/govuk"
rm -rf "$DEST"
mkdir -p "$DEST/assets"
cp govuk/package/dist/govuk/govuk-frontend.min.css govuk/package/dist/govuk/govuk-frontend.min.js "$DEST/"
cp govuk/package/package.json "$DEST/package.json"  # name, version and licence (MIT); the tarball has no LICENSE file
cat > "$DEST/VERSION" <<V
govuk-frontend $GOVUK_VERSION (npm pack govuk-frontend@$GOVUK_VERSION; files from dist/govuk/)
assets/: empty on purpose (no GDS Transport fonts, no crown images); see tools/vendor-govuk.sh
V
touch "$DEST/assets/.keep"

AXE_DEST="$ROOT/tests/browser/vendor"
mkdir -p "$AXE_DEST"
cp axe/package/axe.min.js "$AXE_DEST/axe.min.js"
cp axe/package/LICENSE "$AXE_DEST/axe-core.LICENSE"
echo "axe-core $AXE_VERSION (npm pack axe-core@$AXE_VERSION; axe.min.js)" > "$AXE_DEST/VERSION"
echo "vendored govuk-frontend $GOVUK_VERSION -> $DEST and axe-core $AXE_VERSION -> $AXE_DEST"
