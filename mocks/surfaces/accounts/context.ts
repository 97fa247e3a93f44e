/**
 * Who is calling: graphql-jwt's JSONWebTokenMiddleware as the accounts surface applies it. The
 * JWT comes from `Authorization: JWT <token>` or, failing that, the `JWT` cookie; any other
 * scheme (`Bearer`) authenticates nobody. No token → an anonymous caller (protected mutations
 * then answer UNAUTHENTICATED in their output, `me` is null). A token that is present but
 * unusable fails the field with graphql-jwt's top-level error: `Signature has expired`,
 * `Error decoding signature` (malformed or forged), `Invalid token` (another surface's token, or
 * one whose session was revoked), `User is disabled`.
 */
import { parse as parseCookies } from 'cookie'
import { GraphQLError } from 'graphql'
import { decodeJwt } from 'jose'
import { SURFACE_AUDIENCES } from '../../state/tokens'
import type { AccessClaims, BackendState, RequestContext, SessionRecord, User } from '../../state/types'
import { JWT_MESSAGES } from './messages'
import { SURFACE } from './jwt'

export interface Viewer {
  user: User
  session: SessionRecord
  claims: AccessClaims
}

export interface AccountsContext {
  request: RequestContext
  state: BackendState
  /** The authenticated caller, null when anonymous; rejects with a JWT error for a bad token. */
  viewer(): Promise<Viewer | null>
}

const JWT_HEADER = /^JWT[ \t]+(\S+)[ \t]*$/
const ACCOUNTS_AUDIENCE = SURFACE_AUDIENCES[SURFACE]

/** The JWT the request carries, if any. */
export function requestToken(request: { readonly headers: Headers }): string | null {
  const header = request.headers.get('authorization')
  const fromHeader = header ? JWT_HEADER.exec(header)?.[1] : undefined
  if (fromHeader) return fromHeader
  const cookies = request.headers.get('cookie')
  if (!cookies) return null
  try {
    return parseCookies(cookies)['JWT'] || null
  } catch {
    return null
  }
}

export class JwtError extends GraphQLError {
  constructor(message: string, code: 'TOKEN_EXPIRED' | 'TOKEN_INVALID') {
    super(message, { extensions: { code } })
    this.name = 'JwtError'
  }
}

function audienceOf(token: string): string | undefined {
  try {
    const { aud } = decodeJwt(token)
    return typeof aud === 'string' ? aud : undefined
  } catch {
    return undefined
  }
}

async function authenticate(request: RequestContext): Promise<Viewer | null> {
  const token = requestToken(request)
  if (!token) return null
  const { state } = request
  const verified = await state.tokens.verifyAccessToken(token, SURFACE)
  if (!verified.ok) {
    if (verified.reason === 'expired') throw new JwtError(JWT_MESSAGES.expired, 'TOKEN_EXPIRED')
    // PyJWT's split: a token that decodes but is not for us (another surface's audience, a
    // revoked session) is "Invalid token"; one that does not decode or verify, a decoding error.
    const foreign = verified.reason === 'revoked' || (audienceOf(token) ?? ACCOUNTS_AUDIENCE) !== ACCOUNTS_AUDIENCE
    throw new JwtError(foreign ? JWT_MESSAGES.invalid : JWT_MESSAGES.decode, 'TOKEN_INVALID')
  }
  if (typeof verified.claims['username'] !== 'string') throw new JwtError(JWT_MESSAGES.invalid, 'TOKEN_INVALID')
  const user = state.users.get(verified.claims.sub)
  // graphql-jwt: a user who no longer exists is anonymous; an inactive one is refused.
  if (!user) return null
  if (!user.isActive || user.suspended) throw new JwtError(JWT_MESSAGES.disabled, 'TOKEN_INVALID')
  return { user, session: verified.session, claims: verified.claims }
}

export function createAccountsContext(request: RequestContext): AccountsContext {
  let pending: Promise<Viewer | null> | undefined
  return { request, state: request.state, viewer: () => (pending ??= authenticate(request)) }
}
