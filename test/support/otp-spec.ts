/**
 * Checks an otp response against schema/openapi/otp.yaml with the Ajv-compiled validator: the
 * status must be documented for the operation, the body must match its schema, and an error's
 * `code`/`message` must be the documented ones. Paths outside the spec (404/405) must still carry
 * an `ErrorBody`. Used by the in-process otp suites and the e2e suite over real HTTP.
 */
import { otpValidator } from '../../mocks/surfaces/otp'

export interface ApiResult<T = any> {
  status: number
  body: T
  headers: Headers
}

/** The body as text, and parsed when JSON (`undefined` when empty). */
export async function readResponse(response: Response): Promise<{ text: string; body: unknown; contentType: string | null }> {
  const text = await response.text()
  const contentType = response.headers.get('content-type')
  let body: unknown = text === '' ? undefined : text
  if (text !== '' && contentType?.includes('json')) body = JSON.parse(text)
  return { text, body, contentType }
}

/** Reads the response, throws on spec drift, returns the parsed body. */
export async function assertMatchesSpec(method: string, url: string, response: Response): Promise<ApiResult> {
  const { text, body, contentType } = await readResponse(response)
  const pathname = new URL(url).pathname
  const route = otpValidator.match(method, pathname)
  if (route.kind === 'found') {
    const result = otpValidator.validateResponse(route.operation, response.status, body, { contentType })
    if (!result.ok) {
      throw new Error(`spec drift: ${method} ${pathname} → ${response.status} ${text.slice(0, 500)}\n${JSON.stringify(result.issues, null, 2)}`)
    }
  } else if (method !== 'HEAD') {
    const result = otpValidator.validateSchema('/components/schemas/ErrorBody', body, 'body')
    if (!result.ok) throw new Error(`spec drift: ${method} ${pathname} → ${response.status}: ${JSON.stringify(result.issues)}`)
  }
  return { status: response.status, body, headers: response.headers }
}
