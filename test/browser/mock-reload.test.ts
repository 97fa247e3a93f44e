/**
 * The in-page mock keeps its state across reloads (IndexedDB): headless Chromium reloads the page
 * while a platform 2FA sign-in waits for its code — the challenge resumes from sessionStorage and
 * verifies with the code the mock mailed before the reload — and again while signed in: the
 * session loads, the signing key is the same, and a refresh after the access token expired works.
 * With `persist: false` the same reload signs the user out, which is what the saved state prevents.
 * The worker is quiet by default: msw logs nothing to the page's console unless `quiet: false`.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { capturePageLog, skipBrowserSuite, useWorkerPageSite, within } from '../support/browser'
import type { ReloadBoot } from './pages/mock-reload-api'
import './pages/mock-reload-api'

const BOB = 'bob@example.com'
const PASSWORD = 'portcullis-demo'
const HOUR = 3_600_000
/** msw's start banner and its line per mocked request (`12:00:00 POST http://… (200 OK)`). */
const MSW_LOG = /\[MSW\]|Mocking enabled|\b(GET|POST) http:\/\/auth\.portcullis\.test/

describe.skipIf(skipBrowserSuite('browser: mock reload'))('browser: startMockWorker keeps its state across reloads', () => {
  const site = useWorkerPageSite('mock-reload', 'test/browser/pages/mock-reload.ts')

  async function booted(page: Page, log: () => string): Promise<ReloadBoot> {
    await within(page.waitForFunction(() => window.portcullisReload !== undefined, null, { timeout: 20_000 }), 25_000, 'page script', log)
    return within(page.evaluate(() => window.portcullisReload!.boot), 25_000, 'page boot', log)
  }

  it('resumes a pending 2FA sign-in after a reload, then keeps the session over another reload', async () => {
    const page = await (await site.newContext()).newPage()
    const log = capturePageLog(page, 'mock-reload')
    await page.goto(`${site.url}/mock-reload.html`, { waitUntil: 'load', timeout: 20_000 })
    const first = await booted(page, log.text)
    expect(first).toMatchObject({ restored: false, session: null, pendingChallenge: false })

    expect(await page.evaluate((email) => window.portcullisReload!.signIn(email, 'portcullis-demo'), BOB)).toBe('challenge')

    // Reload mid-challenge: the pending login, its code and the outbox come back with the mock.
    await page.reload({ waitUntil: 'load', timeout: 20_000 })
    const second = await booted(page, log.text)
    expect(second).toMatchObject({ restored: true, session: null, pendingChallenge: true, kid: first.kid })
    const verified = await within(page.evaluate((email) => window.portcullisReload!.resumeWithOutboxCode(email), BOB), 20_000, 'resume', log.text)
    expect(verified).toEqual({ status: 'signedIn', email: BOB })
    expect(await page.evaluate(() => window.portcullisReload!.profile())).toEqual({ username: 'bob' })

    // Reload mid-session: still signed in, tokens signed before the reload still verify.
    await page.reload({ waitUntil: 'load', timeout: 20_000 })
    const third = await booted(page, log.text)
    expect(third).toMatchObject({ restored: true, pendingChallenge: false, reason: null, kid: first.kid })
    expect(third.session?.user).toMatchObject({ email: BOB })
    expect(await page.evaluate(() => window.portcullisReload!.profile())).toEqual({ username: 'bob' })

    // Past the access token's hour on the mock clock: the refresh token from before the reload still rotates.
    await page.evaluate((ms) => window.portcullisReload!.advanceClock(ms), HOUR + 60_000)
    expect(await page.evaluate(() => window.portcullisReload!.profile())).toEqual({ username: 'bob' })
    const events = await page.evaluate(() => window.portcullisReload!.events())
    expect(events).toContain('tokenRefreshed')
    expect(events.filter((event) => event.startsWith('signedOut') || event.startsWith('refreshFailed'))).toEqual([])

    // POST /__mock/reset puts the seed back, saved state included: the next load has no session for the token.
    expect(await page.evaluate(() => window.portcullisReload!.resetThroughControlApi())).toBe(200)
    await page.reload({ waitUntil: 'load', timeout: 20_000 })
    await booted(page, log.text)
    expect(await page.evaluate(() => window.portcullisReload!.profile())).toEqual({ error: expect.stringMatching(/refresh|unauth|invalid/) })
    expect(log.text()).not.toMatch(MSW_LOG)
  }, 90_000)

  it('with persist: false a reload forgets the session (what the saved state is for); quiet: false logs', async () => {
    const page = await (await site.newContext()).newPage()
    const log = capturePageLog(page, 'mock-reload-off')
    await page.goto(`${site.url}/mock-reload.html?persist=0&quiet=0`, { waitUntil: 'load', timeout: 20_000 })
    const first = await booted(page, log.text)
    expect(await page.evaluate((email) => window.portcullisReload!.signIn(email, 'portcullis-demo'), 'alice@example.com')).toBe('signedIn')

    await page.reload({ waitUntil: 'load', timeout: 20_000 })
    const second = await booted(page, log.text)
    expect(second.restored).toBe(false)
    expect(second.kid).not.toBe(first.kid) // a new signing key
    const profile = await page.evaluate(() => window.portcullisReload!.profile())
    expect(profile).toHaveProperty('error')
    expect(await page.evaluate(() => window.portcullisReload!.events())).toEqual(expect.arrayContaining([expect.stringMatching(/^signedOut:/)]))
    expect(log.text()).toMatch(MSW_LOG) // quiet: false logs (what the quiet check above would see)
  }, 90_000)
})
