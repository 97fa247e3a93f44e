import { describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64Url } from '../../../mocks/state/bytes'
import { timingSafeEqual, timingSafeEqualBytes } from '../../../mocks/state/constant-time'
import { hashPassword, PASSWORD_ITERATIONS, verifyAgainstDummy, verifyPassword } from '../../../mocks/state/passwords'
import { nanoid, randomBase64Url, randomDigits, randomHex, uuid } from '../../../mocks/state/random'

describe('timingSafeEqual', () => {
  it('compares equal and unequal strings, including different lengths', () => {
    expect(timingSafeEqual('123456', '123456')).toBe(true)
    expect(timingSafeEqual('123456', '123457')).toBe(false)
    expect(timingSafeEqual('123456', '12345')).toBe(false)
    expect(timingSafeEqual('12345', '123456')).toBe(false)
    expect(timingSafeEqual('', '')).toBe(true)
    expect(timingSafeEqual('é', 'e')).toBe(false)
  })

  it('does not stop at the first difference', () => {
    // Count the byte reads: an early exit would read fewer bytes when the first byte differs.
    const reads = (a: Uint8Array, b: Uint8Array) => {
      let count = 0
      const spy = (bytes: Uint8Array) =>
        new Proxy(bytes, {
          get(target, key) {
            if (typeof key === 'string' && /^\d+$/.test(key)) count++
            const value = Reflect.get(target, key) as unknown
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
          },
        })
      timingSafeEqualBytes(spy(a), spy(b))
      return count
    }
    const same = reads(new Uint8Array([1, 2, 3, 4]), new Uint8Array([1, 2, 3, 4]))
    const firstDiffers = reads(new Uint8Array([9, 2, 3, 4]), new Uint8Array([1, 2, 3, 4]))
    const shorter = reads(new Uint8Array([9]), new Uint8Array([1, 2, 3, 4]))
    expect(firstDiffers).toBe(same)
    expect(shorter).toBe(same)
  })
})

describe('passwords (PBKDF2-SHA256)', () => {
  it('hashes in the documented format with a random salt', async () => {
    const a = await hashPassword('correct horse')
    const b = await hashPassword('correct horse')
    expect(a).toMatch(new RegExp(`^pbkdf2-sha256\\$${PASSWORD_ITERATIONS}\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`))
    expect(a).not.toBe(b)
  })

  it('verifies the right password only', async () => {
    const hash = await hashPassword('correct horse', 1000)
    expect(await verifyPassword('correct horse', hash)).toBe(true)
    expect(await verifyPassword('correct horsE', hash)).toBe(false)
    expect(await verifyPassword('', hash)).toBe(false)
  })

  it('treats malformed hashes as a mismatch, never a throw', async () => {
    for (const bad of ['', 'plain', 'pbkdf2-sha256$x$a$b', 'md5$1000$AAAA$AAAA', 'pbkdf2-sha256$1000$$', 'pbkdf2-sha256$1000$!!$AAAA']) {
      expect(await verifyPassword('x', bad)).toBe(false)
    }
  })

  it('the dummy check always fails', async () => {
    expect(await verifyAgainstDummy('portcullis-dummy-password')).toBe(false)
  })
})

describe('random', () => {
  it('makes digit codes of the asked length, leading zeros kept', () => {
    for (let i = 0; i < 50; i++) expect(randomDigits(6)).toMatch(/^\d{6}$/)
    expect(randomDigits(8)).toMatch(/^\d{8}$/)
  })

  it('spreads digits roughly evenly', () => {
    const counts = new Array<number>(10).fill(0)
    for (const digit of randomDigits(20_000)) counts[Number(digit)]!++
    for (const count of counts) expect(count).toBeGreaterThan(1_600)
  })

  it('makes ids in their documented formats', () => {
    expect(nanoid()).toMatch(/^[0-9a-z]{21}$/)
    expect(uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(randomHex(20)).toMatch(/^[0-9a-f]{40}$/)
    expect(randomBase64Url(32)).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(nanoid()).not.toBe(nanoid())
  })

  it('base64url round-trips and rejects other alphabets', () => {
    const bytes = new Uint8Array([0, 255, 62, 63, 1, 2, 3])
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes)
    expect(fromBase64Url('a+b/')).toBeUndefined()
  })
})
