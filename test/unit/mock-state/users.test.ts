import { describe, expect, it } from 'vitest'
import { createClock } from '../../../mocks/state/clock'
import { hashBackupCode, MemoryUserStore } from '../../../mocks/state/users'
import { MockInputError } from '../../../mocks/state/types'

function setup() {
  const clock = createClock(Date.UTC(2030, 0, 1), { frozen: true })
  return { clock, users: new MemoryUserStore(clock, 1000) }
}

async function expectInputError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(MockInputError)
  expect((error as MockInputError).code).toBe(code)
}

describe('UserStore', () => {
  it('creates users with sequential pks, defaults and a hashed password', async () => {
    const { users, clock } = setup()
    const a = await users.create({ email: 'a@example.com', password: 'secret-1' })
    const b = await users.create({ username: 'bee', password: null, verified: false })
    expect(a.pk).toBe(1)
    expect(b.pk).toBe(2)
    expect(a).toMatchObject({ verified: true, emailVerifiedAt: clock.now(), isActive: true, archived: false, status: 'ACTIVE', twoFactor: false })
    expect(a.passwordHash).toMatch(/^pbkdf2-sha256\$1000\$/)
    expect(b).toMatchObject({ verified: false, passwordHash: null, emailVerifiedAt: null })
    expect(users.getByPk(2)?.id).toBe(b.id)
  })

  it('checks passwords, false for users without one', async () => {
    const { users } = setup()
    const a = await users.create({ email: 'a@example.com', password: 'secret-1' })
    const b = await users.create({ email: 'b@example.com' })
    expect(await users.checkPassword(a, 'secret-1')).toBe(true)
    expect(await users.checkPassword(a, 'secret-2')).toBe(false)
    expect(await users.checkPassword(b, '')).toBe(false)
    const changed = await users.setPassword(a.id, 'secret-2')
    // The stale object still checks against the stored hash.
    expect(await users.checkPassword(a, 'secret-2')).toBe(true)
    expect(changed.passwordHash).not.toBe(a.passwordHash)
  })

  it('email is unique case-insensitively, including secondary emails', async () => {
    const { users } = setup()
    await users.create({ email: 'Ann@Example.com', secondaryEmail: 'ann.alt@example.com', password: 'x' })
    await expectInputError(users.create({ email: 'ann@example.COM', password: 'x' }), 'email_in_use')
    await expectInputError(users.create({ email: 'ANN.ALT@example.com', password: 'x' }), 'email_in_use')
    await expectInputError(users.create({ email: 'new@example.com', secondaryEmail: 'ann@example.com', password: 'x' }), 'email_in_use')
    expect(users.findByEmail('ANN@example.com')?.email).toBe('Ann@Example.com')
    expect(users.findByEmail('ann.alt@example.com')).toBeUndefined()
    expect(users.findByEmail('ann.alt@example.com', { includeSecondary: true })?.email).toBe('Ann@Example.com')
  })

  it('username and phone are unique; bad shapes are invalid_user', async () => {
    const { users } = setup()
    await users.create({ username: 'ann', phone: '+34 600 000 001', password: 'x' })
    await expectInputError(users.create({ username: 'ann', password: 'x' }), 'username_in_use')
    await expectInputError(users.create({ phone: '+34600000001', password: 'x' }), 'phone_in_use')
    await expectInputError(users.create({ email: 'not-an-email', password: 'x' }), 'invalid_user')
    await expectInputError(users.create({ password: 'x' }), 'invalid_user')
    await expectInputError(users.create({ email: 'a@b.co', id: 'not-a-uuid' }), 'invalid_user')
    await expectInputError(users.create({ email: 'a@b.co', totpSecret: 'not base32!' }), 'invalid_user')
    expect(users.findByPhone('+34-600-000-001')?.username).toBe('ann')
  })

  it('adds nothing on failure: no half-created user, no pk consumed', async () => {
    const { users } = setup()
    await users.create({ email: 'a@example.com', username: 'a', password: 'x' })
    await expectInputError(users.create({ email: 'b@example.com', username: 'a', password: 'x' }), 'username_in_use')
    await expectInputError(users.create({ email: 'A@example.com', username: 'b', password: 'x' }), 'email_in_use')
    expect(users.all()).toHaveLength(1)
    expect(users.findByEmail('b@example.com')).toBeUndefined()
    expect(users.findByUsername('b')).toBeUndefined()
    expect((await users.create({ email: 'c@example.com', password: 'x' })).pk).toBe(2)
  })

  it('two concurrent creates of the same email: exactly one wins', async () => {
    const { users } = setup()
    const results = await Promise.allSettled([
      users.create({ email: 'race@example.com', password: 'x' }),
      users.create({ email: 'race@example.com', password: 'y' }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(users.all()).toHaveLength(1)
  })

  it('stores TOTP secrets normalised and backup codes hashed', async () => {
    const { users, clock } = setup()
    const user = await users.create({ email: 't@example.com', totpSecret: 'jbsw y3dp ehpk 3pxp', backupCodes: ['AB12CD34EF'] })
    expect(user.totpSecret).toBe('JBSWY3DPEHPK3PXP')
    expect(user.totpVerifiedAt).toBe(clock.now())
    expect(user.backupCodes).toEqual([await hashBackupCode('ab12cd34ef')])
    const unconfirmed = await users.create({ email: 'u@example.com', totpSecret: 'JBSWY3DPEHPK3PXP', totpVerified: false })
    expect(unconfirmed.totpVerifiedAt).toBeNull()
  })

  it('update re-checks uniqueness, keeps id/pk, and records are frozen', async () => {
    const { users } = setup()
    const a = await users.create({ email: 'a@example.com', password: 'x' })
    await users.create({ email: 'b@example.com', password: 'x' })
    expect(() => users.update(a.id, { email: 'B@example.com' })).toThrow(MockInputError)
    expect(() => users.update(a.id, { pk: 99 })).toThrow(MockInputError)
    expect(() => users.update('missing', { firstName: 'x' })).toThrow(MockInputError)
    const updated = users.update(a.id, { firstName: 'Ann', email: undefined })
    expect(updated).toMatchObject({ firstName: 'Ann', email: 'a@example.com' })
    expect(users.get(a.id)).toBe(updated)
    expect(() => {
      ;(updated as { firstName: string }).firstName = 'Mutated'
    }).toThrow(TypeError)
    users.delete(a.id)
    expect(users.get(a.id)).toBeUndefined()
  })
})
