/**
 * Two tabs of one origin in headless Chromium, each with an AuthClient on the page defaults
 * (localStorage, Web Locks, BroadcastChannel), both talking to ONE backend: the standalone mock
 * process (a mock inside each page would be one backend per tab). Sign-in, refresh and sign-out
 * in one tab must reach the other; a refresh both tabs need at once must happen exactly once.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundlePages, capturePageLog, htmlPage, jsFile, launchChromium, serveStatic, skipBrowserSuite, within, type StaticServer } from '../support/browser'
import { controlClient } from '../support/control'
import { spawnMock, type SpawnedMock } from '../support/spawn-mock'
import type { TabEvent } from './pages/globals'

const PASSWORD = 'portcullis-demo'
/** Past the platform access token's 60 min lifetime. */
const PAST_EXPIRY_MS = 3_700_000
const STEP_MS = 15_000

describe.skipIf(skipBrowserSuite('browser: cross-tab'))('browser: two tabs sharing one session (Web Locks + BroadcastChannel)', () => {
  let browser: Browser | undefined
  let mock: SpawnedMock | undefined
  let site: StaticServer | undefined
  let context: BrowserContext | undefined

  const control = () => controlClient(mock!.url)
  const requests = () => control().requests()
  const operations = async (name: string): Promise<number> => (await requests()).filter((r) => r.operationName === name).length

  beforeAll(async () => {
    const [bundles, launched, spawned] = await Promise.all([bundlePages({ tab: 'test/browser/pages/tab.ts' }), launchChromium(), spawnMock()])
    browser = launched
    mock = spawned
    site = await serveStatic({ '/tab.html': htmlPage('tab', '/tab.js'), '/tab.js': jsFile(bundles['tab']!) })
  }, 60_000)

  afterAll(async () => {
    await context?.close().catch(() => {})
    await browser?.close().catch(() => {})
    await site?.close()
    await mock?.stop()
  }, 30_000)

  /** One tab, with its log and typed calls into `window.portcullisTab`. */
  async function openTab(label: string) {
    const page: Page = await context!.newPage()
    const log = capturePageLog(page, label)
    await page.goto(`${site!.url}/tab.html?api=${encodeURIComponent(mock!.url)}`, { waitUntil: 'load', timeout: STEP_MS })
    await page.waitForFunction(() => window.portcullisTab !== undefined, null, { timeout: STEP_MS })
    const step = <T>(what: string, run: Promise<T>): Promise<T> => within(run, STEP_MS, `${label}: ${what}`, log.text)
    return {
      page,
      log,
      features: () => step('features', page.evaluate(() => window.portcullisTab!.features)),
      signIn: (email: string) => step('signIn', page.evaluate(([e, p]) => window.portcullisTab!.signIn(e, p), [email, PASSWORD] as const)),
      getAccessToken: () => step('getAccessToken', page.evaluate(() => window.portcullisTab!.getAccessToken())),
      getSession: () => step('getSession', page.evaluate(() => window.portcullisTab!.getSession())),
      profile: () => step('profile', page.evaluate(() => window.portcullisTab!.profile())),
      signOut: () => step('signOut', page.evaluate(() => window.portcullisTab!.signOut())),
      events: () => step('events', page.evaluate(() => window.portcullisTab!.events())),
      mark: () => step('events', page.evaluate(() => window.portcullisTab!.events().length)),
      waitForEvent: (name: TabEvent['name'], from: number) =>
        step(`waiting for ${name}`, page.evaluate(([n, f]) => window.portcullisTab!.waitForEvent(n, f), [name, from] as const)),
    }
  }

  type Tab = Awaited<ReturnType<typeof openTab>>
  /** For failure messages: what the backend received and what each tab saw. */
  const diagnosticsFor = async (a: Tab, b: Tab): Promise<string> =>
    [
      'backend requests: ' + (await requests()).map((r) => `${r.operationName ?? r.path} ${r.status} @${r.at}`).join(', '),
      'tab A events: ' + JSON.stringify(await a.events()),
      'tab B events: ' + JSON.stringify(await b.events()),
      a.log.text(),
      b.log.text(),
    ].join('\n')

  it('sign-in reaches the other tab, one refresh serves both after expiry, sign-out reaches the other tab', async () => {
    context = await browser!.newContext()
    // The pages' clocks must move with the mock's: a client judges expiry on its own clock (plus
    // the skew it read from Date headers), so advancing only the mock would leave the old token
    // "valid" in both tabs. Installed now (time still flows, timers run), jumped below.
    await context.clock.install()
    const a = await openTab('tab A')
    const b = await openTab('tab B')
    const diagnostics = () => diagnosticsFor(a, b)
    /** Waits for an event in a tab; on a time-out, says what both tabs and the backend saw. */
    const expectEvent = async (tab: typeof a, name: TabEvent['name'], from: number): Promise<TabEvent> => {
      try {
        return await tab.waitForEvent(name, from)
      } catch (error) {
        throw new Error(`${(error as Error).message.split('\n')[0]}\n${await diagnostics()}`)
      }
    }

    expect(await a.features()).toEqual({ locks: true, broadcastChannel: true, localStorage: true })
    expect(await b.getSession()).toBeNull()

    // Sign in in A: B hears of it and reads the same token from localStorage.
    const bBeforeSignIn = await b.mark()
    expect(await a.signIn('alice@example.com')).toBe('signedIn')
    expect(await expectEvent(b, 'signedIn', bBeforeSignIn)).toEqual({ name: 'signedIn', email: 'alice@example.com' })
    const first = await a.getAccessToken()
    expect(first).toMatch(/^eyJ/)
    expect(await b.getAccessToken()).toBe(first)
    expect(await operations('Login')).toBe(1)
    expect(await operations('NewToken')).toBe(0)

    // An hour later, on the backend and in both tabs. The refresh is slowed down so the two tabs'
    // requests for a token overlap while it is in flight.
    const epochMs = await control().advanceClock(PAST_EXPIRY_MS)
    await context.clock.setSystemTime(epochMs)
    await control().fault({ path: '/api/graphql', operationName: 'NewToken', delayMs: 500 })
    const [aMark, bMark] = await Promise.all([a.mark(), b.mark()])
    const [fromA, fromB] = await Promise.all([a.getAccessToken(), b.getAccessToken()])
    expect(fromA, await diagnostics()).toMatch(/^eyJ/)
    expect(fromA, await diagnostics()).not.toBe(first)
    expect(fromB, await diagnostics()).toBe(fromA)
    expect(await operations('NewToken'), `one refresh for both tabs\n${await diagnostics()}`).toBe(1)
    await expectEvent(a, 'tokenRefreshed', aMark)
    await expectEvent(b, 'tokenRefreshed', bMark)
    // Nothing failed or signed out on the way (a replayed refresh token would have ended the session).
    for (const tab of [a, b]) {
      expect((await tab.events()).filter((e) => e.name === 'refreshFailed' || e.name === 'signedOut'), await diagnostics()).toEqual([])
    }
    expect(await a.getAccessToken()).toBe(fromA)
    expect(await b.getAccessToken()).toBe(fromA)
    // The session is alive on the server (a replayed refresh token would have revoked it).
    expect(await a.profile(), await diagnostics()).toEqual({ username: 'alice' })
    expect(await b.profile(), await diagnostics()).toEqual({ username: 'alice' })
    expect(await operations('NewToken')).toBe(1)

    // Sign out in A: B is told (reason 'remote') and has no token any more.
    const bBeforeSignOut = await b.mark()
    await a.signOut()
    expect(await expectEvent(b, 'signedOut', bBeforeSignOut)).toEqual({ name: 'signedOut', reason: 'remote' })
    expect(await b.getAccessToken()).toBeNull()
    expect(await b.getSession()).toBeNull()
    expect(await a.getAccessToken()).toBeNull()
    expect(await operations('Logout')).toBe(1)
    expect(await operations('NewToken')).toBe(1)
  }, 60_000)

  it("a refresh that outlasts the old 10 s lock timeout: the waiting tab never replays the holder's refresh token", async () => {
    await context?.close()
    context = await browser!.newContext()
    await context.clock.install()
    const a = await openTab('tab A')
    const b = await openTab('tab B')
    const diagnostics = () => diagnosticsFor(a, b)
    const bBeforeSignIn = await b.mark()
    expect(await a.signIn('alice@example.com')).toBe('signedIn')
    await b.waitForEvent('signedIn', bBeforeSignIn)
    const first = await a.getAccessToken()
    const refreshesBefore = await operations('NewToken')

    // Past expiry in both tabs; the holder's refresh takes 11 s (longer than the lock wait that
    // used to send the waiting tab off without the lock), less than the 15 s refresh timeout.
    const epochMs = await control().advanceClock(PAST_EXPIRY_MS)
    await context.clock.setSystemTime(epochMs)
    await control().fault({ path: '/api/graphql', operationName: 'NewToken', delayMs: 11_000 })
    const holder = a.page.evaluate(() => window.portcullisTab!.getAccessToken())
    // Tab A holds the lock before tab B asks.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const waiter = b.page.evaluate(() => window.portcullisTab!.getAccessToken())
    const [fromA, fromB] = await within(Promise.all([holder, waiter]), 40_000, 'both tabs get a token', a.log.text)
    expect(fromA, await diagnostics()).toMatch(/^eyJ/)
    expect(fromA, await diagnostics()).not.toBe(first)
    expect(fromB, await diagnostics()).toBe(fromA)
    expect((await operations('NewToken')) - refreshesBefore, `exactly one refresh reached the backend\n${await diagnostics()}`).toBe(1)
    for (const tab of [a, b]) {
      expect((await tab.events()).filter((e) => e.name === 'refreshFailed' || e.name === 'signedOut'), await diagnostics()).toEqual([])
    }
    // Neither tab is signed out, and the session is alive on the server.
    expect(await a.profile(), await diagnostics()).toEqual({ username: 'alice' })
    expect(await b.profile(), await diagnostics()).toEqual({ username: 'alice' })
  }, 90_000)
})
