/**
 * README blocks run as written against the in-process mock (msw `setupServer`, origin-agnostic,
 * so the README's `https://auth.example.com` reaches it too). Each block is written to a module
 * with its `portcullis/*` imports pointed at src/ and mocks/; the reader's own helpers (the code
 * prompt, the form values) are given as globals, as their app would define them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMockBackend, DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../../mocks/index'
import { repoRoot } from '../../support/spawn-mock'
import { totp } from '../../support/totp'
import { readmeSnippets } from './readme-snippets'

const snippets = readmeSnippets(readFileSync(join(repoRoot, 'README.md'), 'utf8'))
/** Node resolves `portcullis/experience` to its `node` build. */
const ENTRIES: Record<string, string> = {
  portcullis: 'src/index.ts',
  'portcullis/experience': 'src/experience/node.ts',
  'portcullis/mock': 'mocks/index.ts',
  'portcullis/otp': 'src/otp/index.ts',
  'portcullis/platform': 'src/platform/index.ts',
  'portcullis/server': 'src/server/index.ts',
}

const mock = createMockBackend()
const server = setupServer(...mock.handlers)
let dir: string
let count = 0
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' })
  await mock.ready()
  dir = mkdtempSync(join(repoRoot, 'node_modules/.portcullis-readme-run-'))
})
afterEach(() => mock.reset())
afterAll(() => {
  server.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Runs the README block that contains `marker`, with `app` as the reader's globals; its exports. */
async function run(marker: string, app: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const snippet = snippets.find((candidate) => candidate.code.includes(marker))
  if (!snippet) throw new Error(`no README block contains ${marker}`)
  const code = snippet.code.replace(/from '(portcullis[^']*)'/g, (whole, entry: string) => {
    const target = ENTRIES[entry]
    if (!target) throw new Error(`README line ${snippet.line}: no entry mapped for ${entry}`)
    return `from '${join(repoRoot, target)}'`
  })
  const file = join(dir, `snippet-${++count}.ts`)
  writeFileSync(file, `${code}\nexport {}\n`)
  const globals = globalThis as Record<string, unknown>
  Object.assign(globals, app)
  try {
    return (await import(file)) as Record<string, unknown>
  } finally {
    for (const name of Object.keys(app)) delete globals[name]
  }
}

describe('README blocks run against the mock', () => {
  it('step-up with the typed otp client: the DELETE waits for the code, then removes the authenticator', async () => {
    const prompts: unknown[] = []
    await run("otp.DELETE('/auth/otp/methods/totp')", {
      email: 'carol@example.com',
      password: DEMO_PASSWORD,
      askForCode: async (prompt: { methods: readonly string[] }) => {
        prompts.push(prompt.methods)
        return totp(DEMO_TOTP_SECRET, mock.clock.now())
      },
    })
    expect(prompts).toEqual([['totp']])
    expect(mock.users.findByEmail('carol@example.com')?.totpSecret).toBeNull()
  })

  it('a Node service: `using` runs once lowered (Node 20), signs in and asks for a code; its authenticate() refuses a foreign token', async () => {
    Object.assign(process.env, { SVC_EMAIL: 'alice@example.com', SVC_PASSWORD: DEMO_PASSWORD, TOKEN_AUDIENCE: 'portcullis:otp' })
    try {
      const { authenticate } = await run('using auth = new AuthClient')
      expect(mock.outbox.latest({ to: 'alice@example.com', purpose: 'otp.code' })?.code).toMatch(/^\d{6}$/)
      // The README's verifier trusts https://auth.example.com; the mock's tokens name https://portcullis.mock.
      const { idToken } = (await (await fetch('http://mock.test/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD }) })).json()) as { idToken: string }
      const check = authenticate as (request: Request) => Promise<unknown>
      expect(await check(new Request('http://service.test/', { headers: { authorization: `Bearer ${idToken}` } }))).toBeNull()
      expect(await check(new Request('http://service.test/'))).toBeNull()
    } finally {
      for (const name of ['SVC_EMAIL', 'SVC_PASSWORD', 'TOKEN_AUDIENCE']) delete process.env[name]
    }
  })

  it('the virtual authenticator enrols a passkey for alice', async () => {
    await run('createVirtualAuthenticator({ origin })')
    expect(mock.users.findByEmail('alice@example.com')?.webAuthn).toHaveLength(1)
  })
})
