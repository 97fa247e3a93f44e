/**
 * The signed, stateless tokens mailed in links (activation, password reset, secondary email,
 * password set), shaped like Django's `signing.dumps`:
 * `<base64url JSON {"username","action"[,"secondary_email"]}>:<base62 timestamp>:<signature>`.
 * The signature is HMAC-SHA256 with a key made per backend state (so a reset invalidates every
 * link); the timestamp is the mock clock's, in seconds. As in the real package a token is not
 * single-use: it works until it expires.
 */
import { fromBase64Url, toBase64Url } from '../../state/bytes'
import { timingSafeEqual } from '../../state/constant-time'
import { randomBytes } from '../../state/random'
import type { BackendState } from '../../state/types'

/** The actions an accounts link token can carry (activation, password reset, …). */
export const ACTIONS = {
  activation: 'activation',
  passwordReset: 'password_reset',
  secondaryEmail: 'activation_secondary_email',
  passwordSet: 'password_set',
} as const

/** One of `ACTIONS`. */
export type Action = (typeof ACTIONS)[keyof typeof ACTIONS]

export interface ActionPayload {
  username: string
  action: Action
  secondary_email?: string
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const encoder = new TextEncoder()

function base62(value: number): string {
  let out = ''
  do {
    out = BASE62[value % 62] + out
    value = Math.floor(value / 62)
  } while (value > 0)
  return out
}

function fromBase62(text: string): number | undefined {
  if (!/^[0-9A-Za-z]{1,12}$/.test(text)) return undefined
  let value = 0
  for (const ch of text) value = value * 62 + BASE62.indexOf(ch)
  return value
}

function signingKey(state: BackendState): Promise<CryptoKey> {
  return state.scratch('accounts.actionTokenKey', () =>
    crypto.subtle.importKey('raw', randomBytes(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
  )
}

async function sign(state: BackendState, value: string): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', await signingKey(state), encoder.encode(`accounts-action:${value}`))
  return toBase64Url(new Uint8Array(signature))
}

/** Signs an accounts link token (activation, password reset …) as the accounts surface would email it. */
export async function createActionToken(state: BackendState, payload: ActionPayload): Promise<string> {
  const value = `${toBase64Url(encoder.encode(JSON.stringify(payload)))}:${base62(Math.floor(state.clock.now() / 1000))}`
  return `${value}:${await sign(state, value)}`
}

export type ActionTokenCheck = { ok: true; payload: ActionPayload } | { ok: false; reason: 'invalid' | 'expired' }

/**
 * Checks the signature, then the age (`maxAgeSeconds` on the mock clock), then the action, in
 * Django's order: an expired token of another action is still `expired`.
 */
export async function readActionToken(state: BackendState, token: unknown, action: Action, maxAgeSeconds: number): Promise<ActionTokenCheck> {
  if (typeof token !== 'string' || token.length > 2048) return { ok: false, reason: 'invalid' }
  const parts = token.split(':')
  if (parts.length !== 3) return { ok: false, reason: 'invalid' }
  const [body, stamp, signature] = parts as [string, string, string]
  if (!timingSafeEqual(await sign(state, `${body}:${stamp}`), signature)) return { ok: false, reason: 'invalid' }
  const issuedAt = fromBase62(stamp)
  const bytes = fromBase64Url(body)
  if (issuedAt === undefined || !bytes) return { ok: false, reason: 'invalid' }
  if (Math.floor(state.clock.now() / 1000) - issuedAt > maxAgeSeconds) return { ok: false, reason: 'expired' }
  let payload: Partial<ActionPayload> | null
  try {
    payload = JSON.parse(new TextDecoder().decode(bytes)) as Partial<ActionPayload> | null
  } catch {
    return { ok: false, reason: 'invalid' }
  }
  if (!payload || payload.action !== action || typeof payload.username !== 'string') return { ok: false, reason: 'invalid' }
  return { ok: true, payload: payload as ActionPayload }
}
