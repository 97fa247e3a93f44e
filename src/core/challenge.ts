/**
 * The challenge handoff: a second factor at sign-in, or a step-up before a sensitive call, as
 * one object the app can prompt for. Its state is plain data (`toJSON()`), so a challenge
 * survives a reload through `auth.resumeChallenge(json)`. Who asked for it decides what a
 * correct answer leads to (a session, a replayed request); this module only keeps the state,
 * counts attempts and closes the challenge once it is answered or cancelled.
 */
import type { ChallengeKind, ChallengeMethod, ChallengeState } from './adapter'
import { AuthError, toAuthError, withAttemptsLeft } from './errors'
import type { Session } from './session'

/** An answer to a challenge: a code, or a WebAuthn assertion. */
export type ChallengeAnswer = string | Record<string, unknown>

/** What a sign-in or a challenge answer leads to (plain values: no transport objects). */
export type AuthResult =
  | { status: 'signedIn'; session: Session }
  | { status: 'challenge'; challenge: Challenge }
  /** A confirmation (e.g. a password change) went through. */
  | { status: 'verified' }

/**
 * What answering a step-up leads to: the call went through. `response` is the replayed
 * request's response when no `auth.fetch` call waits for it (the caller answered a
 * ChallengeRequiredError); otherwise the waiting call resolves with it.
 */
export interface StepUpResult {
  status: 'verified'
  response?: Response
}

/** What `verify()` resolves to, per kind. */
export interface ChallengeResults {
  sign_in_2fa: Extract<AuthResult, { status: 'signedIn' | 'challenge' }>
  step_up: StepUpResult
  change_password_2fa: Extract<AuthResult, { status: 'verified' | 'challenge' }>
  /** `verified` ends a password reset (sign in next). */
  sign_in_code: AuthResult
  missing_profile: AuthResult
  bind_mfa: Extract<AuthResult, { status: 'signedIn' | 'challenge' }>
  connector_redirect: Extract<AuthResult, { status: 'signedIn' | 'challenge' }>
  new_identity: Extract<AuthResult, { status: 'signedIn' | 'challenge' }>
}

interface ChallengeOf<K extends ChallengeKind> {
  readonly kind: K
  readonly methods: readonly ChallengeMethod[]
  /**
   * When the code stops working, epoch ms on this device's clock (like `Session.expiresAt`, so
   * `expiresAt - Date.now()` is the time left), or null when the API does not say.
   */
  readonly expiresAt: number | null
  /** Tries left, or null when unknown; updated after a wrong answer. */
  readonly attemptsLeft: number | null
  /**
   * Answers with a code or a WebAuthn assertion. A wrong answer rejects with an AuthError of
   * kind `challenge` (code e.g. `invalid_code`, with `attemptsLeft`) and the challenge stays open.
   * One answer at a time: a second `verify()` while one is in flight rejects with `challenge_busy`.
   */
  verify(answer: ChallengeAnswer): Promise<ChallengeResults[K]>
  /** Asks for a new code (the old one stops working). */
  resend(): Promise<void>
  /**
   * Gives up: a waiting `auth.fetch` rejects with code `challenge_cancelled`, and an answer in
   * flight does not send the call it guarded.
   */
  cancel(): void
  /** The serializable state (no secrets), for `auth.resumeChallenge` (not for a `step_up`: make the call again). */
  toJSON(): ChallengeState
}

/** A second factor, discriminated by `kind`: finishing a sign-in, guarding one call, confirming a password change. */
export type Challenge = { [K in ChallengeKind]: ChallengeOf<K> }[ChallengeKind]
/** The challenge guarding one call (what a ChallengeRequiredError carries). */
export type StepUpChallenge = ChallengeOf<'step_up'>

/** What the owner of a challenge does with it. */
export interface ChallengeDriver {
  /** `open()` turns false once the challenge was cancelled: check it before acting on the answer. */
  answer(state: ChallengeState, answer: ChallengeAnswer, open: () => boolean): Promise<AuthResult | StepUpResult>
  resend(state: ChallengeState): Promise<ChallengeState>
  cancelled?(): void
  /** Server minus local clock, ms: the state keeps server time, `expiresAt` shows local time. */
  skew?(): number
}

const closedError = (): AuthError => new AuthError('The challenge is over.', { code: 'challenge_closed', kind: 'challenge' })
export const cancelledError = (): AuthError => new AuthError('The second factor was cancelled.', { code: 'challenge_cancelled', kind: 'challenge' })

/** Attempts left after `error`: what the server said, else one fewer after a wrong code. */
function attemptsAfter(error: AuthError, known: number | null): number | null {
  const stated = error.attemptsLeft ?? Number(error.details?.['attemptsLeft']?.[0] ?? NaN)
  if (stated === stated) return stated
  return known !== null && error.code === 'invalid_code' ? Math.max(0, known - 1) : known
}

export function createChallenge(initial: ChallengeState, driver: ChallengeDriver): Challenge {
  let state = initial
  let open = true
  let busy = false
  const challenge = {
    get kind() {
      return state.kind
    },
    get methods() {
      return state.methods
    },
    get expiresAt() {
      return state.expiresAt === null ? null : state.expiresAt - (driver.skew?.() ?? 0)
    },
    get attemptsLeft() {
      return state.attemptsLeft
    },
    async verify(answer: ChallengeAnswer) {
      if (!open) throw closedError()
      // A double click must not send the guarded call twice.
      if (busy) throw new AuthError('An answer is in progress.', { code: 'challenge_busy', kind: 'validation' })
      busy = true
      try {
        const result = await driver.answer(state, answer, () => open)
        if (!open) throw cancelledError()
        open = false
        return result
      } catch (caught) {
        const error = toAuthError(caught)
        if (error.kind !== 'challenge' || !open) throw error
        const attemptsLeft = attemptsAfter(error, state.attemptsLeft)
        state = { ...state, attemptsLeft }
        throw attemptsLeft === null || attemptsLeft === error.attemptsLeft ? error : withAttemptsLeft(error, attemptsLeft)
      } finally {
        busy = false
      }
    },
    async resend() {
      if (!open) throw closedError()
      state = await driver.resend(state)
    },
    cancel() {
      if (open) {
        open = false
        driver.cancelled?.()
      }
    },
    toJSON: () => ({ ...state, methods: [...state.methods], data: { ...state.data } }),
  }
  return challenge as Challenge
}

/**
 * What can be resumed. Not `step_up`: it belongs to the call that asked for it (gone after a
 * reload), and answering it without that call would "verify" nothing. The experience API's
 * other steps (`missing_profile`, `bind_mfa`, `connector_redirect`, `new_identity`) come back
 * through its own `resumeExperienceStep`, which checks their data (not carried by other bundles).
 */
const RESUMABLE: readonly string[] = ['sign_in_2fa', 'change_password_2fa', 'sign_in_code']
const METHODS: readonly string[] = ['email_code', 'sms_code', 'phone_code', 'totp', 'backup_code', 'webauthn']
const isNumberOrNull = (value: unknown): boolean => value === null || (typeof value === 'number' && value === value)

/**
 * Checks a saved challenge (`JSON.stringify(challenge)`) before trusting it; anything else is a
 * validation error. Returns a fresh copy.
 */
export function parseChallengeState(input: unknown, adapter: string): ChallengeState {
  let value = input
  try {
    if (typeof value === 'string') value = JSON.parse(value)
  } catch {
    value = null
  }
  const s = value as Partial<ChallengeState> | null
  const data = s?.data
  // `adapter` is a string, so this also refuses null and every non-object.
  const valid =
    s?.adapter === adapter &&
    RESUMABLE.includes(s.kind as string) &&
    Array.isArray(s.methods) &&
    s.methods.every((m) => METHODS.includes(m)) &&
    isNumberOrNull(s.expiresAt) &&
    isNumberOrNull(s.attemptsLeft) &&
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    Object.values(data).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
  if (!valid) {
    throw new AuthError('Not a saved challenge.', { code: 'invalid_challenge', kind: 'validation' })
  }
  return { adapter, kind: s.kind!, methods: [...s.methods!], expiresAt: s.expiresAt!, attemptsLeft: s.attemptsLeft!, data: { ...data } }
}
