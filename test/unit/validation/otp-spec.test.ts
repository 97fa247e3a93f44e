/**
 * The real otp spec through the validator: every example in schema/openapi/otp.yaml must satisfy
 * its own schema (so the examples the docs show are answers the mock could give), and every
 * operation must have a handler in the mock.
 */
import { describe, expect, it } from 'vitest'
import { otpSpec } from '../../../mocks/generated/schemas'
import { otpHandlers } from '../../../mocks/surfaces/otp/handlers'
import { otpValidator } from '../../../mocks/surfaces/otp'
import { pointerOf } from '../../../mocks/validation'

type Json = Record<string, any>
const spec = otpSpec as Json

function deref(node: Json): Json {
  let current = node
  while (typeof current['$ref'] === 'string') {
    const segments = current['$ref'].slice(2).split('/').map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    current = segments.reduce((n: Json, s: string) => n[s], spec)
  }
  return current
}

describe('otp spec', () => {
  const operations = otpValidator.operations()

  it('has the seven operations, each served by the mock', () => {
    expect(operations.map((o) => o.operationId).sort()).toEqual(['addSmsMethod', 'createTotpSecret', 'deleteTotpSecret', 'login', 'refreshLogin', 'requestOtpCode', 'verifyOtpMethod'])
    for (const op of operations) expect(otpHandlers[op.operationId], op.operationId).toBeTypeOf('function')
  })

  it('every response example validates as that response', () => {
    let checked = 0
    for (const op of operations) {
      for (const [status, raw] of Object.entries(spec['paths'][op.path][op.method]['responses'] as Json)) {
        const response = deref(raw as Json)
        const media = response['content']?.['application/json']
        if (!media || media['example'] === undefined) continue
        const result = otpValidator.validateResponse(op, Number(status), media['example'])
        expect(result, `${op.operationId} ${status}`).toEqual({ ok: true })
        checked++
      }
    }
    expect(checked).toBeGreaterThan(15)
  })

  it('every request body and parameter example is a valid request', () => {
    for (const op of operations) {
      const operation = spec['paths'][op.path][op.method] as Json
      const example = operation['requestBody']?.['content']?.['application/json']?.['example']
      const headers: Record<string, string> = {}
      const query = new URLSearchParams()
      for (const raw of operation['parameters'] ?? []) {
        const param = deref(raw)
        if (param['in'] === 'header') headers[param['name']] = param['example']
        if (param['in'] === 'query') query.set(param['name'], param['example'])
      }
      const result = otpValidator.validateRequest(op, { body: example, contentType: 'application/json', headers, query })
      expect(result.ok, `${op.operationId}: ${JSON.stringify(result)}`).toBe(true)
    }
  })

  it('every ErrorCode named in an x-error-codes list exists in the ErrorCode enum, and vice versa', () => {
    const enumCodes = new Set<string>(spec['components']['schemas']['ErrorCode']['enum'])
    const used = new Set<string>()
    for (const op of operations) {
      for (const raw of Object.values(spec['paths'][op.path][op.method]['responses'] as Json)) {
        for (const code of deref(raw as Json)['x-error-codes'] ?? []) used.add(code)
      }
    }
    for (const code of used) expect(enumCodes.has(code), code).toBe(true)
    for (const code of enumCodes) expect(used.has(code), code).toBe(true)
  })

  it('reaches component schemas through the registered document', () => {
    expect(otpValidator.validateSchema(pointerOf('components', 'schemas', 'Country'), 'XK').ok).toBe(true)
    expect(otpValidator.validateSchema(pointerOf('components', 'schemas', 'Country'), 'XX').ok).toBe(false)
    expect(otpValidator.validateSchema('/components/schemas/RefreshResponse', { idToken: 'a', refreshToken: 'b' }).ok).toBe(true)
    expect(otpValidator.validateSchema('/components/schemas/RefreshResponse', { idToken: 'a' }).ok).toBe(true)
  })
})
