/**
 * `npm run bench` (tsx bench/run.ts [--iterations 1000] [--rounds 7] [--storms 30] [--quick]):
 * what Portcullis costs per call, as ratios against a baseline measured in the same run and
 * against the same in-process msw handlers:
 *
 * - `auth.fetch` vs plain `fetch`
 * - `createOtpClient(auth)` vs a bare openapi-fetch client
 * - `createPlatformClient(auth)` vs a bare graphql-request client
 * - `createAccountsClient(auth)` (`Authorization: JWT …`) vs a bare graphql-request client
 * - 200 concurrent calls with an expired token (one shared refresh) vs one call that refreshes,
 *   and vs 200 concurrent calls with a valid token (what the single-flight refresh adds)
 *
 * Baseline and subject alternate round by round (so drift hits both) and each reports the median
 * round. Not part of the test suite; the absolute numbers mostly measure msw, the ratios are the
 * point.
 */
import { performance } from 'node:perf_hooks'
import { GraphQLClient } from 'graphql-request'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import createClient from 'openapi-fetch'
import { AuthClient } from '../src/index'
import { createOtpClient, otpApi, type paths } from '../src/otp'
import { accountsApi, createAccountsClient, MeDocument } from '../src/accounts'
import { createPlatformClient, platformApi, UserProfileDocument } from '../src/platform'

const args = process.argv.slice(2)
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const quick = args.includes('--quick')
const ITERATIONS = flag('iterations', quick ? 200 : 1000)
const ROUNDS = flag('rounds', quick ? 3 : 7)
const STORMS = flag('storms', quick ? 5 : 30)
const STORM_SIZE = 200
const BASE = 'http://bench.test'

/* ── the backend: static answers, so the numbers measure the client side ─────────────────── */

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (expSeconds: number) => `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64({ sub: 'u-1', iat: Math.floor(Date.now() / 1000), exp: expSeconds })}.c2ln`
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600

let loginTokenExpired = false
let refreshes = 0
let liveToken = jwt(inAnHour())

const profile = { accountId: 'u-1', address1: null, address2: null, city: null, country: null, dateOfBirth: null, firstName: 'Ada', id: 'u-1', industry: null, jobTitle: null, lastName: 'L', optInMarketing: null, phoneNumber: null, ssn: null, state: null, twoFactorAuth: false, twoFactorAuthPerDevice: false, username: 'ada', zipCode: null }

const accountsUser = { id: 'VXNlck5vZGU6MQ==', lastLogin: null, username: 'ada', firstName: 'Ada', lastName: 'L', email: 'ada@example.com', isStaff: false, isActive: true, dateJoined: '2030-01-01T00:00:00.000Z', pk: 1, archived: false, verified: true, secondaryEmail: null }

const server = setupServer(
  http.get(`${BASE}/bench/echo`, () => HttpResponse.json({ ok: true })),
  http.post(`${BASE}/auth/login`, () => {
    liveToken = loginTokenExpired ? jwt(Math.floor(Date.now() / 1000) - 5) : jwt(inAnHour())
    return HttpResponse.json({ idToken: liveToken, refreshToken: `rt-${refreshes}` })
  }),
  http.post(`${BASE}/auth/login/refresh`, () => {
    refreshes++
    liveToken = jwt(inAnHour())
    return HttpResponse.json({ idToken: liveToken, refreshToken: `rt-${refreshes}` })
  }),
  http.get(`${BASE}/auth/otp/code`, () => HttpResponse.json({ validUntil: '2030-01-01T00:00:00.000Z', channel: 'EMAIL', validated: false })),
  http.get(`${BASE}/bench/protected`, ({ request }) =>
    request.headers.get('authorization') === `Bearer ${liveToken}` ? HttpResponse.json({ ok: true }) : HttpResponse.json({ code: 'unauthenticated' }, { status: 401 }),
  ),
  http.post(`${BASE}/api/graphql`, async ({ request }) => {
    const body = (await request.json()) as { operationName?: string }
    if (body.operationName === 'Login') return HttpResponse.json({ data: { login: { token: jwt(inAnHour()), refreshToken: 'rt', promptTwoFactorAuth: false, userId: 'u-1' } } })
    return HttpResponse.json({ data: { userProfile: profile } })
  }),
  http.post(`${BASE}/graphql`, async ({ request }) => {
    const body = (await request.json()) as { operationName?: string }
    if (body.operationName === 'TokenAuth') return HttpResponse.json({ data: { tokenAuth: { success: true, errors: null, token: jwt(inAnHour()), refreshToken: 'f'.repeat(40), user: { id: 'VXNlck5vZGU6MQ==', username: 'ada', email: 'ada@example.com' } } } })
    return HttpResponse.json({ data: { me: accountsUser } })
  }),
)

/* ── measuring ─────────────────────────────────────────────────────────────────────────────── */

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** µs per call over `ITERATIONS` sequential calls. */
async function perCall(call: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < ITERATIONS; i++) await call()
  return ((performance.now() - start) * 1000) / ITERATIONS
}

interface Row {
  scenario: string
  baseline: string
  portcullis: string
  unit: string
  ratio: string
}
const rows: Row[] = []

async function compare(scenario: string, baselineName: string, baseline: () => Promise<unknown>, subject: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < Math.min(200, ITERATIONS); i++) {
    await baseline()
    await subject()
  }
  const base: number[] = []
  const ours: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    base.push(await perCall(baseline))
    ours.push(await perCall(subject))
  }
  const b = median(base)
  const o = median(ours)
  rows.push({ scenario, baseline: `${baselineName}: ${b.toFixed(1)}`, portcullis: o.toFixed(1), unit: 'µs/call', ratio: `${(o / b).toFixed(2)}×` })
  console.log(`  ${scenario}: ${b.toFixed(1)} → ${o.toFixed(1)} µs/call`)
}

/** Wall time of `size` concurrent calls with an expired token; checks that one refresh served them all. */
async function storm(size: number, expired = true): Promise<number> {
  const auth = new AuthClient({ baseUrl: BASE, api: otpApi(), autoRefresh: false, crossTab: false })
  loginTokenExpired = expired
  await auth.signIn({ email: 'ada@example.com', password: 'bench-password' })
  loginTokenExpired = false
  const before = refreshes
  const start = performance.now()
  const responses = await Promise.all(Array.from({ length: size }, () => auth.fetch('/bench/protected')))
  const elapsed = performance.now() - start
  const expected = expired ? 1 : 0
  if (refreshes - before !== expected) throw new Error(`expected ${expected} refresh for ${size} callers, saw ${refreshes - before}`)
  if (responses.some((r) => r.status !== 200)) throw new Error('a storm call failed')
  await Promise.all(responses.map((r) => r.arrayBuffer()))
  auth.dispose()
  return elapsed
}

/* ── scenarios ─────────────────────────────────────────────────────────────────────────────── */

server.listen({ onUnhandledRequest: 'error' })
console.log(`Portcullis bench: ${ITERATIONS} calls × ${ROUNDS} rounds per scenario, ${STORMS} storms of ${STORM_SIZE} (in-process msw, node ${process.version})\n`)

const otpAuth = new AuthClient({ baseUrl: BASE, api: otpApi(), autoRefresh: false, crossTab: false })
await otpAuth.signIn({ email: 'ada@example.com', password: 'bench-password' })
const bearer = { authorization: `Bearer ${await otpAuth.getAccessToken()}` }

await compare('auth.fetch vs fetch', 'fetch', () => fetch(`${BASE}/bench/echo`, { headers: bearer }).then((r) => r.json()), () => otpAuth.fetch('/bench/echo').then((r) => r.json()))

const bareOtp = createClient<paths>({ baseUrl: BASE, headers: bearer })
const otpClient = createOtpClient(otpAuth)
await compare(
  'createOtpClient(auth) vs openapi-fetch',
  'openapi-fetch',
  () => bareOtp.GET('/auth/otp/code', { params: { query: { method: 'EMAIL' } } }),
  () => otpClient.GET('/auth/otp/code', { params: { query: { method: 'EMAIL' } } }),
)

const platformAuth = new AuthClient({ baseUrl: BASE, api: platformApi(), autoRefresh: false, crossTab: false })
await platformAuth.signIn({ email: 'ada@example.com', password: 'bench-password' })
const bareGraphql = new GraphQLClient(`${BASE}/api/graphql`, { headers: { authorization: `Bearer ${await platformAuth.getAccessToken()}` } })
const platformClient = createPlatformClient(platformAuth)
const query = String(UserProfileDocument)
await compare(
  'createPlatformClient(auth) vs graphql-request',
  'graphql-request',
  () => bareGraphql.request(query),
  () => platformClient.request(UserProfileDocument),
)

const accountsAuth = new AuthClient({ baseUrl: BASE, api: accountsApi(), autoRefresh: false, crossTab: false })
await accountsAuth.signIn({ username: 'ada', password: 'bench-password' })
const bareAccounts = new GraphQLClient(`${BASE}/graphql`, { headers: { authorization: `JWT ${await accountsAuth.getAccessToken()}` } })
const accountsClient = createAccountsClient(accountsAuth)
const me = String(MeDocument)
await compare(
  'createAccountsClient(auth) vs graphql-request',
  'graphql-request',
  () => bareAccounts.request(me),
  () => accountsClient.request(MeDocument),
)

for (let i = 0; i < 3; i++) {
  await storm(1)
  await storm(STORM_SIZE)
}
const single: number[] = []
const many: number[] = []
const fresh: number[] = []
for (let i = 0; i < STORMS; i++) {
  // Several single-caller samples per storm: the first after a storm pays for its garbage, the median ignores it.
  for (let j = 0; j < 5; j++) single.push(await storm(1))
  // Alternating order, so neither pays the other's garbage every time.
  if (i % 2) {
    many.push(await storm(STORM_SIZE))
    fresh.push(await storm(STORM_SIZE, false))
  } else {
    fresh.push(await storm(STORM_SIZE, false))
    many.push(await storm(STORM_SIZE))
  }
}
const s = median(single)
const m = median(many)
const f = median(fresh)
rows.push({ scenario: `refresh storm: ${STORM_SIZE} callers, 1 refresh`, baseline: `1 caller + its refresh: ${s.toFixed(2)}`, portcullis: m.toFixed(2), unit: 'ms wall', ratio: `${(m / s).toFixed(1)}×` })
rows.push({ scenario: `refresh storm vs ${STORM_SIZE} callers, valid token`, baseline: `no refresh: ${f.toFixed(2)}`, portcullis: m.toFixed(2), unit: 'ms wall', ratio: `${(m / f).toFixed(2)}×` })

server.close()
otpAuth.dispose()
platformAuth.dispose()
accountsAuth.dispose()

console.log()
console.table(rows)
