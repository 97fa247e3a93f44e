/**
 * The independent OIDC client of the experience suites: oauth4webapi (a certified relying-party
 * library) set up for the demo client over plain HTTP against a mock's base URL.
 */
import * as oauth from 'oauth4webapi'
import { CLIENT_ID, REDIRECT_URI } from './experience-client'

/** The mock listens on http://127.0.0.1: oauth4webapi must be told that plain HTTP is fine. */
export const insecure = { [oauth.allowInsecureRequests]: true } as const
export const demoClient: oauth.Client = { client_id: CLIENT_ID }

export async function discover(base: string): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(`${base}/oidc`)
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }))
}

/** A fresh authorization request (PKCE S256, state) for the demo client. */
export async function authorizationRequest(as: oauth.AuthorizationServer, extra: Record<string, string> = {}): Promise<{ url: URL; verifier: string; state: string }> {
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const url = new URL(as.authorization_endpoint!)
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid offline_access profile',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  }).toString()
  return { url, verifier, state }
}

/** The callback → tokens step, with the id token's claims validated by the library. */
export async function exchangeCode(as: oauth.AuthorizationServer, callback: URL, pkce: { verifier: string; state: string }): Promise<oauth.TokenEndpointResponse> {
  const params = oauth.validateAuthResponse(as, demoClient, callback, pkce.state)
  const response = await oauth.authorizationCodeGrantRequest(as, demoClient, oauth.None(), params, REDIRECT_URI, pkce.verifier, insecure)
  return oauth.processAuthorizationCodeResponse(as, demoClient, response, { requireIdToken: true })
}
