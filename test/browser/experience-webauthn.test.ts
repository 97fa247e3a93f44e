/**
 * WebAuthn end to end in a real browser: headless Chromium with its own virtual authenticator
 * (DevTools protocol `WebAuthn.addVirtualAuthenticator`: a platform authenticator with user
 * verification), the mock in msw's service worker (`portcullis/mock/browser`), and
 * `experienceApi` in the page: `navigator.credentials.create()` enrols a passkey at the MFA
 * prompt, `navigator.credentials.get()` answers the next sign-in's second factor, and the mock
 * verifies both with @simplewebauthn/server.
 */
import { describe, expect, it } from 'vitest'
import { capturePageLog, skipBrowserSuite, useWorkerPageSite, within } from '../support/browser'
import './pages/globals'

describe.skipIf(skipBrowserSuite('browser: experience WebAuthn'))('browser: experience sign-in with WebAuthn through Chromium’s virtual authenticator', () => {
  const site = useWorkerPageSite('experience-webauthn', 'test/browser/pages/experience-webauthn.ts')

  it('enrols a passkey at the MFA prompt, then signs in with it as the second factor', async () => {
    const context = await site.newContext()
    const page = await context.newPage()
    const log = capturePageLog(page, 'experience-webauthn')
    const cdp = await context.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    })
    // `localhost`, not 127.0.0.1: an RP id must be a domain, and localhost is a secure context.
    const origin = site.url.replace('127.0.0.1', 'localhost')
    await page.goto(`${origin}/experience-webauthn.html`, { waitUntil: 'load', timeout: 20_000 })
    await within(page.waitForFunction(() => window.portcullisWebAuthn !== undefined, null, { timeout: 20_000 }), 25_000, 'page script', log.text)
    const report = await within(page.evaluate(() => window.portcullisWebAuthn!), 40_000, 'WebAuthn scenario', log.text)
    if (!report.ok) throw new Error(`the page failed: ${report.error}\n${log.text()}`)

    expect(report.prompt).toEqual({ kind: 'bind_mfa', methods: ['totp', 'webauthn'] })
    expect(report.rpId).toBe('localhost')
    expect(report.enrolled).toBe('signedIn')
    expect(report.credentials).toBe(1)
    expect(report.challenge).toEqual({ kind: 'sign_in_2fa', methods: ['webauthn'] })
    expect(report.signedIn).toBe('signedIn')
    expect(report.userId).toBe(report.expectedUserId)
    expect(report.amr).toEqual(expect.arrayContaining(['hwk']))

    // The credential lives in Chromium's authenticator (the page never saw a private key), and it was used.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(credentials).toHaveLength(1)
    expect(credentials[0]!.rpId).toBe('localhost')
    expect(credentials[0]!.signCount).toBeGreaterThanOrEqual(1)
  }, 90_000)
})
