/**
 * The React example (examples/react-vite) as a user meets it, in headless Chromium: a production
 * build (Vite, against the repo's own sources) served on 127.0.0.1, talking to the standalone
 * mock (`portcullis-mock` as a child process). Bob signs in with a wrong and then (after a
 * reload during the prompt) the emailed 2FA code read from the mock's outbox, sees his profile,
 * reloads (still signed in), comes back after his refresh token expired (the expiry screen),
 * signs in again and signs out.
 * Then the development mode that runs the mock inside the page (msw's worker, Vite dev server).
 * Screenshots go to test-artifacts/react-example/.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { build, createServer, type Rollup, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../mocks/demo-users'
import { defaultConfig } from '../../mocks/state/config'
import { capturePageLog, launchChromium, serveStatic, skipBrowserSuite, type StaticFile, type StaticServer } from '../support/browser'
import { controlClient, type ControlClient } from '../support/control'
import { repoRoot, spawnMock, type SpawnedMock } from '../support/spawn-mock'

const EXAMPLE = join(repoRoot, 'examples/react-vite')
const SHOTS = join(repoRoot, 'test-artifacts/react-example')
const BOB = 'bob@example.com'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
}

/** Runs `fn` with `VITE_PORTCULLIS_*` variables set, as a developer's shell would. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const previous = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]))
  Object.assign(process.env, vars)
  try {
    return await fn()
  } finally {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

/** `vite build` of the example, in memory, with the backend's URL baked in as a team's CI would. */
async function buildExample(backendUrl: string): Promise<Record<string, StaticFile>> {
  const result = await withEnv({ VITE_PORTCULLIS_URL: backendUrl }, () =>
    build({ configFile: join(EXAMPLE, 'vite.config.ts'), mode: 'production', logLevel: 'warn', build: { write: false } }),
  )
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[]
  const files: Record<string, StaticFile> = {}
  for (const item of outputs.flatMap((output) => output.output)) {
    const body = item.type === 'chunk' ? item.code : typeof item.source === 'string' ? item.source : Buffer.from(item.source)
    const ext = /\.[a-z]+$/.exec(item.fileName)?.[0] ?? ''
    files[`/${item.fileName}`] = { body, type: CONTENT_TYPES[ext] ?? 'application/octet-stream' }
  }
  files['/'] = files['/index.html']!
  return files
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })

describe.skipIf(skipBrowserSuite('browser: react example'))('examples/react-vite in headless Chromium against the standalone mock', () => {
  let mock: SpawnedMock | undefined
  let site: StaticServer | undefined
  let browser: Browser | undefined
  let control: ControlClient
  let bundle: Record<string, StaticFile>

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    mock = await spawnMock()
    control = controlClient(mock.url)
    const [files, launched] = await Promise.all([buildExample(mock.url), launchChromium()])
    bundle = files
    browser = launched
    site = await serveStatic(files)
  }, 120_000)

  afterAll(async () => {
    await browser?.close().catch(() => {})
    await site?.close()
    await mock?.stop()
  }, 30_000)

  it('the production build carries no mock', () => {
    const code = Object.entries(bundle)
      .filter(([path]) => path.endsWith('.js'))
      .map(([, file]) => String(file.body))
      .join('\n')
    expect(code).toContain('/api/graphql')
    expect(code).not.toMatch(/mockServiceWorker|setupWorker|createMockBackend/)
  })

  it('signs bob in with the emailed code, keeps him signed in across a reload, shows the expiry, signs out', async () => {
    const page = await (await browser!.newContext({ viewport: { width: 800, height: 700 } })).newPage()
    const log = capturePageLog(page, 'react-example')
    try {
      await page.goto(site!.url, { waitUntil: 'load' })
      const form = page.getByRole('form', { name: 'Sign in' })
      await form.waitFor()
      await shot(page, '1-sign-in')

      async function signIn(): Promise<void> {
        await control.clearOutbox()
        await form.getByLabel('Email').fill(BOB)
        await form.getByLabel('Password').fill(DEMO_PASSWORD)
        await form.getByRole('button', { name: 'Sign in' }).click()
        await page.getByRole('heading', { name: 'Enter your verification code' }).waitFor()
      }

      // Sign in: the password, then the code the mock "emailed" (a wrong one first).
      await signIn()
      await expect(page.getByText('Enter the code we emailed you.').isVisible()).resolves.toBe(true)
      await expect(page.getByText(/The code is valid for \d+:\d\d\./).isVisible()).resolves.toBe(true)
      const code = await control.latestCode({ to: BOB })
      const prompt = page.getByRole('form', { name: 'Second factor' })
      await prompt.getByLabel('Code').fill(code === '000000' ? '111111' : '000000')
      await prompt.getByRole('button', { name: 'Verify' }).click()
      await page.getByRole('alert').filter({ hasText: /That code is not right\. \d+ attempts left\./ }).waitFor()
      await shot(page, '2-second-factor')

      // A reload while the code is awaited: the sign-in goes on (the example keeps the challenge in sessionStorage).
      await page.reload({ waitUntil: 'load' })
      await page.getByRole('heading', { name: 'Enter your verification code' }).waitFor()
      await prompt.getByLabel('Code').fill(code)
      await prompt.getByRole('button', { name: 'Verify' }).click()

      // The profile, read through the typed platform client.
      await page.getByTestId('name').filter({ hasText: 'Bob Baker' }).waitFor()
      await expect(page.getByTestId('email').textContent()).resolves.toBe(BOB)
      await expect(page.evaluate(() => sessionStorage.getItem('example.challenge'))).resolves.toBeNull()
      await shot(page, '3-profile')

      // A reload keeps the session (localStorage) and reads the profile again.
      const before = (await control.requests()).filter((r) => r.operationName === 'UserProfile').length
      await page.reload({ waitUntil: 'load' })
      await page.getByTestId('name').filter({ hasText: 'Bob Baker' }).waitFor()
      const after = await control.requests()
      expect(after.filter((r) => r.operationName === 'UserProfile' && r.status === 200).length).toBeGreaterThan(before)
      expect(after.filter((r) => r.operationName === 'Login')).toHaveLength(1)

      // A day later: the mock's clock moves past the refresh token's lifetime. The next call
      // is refused, the refresh fails, and the app says why the sign-in form is back.
      const { refreshTokenTtlSeconds } = defaultConfig().platform
      await control.advanceClock((refreshTokenTtlSeconds + 60) * 1_000)
      await page.getByRole('button', { name: 'Reload profile' }).click()
      await page.getByRole('alert').filter({ hasText: 'Your session expired. Please sign in again.' }).waitFor()
      await form.waitFor()
      await expect(page.evaluate(() => localStorage.getItem('portcullis.session'))).resolves.toBeNull()
      await shot(page, '4-session-expired')

      // Sign in again, then out: back to the form, with no expiry notice, and the server revoked it.
      await signIn()
      await prompt.getByLabel('Code').fill(await control.latestCode({ to: BOB }))
      await prompt.getByRole('button', { name: 'Verify' }).click()
      await page.getByTestId('name').filter({ hasText: 'Bob Baker' }).waitFor()
      await page.getByRole('button', { name: 'Sign out' }).click()
      await form.waitFor()
      await expect(page.getByText('Your session expired').count()).resolves.toBe(0)
      await expect(page.evaluate(() => localStorage.getItem('portcullis.session'))).resolves.toBeNull()
      await expect.poll(async () => (await control.requests()).filter((r) => r.operationName === 'Logout').map((r) => r.status)).toEqual([200])
      await shot(page, '5-signed-out')

      expect(log.text()).not.toMatch(/pageerror|console\.error/)
    } catch (error) {
      await shot(page, 'failure').catch(() => {})
      throw new Error(`${(error as Error).message}\n--- page log ---\n${log.text()}\n--- mock output ---\n${mock?.output() ?? ''}`, { cause: error })
    }
  }, 120_000)
})

describe.skipIf(skipBrowserSuite('browser: react example, worker mode'))('examples/react-vite in development with the mock in the page (msw worker)', () => {
  let server: ViteDevServer | undefined
  let browser: Browser | undefined

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    const [dev, launched] = await Promise.all([
      withEnv({ VITE_PORTCULLIS_MOCK: 'worker' }, async () =>
        (await createServer({ configFile: join(EXAMPLE, 'vite.config.ts'), logLevel: 'warn', server: { port: 0, strictPort: false } })).listen(),
      ),
      launchChromium(),
    ])
    server = dev
    browser = launched
  }, 120_000)

  afterAll(async () => {
    await browser?.close().catch(() => {})
    await server?.close()
  }, 30_000)

  it('signs bob in and out against the in-page mock, the code read from its outbox', async () => {
    const url = server!.resolvedUrls!.local[0]!
    const page = await (await browser!.newContext({ viewport: { width: 800, height: 700 } })).newPage()
    const log = capturePageLog(page, 'react-example-dev')
    try {
      await page.goto(url, { waitUntil: 'load' })
      const form = page.getByRole('form', { name: 'Sign in' })
      await form.waitFor({ timeout: 60_000 })
      // The worker serves the backend on the page's own origin.
      expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(new URL('/mockServiceWorker.js', url).href)
      await form.getByLabel('Email').fill(BOB)
      await form.getByLabel('Password').fill(DEMO_PASSWORD)
      await form.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('heading', { name: 'Enter your verification code' }).waitFor()

      // The control API of the in-page mock, through the same worker.
      const code = await page.evaluate(async (to) => {
        const { messages } = (await (await fetch(`/__mock/outbox?to=${encodeURIComponent(to)}`)).json()) as { messages: Array<{ code: string | null }> }
        return messages.at(-1)?.code ?? null
      }, BOB)
      expect(code).toMatch(/^\d{6}$/)
      const prompt = page.getByRole('form', { name: 'Second factor' })
      await prompt.getByLabel('Code').fill(code!)
      await prompt.getByRole('button', { name: 'Verify' }).click()
      await page.getByTestId('name').filter({ hasText: 'Bob Baker' }).waitFor()
      await shot(page, '6-dev-worker-profile')

      await page.getByRole('button', { name: 'Sign out' }).click()
      await form.waitFor()
      expect(log.text()).not.toMatch(/pageerror|console\.error/)
    } catch (error) {
      await shot(page, 'failure-dev').catch(() => {})
      throw new Error(`${(error as Error).message}\n--- page log ---\n${log.text()}`, { cause: error })
    }
  }, 120_000)
})
