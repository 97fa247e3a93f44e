/**
 * The mock console on the in-page path: the mock runs in msw's service worker, `GET /__mock/`
 * answers through it, and `showMockConsole()` shows the page in a frame whose calls the worker
 * serves: a 2FA code is read off the frame's outbox and the clock advanced from it.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { capturePageLog, skipBrowserSuite, useWorkerPageSite, within } from '../support/browser'
import { repoRoot } from '../support/spawn-mock'

const ARTIFACTS = join(repoRoot, 'test-artifacts')

describe.skipIf(skipBrowserSuite('browser: mock console (worker)'))('browser: the mock console in the msw worker', () => {
  const site = useWorkerPageSite('mock-console-worker', 'test/browser/pages/mock-console-worker.ts')

  it('answers GET /__mock/ through the worker; the framed console reads the code and moves the clock', async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    const page = await (await site.newContext()).newPage()
    await page.setViewportSize({ width: 1400, height: 1000 })
    const log = capturePageLog(page, 'console-worker')
    await page.goto(`${site.url}/mock-console-worker.html`, { waitUntil: 'load', timeout: 20_000 })
    await within(page.waitForFunction(() => window.consoleWorker !== undefined, null, { timeout: 20_000 }), 25_000, 'page script', log.text)
    const report = await page.evaluate(() => {
      const r = window.consoleWorker!
      return r.ok ? { ok: true as const, status: r.status, type: r.type, code: r.outboxCode(), now: r.mockNow() } : r
    })
    if (!report.ok) throw new Error(`the page failed: ${report.error}\n${log.text()}`)
    expect(report).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', code: expect.stringMatching(/^\d{6}$/) })

    const frame = page.frameLocator('iframe[title="Portcullis mock console"]')
    const row = frame.locator('#outbox-table tbody tr[data-id]', { hasText: 'bob@example.com' })
    await row.waitFor({ timeout: 15_000 })
    expect((await row.locator('code.code').textContent())?.trim()).toBe(report.code)

    await frame.getByRole('button', { name: '+1 h' }).click()
    await frame.locator('#status', { hasText: 'Advance clock +1 h: done' }).waitFor({ timeout: 10_000 })
    const moved = await page.evaluate(() => (window.consoleWorker as { mockNow: () => number }).mockNow())
    expect(moved - report.now).toBeGreaterThanOrEqual(3_600_000)
    expect(moved - report.now).toBeLessThan(3_600_000 + 60_000)
    await page.screenshot({ path: join(ARTIFACTS, 'mock-console-worker.png'), fullPage: true })
  }, 60_000)
})
