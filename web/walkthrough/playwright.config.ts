// The batch walk-through (#17), on demand: benchmarks/walk_batch_browser.py
// launches a suite, registers a batch with `deploy.demo --until registered` and
// runs this config (never `make test`: web/playwright.config.ts's testDir is
// ./e2e). Debian's Chromium, headless, the consoles' 1366 px.
import { defineConfig } from '@playwright/test'

const out = process.env.WALK_OUT ?? '../var/walk'
export default defineConfig({
  testDir: '.',
  testMatch: /walk\.spec\.ts$/,
  outputDir: `${out}/results`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90 * 60_000,
  expect: { timeout: 30_000 },
  reporter: 'list',
  use: {
    baseURL: process.env.SKILLCERT_E2E_URL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1366, height: 900 },
    browserName: 'chromium',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    },
  },
})
