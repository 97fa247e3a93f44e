/**
 * Social and enterprise-SSO sign-in. The provider's consent screen is a page of its own, so the
 * sign-in pauses: a `connector_redirect` step names the URL to send the user to, and is answered
 * with the URL (or the parameters) the provider sent them back with. A page saves the step before
 * leaving and resumes it on its callback route (`resumeExperienceStep`); a server follows the URL
 * itself. A provider identity no account owns yet becomes a `new_identity` step: register a new
 * account from it, or link it to the account with the same email.
 */
import type { AdapterContext, AdapterResult } from '../core/adapter'
import { AuthError, toAuthError } from '../core/errors'
import type { components } from '../generated/experience/openapi'
import type { ConnectorSignIn } from './adapter'
import type { Answer, Verifier } from './next-steps'
import type { Kit } from './sign-in'
import { step } from './step-state'

type Schemas = components['schemas']

const route = (data: { sso?: unknown; connectorId?: unknown }): string =>
  `/verification/${data.sso === true ? 'sso' : 'social'}/${encodeURIComponent(String(data.connectorId))}`

const random = (): string => Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('')

/** Starts the interaction and asks the connector for its authorization URL: a `connector_redirect` step. */
export async function startConnector(kit: Kit, context: AdapterContext, { connectorId, sso = false, callbackUri }: ConnectorSignIn): Promise<AdapterResult> {
  const flow = await kit.begin(context, 'SignIn')
  // Our own state for the provider round trip, checked when the user comes back (CSRF).
  const connectorState = random()
  const { authorizationUri, verificationId } = await kit.call<Schemas['AuthorizationUriResponse']>(context, flow, 'POST', `${route({ sso, connectorId })}/authorization-uri`, {
    state: connectorState,
    redirectUri: callbackUri,
  })
  return step(kit, context, flow, 'connector_redirect', [], { connectorId, sso, verificationId, connectorState, authorizationUri })
}

/** The provider's answer: the callback URL (or its query), or its parameters as an object. */
function callbackParams(answer: Answer): Record<string, string> {
  if (typeof answer !== 'string') return Object.fromEntries(Object.entries(answer).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
  let query = answer
  try {
    query = new URL(answer).search
  } catch {
    // Not a URL: a query string.
  }
  return Object.fromEntries(new URLSearchParams(query))
}

export const connectorVerifiers: Record<string, Verifier> = {
  async connector_redirect(kit, context, flow, data, answer) {
    const connectorData = callbackParams(answer)
    if (connectorData['error']) throw new AuthError('The provider did not sign the user in.', { code: 'access_denied', kind: 'auth' })
    if (connectorData['state'] !== data['connectorState']) throw new AuthError('The sign-in could not be finished; start again.', { code: 'state_mismatch', kind: 'auth' })
    const verificationId = String(data['verificationId'])
    await kit.call(context, flow, 'POST', `${route(data)}/verify`, { connectorData, verificationId })
    try {
      await kit.call(context, flow, 'POST', '/identification', { verificationId })
    } catch (error) {
      const failure = toAuthError(error)
      if (failure.code !== 'user.identity_not_exist') throw failure
      return step(kit, context, flow, 'new_identity', [], { connectorId: data['connectorId']!, sso: data['sso']!, verificationId })
    }
    return kit.advance(context, flow)
  },

  /** `'register'`: a new account from the identity; `'link'`: add it to the account with the identity's email. */
  async new_identity(kit, context, flow, data, answer) {
    const choice = typeof answer === 'string' ? answer : answer['action']
    const verificationId = String(data['verificationId'])
    if (choice === 'link') return kit.advance(context, flow, { verificationId, linkSocialIdentity: true })
    if (choice !== 'register') throw new AuthError("Answer 'register' or 'link'.", { code: 'invalid_method', kind: 'validation' })
    await kit.call(context, flow, 'PUT', '/interaction-event', { interactionEvent: 'Register' })
    return kit.advance(context, { ...flow, event: 'Register' }, { verificationId })
  },
}
