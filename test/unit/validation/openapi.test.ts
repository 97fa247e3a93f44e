import { describe, expect, it } from 'vitest'
import { createOpenApiValidator } from '../../../mocks/validation'

/** A small OpenAPI 3.1 document exercising what the otp and experience specs use. */
const spec = {
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  security: [{ bearer: [] }],
  paths: {
    '/items': {
      get: {
        operationId: 'listItems',
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50 } },
          { name: 'tag', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
          { name: 'verbose', in: 'query', schema: { type: 'boolean' } },
          { $ref: '#/components/parameters/Trace' },
        ],
        responses: {
          '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Item' } } } } },
          '4XX': { $ref: '#/components/responses/Error' },
        },
      },
      post: {
        operationId: 'createItem',
        security: [{}, { bearer: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewItem' } } } },
        responses: {
          '201': { description: 'created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
          '204': { description: 'nothing' },
          '409': {
            description: 'conflict',
            'x-error-codes': ['conflict'],
            'x-error-messages': ['Item exists'],
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/items/new': {
      get: { operationId: 'newItemForm', responses: { '200': { description: 'ok' } } },
    },
    '/items/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9]+$' } }],
      get: {
        operationId: 'getItem',
        parameters: [{ name: 'session', in: 'cookie', required: true, schema: { type: 'string', minLength: 4 } }],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } },
      },
      put: {
        operationId: 'replaceItem',
        parameters: [{ name: 'X-Code', in: 'header', required: true, schema: { anyOf: [{ type: 'string', pattern: '^\\d{6}$' }, { type: 'string', pattern: '^[a-f0-9]{10}$' }] } }],
        requestBody: { content: { 'application/json': { schema: { type: 'object' } }, 'application/x-www-form-urlencoded': { schema: { type: 'string' } } } },
        responses: { '200': { description: 'ok' } },
      },
    },
  },
  components: {
    parameters: { Trace: { name: 'X-Trace', in: 'header', schema: { type: 'string', format: 'uuid' } } },
    responses: { Error: { description: 'error', 'x-error-codes': ['bad', 'worse'], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
    schemas: {
      NewItem: {
        type: 'object',
        required: ['name', 'kind'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, example: 'x' },
          kind: { $ref: '#/components/schemas/Kind' },
          email: { type: 'string', format: 'email' },
          at: { type: 'string', format: 'date-time' },
          tags: { type: 'array', items: { type: 'string' } },
        },
      },
      Kind: { type: 'string', enum: ['A', 'B'] },
      Item: { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string' }, name: { type: ['string', 'null'] } } },
      Error: { type: 'object', required: ['message'], additionalProperties: false, properties: { message: { type: 'string' }, code: { type: 'string' } } },
    },
  },
}

const v = () => createOpenApiValidator(spec, { id: 'https://test.invalid/spec.json' })

describe('createOpenApiValidator', () => {
  it('compiles nothing up front: a broken document only fails on first use', () => {
    const broken = createOpenApiValidator({ openapi: '3.1.0', paths: { '/x': { get: { operationId: 'x', parameters: [{ name: 'q', in: 'query', schema: { $ref: '#/nope' } }], responses: {} } } } }, { id: 'https://test.invalid/broken.json' })
    expect(() => broken.validateRequest('x', { query: new URLSearchParams('q=1') })).toThrow()
  })

  it('is strict about schema keywords: a typo in the spec throws instead of being ignored', () => {
    const typo = createOpenApiValidator(
      { openapi: '3.1.0', components: { schemas: { S: { type: 'string', minLenght: 3, 'x-note': 'fine', example: 'fine' } } } },
      { id: 'https://test.invalid/typo.json' },
    )
    expect(() => typo.validateSchema('/components/schemas/S', 'x')).toThrow(/minLenght/)
  })

  it('compiles every schema of the project\'s other OpenAPI document (experience) as well', async () => {
    const { experienceSpec } = await import('../../../mocks/generated/schemas')
    const experience = createOpenApiValidator(experienceSpec, { id: 'https://test.invalid/experience.json' })
    const schemas = Object.keys((experienceSpec as { components: { schemas: Record<string, unknown> } }).components.schemas)
    expect(schemas.length).toBeGreaterThan(0)
    for (const name of schemas) expect(() => experience.validateSchema(`/components/schemas/${name}`, null)).not.toThrow()
    for (const op of experience.operations()) {
      expect(() => experience.validateRequest(op, {})).not.toThrow()
      expect(() => experience.validateResponse(op, 200, {})).not.toThrow()
    }
  })

  it('two validators over the same document do not clash', () => {
    const a = v()
    const b = v()
    expect(a.validateSchema('/components/schemas/Kind', 'A').ok).toBe(true)
    expect(b.validateSchema('/components/schemas/Kind', 'C').ok).toBe(false)
  })
})

describe('match', () => {
  it('finds operations by method and path, literal segments before templates', () => {
    const val = v()
    const found = val.match('GET', '/items/new')
    expect(found.kind === 'found' && found.operation.operationId).toBe('newItemForm')
    const templ = val.match('get', '/items/abc%20d')
    expect(templ).toMatchObject({ kind: 'found', pathParams: { id: 'abc d' } })
    expect(templ.kind === 'found' && templ.operation.operationId).toBe('getItem')
  })

  it('405 with the allowed methods, 404 for unknown paths, no prefix or suffix matches', () => {
    const val = v()
    expect(val.match('DELETE', '/items')).toEqual({ kind: 'method_not_allowed', allow: ['GET', 'POST'] })
    expect(val.match('GET', '/nope')).toEqual({ kind: 'not_found' })
    expect(val.match('GET', '/items/')).toEqual({ kind: 'not_found' })
    expect(val.match('GET', '/items/a/b')).toEqual({ kind: 'not_found' })
    expect(val.match('GET', '/x/items')).toEqual({ kind: 'not_found' })
  })

  it('reports effective security and request body', () => {
    const val = v()
    expect(val.operation('listItems').security).toEqual({ schemes: ['bearer'], optional: false })
    expect(val.operation('createItem').security).toEqual({ schemes: ['bearer'], optional: true })
    expect(val.operation('createItem').requestBody).toEqual({ present: true, required: true, mediaTypes: ['application/json'] })
    expect(val.operation('listItems').requestBody.present).toBe(false)
    expect(() => val.operation('nope')).toThrow(/Unknown operation/)
  })
})

describe('validateRequest', () => {
  it('accepts a valid body and returns it', () => {
    const r = v().validateRequest('createItem', { body: { name: 'n', kind: 'A', email: 'a@b.co', at: '2024-01-01T00:00:00Z' }, headers: { 'Content-Type': 'application/json; charset=utf-8' } })
    expect(r).toMatchObject({ ok: true, body: { name: 'n', kind: 'A' } })
  })

  it('reports every body problem with a dotted path', () => {
    const r = v().validateRequest('createItem', { body: { name: '', kind: 'C', email: 'nope', at: 'yesterday', tags: [1], extra: 1 }, contentType: 'application/json' })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues).toEqual(
      expect.arrayContaining([
        { path: 'body.name', message: 'must not be empty' },
        { path: 'body.kind', message: 'must be one of: A, B' },
        { path: 'body.email', message: 'must be a valid email' },
        { path: 'body.at', message: 'must be a valid date-time' },
        { path: 'body.tags.0', message: 'must be a string' },
        { path: 'body.extra', message: 'is not allowed' },
      ]),
    )
  })

  it('missing fields, wrong root type, missing required body, wrong content type', () => {
    const val = v()
    expect(val.validateRequest('createItem', { body: { name: 'x' }, contentType: 'application/json' })).toEqual({ ok: false, issues: [{ path: 'body.kind', message: 'is required' }] })
    expect(val.validateRequest('createItem', { body: [], contentType: 'application/json' })).toMatchObject({ ok: false, issues: [{ path: 'body', message: 'must be an object' }] })
    expect(val.validateRequest('createItem', {})).toEqual({ ok: false, issues: [{ path: 'body', message: 'is required' }] })
    expect(val.validateRequest('createItem', { body: 'name=x', contentType: 'text/plain' })).toEqual({ ok: false, issues: [{ path: 'header.content-type', message: 'must be application/json' }] })
    expect(val.validateRequest('createItem', { body: '{}', contentType: null })).toEqual({ ok: false, issues: [{ path: 'header.content-type', message: 'must be application/json' }] })
  })

  it('optional body: absent is fine; the schema of the sent media type applies', () => {
    const val = v()
    const headers = { 'x-code': '123456' }
    expect(val.validateRequest('replaceItem', { headers, pathParams: { id: 'a1' } }).ok).toBe(true)
    expect(val.validateRequest('replaceItem', { headers, pathParams: { id: 'a1' }, body: 'a=1', contentType: 'application/x-www-form-urlencoded' }).ok).toBe(true)
    expect(val.validateRequest('replaceItem', { headers, pathParams: { id: 'a1' }, body: 'a=1', contentType: 'application/json' }).ok).toBe(false)
  })

  it('coerces query parameters to their schema types and collects arrays', () => {
    const r = v().validateRequest('listItems', { query: new URLSearchParams('limit=10&tag=a&tag=b&verbose=true&unknown=1') })
    expect(r).toMatchObject({ ok: true, query: { limit: 10, tag: ['a', 'b'], verbose: true } })
  })

  it('rejects bad query values and repeated scalars', () => {
    const val = v()
    expect(val.validateRequest('listItems', { query: new URLSearchParams('limit=abc') })).toMatchObject({ ok: false, issues: [{ path: 'query.limit', message: 'must be an integer' }] })
    expect(val.validateRequest('listItems', { query: new URLSearchParams('limit=0') })).toMatchObject({ ok: false, issues: [{ path: 'query.limit' }] })
    expect(val.validateRequest('listItems', { query: new URLSearchParams('limit=1&limit=2') })).toEqual({ ok: false, issues: [{ path: 'query.limit', message: 'must not be repeated' }] })
    expect(val.validateRequest('listItems', { query: { limit: '3' } })).toMatchObject({ ok: true, query: { limit: 3 } })
  })

  it('checks headers case-insensitively, through $ref parameters, with anyOf folded into one issue', () => {
    const val = v()
    expect(val.validateRequest('listItems', { headers: new Headers({ 'X-Trace': 'not-a-uuid' }) })).toMatchObject({ ok: false, issues: [{ path: 'header.x-trace', message: 'must be a valid uuid' }] })
    expect(val.validateRequest('replaceItem', { headers: { 'X-CODE': '12' }, pathParams: { id: 'a' } })).toEqual({ ok: false, issues: [{ path: 'header.x-code', message: 'does not match any allowed form' }] })
    expect(val.validateRequest('replaceItem', { headers: { 'x-code': 'abcdef0123' }, pathParams: { id: 'a' } }).ok).toBe(true)
    expect(val.validateRequest('replaceItem', { pathParams: { id: 'a' } })).toEqual({ ok: false, issues: [{ path: 'header.x-code', message: 'is required' }] })
  })

  it('checks path-level path parameters and cookies', () => {
    const val = v()
    expect(val.validateRequest('getItem', { pathParams: { id: 'abc' }, headers: { cookie: 'other=1; session=abcd' } })).toMatchObject({ ok: true, path: { id: 'abc' }, cookies: { session: 'abcd' } })
    const bad = val.validateRequest('getItem', { pathParams: { id: 'A B' }, headers: { cookie: 'session=ab' } })
    expect(bad.ok || bad.issues.map((i) => i.path)).toEqual(['path.id', 'cookie.session'])
    expect(val.validateRequest('getItem', { pathParams: { id: 'abc' } })).toEqual({ ok: false, issues: [{ path: 'cookie.session', message: 'is required' }] })
  })

  it('caps the number of issues', () => {
    const body = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]))
    const r = createOpenApiValidator(spec, { id: 'https://test.invalid/cap.json', maxIssues: 5 }).validateRequest('createItem', { body, contentType: 'application/json' })
    expect(!r.ok && r.issues.length).toBe(5)
  })
})

describe('validateResponse', () => {
  it('accepts documented statuses with matching bodies', () => {
    const val = v()
    expect(val.validateResponse('createItem', 201, { id: 'a', name: null })).toEqual({ ok: true })
    expect(val.validateResponse('createItem', 204, undefined)).toEqual({ ok: true })
    expect(val.validateResponse('listItems', 200, [{ id: 'a' }], { contentType: 'application/json; charset=utf-8' })).toEqual({ ok: true })
  })

  it('flags undocumented statuses, schema drift, missing or unexpected bodies, wrong content type', () => {
    const val = v()
    expect(val.validateResponse('getItem', 404, { message: 'x' })).toMatchObject({ ok: false, issues: [{ path: 'status' }] })
    expect(val.validateResponse('createItem', 201, { id: 1, extra: true })).toMatchObject({ ok: false })
    expect(val.validateResponse('createItem', 201, undefined)).toMatchObject({ ok: false, issues: [{ path: 'body' }] })
    expect(val.validateResponse('createItem', 204, { id: 'a' })).toMatchObject({ ok: false, issues: [{ path: 'body' }] })
    expect(val.validateResponse('listItems', 200, [], { contentType: 'text/html' })).toMatchObject({ ok: false, issues: [{ path: 'header.content-type' }] })
  })

  it('falls back to NXX ranges and default, following response $refs', () => {
    const val = v()
    expect(val.validateResponse('listItems', 418, { message: 'teapot', code: 'bad' })).toEqual({ ok: true })
    expect(val.validateResponse('listItems', 500, { message: 'x' })).toMatchObject({ ok: false, issues: [{ path: 'status' }] })
    expect(val.validateResponse('createItem', 503, { message: 'down', code: 'worse' })).toEqual({ ok: true })
  })

  it('checks x-error-codes, and the message when exactly one code and one message are listed', () => {
    const val = v()
    expect(val.validateResponse('createItem', 409, { message: 'Item exists', code: 'conflict' })).toEqual({ ok: true })
    expect(val.validateResponse('createItem', 409, { message: 'Item exists', code: 'other' })).toMatchObject({ ok: false, issues: [{ path: 'body.code' }] })
    expect(val.validateResponse('createItem', 409, { message: 'Exists!', code: 'conflict' })).toMatchObject({ ok: false, issues: [{ path: 'body.message' }] })
    expect(val.validateResponse('listItems', 400, { message: 'anything', code: 'worse' })).toEqual({ ok: true })
    expect(val.validateResponse('listItems', 400, { message: 'anything', code: 'nope' })).toMatchObject({ ok: false, issues: [{ path: 'body.code' }] })
  })
})
