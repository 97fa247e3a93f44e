import { error, isPlainObject, json, readJson } from './json'
import type { ControlRoute } from './types'

const clockBody = (now: number) => ({ now: new Date(now).toISOString(), epochMs: now })

/** The latest instant a JS Date can hold; beyond it `toISOString` throws. */
const MAX_DATE_MS = 8.64e15

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
        if (Math.abs(state.clock.now() + advance) > MAX_DATE_MS) return error(400, 'invalid_body', 'advanceMs goes past the last valid date.', 'advanceMs')
        return json(clockBody(state.clock.advance(advance)))
      }
      const raw = value['now']
      const now = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() ? Date.parse(raw) : Number.NaN
      if (!Number.isFinite(now) || Math.abs(now) > MAX_DATE_MS) {
        return error(400, 'invalid_body', 'now must be epoch milliseconds or an ISO 8601 date string.', 'now')
      }
      return json(clockBody(state.clock.set(now)))
    },
  },
}
