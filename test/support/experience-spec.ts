/**
 * Checks an experience / OIDC response against schema/openapi/experience.yaml with the mock's
 * own validator: documented status, body schema, and for errors a documented `code` with the
 * backend's message. The spec's general rules are applied too: every cookie-bound route may
 * answer 404 `session.interaction_not_found` (before `PUT /api/experience`), and submit of a
 * `ForgotPassword` interaction answers 200 without a body (`x-no-body-for-events`). Bodies over
 * 1 MiB get 413 `guard.invalid_input`; `/oidc/*` routes outside the spec answer OAuth errors.
 */
import { appendFileSync } from 'node:fs'
import { EXPERIENCE_MESSAGES, experienceValidator } from '../../mocks/surfaces/experience'
import { readResponse, type ApiResult } from './otp-spec'

export type { ApiResult }

export async function assertMatchesExperienceSpec(method: string, url: string, response: Response): Promise<ApiResult> {
  const { text, body, contentType } = await readResponse(response)
  const pathname = new URL(url).pathname
  const drift = (issues: unknown) => new Error(`spec drift: ${method} ${pathname} → ${response.status} ${text.slice(0, 500)}\n${JSON.stringify(issues, null, 2)}`)
  const route = experienceValidator.match(method, pathname)
  const errorBody = body as { code?: string; message?: string } | undefined
  if (route.kind === 'found') {
    const operationId = route.operation.operationId
    const generalRule =
      (response.status === 404 && errorBody?.code === 'session.interaction_not_found') ||
      // Bodies over 1 MiB are refused before they are read, whatever the operation.
      (response.status === 413 && errorBody?.code === 'guard.invalid_input') ||
      (response.status === 400 && errorBody?.code === 'session.not_found' && !operationId.startsWith('Get') && route.operation.security.schemes.length > 0)
    const forgotPasswordSubmit = operationId === 'SubmitInteraction' && response.status === 200 && body === undefined
    if (generalRule) {
      const result = experienceValidator.validateSchema('/components/schemas/ErrorBody', body, 'body')
      if (!result.ok) throw drift(result.issues)
    } else if (!forgotPasswordSubmit) {
      const result = experienceValidator.validateResponse(route.operation, response.status, body, { contentType })
      if (!result.ok) throw drift(result.issues)
    }
  } else if (pathname.startsWith('/oidc/')) {
    // Endpoints listed by discovery but outside the spec (and unknown ones): OAuth error bodies.
    if (response.status >= 400) {
      const result = experienceValidator.validateSchema('/components/schemas/OidcError', body, 'body')
      if (!result.ok) throw drift(result.issues)
    }
  } else {
    const result = experienceValidator.validateSchema('/components/schemas/ErrorBody', body, 'body')
    if (!result.ok) throw drift(result.issues)
  }
  // Every experience error carries the backend's own text for its code, placeholders filled in.
  if (response.status >= 400 && errorBody?.code && pathname.startsWith('/api/experience') && Object.hasOwn(EXPERIENCE_MESSAGES, errorBody.code)) {
    const template = EXPERIENCE_MESSAGES[errorBody.code as keyof typeof EXPERIENCE_MESSAGES]
    const pattern = new RegExp(`^${template.split(/\{\{\s*\w+\s*\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`)
    if (!pattern.test(errorBody.message ?? '')) throw drift(`message for ${errorBody.code} should match "${template}"`)
  }
  // `npm run coverage:experience` collects which documented answers the suites produced.
  const record = process.env['PORTCULLIS_EXPERIENCE_COVERAGE']
  if (record && route.kind === 'found') appendFileSync(record, `${route.operation.operationId} ${response.status} ${errorBody?.code ?? ''}\n`)
  return { status: response.status, body, headers: response.headers }
}
