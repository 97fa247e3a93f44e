/**
 * The mock's state answers every request in O(1) of the users and sessions it holds: each lookup
 * goes through an index. Proven by counting, not timing: every Map inside the stores is swapped
 * for one that counts the entries any iteration yields, and lookups on a large store must
 * iterate none of them.
 */
import { describe, expect, it } from 'vitest'
import { createClock } from '../../../mocks/state/clock'
import { defaultConfig } from '../../../mocks/state/config'
import { MemoryTokenService } from '../../../mocks/state/tokens'
import { MemoryUserStore } from '../../../mocks/state/users'

const USERS = 3_000

/** A Map that counts the entries its iterations hand out (reads by key are free). */
class CountingMap<K, V> extends Map<K, V> {
  static visited = 0
  override *entries(): MapIterator<[K, V]> {
    for (const entry of super.entries()) {
      CountingMap.visited++
      yield entry
    }
  }
  override *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key
  }
  override *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries()
  }
  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this)
  }
}

/** Swaps every Map field of `store` for a counting copy; returns a reader of the visits since. */
function countVisits(store: object): () => number {
  const fields = store as Record<string, unknown>
  let maps = 0
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof Map) {
      fields[name] = new CountingMap(value)
      maps++
    }
  }
  expect(maps).toBeGreaterThan(1)
  CountingMap.visited = 0
  return () => CountingMap.visited
}

async function bigUserStore() {
  const clock = createClock(Date.UTC(2030, 0, 1), { frozen: true })
  // One PBKDF2 iteration: the hash cost is not what this test is about.
  const users = new MemoryUserStore(clock, 1)
  for (let i = 0; i < USERS; i++) {
    await users.create({
      email: `user${i}@example.com`,
      secondaryEmail: `alt${i}@example.com`,
      username: `user${i}`,
      phone: `+34 600 ${String(i).padStart(6, '0')}`,
      password: 'pw',
    })
  }
  return users
}

describe('user store indexes', () => {
  it('finds, creates, checks and updates users without visiting any other user', async () => {
    const users = await bigUserStore()
    const visited = countVisits(users)
    const last = USERS - 1

    expect(users.findByEmail(`USER${last}@example.com `)?.username).toBe(`user${last}`)
    expect(users.findByEmail(`alt${last}@example.com`)).toBeUndefined()
    expect(users.findByEmail(`alt${last}@example.com`, { includeSecondary: true })?.username).toBe(`user${last}`)
    expect(users.findByUsername(`user${last}`)?.email).toBe(`user${last}@example.com`)
    expect(users.findByUsername(`USER${last}`)).toBeUndefined()
    expect(users.findByPhone(`+34-600-(${String(last).padStart(6, '0')})`)?.username).toBe(`user${last}`)
    expect(users.getByPk(USERS)?.username).toBe(`user${last}`)
    expect(users.findByEmail('nobody@example.com')).toBeUndefined()

    const created = await users.create({ email: 'new@example.com', username: 'new', phone: '+1 555 0100', password: 'pw' })
    expect(await users.checkPassword(created, 'pw')).toBe(true)
    await expect(users.create({ email: 'ALT7@example.com' })).rejects.toMatchObject({ code: 'email_in_use', field: 'email' })
    await expect(users.create({ email: 'x@example.com', secondaryEmail: 'user8@example.com' })).rejects.toMatchObject({ code: 'email_in_use', field: 'secondaryEmail' })
    await expect(users.create({ username: 'user9' })).rejects.toMatchObject({ code: 'username_in_use' })
    await expect(users.create({ phone: '+34600000010' })).rejects.toMatchObject({ code: 'phone_in_use' })
    expect(() => users.update(created.id, { email: 'user11@example.com' })).toThrow(expect.objectContaining({ code: 'email_in_use' }))
    users.update(created.id, { email: 'renamed@example.com', username: 'renamed' })

    expect(visited()).toBe(0)
  })

  it('keeps the indexes in step with updates, swaps, deletes and restore', async () => {
    const clock = createClock(Date.UTC(2030, 0, 1), { frozen: true })
    const users = new MemoryUserStore(clock, 1)
    const a = await users.create({ email: 'a@example.com', secondaryEmail: 'a2@example.com', username: 'a', phone: '+1 555 0001' })
    const snapshot = users.snapshot()

    // A swap of primary and secondary email is not a clash with itself.
    users.update(a.id, { email: 'a2@example.com', secondaryEmail: 'a@example.com', username: 'a-renamed', phone: '+1 555 0002' })
    expect(users.findByEmail('a2@example.com')?.id).toBe(a.id)
    expect(users.findByEmail('a@example.com')).toBeUndefined()
    expect(users.findByEmail('a@example.com', { includeSecondary: true })?.id).toBe(a.id)
    expect(users.findByUsername('a')).toBeUndefined()
    expect(users.findByPhone('+15550001')).toBeUndefined()
    // The old keys are free for someone else.
    const b = await users.create({ username: 'a', phone: '+1 555 0001' })
    expect(users.findByUsername('a')?.id).toBe(b.id)

    users.delete(b.id)
    expect(users.findByUsername('a')).toBeUndefined()
    expect(users.findByPhone('+15550001')).toBeUndefined()
    expect(users.getByPk(b.pk)).toBeUndefined()

    users.restore(snapshot)
    expect(users.findByUsername('a')?.id).toBe(a.id)
    expect(users.findByUsername('a-renamed')).toBeUndefined()
    expect(users.findByEmail('a2@example.com', { includeSecondary: true })?.id).toBe(a.id)
    expect(users.findByEmail('a2@example.com')).toBeUndefined()
  })
})

describe('token service indexes', () => {
  it('verifies, rotates and revokes one session without visiting the others', async () => {
    const clock = createClock(Date.UTC(2030, 0, 1), { frozen: true })
    const config = defaultConfig()
    const tokens = new MemoryTokenService(clock, () => config)
    for (let i = 0; i < USERS; i++) {
      const other = tokens.startSession({ userId: `other-${i}`, surface: 'otp', amr: ['pwd'] })
      tokens.issueRefreshToken(other, 3600)
    }
    const session = tokens.startSession({ userId: 'target', surface: 'otp', amr: ['pwd'] })
    const access = await tokens.signAccessToken(session, 900)
    const { token: refresh } = tokens.issueRefreshToken(session, 3600)
    const visited = countVisits(tokens)

    expect((await tokens.verifyAccessToken(access, 'otp')).ok).toBe(true)
    const rotated = tokens.rotateRefreshToken(refresh, 'otp', 3600)
    expect(rotated.ok).toBe(true)
    // The spent token comes back: reuse revokes the family, still without a scan.
    expect(tokens.rotateRefreshToken(refresh, 'otp', 3600)).toEqual({ ok: false, reason: 'reused' })
    expect(tokens.revokeUserSessions('target')).toEqual({ revoked: [], visited: 1 })
    tokens.startSession({ userId: 'target', surface: 'platform', amr: ['pwd'] })
    expect(tokens.userSessions('target')).toHaveLength(2)

    expect(visited()).toBe(0)
    expect(tokens.size().sessions).toBe(USERS + 2)
  })
})
