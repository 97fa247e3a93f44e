import { useAuth, useChallenge, type AuthSnapshot } from 'portcullis/react'
import { ChallengeForm } from './ChallengeForm'
import { useKeepSignInChallenge } from './keep-challenge'
import { Profile } from './Profile'
import { SignInForm } from './SignInForm'

/** Why the user is looking at the sign-in form again, when it was not their own doing. */
function endedMessage(reason: AuthSnapshot['signOutReason']): string | null {
  switch (reason) {
    case 'session_expired':
    case 'refresh_failed':
    case 'token_reused':
      return 'Your session expired. Please sign in again.'
    case 'remote':
      return 'You signed out in another tab.'
    case 'storage_corrupt':
      return 'Your saved session could not be read. Please sign in again.'
    default:
      return null
  }
}

export function App() {
  const { status, signOutReason } = useAuth()
  // A second factor, whenever one is wanted: at sign-in, for a password change, or a step-up.
  const prompt = useChallenge()
  const ended = endedMessage(signOutReason)
  useKeepSignInChallenge()

  return (
    <main>
      <h1>Portcullis example</h1>
      {status === 'loading' ? (
        <p role="status">Loading…</p>
      ) : prompt ? (
        <ChallengeForm prompt={prompt} />
      ) : status === 'signedIn' ? (
        <Profile />
      ) : (
        <>
          {ended && (
            <p role="alert" className="notice">
              {ended}
            </p>
          )}
          <SignInForm />
        </>
      )}
    </main>
  )
}
