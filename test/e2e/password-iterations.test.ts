/**
 * The hash cost setting: `--password-iterations` on the CLI (checked, and used for the users the
 * server creates) and `passwordIterations` on `startMockServer`; the realistic default otherwise.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../mocks/demo-users'
import { startMockServer, type MockServer } from '../../mocks/node'
import { PASSWORD_ITERATIONS } from '../../mocks/state/passwords'
import { runCli, spawnMock, type SpawnedMock } from '../support/spawn-mock'

let server: MockServer | undefined
let spawned: SpawnedMock | undefined
afterEach(async () => {
  await server?.close()
  await spawned?.stop()
  server = spawned = undefined
})

const hashOf = (mock: MockServer, email: string) => mock.mock.users.findByEmail(email)?.passwordHash ?? ''

describe('password hash cost', () => {
  it('defaults to the realistic cost and follows passwordIterations when given', async () => {
    server = await startMockServer({ onError: () => {} })
    expect(hashOf(server, 'alice@example.com')).toMatch(new RegExp(`^pbkdf2-sha256\\$${PASSWORD_ITERATIONS}\\$`))
    await server.close()
    server = await startMockServer({ passwordIterations: 1000, onError: () => {} })
    expect(hashOf(server, 'alice@example.com')).toMatch(/^pbkdf2-sha256\$1000\$/)
    const login = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD }),
    })
    expect(login.status).toBe(200)
  })

  it('--password-iterations is accepted by the CLI, and signing in works at that cost', async () => {
    spawned = await spawnMock(['--password-iterations', '1000'])
    const login = await fetch(`${spawned.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD }),
    })
    expect(login.status).toBe(200)
    const wrong = await fetch(`${spawned.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: 'not-the-password' }),
    })
    expect(wrong.status).toBe(403)
  })

  it.each(['0', '1.5', 'many', '10000001'])('--password-iterations %s exits 2 with the rule', async (value) => {
    const result = await runCli(['--password-iterations', value])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--password-iterations must be an integer from 1 to 10000000')
  })
})
