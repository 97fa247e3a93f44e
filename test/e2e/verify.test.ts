/**
 * `portcullis-verify` against the spawned mock (a child process, as CI runs it): every surface
 * passes; a deliberately drifted answer (`/__mock/faults` with a body) fails naming the
 * operation and the JSON path; the JUnit report is well-formed XML; the experience emailed-code
 * scenario asks the code source it is given. Off the mock (the control
 * API hidden), it touches nothing it was not allowed to.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { verify, type VerifyReport } from '../../src/verify/index'
import { runCli, spawnMock, type SpawnedMock } from '../support/spawn-mock'

const VERIFY_CLI = 'src/verify/cli.ts'
const SURFACES = ['platform', 'otp', 'accounts', 'accounts-relay', 'experience']
let mock: SpawnedMock | undefined
const out = mkdtempSync(join(tmpdir(), 'portcullis-verify-'))

const control = (method: string, path: string, body?: unknown) =>
  fetch(`${mock!.url}/__mock${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) })

function junit(file: string) {
  const xml = readFileSync(file, 'utf8')
  expect(XMLValidator.validate(xml)).toBe(true)
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
    testsuites: { tests: string; failures: string; testsuite: Array<{ name: string; tests: string; failures: string; testcase: Array<{ name: string; failure?: { message: string } }> }> }
  }
}

describe('portcullis-verify against the spawned mock', () => {
  beforeAll(async () => {
    mock = await spawnMock()
  })
  beforeEach(async () => {
    await control('DELETE', '/faults')
  })
  afterAll(async () => {
    await mock?.stop('SIGKILL')
    rmSync(out, { recursive: true, force: true })
  })

  it('passes every scenario of every surface the mock serves, and writes JSON and valid JUnit XML', async () => {
    const dir = join(out, 'clean')
    const run = await runCli(['--base-url', mock!.url, '--reporter', 'json', '--reporter', 'junit', '--output-dir', dir], 180_000, VERIFY_CLI)
    expect(run.stderr).toBe('')
    expect(run.code, run.stdout).toBe(0)
    expect(run.stdout).toContain('(the reference mock)')
    const report = JSON.parse(readFileSync(join(dir, 'portcullis-verify.json'), 'utf8')) as VerifyReport
    expect(report).toMatchObject({ passed: true, mock: true })
    expect([...new Set(report.results.map((r) => r.surface))]).toEqual(SURFACES)
    expect(report.results.filter((r) => r.outcome !== 'passed')).toEqual([])
    const xml = junit(join(dir, 'portcullis-verify.junit.xml'))
    expect(xml.testsuites.testsuite.map((s) => s.name)).toEqual(SURFACES)
    expect(Number(xml.testsuites.tests)).toBe(report.results.length)
    expect(xml.testsuites.failures).toBe('0')
  }, 200_000)

  it('fails on a drifted answer, naming the operation and the JSON path (REST and GraphQL)', async () => {
    const faults = {
      faults: [
        { path: '/auth/login', method: 'POST', status: 200, body: { idToken: 42, refreshToken: 'r' } },
        { path: '/api/graphql', operationName: 'Login', status: 200, body: { data: { login: { token: 7, refreshToken: 'r', promptTwoFactorAuth: false } } } },
      ],
    }
    expect((await control('POST', '/faults', faults)).status).toBe(201)
    const dir = join(out, 'drift')
    const run = await runCli(['--base-url', mock!.url, '--surface', 'otp', '--surface', 'platform', '--reporter', 'junit', '--reporter', 'json', '--output-dir', dir], 120_000, VERIFY_CLI)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('POST /auth/login $.idToken: expected string')
    expect(run.stdout).toContain('Login $.data.login.token: expected string')
    const report = JSON.parse(readFileSync(join(dir, 'portcullis-verify.json'), 'utf8')) as VerifyReport
    expect(report.passed).toBe(false)
    // The drifted answers fail the scenarios that received them (each fault answers once), and only those.
    expect(report.results.filter((r) => r.outcome === 'failed').map((r) => `${r.surface}: ${r.scenario}`)).toEqual(['platform: sign-in, profile', 'otp: sign-in'])
    const xml = junit(join(dir, 'portcullis-verify.junit.xml'))
    const otp = xml.testsuites.testsuite.find((s) => s.name === 'otp')!
    expect(otp.failures).toBe('1')
    expect(otp.testcase.find((c) => c.name === 'sign-in')?.failure?.message).toBe('POST /auth/login $.idToken: expected string')
  }, 150_000)

  it('off the mock (control API hidden) it is non-destructive: writes and mock-only scenarios are skipped, nothing is created', async () => {
    // What a staging backend looks like to the tool: the same API, no /__mock.
    const staging: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input)
      return new URL(url).pathname.startsWith('/__mock') ? Promise.resolve(new Response('not found', { status: 404 })) : fetch(input, init)
    }
    const usersBefore = ((await (await control('GET', '/users')).json()) as { users: unknown[] }).users.length
    await control('DELETE', '/outbox')
    const since = ((await (await control('GET', '/clock')).json()) as { epochMs: number }).epochMs
    const report = await verify({
      baseUrl: mock!.url,
      fetch: staging,
      surfaces: ['otp', 'platform', 'accounts'],
      // A seeded demo user without a second factor.
      account: { email: 'alice@example.com', password: 'portcullis-demo' },
    })
    expect(report.mock).toBe(false)
    expect(report.results.filter((r) => r.outcome === 'failed')).toEqual([])
    const skipped = Object.fromEntries(report.results.filter((r) => r.outcome === 'skipped').map((r) => [`${r.surface}: ${r.scenario}`, r.reason]))
    expect(skipped).toEqual({
      'platform: sign-in with an emailed second factor': 'needs an account with a second factor (--2fa-email, --2fa-password)',
      'platform: wrong code': 'needs an account with a second factor (--2fa-email, --2fa-password)',
      'platform: expired token': 'needs the reference mock (its control API)',
      'otp: expired token': 'needs the reference mock (its control API)',
      'accounts: expired token': 'needs the reference mock (its control API)',
      'otp: TOTP enrolment, wrong code, step-up and removal': 'changes data or settings: pass --allow-writes',
    })
    expect(((await (await control('GET', '/users')).json()) as { users: unknown[] }).users).toHaveLength(usersBefore)
    const { requests } = (await (await control('GET', '/requests')).json()) as { requests: Array<{ method: string; path: string; at: string }> }
    const made = requests.filter((r) => Date.parse(r.at) >= since)
    expect(made.length).toBeGreaterThan(10)
    expect(made.filter((r) => r.path.startsWith('/auth/otp/methods') || r.path.startsWith('/__mock'))).toEqual([])
    expect(((await (await control('GET', '/outbox')).json()) as { messages: unknown[] }).messages).toEqual([])
  }, 120_000)

  it('experience: the emailed-code scenario takes its code from the code source it is given', async () => {
    const asked: unknown[] = []
    const report = await verify({
      baseUrl: mock!.url,
      surfaces: ['experience'],
      // A code source of the caller's own: here it reads the mock's outbox, and records each request.
      code: async (request) => {
        asked.push(request)
        const { messages } = (await (await control('GET', `/outbox?to=${encodeURIComponent(request.email)}`)).json()) as { messages: Array<{ code: string | null }> }
        return messages.at(-1)!.code!
      },
    })
    const scenario = report.results.find((r) => r.scenario.startsWith('emailed code'))
    expect(scenario).toMatchObject({ surface: 'experience', outcome: 'passed', failures: [] })
    expect(asked).toEqual([{ surface: 'experience', purpose: 'sign_in_code', email: expect.stringMatching(/@example\.com$/) }])
    expect(report.passed).toBe(true)
  }, 120_000)

  it('experience: a wrong code the backend accepts fails the emailed-code scenario, naming the operation', async () => {
    // The mock answers the first code check (the wrong code) with a documented 200, as if it accepted it.
    const accepted = { path: '/api/experience/verification/verification-code/verify', status: 200, body: { verificationId: 'accepted-anyway' }, times: 1 }
    expect((await control('POST', '/faults', accepted)).status).toBe(201)
    const report = await verify({ baseUrl: mock!.url, surfaces: ['experience'] })
    const scenario = report.results.find((r) => r.scenario.startsWith('emailed code'))!
    expect(scenario.outcome).toBe('failed')
    expect(scenario.failures).toContainEqual(expect.objectContaining({ operation: 'POST /api/experience/verification/verification-code/verify', path: '$.code' }))
  }, 120_000)

  it('refuses bad arguments with exit 2 and prints its usage on --help', async () => {
    expect((await runCli(['--base-url', 'ftp://x'], 20_000, VERIFY_CLI)).code).toBe(2)
    expect((await runCli(['--base-url', mock!.url, '--surface', 'nope'], 20_000, VERIFY_CLI)).code).toBe(2)
    const help = await runCli(['--help'], 20_000, VERIFY_CLI)
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--allow-writes')
  }, 60_000)
})
