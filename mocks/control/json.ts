/** JSON responses and body parsing shared by the control API and the backend's own answers. */

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
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

/**
 * Reads a JSON body; malformed JSON is the caller's mistake (400), never a 500. An empty body is
 * `undefined`, so routes with optional bodies can accept it.
 */
export async function readJson(request: Request): Promise<JsonBody> {
  let text: string
  try {
    text = await request.text()
  } catch {
    return { ok: false, response: error(400, 'invalid_body', 'The request body could not be read.') }
  }
  if (!text.trim()) return { ok: true, value: undefined }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, response: error(400, 'invalid_json', 'The request body is not valid JSON.') }
  }
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
