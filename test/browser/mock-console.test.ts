/**
 * The mock console (`GET /__mock/`) in headless Chromium against the standalone `portcullis-mock`
 * process: a 2FA sign-in finished with the code read off the page's outbox, the clock advanced
 * from the page until the session dies, users created and secrets revealed from the page, an XSS
 * payload in a username shown as text, and the page's own calls passing the control API's Origin
 * rules on both 127.0.0.1 and localhost. Screenshots go to test-artifacts/ (gitignored).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../mocks/demo-users'
import { AuthClient, memoryStorage, type SignInResult } from '../../src/index'
import { platformApi, UserProfileDocument } from '../../src/platform'
import { capturePageLog, launchChromium, skipBrowserSuite } from '../support/browser'
import { controlClient } from '../support/control'
import { repoRoot, spawnMock, type SpawnedMock } from '../support/spawn-mock'

const ARTIFACTS = join(repoRoot, 'test-artifacts')
const XSS = `<img src=x onerror="window.__pwned=1">`
const DAY_MS = 86_400_000

describe.skipIf(skipBrowserSuite('browser: mock console'))('browser: the mock console page on the standalone server', () => {
  let mock: SpawnedMock
  let browser: Browser

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    ;[mock, browser] = await Promise.all([spawnMock(), launchChromium()])
  }, 60_000)
  afterAll(async () => {
    await browser?.close().catch(() => {})
    await mock?.stop()
  }, 30_000)

  const control = <T>(method: string, path: string, body?: unknown): Promise<T> => controlClient(mock.url).call<T>(method, path, body)

  async function openConsole(base: string): Promise<{ page: Page; problems: () => string[]; log: () => string }> {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage()
    const log = capturePageLog(page, 'console')
    // A CSP violation or script error shows up as a console error: the page must have none.
    const problems: string[] = []
    page.on('console', (message) => void (message.type() === 'error' && problems.push(message.text())))
    page.on('pageerror', (error) => problems.push(error.message))
    const response = await page.goto(`${base}/__mock/`, { waitUntil: 'load', timeout: 20_000 })
    expect(response?.status()).toBe(200)
    await page.locator('#users-table tbody tr[data-id]').first().waitFor({ timeout: 15_000 })
    return { page, problems: () => problems, log: log.text }
  }

  it('the CLI banner names the console URL', () => {
    expect(mock.output()).toContain(`Console: ${mock.url}/__mock/`)
  })

  it('reads a 2FA code from the outbox, shows the live session, and ends it by advancing the clock', async () => {
    await control('POST', '/reset')
    const { page, problems, log } = await openConsole(mock.url)
    try {
      const auth = new AuthClient({ baseUrl: mock.url, api: platformApi(), storage: memoryStorage() })
      const started: SignInResult = await auth.signIn({ email: 'bob@example.com', password: DEMO_PASSWORD })
      if (started.status !== 'challenge') throw new Error(`expected a 2FA challenge, got ${started.status}`)

      // The page picks the message up on its own (live polling) and shows the code.
      const row = page.locator('#outbox-table tbody tr[data-id]', { hasText: 'bob@example.com' })
      await row.waitFor({ timeout: 10_000 })
      const code = (await row.locator('code.code').textContent())?.trim() ?? ''
      expect(code).toMatch(/^\d{6}$/)
      const { messages } = await control<{ messages: Array<{ code: string | null }> }>('GET', '/outbox?to=bob@example.com')
      expect(code).toBe(messages.at(-1)?.code)
      await page.screenshot({ path: join(ARTIFACTS, 'mock-console-1-outbox-code.png'), fullPage: true })

      const verified = await started.challenge.verify(code)
      expect(verified).toMatchObject({ status: 'signedIn', session: { user: { email: 'bob@example.com' } } })

      const session = page.locator('#sessions-table tbody tr[data-id]', { hasText: 'bob' })
      await session.waitFor({ timeout: 10_000 })
      expect(await session.textContent()).toContain('platform')

      // Advance the mock clock from the page: one click, then a typed duration.
      const before = (await control<{ epochMs: number }>('GET', '/clock')).epochMs
      await page.getByRole('button', { name: '+1 day' }).click()
      await page.locator('#status', { hasText: 'Advance clock +1 day: done' }).waitFor({ timeout: 10_000 })
      const afterClick = (await control<{ epochMs: number }>('GET', '/clock')).epochMs
      expect(afterClick - before).toBeGreaterThanOrEqual(DAY_MS)
      expect(afterClick - before).toBeLessThan(DAY_MS + 60_000)
      await page.getByLabel('advance by').fill('2d')
      await page.getByRole('button', { name: 'Advance', exact: true }).click()
      await page.locator('#status', { hasText: 'Advance clock: done' }).waitFor({ timeout: 10_000 })
      const now = (await control<{ epochMs: number; now: string }>('GET', '/clock'))
      expect(now.epochMs - afterClick).toBeGreaterThanOrEqual(2 * DAY_MS)
      await expect.poll(async () => (await page.locator('#clock-now').textContent())?.slice(0, 13), { timeout: 5_000 }).toBe(now.now.slice(0, 13))

      // Three days on, the platform refresh token (one day) is dead: no live session is listed,
      // and the client, refused on its next call, cannot refresh and ends up signed out.
      await page.locator('#sessions-table tbody tr.empty').waitFor({ timeout: 10_000 })
      expect(await page.locator('#sessions-count').textContent()).toBe('0')
      expect((await control<{ sessions: unknown[] }>('GET', '/sessions?live=true')).sessions).toEqual([])
      await page.screenshot({ path: join(ARTIFACTS, 'mock-console-2-clock-advanced.png'), fullPage: true })
      const profile = JSON.stringify({ query: String(UserProfileDocument) })
      await auth.fetch('/api/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: profile }).catch(() => undefined)
      expect(await auth.getSession()).toBeNull()
      auth.dispose()
      expect(problems(), log()).toEqual([])
    } finally {
      await page.context().close()
    }
  }, 60_000)

  it('creates a user from the page; an HTML username is shown as text; a TOTP secret stays masked until revealed', async () => {
    await control('POST', '/reset')
    const { page, problems, log } = await openConsole(mock.url)
    try {
      await page.getByLabel('username').fill(XSS)
      await page.getByLabel('email', { exact: true }).fill('xss@example.com')
      await page.getByLabel('password').fill('xss-password-1')
      await page.getByLabel('TOTP secret').fill('JBSWY3DPEHPK3PXP')
      await page.getByRole('button', { name: 'Create user' }).click()
      await page.locator('#status', { hasText: 'Create user: done' }).waitFor({ timeout: 10_000 })

      const { users } = await control<{ users: Array<{ id: string; username: string | null }> }>('GET', '/users')
      const created = users.find((u) => u.username === XSS)
      expect(created).toBeDefined()
      const row = page.locator(`#users-table tr[data-id="${created!.id}"]`)
      expect(await row.locator('.username').textContent()).toBe(XSS)
      expect(await page.locator('#users-table img').count()).toBe(0)
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined()

      // carol's secret: masked, then revealed on request.
      const carol = page.locator('#users-table tr[data-id]', { hasText: 'carol' })
      expect(await carol.locator('.secret').textContent()).not.toContain(DEMO_TOTP_SECRET)
      await carol.getByRole('button', { name: 'reveal' }).click()
      expect(await carol.locator('.secret').textContent()).toBe(DEMO_TOTP_SECRET)
      // A live redraw keeps it revealed, and hides it again on request.
      await page.getByLabel('username').fill('late')
      await page.getByLabel('email', { exact: true }).fill('late@example.com')
      await page.getByLabel('password').fill('late-password-1')
      await page.getByRole('button', { name: 'Create user' }).click()
      await page.locator('#users-table tr[data-id]', { hasText: 'late@example.com' }).waitFor({ timeout: 10_000 })
      expect(await carol.locator('.secret').textContent()).toBe(DEMO_TOTP_SECRET)
      await carol.getByRole('button', { name: 'hide' }).click()
      expect(await carol.locator('.secret').textContent()).not.toContain(DEMO_TOTP_SECRET)
      await page.screenshot({ path: join(ARTIFACTS, 'mock-console-3-users.png'), fullPage: true })

      // A refused request shows the API's message: the same email again is taken.
      await page.getByLabel('email', { exact: true }).fill('xss@example.com')
      await page.getByLabel('password').fill('xss-password-1')
      await page.getByRole('button', { name: 'Create user' }).click()
      await page.locator('#status.error', { hasText: 'Create user:' }).waitFor({ timeout: 10_000 })
      expect(problems().filter((p) => !/409/.test(p)), log()).toEqual([])
    } finally {
      await page.context().close()
    }
  }, 60_000)

  it('on localhost too: queues and clears a fault, applies config, shows the request log', async () => {
    await control('POST', '/reset')
    const base = mock.url.replace('127.0.0.1', 'localhost')
    const { page, problems, log } = await openConsole(base)
    try {
      await page.getByLabel('path').fill('/auth/login')
      await page.getByLabel('status').fill('503')
      await page.getByRole('button', { name: 'Add fault' }).click()
      await page.locator('#faults-table tbody tr[data-id]', { hasText: '/auth/login' }).waitFor({ timeout: 10_000 })
      expect((await control<{ faults: Array<{ path: string; status: number }> }>('GET', '/faults')).faults).toEqual([
        expect.objectContaining({ path: '/auth/login', status: 503 }),
      ])
      const faulted = await fetch(`${mock.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      expect(faulted.status).toBe(503)
      await page.locator('#requests-table tbody tr', { hasText: '/auth/login' }).locator('td.bad', { hasText: '503' }).waitFor({ timeout: 10_000 })

      await page.locator('#fault-form input[name=path]').fill('/api/graphql')
      await page.getByRole('button', { name: 'Add fault' }).click()
      await page.locator('#faults-table tbody tr[data-id]', { hasText: '/api/graphql' }).waitFor({ timeout: 10_000 })
      await page.getByRole('button', { name: 'Clear all' }).click()
      await page.locator('#faults-table tbody tr.empty').waitFor({ timeout: 10_000 })
      expect((await control<{ faults: unknown[] }>('GET', '/faults')).faults).toEqual([])

      await page.getByLabel('config patch').fill('{ "otp": { "codeTtlSeconds": 123 } }')
      await page.getByRole('button', { name: 'Apply (deep merge)' }).click()
      await page.locator('#status', { hasText: 'Update config: done' }).waitFor({ timeout: 10_000 })
      expect((await control<{ otp: { codeTtlSeconds: number } }>('GET', '/config')).otp.codeTtlSeconds).toBe(123)
      // The current settings redraw on the page's next poll (within a second), not with the status line.
      await expect.poll(() => page.locator('#config-current').textContent(), { timeout: 10_000 }).toContain('"codeTtlSeconds": 123')
      await page.screenshot({ path: join(ARTIFACTS, 'mock-console-4-localhost-faults.png'), fullPage: true })
      expect(problems(), log()).toEqual([])
    } finally {
      await page.context().close()
    }
  }, 60_000)
})
