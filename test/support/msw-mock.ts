/**
 * Runs a mock backend behind msw's `setupServer` around a test file: listening (unhandled
 * requests are errors) before the first test, reset after each, closed at the end.
 */
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { MockBackend } from '../../mocks/index'

export function serveMockInProcess(mock: MockBackend): MockBackend {
  const server = setupServer(...mock.handlers)
  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' })
    await mock.ready()
  })
  afterEach(async () => {
    server.resetHandlers()
    await mock.reset()
  })
  afterAll(() => server.close())
  return mock
}
