import { DEFAULT_MAX_BODY_BYTES, isJsonMediaType, mediaTypeOf } from './body'
import type { BodyRead, OperationInfo, ValidationIssue } from './types'

/** What the body reader needs of a request: a surface's `RequestContext` fits. */
export interface BodySource {
  readonly headers: Headers
  readText(limit?: number): Promise<BodyRead>
}

export type BodyParse =
  | { ok: true; body: unknown }
  | { ok: false; status: 400 | 413; reason: 'too_large' | 'malformed' | 'unreadable'; issues: ValidationIssue[] }

/**
 * Reads the body of a request for `operation` under the size limit (every request, even one whose
 * operation takes no body, so an oversized upload is refused the same way everywhere) and parses
 * it when it is JSON. `body` is `undefined` when nothing was sent or the operation takes no body;
 * a non-JSON body is handed back as text so `validateRequest` reports its content type.
 */
export async function readRequestBody(request: BodySource, operation: OperationInfo, options: { limit?: number } = {}): Promise<BodyParse> {
  const limit = options.limit ?? DEFAULT_MAX_BODY_BYTES
  const read = await request.readText(limit)
  if (!read.ok) {
    if (read.status === 413) return { ok: false, status: 413, reason: 'too_large', issues: [{ path: 'body', message: `must not exceed ${limit} bytes` }] }
    return {
      ok: false,
      status: 400,
      reason: 'unreadable',
      issues: [{ path: 'body', message: read.reason === 'invalid_encoding' ? 'must be valid UTF-8' : 'could not be read' }],
    }
  }
  if (!operation.requestBody.present || read.text === '') return { ok: true, body: undefined }
  if (!isJsonMediaType(mediaTypeOf(request.headers.get('content-type')))) return { ok: true, body: read.text }
  try {
    return { ok: true, body: JSON.parse(read.text) as unknown }
  } catch {
    return { ok: false, status: 400, reason: 'malformed', issues: [{ path: 'body', message: 'must be valid JSON' }] }
  }
}
