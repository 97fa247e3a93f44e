/**
 * Social sign-in in a real browser: the page build of `experienceApi` (the browser keeps the
 * interaction cookies) against the mock in msw's service worker, with the step saved before
 * the trip to the mock provider and resumed by a fresh client on the way back.
 */
import { describe, expect, it } from 'vitest'
import { capturePageLog, skipBrowserSuite, useWorkerPageSite, within } from '../support/browser'
import './pages/globals'

describe.skipIf(skipBrowserSuite('browser: experience social sign-in'))('browser: experience social sign-in through the mock provider', () => {
  const site = useWorkerPageSite('experience-social', 'test/browser/pages/experience-social.ts')

  it('goes to the provider, comes back to the callback, resumes the saved step and registers the new identity', async () => {
    const context = await site.newContext()
    const page = await context.newPage()
    const log = capturePageLog(page, 'experience-social')
    await page.goto(`${site.url}/experience-social.html`, { waitUntil: 'load', timeout: 20_000 })
    await within(page.waitForFunction(() => window.portcullisSocial !== undefined, null, { timeout: 20_000 }), 25_000, 'page script', log.text)
    const report = await within(page.evaluate(() => window.portcullisSocial!), 40_000, 'social scenario', log.text)
    if (!report.ok) throw new Error(`the page failed: ${report.error}\n${log.text()}`)
    expect(report.authorizationOrigin).toBe(site.url)
    expect(report.callback).toBe('http://localhost:5173/social-callback')
    expect(report.identityKind).toBe('new_identity')
    expect(report.signedIn).toBe('signedIn')
    expect(report.email).toBe('page@example.com')
  }, 60_000)
})
