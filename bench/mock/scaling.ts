/**
 * How the standalone mock scales with its population: users created through the control API
 * (`POST /__mock/users`, c=10) up to each size, then sign-in and protected-call latency at that
 * size. Run at `--password-iterations 100` by default (`--scaling-iterations`): the hash cost is
 * the same at every size, and at the default cost 50,000 creates would measure PBKDF2, not the store.
 */
import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { DEMO_PASSWORD } from '../../mocks/demo-users'
import { fixed, json, LIFTED_WINDOW_SECONDS, liftCodeLimits, load, startMock, type BenchServer, type LoadFigures } from './http'

/** Creates users `from` … `to - 1` (unique email, secondary email, username and phone); returns users per second. */
async function createUsers(mock: BenchServer, from: number, to: number): Promise<{ perSecond: number; seconds: number; failures: number }> {
  if (to <= from) return { perSecond: Number.NaN, seconds: 0, failures: 0 }
  let next = from
  const start = performance.now()
  const result = await autocannon({
    url: `${mock.url}/__mock/users`,
    method: 'POST',
    connections: Math.min(10, to - from),
    amount: to - from,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => {
          const n = next++
          const user = { email: `load${n}@example.com`, secondaryEmail: `alt${n}@example.com`, username: `load${n}`, phone: `+1 555 ${String(n).padStart(7, '0')}`, password: 'load-password' }
          return { ...request, body: JSON.stringify(user) }
        },
      },
    ],
  })
  const seconds = (performance.now() - start) / 1000
  const created = result.statusCodeStats?.['201']?.count ?? 0
  return { perSecond: created / seconds, seconds, failures: to - from - created }
}

/**
 * Login and protected-call latency at the current population. The mock clock is first moved past
 * the throttles' window: with their limits lifted, every earlier protected call left a timestamp
 * in alice's sliding windows, and later sizes would otherwise be measured against a longer
 * history than the first (what this run compares is the number of users, not of earlier calls).
 */
async function latencies(mock: BenchServer, seconds: number): Promise<{ login: LoadFigures; read: LoadFigures }> {
  await json(`${mock.url}/__mock/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: (LIFTED_WINDOW_SECONDS + 1) * 1000 }) })
  const user = { email: 'alice@example.com', password: DEMO_PASSWORD }
  const login = await load(mock, { method: 'POST', path: '/auth/login', body: JSON.stringify(user), headers: { 'content-type': 'application/json' }, duration: seconds })
  // Signed in after the login run: its thousands of sessions evict a user's oldest past
  // `limits.sessionsPerUser`, and a token of an evicted session is answered 401.
  const { idToken } = await json<{ idToken: string }>(`${mock.url}/auth/login`, { method: 'POST', body: JSON.stringify(user) })
  const read = await load(mock, { method: 'GET', path: '/auth/otp/code?method=EMAIL', headers: { authorization: `Bearer ${idToken}` }, duration: seconds })
  return { login, read }
}

export async function runScaling(sizes: readonly number[], seconds: number, iterations: number): Promise<void> {
  console.log(`\n## Scaling: users created through POST /__mock/users (c=10), then login and protected read (c=10, ${seconds} s) at --password-iterations ${iterations}`)
  const mock = await startMock(['--password-iterations', String(iterations)])
  try {
    await liftCodeLimits(mock)
    const existing = (await json<{ users: unknown[] }>(`${mock.url}/__mock/users`)).users.length
    // Warm-up: the first size is measured on a server already past JIT compilation.
    await latencies(mock, 1)
    let population = existing
    let createSeconds = 0
    const rows: Array<{ size: number; login: LoadFigures; read: LoadFigures }> = []
    for (const size of sizes) {
      const count = Math.max(0, size - population)
      const created = await createUsers(mock, population - existing, population - existing + count)
      createSeconds += created.seconds
      population += count
      const { login, read } = await latencies(mock, seconds)
      rows.push({ size: population, login, read })
      const creates = count ? `+${count} in ${fixed(created.seconds, 1)} s (${fixed(created.perSecond)}/s${created.failures ? `, ${created.failures} failed` : ''})` : 'no creates'
      console.log(
        `${String(population).padStart(6)} users (${creates.padEnd(30)}): login mean ${fixed(login.meanMs, 2)} ms p99 ${fixed(login.p99Ms)} ms (${fixed(login.reqPerSec)}/s); ` +
          `protected read mean ${fixed(read.meanMs, 2)} ms p99 ${fixed(read.p99Ms)} ms (${fixed(read.reqPerSec)}/s)` +
          (login.failures + read.failures ? `; ${login.failures + read.failures} unexpected answers` : ''),
      )
    }
    const first = rows[0]!
    const last = rows.at(-1)!
    console.log('Targets:')
    console.log(`  ${population - existing} users created through the control API in < 60 s: ${fixed(createSeconds, 1)} s`)
    console.log(`  latency at ${last.size} within 1.5× of at ${first.size}: login ${fixed(last.login.meanMs / first.login.meanMs, 2)}×, protected read ${fixed(last.read.meanMs / first.read.meanMs, 2)}× (mean)`)
  } finally {
    await mock.stop()
  }
}
