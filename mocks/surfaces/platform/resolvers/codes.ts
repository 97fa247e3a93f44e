/**
 * The platform's emailed one-time codes: their purposes, how one is issued and mailed, how a guess
 * is checked. Every code is 6 digits; login/password-change/send2Fa codes live
 * `config.platform.twoFactorCodeTtlSeconds`, reset codes `config.platform.resetCodeTtlSeconds`;
 * each allows `config.platform.twoFactorMaxAttempts` wrong guesses. The wrong guess that uses up
 * the last attempt answers CODE_ATTEMPTS_EXHAUSTED, and the challenge is dead from then on (even
 * the right code fails; a resend does not revive it: log in / request again).
 */
import type { BackendConfig, BackendState, User } from '../../../state/types'
import { platformError, type PlatformError } from '../errors'
import type { PlatformContext } from './context'
import { takeOrThrow } from './throttle'

export const PLATFORM_PURPOSES = {
  login: 'platform.login_2fa',
  changePassword: 'platform.change_password_2fa',
  send2Fa: 'platform.send_2fa',
  passwordReset: 'platform.password_reset',
} as const

export type CodePurpose = keyof typeof PLATFORM_PURPOSES

const CODE_DIGITS = 6

/** How long each kind of code lives (a `config.platform` setting) and the email that carries it. */
const CODE_MAILS: Record<CodePurpose, { ttl: keyof BackendConfig['platform']; subject: string; what: string }> = {
  login: { ttl: 'twoFactorCodeTtlSeconds', subject: 'Your sign-in code', what: 'to finish signing in' },
  changePassword: { ttl: 'twoFactorCodeTtlSeconds', subject: 'Confirm your password change', what: 'to confirm your password change' },
  send2Fa: { ttl: 'twoFactorCodeTtlSeconds', subject: 'Your verification code', what: 'to confirm your request' },
  passwordReset: { ttl: 'resetCodeTtlSeconds', subject: 'Reset your password', what: 'to reset your password' },
}

/**
 * Something a code answers (a pending login, a pending password change, a reset). `dead` is set
 * once its attempts are used up; `expiresAt` is when its latest code expires.
 */
export interface Challenge {
  dead: boolean
  expiresAt: number
}

/** The code-store key of a challenge: the purpose plus the id the challenge hangs on. */
export function codeKey(purpose: CodePurpose, id: string): string {
  return `${PLATFORM_PURPOSES[purpose]}:${id}`
}

/** The error of a dead challenge, and of the wrong guess that kills it. */
export function attemptsExhausted(): PlatformError {
  return platformError('CODE_ATTEMPTS_EXHAUSTED', { attemptsLeft: 0 })
}

/** A dead challenge fails before anything else is looked at. */
export function requireLive(challenge: Challenge): void {
  if (challenge.dead) throw attemptsExhausted()
}

/** Codes go by email: mail must be switched on and the user must have an address. */
export function requireMail(state: BackendState, user: User): void {
  if (!state.config.mailEnabled) throw platformError('EMAIL_DELIVERY_FAILED')
  if (!user.email) {
    throw platformError('EMAIL_DELIVERY_FAILED', {}, 'The account has no email address to send the code to.')
  }
}

/**
 * Issues a fresh `purpose` code for challenge `id` (replacing any older one, keeping the flow's
 * remaining attempts) and emails it; returns when it expires. Sends are throttled per account,
 * client and address (RATE_LIMITED).
 */
export function sendCode(ctx: PlatformContext, purpose: CodePurpose, user: User, id: string): number {
  const { state } = ctx
  takeOrThrow(ctx, 'codeSends', { account: user.id, destination: user.email })
  const mail = CODE_MAILS[purpose]
  const ttlSeconds = state.config.platform[mail.ttl]
  const issued = state.codes.issue({
    key: codeKey(purpose, id),
    userId: user.id,
    purpose: PLATFORM_PURPOSES[purpose],
    ttlMs: ttlSeconds * 1000,
    maxAttempts: state.config.platform.twoFactorMaxAttempts,
    digits: CODE_DIGITS,
  })
  const minutes = Math.max(1, Math.round(ttlSeconds / 60))
  state.outbox.send({
    channel: 'email',
    to: user.email ?? '',
    purpose: PLATFORM_PURPOSES[purpose],
    subject: mail.subject,
    body: `Your code ${mail.what} is ${issued.code}. It expires in ${minutes} minute${minutes === 1 ? '' : 's'}. If you did not ask for it, ignore this email.`,
    code: issued.code,
    token: null,
  })
  return issued.expiresAt
}

/**
 * Checks a code for challenge `id`; returns on success (the code is spent), throws the matching
 * error otherwise. `challenge.dead` is set when the challenge dies (attempts exhausted);
 * `challenge.expiresAt` tells an expired code from a spent one if the store already dropped it.
 */
export function consumeCode(ctx: PlatformContext, purpose: CodePurpose, id: string, code: string, challenge: Challenge): void {
  const { state } = ctx
  const key = codeKey(purpose, id)
  if (!state.codes.peek(key) && state.clock.now() >= challenge.expiresAt) throw platformError('CODE_EXPIRED')
  // Guesses are also counted per account and client across flows; a right code is not a failure.
  const release = takeOrThrow(ctx, 'codeFailures', { account: state.codes.peek(key)?.userId })
  const checked = state.codes.check(key, code)
  if (checked.result === 'ok') return release()
  if (checked.result !== 'mismatch') release()
  if (checked.result === 'expired') throw platformError('CODE_EXPIRED')
  if (checked.result === 'mismatch' && checked.attemptsLeft > 0) {
    throw platformError('INVALID_CODE', { attemptsLeft: checked.attemptsLeft })
  }
  // Out of attempts, or the challenge exists but its code is gone (spent or removed, `not_found`):
  // nothing can match any more.
  challenge.dead = true
  throw attemptsExhausted()
}
