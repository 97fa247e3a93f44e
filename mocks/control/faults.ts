import type { FaultRule } from '../state/types'
import { error, isPlainObject, json, readJson } from './json'
import type { ControlRoute } from './types'

const RULE_KEYS = new Set(['path', 'method', 'operationName', 'status', 'body', 'delayMs', 'networkError', 'times'])
/** Longest delay a rule may ask for: long enough to trip any client timeout, short enough to not hang CI. */
export const MAX_FAULT_DELAY_MS = 300_000
export const MAX_FAULT_TIMES = 10_000
/** The status of a rule that gives neither `status`, `networkError` nor `delayMs`. */
export const DEFAULT_FAULT_STATUS = 500

type Parsed = { ok: true; rule: FaultRule } | { ok: false; message: string; field?: string }

const bad = (message: string, field?: string): Parsed => ({ ok: false, message, ...(field ? { field } : {}) })

/** Checks one rule; `where` prefixes messages for rules inside `{ faults: [...] }`. */
export function parseFaultRule(value: unknown, where = ''): Parsed {
  if (!isPlainObject(value)) return bad(`${where}a fault rule must be an object`)
  for (const key of Object.keys(value)) if (!RULE_KEYS.has(key)) return bad(`${where}unknown field ${key}`, key)
  const { path, method, operationName, status, body, delayMs, networkError, times } = value
  if (typeof path !== 'string' || !path.startsWith('/')) return bad(`${where}path must be a string starting with /`, 'path')
  if (method !== undefined && (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method))) return bad(`${where}method must be an HTTP method`, 'method')
  if (operationName !== undefined && (typeof operationName !== 'string' || !operationName)) return bad(`${where}operationName must be a non-empty string`, 'operationName')
  if (status !== undefined && (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599)) {
    return bad(`${where}status must be an integer from 200 to 599`, 'status')
  }
  if (delayMs !== undefined && (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_FAULT_DELAY_MS)) {
    return bad(`${where}delayMs must be a number from 0 to ${MAX_FAULT_DELAY_MS}`, 'delayMs')
  }
  if (networkError !== undefined && typeof networkError !== 'boolean') return bad(`${where}networkError must be a boolean`, 'networkError')
  if (times !== undefined && (typeof times !== 'number' || !Number.isInteger(times) || times < 1 || times > MAX_FAULT_TIMES)) {
    return bad(`${where}times must be an integer from 1 to ${MAX_FAULT_TIMES}`, 'times')
  }
  if (networkError === true && status !== undefined) return bad(`${where}use either status or networkError, not both`, 'networkError')
  if (body !== undefined && status === undefined) return bad(`${where}body needs a status`, 'body')
  const rule: FaultRule = { path }
  if (method !== undefined) rule.method = method.toUpperCase()
  if (operationName !== undefined) rule.operationName = operationName
  // Everything but `path` is optional: a rule that says nothing else fails with a plain 500.
  if (status !== undefined) rule.status = status
  else if (networkError !== true && delayMs === undefined) rule.status = DEFAULT_FAULT_STATUS
  if (body !== undefined) rule.body = body
  if (delayMs !== undefined) rule.delayMs = delayMs
  if (networkError !== undefined) rule.networkError = networkError
  if (times !== undefined) rule.times = times
  return { ok: true, rule }
}

/** `POST /__mock/faults` takes one rule or `{ faults: [...] }` (all or nothing); `GET` lists; `DELETE` clears. */
export const faultsRoute: ControlRoute = {
  path: '/__mock/faults',
  methods: {
    GET: ({ state }) => json({ faults: state.faults.list() }),
    POST: async ({ request, state }) => {
      const body = await readJson(request)
      if (!body.ok) return body.response
      const value = body.value
      const many = isPlainObject(value) && 'faults' in value
      if (many && (Object.keys(value).length !== 1 || !Array.isArray(value['faults']))) {
        return error(400, 'invalid_fault', 'Send one rule, or { "faults": [rules] } and nothing else.')
      }
      const inputs: unknown[] = many ? (value['faults'] as unknown[]) : [value]
      const rules: FaultRule[] = []
      for (const [i, input] of inputs.entries()) {
        const parsed = parseFaultRule(input, many ? `faults[${i}]: ` : '')
        if (!parsed.ok) return error(400, 'invalid_fault', parsed.message, parsed.field)
        rules.push(parsed.rule)
      }
      // All or nothing: a batch that would pass the cap (`limits.faultRules`) queues none.
      if (!state.faults.fits(rules.length)) {
        return error(400, 'too_many_faults', `At most ${state.config.limits.faultRules} fault rules may be queued; clear them with DELETE /__mock/faults.`)
      }
      return json({ faults: rules.map((rule) => state.faults.add(rule)) }, 201)
    },
    DELETE: ({ state }) => {
      state.faults.clear()
      return json({ ok: true })
    },
  },
}
