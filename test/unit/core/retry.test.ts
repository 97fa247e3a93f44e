import { describe, expect, it } from 'vitest'
import { AuthError } from '../../../src/core/errors'
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

  it('treats an unknown throw (fetch TypeError) as a network error', async () => {
    let calls = 0
    await expect(
      withRetries(
        async () => {
          calls++
          throw new TypeError('fetch failed')
        },
        { tries: 2, sleep: async () => {} },
      ),
    ).rejects.toMatchObject({ kind: 'network', code: 'network_error' })
    expect(calls).toBe(2)
  })
})
