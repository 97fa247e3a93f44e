import type { BodyRead } from './types'

/** 1 MiB: the largest request body the mock accepts. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/** Bodies a server already holds in memory, by request (see `withBufferedBody`). */
const buffered = new WeakMap<Request, Uint8Array>()
const spent = new WeakSet<Request>()

/**
 * Tells `readBodyText` that `bytes` are this request's body, as the standalone server read them
 * from the socket: it takes them instead of reading the request's stream back (a copy of the same
 * bytes, at a cost on Node larger than the rest of a small request). The request keeps its body,
 * so anything reading it another way still can.
 */
export function withBufferedBody(request: Request, bytes: Uint8Array): Request {
  buffered.set(request, bytes)
  return request
}

/**
 * Reads a request body as UTF-8 text without ever holding more than `limit` bytes: a
 * `Content-Length` over the limit is refused before reading, and a body that turns out larger
 * than announced (or has no length) is cut off as soon as it crosses the limit.
 */
export async function readBodyText(request: Request, limit: number = DEFAULT_MAX_BODY_BYTES): Promise<BodyRead> {
  const declared = request.headers.get('content-length')
  if (declaredTooLarge(declared, limit)) {
    cancelQuietly(request)
    return TOO_LARGE
  }
  if (request.body === null) return NO_TEXT
  if (request.bodyUsed || spent.has(request)) return UNREADABLE
  const held = buffered.get(request)
  if (held) {
    // Read once, like a stream.
    buffered.delete(request)
    spent.add(request)
    return heldBodyText(held, declared, limit)
  }

  const chunks: Uint8Array[] = []
  let total = 0
  const reader = request.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (!value) continue
      total += value.byteLength
      if (total > limit) {
        // Not awaited: the body may be one branch of a tee (msw clones requests), and cancelling a
        // branch only settles once every branch is cancelled, which may never happen.
        reader.cancel().catch(() => undefined)
        return TOO_LARGE
      }
      chunks.push(value)
    }
  } catch {
    return UNREADABLE
  } finally {
    try {
      reader.releaseLock()
    } catch {
      /* already released */
    }
  }

  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return decoded(bytes)
}

/**
 * `readBodyText` for a body a server already holds in memory (`undefined`: none), with the
 * `Content-Length` it was announced with: the same limit and the same strict decoding.
 */
export function heldBodyText(bytes: Uint8Array | undefined, declared: string | null, limit: number = DEFAULT_MAX_BODY_BYTES): BodyRead {
  if (declaredTooLarge(declared, limit) || (bytes && bytes.byteLength > limit)) return TOO_LARGE
  return bytes ? decoded(bytes) : NO_TEXT
}

const TOO_LARGE: BodyRead = Object.freeze({ ok: false, status: 413, reason: 'too_large' })
const UNREADABLE: BodyRead = Object.freeze({ ok: false, status: 400, reason: 'unreadable' })
const NO_TEXT: BodyRead = Object.freeze({ ok: true, text: '', bytes: 0 })

const declaredTooLarge = (declared: string | null, limit: number): boolean => declared !== null && /^\s*\d+\s*$/.test(declared) && Number(declared) > limit

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

function decoded(bytes: Uint8Array): BodyRead {
  try {
    const text = utf8.decode(bytes)
    return { ok: true, text, bytes: bytes.byteLength }
  } catch {
    return { ok: false, status: 400, reason: 'invalid_encoding' }
  }
}

/** Releases the body without waiting (see above: a cancelled tee branch may never settle). */
function cancelQuietly(request: Request): void {
  try {
    if (request.body && !request.bodyUsed && !request.body.locked) request.body.cancel().catch(() => undefined)
  } catch {
    /* nothing to release */
  }
}

/** A WHATWG request as the body reader takes it (`readRequestBody`, a surface's `readText`). */
export function bodySource(request: Request): { readonly headers: Headers; readText(limit?: number): Promise<BodyRead> } {
  return { headers: request.headers, readText: (limit) => readBodyText(request, limit) }
}

/** The media type of a `Content-Type` value, lower-cased and without parameters. */
export function mediaTypeOf(contentType: string | null | undefined): string | null {
  if (!contentType) return null
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase()
  return type === '' ? null : type
}

/** True for `application/json` and any `+json` structured-syntax type. */
export function isJsonMediaType(mediaType: string | null): boolean {
  return mediaType !== null && (mediaType === 'application/json' || /^[a-z0-9.+-]+\/[a-z0-9.+-]*\+json$/.test(mediaType))
}
