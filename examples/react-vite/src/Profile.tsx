import { useCallback, useEffect, useMemo, useState } from 'react'
import type { AuthError } from 'portcullis'
import { createPlatformClient, UserProfileDocument, type PlatformAdapter, type UserProfileQuery } from 'portcullis/platform'
import { useAuth, useAuthClient } from 'portcullis/react'
import { describeError } from './errors'

type UserProfile = NonNullable<UserProfileQuery['userProfile']>

/** The signed-in user's profile, read through the typed client (bearer, refresh and retry come from auth.fetch). */
export function Profile() {
  const auth = useAuthClient<PlatformAdapter>()
  const { session, signOut } = useAuth()
  const platform = useMemo(() => createPlatformClient(auth), [auth])
  const [profile, setProfile] = useState<UserProfile | null>(null)
  const [error, setError] = useState<string | null>(null)

  const load = useCallback(() => {
    let current = true
    setError(null)
    platform.request(UserProfileDocument).then(
      (data) => current && setProfile(data.userProfile ?? null),
      // A refused session signs out by itself (the app then shows the sign-in form); anything else shows here.
      (caught: unknown) => current && setError(describeError(caught as AuthError)),
    )
    return () => void (current = false)
  }, [platform])
  useEffect(load, [load])

  return (
    <section aria-label="Profile">
      <h2>Hello {profile?.firstName ?? session?.user.email}</h2>
      {profile ? (
        <dl>
          <dt>Name</dt>
          <dd data-testid="name">
            {profile.firstName} {profile.lastName}
          </dd>
          <dt>Email</dt>
          <dd data-testid="email">{session?.user.email}</dd>
          <dt>Two-factor sign-in</dt>
          <dd>{profile.twoFactorAuth ? 'on' : 'off'}</dd>
        </dl>
      ) : (
        !error && <p role="status">Loading your profile…</p>
      )}
      {error && <p role="alert">{error}</p>}
      <div className="actions">
        <button type="button" onClick={load}>
          Reload profile
        </button>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </section>
  )
}

