#!/usr/bin/env bash
# Build the VS Code extension (editors/vscode) into a .vsix, as a release would, and run its tests
# with the real language client against this checkout's language server:
#
#   bash scripts/vscode_package.sh            # prints each step's time; the .vsix is in editors/vscode/
#
# Needs node >= 20 and npm (the npm registry). node_modules/, dist/ and the .vsix are not kept in git.
# Install the result with: code --install-extension editors/vscode/hemicycle-elect-*.vsix
set -euo pipefail
cd "$(dirname "$0")/../editors/vscode"
python="${PYTHON:-$(command -v python3)}"
step() { local t0=$SECONDS; "$@"; echo "  ($(( SECONDS - t0 )) s: $*)" >&2; }
step npm ci --no-audit --no-fund
step env HEMICYCLE_LSP="[\"$python\", \"-m\", \"hemicycle.editor.lsp\"]" npm test
log="$(mktemp)"
step npx vsce package --allow-missing-repository 2>&1 | tee "$log"
if grep -qi "warning" "$log"; then echo "vsce package printed a warning" >&2; exit 1; fi
ls -l hemicycle-elect-*.vsix
