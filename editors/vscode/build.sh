#!/usr/bin/env bash
# Build the VS Code extension into peacecheck-VERSION.vsix (needs Node.js >= 18 and npm).
# The grammar and the language configuration have one source, editors/*.json: they are copied in here.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p syntaxes
cp ../peacecheck.tmLanguage.json syntaxes/peacecheck.tmLanguage.json
cp ../language-configuration.json language-configuration.json
npm install --no-audit --no-fund --omit=dev
npx --yes @vscode/vsce@3 package --skip-license --allow-missing-repository "$@"
