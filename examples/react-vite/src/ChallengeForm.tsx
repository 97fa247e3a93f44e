import { useEffect, useState, type FormEvent } from 'react'
import type { ChallengeKind, ChallengeMethod } from 'portcullis'
import type { ChallengePrompt } from 'portcullis/react'
import { describeError } from './errors'

/** What each kind of challenge is for, in the user's words. */
const TITLES: Record<ChallengeKind, string> = {
  sign_in_2fa: 'Enter your verification code',
  sign_in_code: 'Enter the sign-in code',
  change_password_2fa: 'Confirm your new password',
  step_up: 'Confirm it is you',
  missing_profile: 'Complete your profile',
  bind_mfa: 'Set up a second factor',
  connector_redirect: 'Continue with your provider',
  new_identity: 'Link your account',
}

/** Where the code comes from, per method. */
const METHODS: Partial<Record<ChallengeMethod, string>> = {
  email_code: 'the code we emailed you',
  sms_code: 'the code we texted you',
  phone_code: 'the code we texted you',
  totp: 'the code from your authenticator app',
  backup_code: 'one of your backup codes',
}

/** Seconds until `at` (epoch ms), ticking once a second while shown. */
function useSecondsLeft(at: number | null): number | null {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (at === null) return
    const timer = setInterval(() => setNow(Date.now()), 1_000)
    return () => clearInterval(timer)
  }, [at])
  return at === null ? null : Math.max(0, Math.round((at - now) / 1_000))
}

/**
 * One form for every code-based second factor the adapters ask for: the platform's emailed
 * sign-in and password-change codes, otp's step-up codes, the experience API's TOTP, backup and
 * one-time codes. (The experience API's passkey, profile, enrolment and social steps have their
 * own screens: see `describeStep()` in the README.)
 */
export function ChallengeForm({ prompt }: { prompt: ChallengePrompt }) {
  const methods = prompt.methods.filter((method) => METHODS[method])
  const [method, setMethod] = useState<ChallengeMethod | undefined>(methods[0])
  const [code, setCode] = useState('')
  // A next step (say a step-up after the sign-in code) starts with an empty form.
  const [shown, setShown] = useState(prompt.challenge)
  if (shown !== prompt.challenge) {
    setShown(prompt.challenge)
    setCode('')
    setMethod(methods[0])
  }
  const secondsLeft = useSecondsLeft(prompt.expiresAt)
  const canResend = prompt.methods.some((m) => m === 'email_code' || m === 'sms_code' || m === 'phone_code')

  function submit(event: FormEvent) {
    event.preventDefault()
    // A backup code says what it is when the account has other factors too.
    const answer = method === 'backup_code' && methods.length > 1 ? { method, code } : code
    // The outcome shows through the hooks: the prompt closes, or shows `error` and attempts left.
    prompt.verify(answer).then(
      () => setCode(''),
      () => setCode(''),
    )
  }

  return (
    <form onSubmit={submit} aria-label="Second factor">
      <h2>{TITLES[prompt.kind]}</h2>
      {methods.length > 1 ? (
        <fieldset>
          <legend>Use</legend>
          {methods.map((m) => (
            <label key={m}>
              <input type="radio" name="method" checked={m === method} onChange={() => setMethod(m)} /> {METHODS[m]}
            </label>
          ))}
        </fieldset>
      ) : (
        <p>Enter {method ? METHODS[method] : 'the code'}.</p>
      )}
      <label>
        Code
        <input inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value.trim())} />
      </label>
      {secondsLeft !== null && (
        <p className="hint">
          {secondsLeft > 0 ? `The code is valid for ${Math.floor(secondsLeft / 60)}:${String(secondsLeft % 60).padStart(2, '0')}.` : 'The code has expired.'}
        </p>
      )}
      {prompt.error && <p role="alert">{describeError(prompt.error)}</p>}
      <div className="actions">
        <button type="submit" disabled={prompt.busy}>
          Verify
        </button>
        {canResend && (
          <button type="button" disabled={prompt.busy} onClick={() => void prompt.resend().catch(() => {})}>
            Send a new code
          </button>
        )}
        <button type="button" onClick={() => prompt.cancel()}>
          Cancel
        </button>
      </div>
    </form>
  )
}
