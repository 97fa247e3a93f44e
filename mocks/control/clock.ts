import { error, isPlainObject, json, readJson } from './json'
import type { ControlRoute } from './types'

const clockBody = (now: number) => ({ now: new Date(now).toISOString(), epochMs: now })

/**
 * The clock may be set from 1970-01-01 to 9999-12-31. A JS Date reaches 8.64e15 ms, but every
 * expiry is `now` plus a lifetime (at most ten years, see the config limits), which must stay a
 * valid date, and ISO years past 9999 are not what any client parses.
 */
export const MIN_CLOCK_MS = 0
export const MAX_CLOCK_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/** `POST /__mock/clock` with `{ advanceMs }` or `{ now }` (epoch ms or ISO string); `GET` reads it. */
export const clockRoute: ControlRoute = {
  path: '/__mock/clock',
  methods: {
    GET: ({ state }) => json(clockBody(state.clock.now())),
    POST: async ({ request, state }) => {
      const body = await readJson(request)
      if (!body.ok) return body.response
      const value = body.value
      if (!isPlainObject(value)) return error(400, 'invalid_body', 'Send { "advanceMs": number } or { "now": number | ISO string }.')
      const keys = Object.keys(value)
      if (keys.length !== 1 || (keys[0] !== 'advanceMs' && keys[0] !== 'now')) {
        return error(400, 'invalid_body', 'Send exactly one of advanceMs or now.')
      }
      if ('advanceMs' in value) {
        const advance = value['advanceMs']
        if (typeof advance !== 'number' || !Number.isFinite(advance) || advance < 0) {
          return error(400, 'invalid_body', 'advanceMs must be a finite number ≥ 0 (use now to go back).', 'advanceMs')
        }
        if (state.clock.now() + advance > MAX_CLOCK_MS) return error(400, 'invalid_body', 'advanceMs goes past 9999-12-31.', 'advanceMs')
        return json(clockBody(state.clock.advance(advance)))
      }
      const raw = value['now']
      const now = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() ? Date.parse(raw) : Number.NaN
      if (!Number.isFinite(now) || now < MIN_CLOCK_MS || now > MAX_CLOCK_MS) {
        return error(400, 'invalid_body', 'now must be epoch milliseconds or an ISO 8601 date string from 1970 to 9999.', 'now')
      }
      return json(clockBody(state.clock.set(now)))
    },
  },
}
