/**
 * Step-up: a call answered "needs a second factor" becomes a challenge. With a `challenge`
 * listener the call's promise waits for the answer, then resolves with the request replayed
 * (once per answer) with the adapter's step-up headers; without one it rejects at once with a
 * ChallengeRequiredError so the caller can answer itself.
 */
import type { AdapterResult, ChallengeState } from './adapter'
import { cancelledError, createChallenge, type Challenge, type ChallengeAnswer, type StepUpChallenge } from './challenge'
import { AuthError, ChallengeRequiredError } from './errors'

export type SendWithHeaders = (headers?: Record<string, string>) => Promise<Response>

export interface StepUpOptions {
  /** The adapter's detectStepUp, context bound. */
  detect(request: Request, response: Response): Promise<ChallengeState | null>
  verify(state: ChallengeState, answer: ChallengeAnswer): Promise<AdapterResult>
  resend(state: ChallengeState): Promise<ChallengeState>
  headers(state: ChallengeState, answer: ChallengeAnswer): Record<string, string>
  /** Takes in what a verification returned besides a bare "done" (new tokens). */
  settle(result: AdapterResult): Promise<unknown>
  /** Offers the challenge to a listener; false when nobody listens. */
  offer(challenge: Challenge): boolean
  /** Challenges still waiting, so dispose() can cancel them. */
  pending: Set<Challenge>
  /** Server minus local clock, ms. */
  skew(): number
}

const invalidCode = (state: ChallengeState): AuthError =>
  new AuthError('The code is not valid.', {
    code: 'invalid_code',
    kind: 'challenge',
    status: 401,
    attemptsLeft: state.attemptsLeft ?? undefined,
  })

/** The hook for authenticated fetch: the response to return, or null when `response` needs no step-up. */
export function createStepUp(o: StepUpOptions) {
  return async (request: Request, response: Response, send: SendWithHeaders): Promise<Response | null> => {
    const state = await o.detect(request, response)
    if (!state) return null
    return new Promise<Response>((resolve, reject) => {
      let waiting = true
      const finish = (): void => {
        waiting = false
        o.pending.delete(challenge)
        request.signal?.removeEventListener('abort', onAbort)
      }
      const challenge: Challenge = createChallenge(state, {
        async answer(current, answer, open) {
          const result = await o.verify(current, answer)
          // New tokens (or, oddly, a session) are committed before the replay uses them.
          if (result.type !== 'done' || result.tokens) await o.settle(result)
          // Cancelled (or disposed) while verifying: the guarded call must not go out.
          if (!open()) throw cancelledError()
          let replayed: Response
          try {
            replayed = await send(typeof answer === 'string' ? o.headers(current, answer) : {})
          } catch (error) {
            // The session changed (or the network failed): the waiting call ends with that error.
            if (waiting) {
              finish()
              reject(error)
            }
            throw error
          }
          const again = await o.detect(request, replayed)
          if (again) throw invalidCode(again)
          if (!waiting) return { status: 'verified', response: replayed }
          finish()
          resolve(replayed)
          return { status: 'verified' }
        },
        resend: o.resend,
        skew: o.skew,
        cancelled() {
          if (!waiting) return
          finish()
          reject(cancelledError())
        },
      })
      const onAbort = (): void => {
        finish()
        challenge.cancel()
        reject(request.signal?.reason)
      }
      // `?.`: fetch polyfills (React Native) may leave `signal` undefined.
      request.signal?.addEventListener('abort', onAbort)
      o.pending.add(challenge)
      if (!o.offer(challenge)) {
        finish()
        reject(new ChallengeRequiredError(challenge as StepUpChallenge))
      }
    })
  }
}
