import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoUsers } from '../../mocks/demo-users'
import { runCli, spawnMock, type SpawnedMock } from '../support/spawn-mock'

let mock: SpawnedMock | undefined

async function json(method: string, path: string, body?: unknown) {
  const response = await fetch(`${mock!.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, any> }
}

describe('portcullis-mock CLI (child process)', () => {
  beforeAll(async () => {
    mock = await spawnMock()
  })
  afterAll(async () => {
    await mock?.stop('SIGKILL')
  })

  it('prints the URL first, then the surfaces, control API and demo users with the TOTP secret', () => {
    const output = mock!.output()
    expect(output.split('\n')[0]).toBe(`Portcullis mock listening on ${mock!.url}`)
    expect(output).toContain('/api/graphql')
    expect(output).toContain('/auth/login')
    expect(output).toContain('/__mock/outbox')
    expect(output).toContain(`Console: ${mock!.url}/__mock/`)
    expect(output).toContain('alice@example.com')
    expect(output).toContain('portcullis-demo')
    expect(output).toContain('PORTCULLISDEMOTOTPSECRETKEY23456')
  })

  it('drives the control API over real HTTP', async () => {
    expect((await json('GET', '/__mock/users')).body.users).toHaveLength(demoUsers.length)
    expect(await json('POST', '/__mock/users', { email: 'e2e@example.com', password: 'e2e-password' })).toMatchObject({ status: 201, body: { email: 'e2e@example.com' } })
    expect((await json('POST', '/__mock/users', { email: 'e2e@example.com', password: 'x' })).status).toBe(409)
    const clock = await json('POST', '/__mock/clock', { now: '2030-01-01T00:00:00Z' })
    expect(clock.body).toEqual({ now: '2030-01-01T00:00:00.000Z', epochMs: Date.UTC(2030, 0, 1) })
    expect((await json('PUT', '/__mock/config', { otp: { codeTtlSeconds: 120 } })).body.otp.codeTtlSeconds).toBe(120)
    expect((await json('PUT', '/__mock/config', { otp: { codeTtlSeconds: 'x' } })).status).toBe(400)
    expect((await json('POST', '/__mock/faults', { path: '/.well-known/jwks.json', status: 503 })).status).toBe(201)
    expect((await fetch(`${mock!.url}/.well-known/jwks.json`)).status).toBe(503)
    expect((await json('GET', '/__mock/requests?path=/.well-known/jwks.json')).body.requests).toEqual([expect.objectContaining({ status: 503 })])
    expect((await json('GET', '/__mock/outbox')).body.messages).toEqual([])
    expect(await json('POST', '/__mock/reset')).toEqual({ status: 200, body: { ok: true } })
    expect((await json('GET', '/__mock/users')).body.users).toHaveLength(demoUsers.length)
    expect((await json('GET', '/__mock/requests')).body.requests).toEqual([])
  })

  it('signs in through the platform surface and the token verifies against the served JWKS', async () => {
    const response = await fetch(`${mock!.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { login(credentials: { email: "alice@example.com", password: "portcullis-demo" }) { token } }' }),
    })
    const token = ((await response.json()) as { data: { login: { token: string } } }).data.login.token
    const config = (await json('GET', '/__mock/config')).body
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${mock!.url}/.well-known/jwks.json`)), { issuer: config.issuer, audience: 'portcullis:platform' })
    expect(payload.sub).toBe('00000000-0000-4000-8000-00000000a11c')
  })

  it('signs in through the otp surface; its idToken verifies against the same JWKS', async () => {
    const response = await fetch(`${mock!.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'carol@example.com', password: 'portcullis-demo' }),
    })
    expect(response.status).toBe(200)
    const { idToken } = (await response.json()) as { idToken: string }
    const config = (await json('GET', '/__mock/config')).body
    const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(`${mock!.url}/.well-known/jwks.json`)), { issuer: config.issuer, audience: 'portcullis:otp' })
    expect(payload).toMatchObject({ sub: '00000000-0000-4000-8000-0000000ca201', amr: ['pwd'] })
  })

  it('stops cleanly on SIGTERM (exit 0)', async () => {
    const result = await mock!.stop('SIGTERM')
    expect(result).toEqual({ code: 0, signal: null })
    await expect(fetch(`${mock!.url}/__mock/outbox`)).rejects.toThrow()
  })
})

describe('portcullis-mock CLI options', () => {
  it('stops cleanly on SIGINT too', async () => {
    const other = await spawnMock()
    expect(await other.stop('SIGINT')).toEqual({ code: 0, signal: null })
  })

  it('--seed replaces the demo users and never prints their passwords', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-seed-'))
    try {
      const file = join(dir, 'users.json')
      writeFileSync(file, JSON.stringify([{ email: 'seeded@example.com', username: 'seeded', password: 'seed-secret' }]))
      const seeded = await spawnMock(['--seed', file])
      try {
        const users = (await (await fetch(`${seeded.url}/__mock/users`)).json()) as { users: Array<{ email: string }> }
        expect(users.users.map((u) => u.email)).toEqual(['seeded@example.com'])
        expect(seeded.output()).toContain('seeded@example.com')
        expect(seeded.output()).not.toContain('seed-secret')
      } finally {
        expect(await seeded.stop()).toEqual({ code: 0, signal: null })
      }
      writeFileSync(file, JSON.stringify([{ email: 'x@example.com', password: 'x', bogus: 1 }]))
      const bad = await runCli(['--port', '0', '--seed', file])
      expect(bad.code).toBe(1)
      expect(bad.stderr).toContain('unknown field bogus')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('--help prints usage and exits 0; bad options exit 2', async () => {
    const help = await runCli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: portcullis-mock')
    const bad = await runCli(['--port', 'abc'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--port')
    expect((await runCli(['--nope'])).code).toBe(2)
  })
})
