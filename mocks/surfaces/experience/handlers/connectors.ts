/**
 * Social and enterprise-SSO records with mock connectors whose provider is the mock itself: the
 * authorization URL is `/oidc/mock-connectors/<id>/authorize` on the mock's origin, which
 * redirects back to the page with a one-time `code`; the identity it stands for is
 * `experience.connectorIdentities[<id>]` from `PUT /__mock/config`.
 */
import { json } from '../../../control/json'
import { randomBase64Url } from '../../../state/random'
import type { BackendState } from '../../../state/types'
import { setBounded } from '../bounded'
import { body, experienceOf, type ExperienceCall, type ExperienceHandler } from '../call'
import { fail, guardError } from '../errors'
import { ssoConnectorsFor } from '../policy'
import { putRecord, type ExternalIdentity } from '../records'

export const MOCK_CONNECTOR_PATH = /^\/oidc\/mock-connectors\/([^/]+)\/authorize$/
const CONNECTOR_CODE_TTL_MS = 10 * 60_000

type Kind = 'Social' | 'EnterpriseSso'

interface ConnectorCode {
  connectorId: string
  kind: Kind
  identity: ExternalIdentity
  expiresAt: number
}

const connectorCodes = (state: BackendState) => state.scratch('experience:connector-codes', () => new Map<string, ConnectorCode>())

function connectorKind(state: BackendState, connectorId: string): Kind | null {
  const { social, sso } = state.config.experience.connectors
  if (social.includes(connectorId)) return 'Social'
  if (sso.includes(connectorId)) return 'EnterpriseSso'
  return null
}

/**
 * Logto looks the two kinds up in different places, and says so differently: a social id in the
 * connector library (`entity.not_found`), an SSO id in its own table (`entity.not_exists_with_id`).
 */
function assertConnector(state: BackendState, connectorId: string, kind: Kind): void {
  const found = connectorKind(state, connectorId)
  if (found === null && kind === 'Social') fail(404, 'entity.not_found')
  if (found === null) fail(404, 'entity.not_exists_with_id', { interpolation: { name: 'sso_connectors', id: connectorId } })
  if (found !== kind) fail(400, 'connector.unexpected_type')
}

function identityOf(state: BackendState, connectorId: string): ExternalIdentity {
  const { error: _error, ...configured } = state.config.experience.connectorIdentities[connectorId] ?? {}
  return { ...configured, id: configured.id ?? `${connectorId}-user` }
}

/** A provider told to fail (`connectorIdentities[id].error`) answers 500 `connector.general`, as a broken connector does. */
function assertProviderUp(state: BackendState, connectorId: string): void {
  const error = state.config.experience.connectorIdentities[connectorId]?.error
  if (error) fail(500, 'connector.general', { interpolation: { errorDescription: error } })
}

function createAuthorization(kind: Kind): ExperienceHandler {
  return async (call) => {
    const { state, origin } = call
    const connectorId = String(call.input.path['connectorId'])
    const { state: oauthState, redirectUri } = body<{ state: string; redirectUri: string }>(call)
    // Logto's order for social: the payload first, then the connector (SSO finds the connector first).
    if (kind === 'EnterpriseSso') assertConnector(state, connectorId, kind)
    if (!oauthState || !redirectUri) fail(400, 'session.insufficient_info')
    if (kind === 'Social') assertConnector(state, connectorId, kind)
    assertProviderUp(state, connectorId)
    const record = putRecord(experienceOf(call), { type: kind, verified: false, connectorId, state: oauthState, redirectUri, identity: null })
    const authorizationUri = new URL(`${origin}/oidc/mock-connectors/${encodeURIComponent(connectorId)}/authorize`)
    authorizationUri.search = new URLSearchParams({ state: oauthState, redirect_uri: redirectUri }).toString()
    return json({ authorizationUri: authorizationUri.toString(), verificationId: record.id })
  }
}

function verifyAuthorization(kind: Kind): ExperienceHandler {
  return async (call: ExperienceCall) => {
    const { state } = call
    const connectorId = String(call.input.path['connectorId'])
    assertConnector(state, connectorId, kind)
    const { connectorData, verificationId } = body<{ connectorData: Record<string, unknown>; verificationId?: string }>(call)
    const record = experienceOf(call).records.get(kind)
    if (verificationId === undefined || !record || record.id !== verificationId || record.type !== kind || record.connectorId !== connectorId) {
      return fail(404, 'session.verification_session_not_found')
    }
    assertProviderUp(state, connectorId)
    const code = typeof connectorData['code'] === 'string' ? connectorData['code'] : ''
    const codes = connectorCodes(state)
    const issued = codes.get(code)
    codes.delete(code)
    if (!issued || issued.connectorId !== connectorId || issued.kind !== kind || state.clock.now() >= issued.expiresAt || connectorData['state'] !== record.state) {
      throw guardError([{ path: 'body.connectorData', message: 'is not a valid authorization response from the connector' }])
    }
    record.identity = issued.identity
    record.verified = true
    return json({ verificationId: record.id })
  }
}

export const connectorHandlers: Record<string, ExperienceHandler> = {
  CreateSocialVerification: createAuthorization('Social'),
  VerifySocialVerification: verifyAuthorization('Social'),
  CreateEnterpriseSsoVerification: createAuthorization('EnterpriseSso'),
  VerifyEnterpriseSsoVerification: verifyAuthorization('EnterpriseSso'),
  async GetEnabledSsoConnectors(call) {
    return json({ connectorIds: ssoConnectorsFor(call.state, String(call.input.query['email'])) })
  },
}

/** `GET /oidc/mock-connectors/:id/authorize`: the mock provider "signs in" and redirects back with a code. */
export function mockConnectorAuthorize(state: BackendState, url: URL, connectorId: string): Response {
  const kind = connectorKind(state, connectorId)
  const redirectUri = url.searchParams.get('redirect_uri')
  const oauthState = url.searchParams.get('state')
  let target: URL | null = null
  try {
    target = redirectUri ? new URL(redirectUri) : null
  } catch {
    target = null
  }
  if (!kind || !target || !/^https?:$/.test(target.protocol) || !oauthState) {
    return json({ error: 'invalid_request', error_description: 'unknown connector, or missing state / redirect_uri' }, 400)
  }
  const code = randomBase64Url(24)
  setBounded(connectorCodes(state), code, { connectorId, kind, identity: identityOf(state, connectorId), expiresAt: state.clock.now() + CONNECTOR_CODE_TTL_MS })
  target.searchParams.set('code', code)
  target.searchParams.set('state', oauthState)
  return new Response(null, { status: 303, headers: { location: target.toString(), 'cache-control': 'no-store' } })
}
