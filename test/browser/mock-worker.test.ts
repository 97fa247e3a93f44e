/**
 * `portcullis/mock/browser` in a real browser: headless Chromium loads a page (bundled from src/
 * and mocks/ with esbuild) that starts the mock in msw's service worker, signs in the demo 2FA
 * user with the code from the mock's outbox, and gets a token the mock really signed.
 */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose'
import { describe, expect, it } from 'vitest'
import { capturePageLog, skipBrowserSuite, useWorkerPageSite, within } from '../support/browser'
import './pages/globals'

describe.skipIf(skipBrowserSuite('browser: mock worker'))('browser: startMockWorker (msw service worker) in headless Chromium', () => {
  const site = useWorkerPageSite('mock-worker', 'test/browser/pages/mock-worker.ts')

  it('signs in bob with the emailed code through the worker and gets a JWT the mock signed', async () => {
    const page = await (await site.newContext()).newPage()
    const log = capturePageLog(page, 'mock-worker')
    await page.goto(`${site.url}/mock-worker.html`, { waitUntil: 'load', timeout: 20_000 })
    await within(page.waitForFunction(() => window.portcullisReport !== undefined, null, { timeout: 20_000 }), 25_000, 'page script', log.text)
    const report = await within(page.evaluate(() => window.portcullisReport!), 30_000, 'mock-worker scenario', log.text)
    if (!report.ok) throw new Error(`the page failed: ${report.error}\n${log.text()}`)

    // The worker served the requests: the page is controlled by msw's script at the scope root.
    expect(report.controller).toBe(`${site.url}/mockServiceWorker.js`)
    expect(report.signIn).toBe('challenge')
    expect(report.challenge).toEqual({ kind: 'sign_in_2fa', methods: ['email_code'] })
    expect(report.verified).toBe('signedIn')
    expect(report.session?.user).toMatchObject({ email: 'bob@example.com' })
    expect(report.username).toBe('bob')
    expect(report.stored).toBe(true) // the page default: localStorage
    const operations = report.requests.map((r) => `${r.operationName ?? r.path} ${r.status}`)
    expect(operations).toEqual(expect.arrayContaining(['Login 200', 'UserProfile 200']))

    // A real ES256 JWT, signed with the key the in-page mock publishes.
    const token = report.token!
    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(decodeProtectedHeader(token).alg).toBe('ES256')
    const { payload } = await jwtVerify(token, createLocalJWKSet(report.jwks as JSONWebKeySet))
    expect(payload.sub).toEqual(expect.any(String))
    expect(payload.exp! * 1000).toBeGreaterThan(Date.now())
  }, 60_000)
})
