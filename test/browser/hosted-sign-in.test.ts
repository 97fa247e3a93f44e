/**
 * The mock's hosted sign-in page in headless Chromium against the spawned `portcullis-mock`: a
 * certified OIDC client (oauth4webapi) builds the authorization request, the browser follows it
 * to `/sign-in`, a person's steps are typed into the page (carol's password, then her TOTP
 * code), the browser lands on the client's callback with a code, and the client exchanges it.
 */
import * as oauth from 'oauth4webapi'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../mocks/demo-users'
import { capturePageLog, launchChromium, skipBrowserSuite, within } from '../support/browser'
import { controlClient } from '../support/control'
import { REDIRECT_URI } from '../support/experience-client'
import { authorizationRequest, discover, exchangeCode } from '../support/oidc-client'
import { spawnMock, type SpawnedMock } from '../support/spawn-mock'
import { totp } from '../support/totp'

describe.skipIf(skipBrowserSuite('browser: hosted sign-in'))('browser: the mock-hosted /sign-in page with an OIDC client', () => {
  let browser: Browser | undefined
  let mock: SpawnedMock | undefined

  beforeAll(async () => {
    ;[browser, mock] = await Promise.all([launchChromium(), spawnMock()])
  }, 60_000)

  afterAll(async () => {
    await browser?.close().catch(() => {})
    await mock?.stop()
  }, 30_000)

  it('signs carol in with password and TOTP, and the client gets tokens for her', async () => {
    const as = await discover(mock!.url)
    const pkce = await authorizationRequest(as)

    const context = await browser!.newContext()
    const page = await context.newPage()
    const log = capturePageLog(page, 'hosted-sign-in')
    // The app behind the callback is not running: the test answers for it and keeps the URL.
    let callback: URL | undefined
    await page.route(`${REDIRECT_URI}**`, (route) => {
      callback = new URL(route.request().url())
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<p id="done">back in the app</p>' })
    })

    await page.goto(pkce.url.toString(), { waitUntil: 'load', timeout: 20_000 })
    expect(new URL(page.url()).pathname).toBe('/sign-in')
    await page.fill('#identifier', 'carol')
    await page.fill('#password', DEMO_PASSWORD)
    await page.click('#sign-in')
    await within(page.waitForSelector('#mfa-step:not([hidden])', { timeout: 15_000 }), 20_000, 'the MFA step', log.text)
    expect(await page.textContent('#factors')).toContain('Totp')
    const now = await controlClient(mock!.url).now()
    await page.fill('#code', totp(DEMO_TOTP_SECRET, now))
    await page.click('#verify')
    await within(page.waitForSelector('#done', { timeout: 15_000 }), 20_000, 'the callback', log.text)

    const tokens = await exchangeCode(as, callback!, pkce)
    const users = (await (await fetch(`${mock!.url}/__mock/users`)).json()).users as Array<{ id: string; username: string }>
    expect(oauth.getValidatedIdTokenClaims(tokens)!.sub).toBe(users.find((u) => u.username === 'carol')!.id)
    await context.close()
  }, 60_000)
})
