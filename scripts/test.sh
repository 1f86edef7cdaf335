#!/usr/bin/env bash
# `npm test`: unit tests (Vitest) then browser end-to-end tests (Playwright on Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
npx tsc --noEmit -p .
npx vitest run
npx playwright test
