#!/bin/sh
# Install the SafetyDesk bundle system-wide on Linux (run as root):
#
#     sudo installer/linux/install.sh [BUNDLE_DIR] [PREFIX]
#
# BUNDLE_DIR defaults to dist/SafetyDesk, PREFIX to /usr/local. The program goes
# to /opt/SafetyDesk (replaced as a whole on upgrade), commands to PREFIX/bin,
# the menu entry, icon and AppStream metadata to PREFIX/share. Nobody's data,
# settings or logs are touched (they live in each person's home folder), nor the
# district's site configuration in /etc/xdg/SafetyDesk.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bundle=${1:-$here/../../dist/SafetyDesk}
prefix=${2:-/usr/local}
test -x "$bundle/SafetyDesk" || { echo "No bundle in $bundle: run python3 dev.py bundle first." >&2; exit 2; }
icons=$here/../../src/safetydesk/resources/icons

rm -rf /opt/SafetyDesk.new
cp -a "$bundle" /opt/SafetyDesk.new
rm -rf /opt/SafetyDesk.old
if [ -d /opt/SafetyDesk ]; then mv /opt/SafetyDesk /opt/SafetyDesk.old; fi
mv /opt/SafetyDesk.new /opt/SafetyDesk
rm -rf /opt/SafetyDesk.old

install -d "$prefix/bin" "$prefix/share/applications" "$prefix/share/metainfo" \
    "$prefix/share/icons/hicolor/scalable/apps" "$prefix/share/icons/hicolor/256x256/apps"
ln -sf /opt/SafetyDesk/SafetyDesk "$prefix/bin/SafetyDesk"
ln -sf /opt/SafetyDesk/safetydesk-cli "$prefix/bin/safetydesk-cli"
install -m 644 "$here/org.safetydesk.SafetyDesk.desktop" "$prefix/share/applications/"
install -m 644 "$here/org.safetydesk.SafetyDesk.metainfo.xml" "$prefix/share/metainfo/"
install -m 644 "$icons/safetydesk.svg" "$prefix/share/icons/hicolor/scalable/apps/org.safetydesk.SafetyDesk.svg"
install -m 644 "$icons/safetydesk.png" "$prefix/share/icons/hicolor/256x256/apps/org.safetydesk.SafetyDesk.png"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$prefix/share/applications" || true
echo "SafetyDesk installed in /opt/SafetyDesk; run SafetyDesk (window) or safetydesk-cli (commands)."
