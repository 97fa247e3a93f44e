/** JSON responses and body parsing shared by the control API, the backend's own answers and the otp surface. */
import { textResponse } from '../known-body'
import { DEFAULT_MAX_BODY_BYTES, isJsonMediaType, mediaTypeOf, readBodyText } from '../validation/body'

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return textResponse(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  })
}

/** The control API's error shape: `{ code, message }` (+ `field` when one input is at fault). */
export function error(status: number, code: string, message: string, field?: string): Response {
  return json(field ? { code, message, field } : { code, message }, status)
}

export function methodNotAllowed(allowed: string[]): Response {
  return json({ code: 'method_not_allowed', message: `Use ${allowed.join(' or ')}.` }, 405, { allow: allowed.join(', ') })
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; response: Response }

/** Deepest nesting of arrays/objects a control body may have (real ones are 3 or 4 deep). */
export const MAX_JSON_DEPTH = 64

/**
 * How deep `text` nests arrays and objects, scanning once without recursion (so a hostile
 * `[[[[…` costs no stack); stops counting past `limit`.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i)
    if (inString) {
      if (char === 0x5c) i++ // backslash: skip the escaped character
      else if (char === 0x22) inString = false
    } else if (char === 0x22) inString = true
    else if (char === 0x5b || char === 0x7b) {
      depth++
      if (depth > deepest) deepest = depth
      if (deepest > limit) return deepest
    } else if (char === 0x5d || char === 0x7d) depth--
  }
  return deepest
}

/**
 * Reads a JSON body; malformed JSON is the caller's mistake (400), never a 500: so are bytes that
 * are not UTF-8 (never silently turned into U+FFFD) and nesting deeper than `MAX_JSON_DEPTH`
 * (which would overflow the stack of anything that walks the value). A body over 1 MiB is a 413,
 * refused as soon as it crosses the limit. An empty body is `undefined`, so routes with optional
 * bodies can accept it.
 */
export async function readJson(request: Request): Promise<JsonBody> {
  const read = await readBodyText(request, DEFAULT_MAX_BODY_BYTES)
  if (!read.ok) {
    if (read.status === 413) return { ok: false, response: error(413, 'payload_too_large', `The request body is larger than ${DEFAULT_MAX_BODY_BYTES} bytes.`) }
    return { ok: false, response: error(400, 'invalid_body', read.reason === 'invalid_encoding' ? 'The request body is not valid UTF-8.' : 'The request body could not be read.') }
  }
  const text = read.text
  if (!text.trim()) return { ok: true, value: undefined }
  // A body is JSON by its content type too: a cross-site `text/plain` form post must not pass as a command.
  if (!isJsonMediaType(mediaTypeOf(request.headers.get('content-type')))) {
    return { ok: false, response: error(415, 'unsupported_media_type', 'Send the body as content-type application/json.') }
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    return { ok: false, response: error(400, 'invalid_json', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`) }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, response: error(400, 'invalid_json', 'The request body is not valid JSON.') }
  }
}

export { isPlainObject } from '../state/plain-object'
