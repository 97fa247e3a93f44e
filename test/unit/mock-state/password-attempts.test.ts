/**
 * Concurrent password checks of one account: right passwords all get through (they wait for the
 * checks in flight instead of being refused), wrong ones never exceed the account's budget.
 */
import { describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../../mocks/demo-users'
import { createMockCore } from '../../../mocks/mock-backend'

const login = (mock: ReturnType<typeof createMockCore>, password: string) =>
  mock.backend
    .handle(
      new Request('http://mock.test/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'alice@example.com', password }),
      }),
    )
    .then((response) => response!.status)

describe('concurrent password checks', () => {
  it('30 parallel sign-ins of one account with the right password all succeed', async () => {
    const mock = createMockCore({ passwordIterations: 1000, onError: () => {} })
    const statuses = await Promise.all(Array.from({ length: 30 }, () => login(mock, DEMO_PASSWORD)))
    expect(statuses).toEqual(Array(30).fill(200))
  })

  it('30 parallel wrong guesses: exactly the per-account budget is checked, the rest refused', async () => {
    const mock = createMockCore({ passwordIterations: 1000, onError: () => {} })
    const budget = mock.config().limits.passwordFailures.perAccount.max
    const statuses = await Promise.all(Array.from({ length: 30 }, () => login(mock, 'wrong-password')))
    expect(statuses.filter((status) => status === 403)).toHaveLength(budget)
    expect(statuses.filter((status) => status === 429)).toHaveLength(30 - budget)
    // And the right password is refused too now: the budget is spent.
    expect(await login(mock, DEMO_PASSWORD)).toBe(429)
  })
})
