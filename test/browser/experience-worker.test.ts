/**
 * The experience surface in the page (msw service worker, `portcullis/mock/browser`) in headless
 * Chromium: the interaction cookies reach the page (a worker's response cannot set them, so the
 * mock hands them to `document.cookie`), and credentialed calls carry them through identification,
 * submit and the resume at `redirectTo`.
 */
import { describe, expect, it } from 'vitest'
import { capturePageLog, skipBrowserSuite, useWorkerPageSite, within } from '../support/browser'
import type { ExperienceWorkerReport } from './pages/experience-worker'

describe.skipIf(skipBrowserSuite('browser: experience worker'))('browser: the experience surface behind msw in the page', () => {
  const site = useWorkerPageSite('experience-worker', 'test/browser/pages/experience-worker.ts')

  it('keeps the interaction behind the cookies from authorize to resume', async () => {
    const context = await site.newContext()
    const page = await context.newPage()
    const log = capturePageLog(page, 'experience-worker')
    await page.goto(`${site.url}/experience-worker.html`, { waitUntil: 'load', timeout: 20_000 })
    await within(page.waitForFunction(() => 'experienceReport' in window, null, { timeout: 20_000 }), 25_000, 'page script', log.text)
    const report = await within(page.evaluate(() => (window as unknown as { experienceReport: Promise<ExperienceWorkerReport> }).experienceReport), 30_000, 'experience scenario', log.text)
    if (!report.ok) throw new Error(`the page failed: ${report.error}\n${log.text()}`)
    expect(report.cookieNames).toEqual(expect.arrayContaining(['_interaction', '_interaction.sig', '_interaction_resume', '_interaction_resume.sig']))
    expect(report.statuses).toEqual({ init: 204, password: 200, identification: 204, submit: 200 })
    expect(report.redirectTo).toMatch(/^http:\/\/auth\.portcullis\.test\/oidc\/auth\/[0-9a-z]{21}$/)
    expect(report.resumed).toBe(303)
  }, 60_000)
})
