import { useEffect, useRef } from 'react'
import { useAuth, useChallenge } from 'portcullis/react'

const KEY = 'example.challenge'

/**
 * Keeps a sign-in that waits for its code across a reload: the challenge is plain data, saved in
 * sessionStorage (this tab only) and resumed on load. Step-ups are not kept: they belong to the
 * call that asked for them, which a reload ends.
 */
export function useKeepSignInChallenge(): void {
  const { status, resumeChallenge } = useAuth()
  const prompt = useChallenge()
  const resumed = useRef(false)

  useEffect(() => {
    if (status === 'loading' || resumed.current) return
    resumed.current = true
    const saved = sessionStorage.getItem(KEY)
    if (!saved || status === 'signedIn') return sessionStorage.removeItem(KEY)
    try {
      resumeChallenge(saved)
    } catch {
      sessionStorage.removeItem(KEY) // not a saved challenge of this client
    }
  }, [status, resumeChallenge])

  useEffect(() => {
    if (!resumed.current) return
    if (prompt?.kind === 'sign_in_2fa' || prompt?.kind === 'sign_in_code') sessionStorage.setItem(KEY, JSON.stringify(prompt.challenge))
    else sessionStorage.removeItem(KEY)
  }, [prompt])
}
