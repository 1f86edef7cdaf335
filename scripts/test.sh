#!/usr/bin/env bash
# `npm test`: lint (ESLint, with the layer rules), type check, unit tests (Vitest: the share-server tests run on
# SQLite and on a throwaway PostgreSQL; the bounded fuzz campaign runs too), then browser end-to-end tests
# (Playwright on Debian's Chromium), then one closing line with the totals of both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
bash scripts/ensure-fixture-tools.sh all || echo "Some heap-fixture tools could not be installed; the tests that need them skip and say why."
bash scripts/ensure-postgres.sh
bash scripts/ensure-test-tools.sh
npm run --silent lint
npm run --silent typecheck
mkdir -p reports
rm -f reports/vitest.json reports/playwright.json
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json
PLAYWRIGHT_JSON_OUTPUT_NAME=reports/playwright.json npx playwright test --reporter=list,json
node scripts/test-summary.mjs reports/vitest.json reports/playwright.json
