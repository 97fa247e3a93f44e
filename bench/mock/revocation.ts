/**
 * Session revocation at the sizes issue 7 named:
 *
 * - Revoking one user's sessions (what a password change or reset does) with 10,000 sessions in
 *   the token service: 10,000 of that user's own (cap raised) and 10,000 of other users around.
 *   The revocation walks the user's index, so its time follows the user's own sessions, not the
 *   service's; "visited" is the entry count the security suite asserts.
 * - A full changePassword over GraphQL for a user with 100 sessions (the default cap) while
 *   10,000 other sessions exist.
 *
 * Times are for this machine; the visited counts are exact.
 */
import { performance } from 'node:perf_hooks'
import { setupServer } from 'msw/node'
import { createBackend, createMockBackend, DEMO_PASSWORD } from '../../mocks'
import { createBackendState } from '../../mocks/state'

const SESSIONS = 10_000

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const ms = (value: number) => `${value.toFixed(2)} ms`

function revocation(ownSessions: number, rounds: number): { ms: number; visited: number; revoked: number } {
  const times: number[] = []
  let last = { visited: 0, revoked: 0 }
  for (let round = 0; round < rounds; round++) {
    const state = createBackendState({ config: { limits: { sessionsPerUser: Math.max(ownSessions, 1) } } })
    for (let i = 0; i < SESSIONS; i++) state.tokens.startSession({ userId: `other-${i}`, surface: 'otp', amr: ['pwd'] })
    for (let i = 0; i < ownSessions; i++) {
      const session = state.tokens.startSession({ userId: 'target', surface: i % 2 ? 'platform' : 'otp', amr: ['pwd'] })
      state.tokens.issueRefreshToken(session, 3600)
    }
    const start = performance.now()
    const result = state.tokens.revokeUserSessions('target')
    times.push(performance.now() - start)
    last = { visited: result.visited, revoked: result.revoked.length }
  }
  return { ms: median(times), ...last }
}

async function changePassword(rounds: number): Promise<number> {
  const mock = createMockBackend({ backend: createBackend({ passwordIterations: 1000, onError: () => {} }) })
  const server = setupServer(...mock.handlers)
  server.listen({ onUnhandledRequest: 'error' })
  const gql = async (query: string, token?: string) => {
    const response = await fetch('http://bench.test/api/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    })
    return (await response.json()) as { data?: Record<string, { token?: string } | null> }
  }
  const times: number[] = []
  try {
    for (let round = 0; round < rounds; round++) {
      await mock.reset()
      for (let i = 0; i < SESSIONS; i++) mock.state.tokens.startSession({ userId: `other-${i}`, surface: 'otp', amr: ['pwd'] })
      let token = ''
      for (let i = 0; i < 100; i++) {
        token = (await gql(`mutation{login(credentials:{email:"alice@example.com",password:"${DEMO_PASSWORD}"}){token}}`)).data?.['login']?.token ?? ''
      }
      const start = performance.now()
      const reply = await gql(`mutation{changePassword(oldPassword:"${DEMO_PASSWORD}",newPassword:"bench-new-password"){token}}`, token)
      times.push(performance.now() - start)
      if (!reply.data?.['changePassword']?.token) throw new Error('changePassword failed')
    }
  } finally {
    server.close()
  }
  return median(times)
}

export async function runRevocation(rounds: number): Promise<void> {
  console.log(`\n## Session revocation (in process, median of ${rounds})`)
  const own = revocation(SESSIONS, rounds)
  const few = revocation(3, rounds)
  console.log(`revokeUserSessions, ${SESSIONS} sessions of the user + ${SESSIONS} of others: ${ms(own.ms)} (visited ${own.visited}, revoked ${own.revoked})`)
  console.log(`revokeUserSessions, 3 sessions of the user + ${SESSIONS} of others:        ${ms(few.ms)} (visited ${few.visited}, revoked ${few.revoked})`)
  console.log(`changePassword over GraphQL, 100 sessions of the user + ${SESSIONS} of others: ${ms(await changePassword(rounds))}`)
}
