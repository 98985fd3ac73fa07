// The landing page and the foundation: Chinese by default, the API and the
// portal on one origin, index.html never cached, client routes answered by
// the portal, the QR link a page for a browser and JSON for an API client.
import { test, expect, checkPage } from './helpers'

test('技能人才服务大厅: the landing page lists the services in Chinese and works at 375 px', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1, name: '技能人才服务大厅' })).toBeVisible()
  await expect(page.getByRole('link', { name: /专项职业能力考核报名/ })).toBeVisible()
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  expect(width).toBeLessThanOrEqual(375)
  await checkPage(page, 'home-phone')
})

test('the gateway serves the portal: index.html no-store, hashed assets cached a year, history fallback', async ({ api, request }) => {
  const index = await request.get('/')
  expect(index.headers()['cache-control']).toBe('no-store')
  const html = await index.text()
  const asset = html.match(/\/assets\/[^"]+\.js/)![0]
  const a = await request.get(asset)
  expect(a.status()).toBe(200)
  expect(a.headers()['cache-control']).toContain('max-age=31536000')
  const deep = await request.get('/me/applications')
  expect(deep.status()).toBe(200)
  expect(await deep.text()).toContain('<div id="app">')
  const health = await api.get('/health')
  expect(health.ok).toBe(true)
  const missing = await api.call('GET', '/no-such-route')
  expect(missing.status).toBe(404)
  expect(missing.json.code).toBe('ROUTE_NOT_FOUND')
})

test('an unknown page says so in Chinese', async ({ page }) => {
  await page.goto('/no/such/page')
  await expect(page.getByText('页面不存在', { exact: true })).toBeVisible()
})
