// Browser tests: Playwright Test driving Debian's Chromium (/usr/bin/chromium;
// Playwright's own browser download is not used). e2e/global-setup.ts launches
// a whole suite (python -m deploy.launch) on its own vhost, data dir and port,
// on the rehearsal clock; the specs move the clock, so they run one at a time.
// Candidates mostly use phones: the default viewport is 375 px wide; the staff
// consoles' specs use the 'desktop' project.
import { defineConfig, devices } from '@playwright/test'

const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium'
const launchOptions = {
  executablePath: chromium,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage',
  ],
}

export default defineConfig({
  testDir: './e2e',
  outputDir: process.env.PW_OUTPUT ?? '../var/web-e2e/test-results',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: (process.env.PW_OUTPUT ?? '../var/web-e2e/test-results') + '.json' }]],
  use: {
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: [
    {
      name: 'phone',
      testIgnore: /(console\..*|zz-log-audit)\.spec\.ts/,
      use: { ...devices['Pixel 5'], viewport: { width: 375, height: 812 }, browserName: 'chromium', launchOptions },
    },
    {
      name: 'desktop',
      testMatch: /(console\..*|desktop)\.spec\.ts/,
      use: { viewport: { width: 1366, height: 900 }, browserName: 'chromium', launchOptions },
    },
    {
      // after every other test: the suite's logs hold none of the run's personal data
      name: 'audit',
      testMatch: /zz-log-audit\.spec\.ts/,
      dependencies: ['phone', 'desktop'],
    },
  ],
})
