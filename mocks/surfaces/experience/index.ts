/**
 * The experience surface: the Logto-style Experience API at `/api/experience*` and the minimal
 * OIDC provider around it at `/oidc/*` (see `schema/openapi/experience.yaml`).
 *
 * An `/api/experience*` request goes through, in order:
 * 1. route by method + path from the spec (unknown → 404, other method → 405);
 * 2. the interaction cookies (`_interaction` + `.sig`): absent, tampered with or for no live
 *    interaction → 400 `session.not_found`;
 * 3. body read under 1 MiB and validated against the spec → 400 `guard.invalid_input`;
 * 4. the stored experience data (except `PUT /api/experience` and `GET …/sso-connectors`) →
 *    404 `session.interaction_not_found` before `PUT /api/experience`;
 * 5. the operation; a documented error is thrown as `ExperienceError`, anything else is a 500.
 */
import { json } from '../../control/json'
import { reportError } from '../../redact'
import type { RequestContext, Surface } from '../../state/types'
import { readRequestBody } from '../../validation'
import type { ExperienceHandler } from './call'
import { INTERACTION_COOKIE, readSignedCookie } from './cookies'
import { errorResponse, ExperienceError, guardError, messageOf, oidcError, sessionNotFound } from './errors'
import { connectorHandlers, MOCK_CONNECTOR_PATH, mockConnectorAuthorize } from './handlers/connectors'
import { interactionHandlers } from './handlers/interaction'
import { mfaVerificationHandlers } from './handlers/mfa-verification'
import { profileHandlers } from './handlers/profile'
import { verificationHandlers } from './handlers/verification'
import { webAuthnHandlers } from './handlers/webauthn'
import { liveInteraction } from './interaction'
import { authorize, resume, SIGN_IN_PATH } from './oidc/authorize'
import { discovery, endSession, jwks, OIDC_PATHS, userinfo } from './oidc/provider'
import { exchangeToken, revokeToken } from './oidc/token'
import { signInPage } from './sign-in-page'
import { experienceValidator } from './validator'

const handlers: Record<string, ExperienceHandler> = {
  ...interactionHandlers,
  ...verificationHandlers,
  ...mfaVerificationHandlers,
  ...webAuthnHandlers,
  ...connectorHandlers,
  ...profileHandlers,
}

/** Operations that run before (or without) the stored experience data. */
const WITHOUT_EXPERIENCE = new Set(['InitInteraction', 'GetEnabledSsoConnectors'])

const notFound = () => json({ code: 'entity.not_found', message: messageOf('entity.not_found') }, 404)
const methodNotAllowed = (allow: string[]) => json({ code: 'method_not_allowed', message: 'Method not allowed.' }, 405, { allow: allow.join(', ') })

async function handleExperience(context: RequestContext): Promise<Response> {
  const { request, url, state } = context
  const route = experienceValidator.match(request.method, url.pathname)
  if (route.kind === 'not_found') return notFound()
  if (route.kind === 'method_not_allowed') return methodNotAllowed(route.allow)
  const { operation } = route
  context.operationName = operation.operationId

  const uid = await readSignedCookie(state, request, INTERACTION_COOKIE)
  const interaction = uid === null ? undefined : liveInteraction(state, uid)
  if (!interaction) return errorResponse(sessionNotFound())

  const read = await readRequestBody(context, operation)
  if (!read.ok) return errorResponse(read.status === 413 ? new ExperienceError(413, 'guard.invalid_input', { interpolation: { type: 'body' }, details: 'body: must not exceed 1 MiB' }) : guardError(read.issues))
  const input = experienceValidator.validateRequest(operation, { body: read.body, query: url.searchParams, headers: request.headers, pathParams: route.pathParams })
  if (!input.ok) return errorResponse(guardError(input.issues, input.issues.every((issue) => issue.path.startsWith('query')) ? 'query' : 'body'))

  if (!WITHOUT_EXPERIENCE.has(operation.operationId) && !interaction.experience) return errorResponse(new ExperienceError(404, 'session.interaction_not_found'))
  const handler = handlers[operation.operationId]
  if (!handler) return notFound()
  return handler({ context, state, input, interaction, origin: url.origin })
}

async function handleOidc(context: RequestContext): Promise<Response> {
  const { request, url, state } = context
  const path = url.pathname.replace(/\/+$/, '') || '/'
  const method = request.method.toUpperCase()
  const only = (allowed: string[], run: () => Promise<Response> | Response) =>
    allowed.includes(method) ? run() : oidcError(405, 'invalid_request', `use ${allowed.join(' or ')}`, { allow: allowed.join(', ') })

  if (path === OIDC_PATHS.discovery) return only(['GET', 'HEAD'], () => discovery(url))
  if (path === OIDC_PATHS.jwks) return only(['GET', 'HEAD'], () => jwks(state))
  if (path === OIDC_PATHS.authorize) return only(['GET'], () => authorize(state, url))
  if (path === OIDC_PATHS.token) return only(['POST'], () => exchangeToken(state, request, url))
  if (path === OIDC_PATHS.revocation) return only(['POST'], () => revokeToken(state, request))
  if (path === OIDC_PATHS.userinfo) return only(['GET', 'POST'], () => userinfo(state, request))
  if (path === OIDC_PATHS.endSession) return only(['GET'], () => endSession(state, url))
  const resumeMatch = /^\/oidc\/auth\/([^/]+)$/.exec(path)
  if (resumeMatch) return only(['GET'], () => resume(state, request, url, decodeURIComponentSafe(resumeMatch[1]!)))
  const connectorMatch = MOCK_CONNECTOR_PATH.exec(path)
  if (connectorMatch) return only(['GET'], () => mockConnectorAuthorize(state, url, decodeURIComponentSafe(connectorMatch[1]!)))
  return oidcError(404, 'invalid_request', 'unknown OIDC endpoint')
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

export async function handleExperienceRequest(context: RequestContext): Promise<Response> {
  if (context.url.pathname === SIGN_IN_PATH) {
    return context.request.method === 'GET' || context.request.method === 'HEAD' ? signInPage() : json({ code: 'method_not_allowed', message: 'Method not allowed.' }, 405, { allow: 'GET' })
  }
  try {
    return await (context.url.pathname.startsWith('/oidc/') ? handleOidc(context) : handleExperience(context))
  } catch (error) {
    if (error instanceof ExperienceError) return errorResponse(error)
    // A bug in the mock, not a client mistake: reported (redacted) through the backend's onError.
    reportError(context, error, 'experience')
    return context.url.pathname.startsWith('/oidc/')
      ? oidcError(500, 'server_error', 'The mock backend failed to handle this request.')
      : json({ code: 'internal_error', message: 'The mock backend failed to handle this request.' }, 500)
  }
}

export const experienceSurface: Surface = {
  name: 'experience',
  owns: (url) => url.pathname === SIGN_IN_PATH || url.pathname === '/api/experience' || url.pathname.startsWith('/api/experience/') || url.pathname.startsWith('/oidc/'),
  handle: handleExperienceRequest,
}

export { experienceValidator, EXPERIENCE_SPEC_ID } from './validator'
export { DEMO_CLIENT_ID, DEMO_REDIRECT_URI, OIDC_CLIENTS } from './oidc/clients'
export { OIDC_PATHS } from './oidc/provider'
export { EXPERIENCE_MESSAGES, messageOf } from './errors'
