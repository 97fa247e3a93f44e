import { describe, expect, it } from 'vitest'
import { bodySource, createOpenApiValidator, isJsonMediaType, mediaTypeOf, readBodyText, readRequestBody } from '../../../mocks/validation'

const URL_ = 'http://body.test/x'

function streamOf(total: number, chunk = 16 * 1024): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close()
      const size = Math.min(chunk, total - sent)
      sent += size
      controller.enqueue(new Uint8Array(size).fill(0x61))
    },
  })
  return { stream, pulled: () => sent }
}

describe('readBodyText', () => {
  it('reads a body up to the limit', async () => {
    const r = await readBodyText(new Request(URL_, { method: 'POST', body: 'héllo' }), 10)
    expect(r).toEqual({ ok: true, text: 'héllo', bytes: 6 })
    expect(await readBodyText(new Request(URL_, { method: 'POST', body: 'x'.repeat(10) }), 10)).toMatchObject({ ok: true, bytes: 10 })
  })

  it('no body → empty text', async () => {
    expect(await readBodyText(new Request(URL_))).toEqual({ ok: true, text: '', bytes: 0 })
  })

  it('refuses on a Content-Length over the limit without reading', async () => {
    const { stream, pulled } = streamOf(100)
    const request = new Request(URL_, { method: 'POST', body: stream, headers: { 'content-length': '5000000' }, duplex: 'half' } as RequestInit)
    expect(await readBodyText(request, 1024)).toEqual({ ok: false, status: 413, reason: 'too_large' })
    expect(pulled()).toBeLessThanOrEqual(16 * 1024)
  })

  it('stops reading a body that is larger than announced (or has no length) once past the limit', async () => {
    const { stream, pulled } = streamOf(10 * 1024 * 1024)
    const request = new Request(URL_, { method: 'POST', body: stream, duplex: 'half' } as RequestInit)
    expect(await readBodyText(request, 64 * 1024)).toEqual({ ok: false, status: 413, reason: 'too_large' })
    expect(pulled()).toBeLessThan(1024 * 1024)
  })

  it('does not hang when the request was cloned (tee) before reading', async () => {
    const { stream } = streamOf(1024 * 1024)
    const request = new Request(URL_, { method: 'POST', body: stream, duplex: 'half' } as RequestInit)
    request.clone()
    expect(await readBodyText(request, 1024)).toMatchObject({ ok: false, status: 413 })
  })

  it('400 for invalid UTF-8 or a body already consumed', async () => {
    expect(await readBodyText(new Request(URL_, { method: 'POST', body: new Uint8Array([0xc3, 0x28]) }))).toEqual({ ok: false, status: 400, reason: 'invalid_encoding' })
    const used = new Request(URL_, { method: 'POST', body: 'x' })
    await used.text()
    expect(await readBodyText(used)).toEqual({ ok: false, status: 400, reason: 'unreadable' })
  })
})

describe('media types', () => {
  it('parses and recognises JSON types', () => {
    expect(mediaTypeOf('Application/JSON; charset=UTF-8')).toBe('application/json')
    expect(mediaTypeOf('')).toBeNull()
    expect(mediaTypeOf(null)).toBeNull()
    expect(isJsonMediaType('application/json')).toBe(true)
    expect(isJsonMediaType('application/problem+json')).toBe(true)
    expect(isJsonMediaType('text/plain')).toBe(false)
    expect(isJsonMediaType('application/jsonp')).toBe(false)
  })
})

describe('readRequestBody', () => {
  const validator = createOpenApiValidator(
    {
      openapi: '3.1.0',
      paths: {
        '/a': {
          post: { operationId: 'withBody', requestBody: { content: { 'application/json': { schema: { type: 'object' } } } }, responses: {} },
          get: { operationId: 'withoutBody', responses: {} },
        },
      },
    },
    { id: 'https://test.invalid/read.json' },
  )
  const post = (body: BodyInit, contentType = 'application/json') => bodySource(new Request(URL_, { method: 'POST', body, headers: { 'content-type': contentType } }))

  it('parses JSON, hands non-JSON back as text, treats an empty body as absent', async () => {
    expect(await readRequestBody(post('{"a":1}'), validator.operation('withBody'))).toEqual({ ok: true, body: { a: 1 } })
    expect(await readRequestBody(post('a=1', 'application/x-www-form-urlencoded'), validator.operation('withBody'))).toEqual({ ok: true, body: 'a=1' })
    expect(await readRequestBody(post(''), validator.operation('withBody'))).toEqual({ ok: true, body: undefined })
  })

  it('400 for malformed JSON, 413 over the limit, body ignored for operations without one', async () => {
    expect(await readRequestBody(post('{"a":'), validator.operation('withBody'))).toMatchObject({ ok: false, status: 400, reason: 'malformed', issues: [{ path: 'body', message: 'must be valid JSON' }] })
    expect(await readRequestBody(post('{"a":"' + 'x'.repeat(100) + '"}'), validator.operation('withBody'), { limit: 50 })).toMatchObject({ ok: false, status: 413 })
    expect(await readRequestBody(post('{"a":'), validator.operation('withoutBody'))).toEqual({ ok: true, body: undefined })
    expect(await readRequestBody(post('x'.repeat(100)), validator.operation('withoutBody'), { limit: 50 })).toMatchObject({ ok: false, status: 413 })
  })
})
