import { describe, expect, it } from 'vitest'
import { AuthError, retryAfter } from '../../../src/core/errors'
import { withRetries } from '../../../src/core/retry'

const transient = () => new AuthError('down', { code: 'http_503', kind: 'server' })

describe('withRetries', () => {
  it('retries transient failures with exponential backoff and jitter, within bounds', async () => {
    const delays: number[] = []
    let calls = 0
    await expect(
      withRetries(
        async () => {
          calls++
          throw transient()
        },
        { tries: 4, sleep: async (ms) => void delays.push(ms), baseDelayMs: 100 },
      ),
    ).rejects.toMatchObject({ code: 'http_503' })
    expect(calls).toBe(4)
    expect(delays).toHaveLength(3)
    delays.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(50 * 2 ** i)
      expect(ms).toBeLessThanOrEqual(100 * 2 ** i)
    })
  })

  it('returns as soon as an attempt succeeds', async () => {
    let calls = 0
    const value = await withRetries(async () => (++calls < 2 ? Promise.reject(transient()) : 'ok'), { tries: 3, sleep: async () => {}, random: () => 0 })
    expect(value).toBe('ok')
    expect(calls).toBe(2)
  })

  it('does not retry a definitive failure', async () => {
    let calls = 0
    await expect(
      withRetries(
        async () => {
          calls++
          throw new AuthError('no', { code: 'invalid_refresh_token', kind: 'auth' })
        },
        { tries: 3, sleep: async () => {} },
      ),
    ).rejects.toMatchObject({ kind: 'auth' })
    expect(calls).toBe(1)
  })

  it('rethrows a non-AuthError at once: a TypeError or RangeError here is a bug, not a network failure to retry', async () => {
    for (const bug of [new TypeError("Cannot read properties of undefined (reading 'url')"), new RangeError('Invalid time value')]) {
      let calls = 0
      const attempt = async () => {
        calls++
        throw bug
      }
      await expect(withRetries(attempt, { tries: 3, sleep: async () => {} })).rejects.toBe(bug)
      expect(calls).toBe(1)
    }
  })

  it('waits at least as long as the server asked (Retry-After), never less than the backoff', async () => {
    const delays: number[] = []
    let calls = 0
    const limited = (retryAfterMs?: number) => new AuthError('slow down', { code: 'rate_limited', kind: 'rate_limit', status: 429, retryAfterMs })
    const value = await withRetries(async () => (++calls === 1 ? Promise.reject(limited(4_000)) : calls === 2 ? Promise.reject(limited(0)) : 'ok'), {
      tries: 3,
      sleep: async (ms) => void delays.push(ms),
      baseDelayMs: 100,
      random: () => 1,
    })
    expect(value).toBe('ok')
    expect(delays).toEqual([4_000, 200])
  })

  it('does not sit out a long Retry-After inside the call: it rejects with it at once', async () => {
    let calls = 0
    const sleeps: number[] = []
    const error = await withRetries(
      async () => {
        calls++
        throw new AuthError('slow down', { code: 'rate_limited', kind: 'rate_limit', status: 429, retryAfterMs: 60_000 })
      },
      { tries: 3, sleep: async (ms) => void sleeps.push(ms) },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterMs: 60_000, retryable: true })
    expect(calls).toBe(1)
    expect(sleeps).toEqual([])
  })
})

describe('retryAfter', () => {
  const at = Date.UTC(2030, 0, 1)
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    [new Date(at + 30_000).toUTCString(), 30_000],
    [new Date(at - 30_000).toUTCString(), 0],
    ['soon', undefined],
    ['-5', undefined],
    ['1.5', undefined],
  ])('reads %j as %s ms', (header, ms) => {
    expect(retryAfter(new Headers({ 'retry-after': header }), at)).toBe(ms)
  })

  it('is undefined without the header', () => {
    expect(retryAfter(new Headers())).toBeUndefined()
  })
})
