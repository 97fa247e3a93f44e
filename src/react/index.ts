/**
 * `portcullis/react`: `<AuthProvider client={auth}>` and hooks over AuthClient's events
 * (`useSyncExternalStore`). React 18 or 19, as an optional peer.
 *
 * - SSR: a server render shows `status: 'loading'` and touches no storage, timer or network;
 *   the client takes over after hydration.
 * - Each hook re-renders only for its own slice: `useChallenge()` not on a refresh,
 *   `useSession()` not on a challenge.
 * - StrictMode: the provider never signs in or refreshes by itself, and its remount reuses the
 *   client's one store (one listener set, one refresh for every `useAccessToken()`).
 * - While mounted, a step-up (`auth.fetch` needing a second factor) is offered to
 *   `useChallenge()` like a sign-in code instead of rejecting with ChallengeRequiredError:
 *   render a prompt for it (or `cancel()` it).
 */
import { createContext, createElement, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactElement, type ReactNode } from 'react'
import type { AuthAdapter, ChallengeState, CredentialsOf } from '../core/adapter'
import type { Challenge } from '../core/challenge'
import type { AuthClient, SignInResult, SignOutResult } from '../core/auth-client'
import type { AuthError } from '../core/errors'
import type { Session } from '../core/session'
import { createAuthStore, LOADING, type AuthSnapshot, type AuthStore, type ChallengePrompt } from './store'

export type { AuthSnapshot, AuthStatus, ChallengePrompt } from './store'

type AnyClient = AuthClient<AuthAdapter<never>>

interface Bound {
  client: AnyClient
  store: AuthStore
}

const Context = createContext<Bound | null>(null)
/** One store per client, whoever renders a provider for it (StrictMode renders twice). */
const stores = new WeakMap<AnyClient, AuthStore>()

/** The props of `<AuthProvider>`. */
export interface AuthProviderProps<A extends AuthAdapter<never>> {
  /** The app's one AuthClient, created outside React (module scope), not in a render. */
  client: AuthClient<A>
  children?: ReactNode
}

/** Makes `client` available to the hooks below it. (A ReactElement, not a ReactNode: @types/react 18 accepts only that as a component's result.) */
export function AuthProvider<A extends AuthAdapter<never>>({ client, children }: AuthProviderProps<A>): ReactElement {
  const any = client as unknown as AnyClient
  const value = useMemo<Bound>(() => {
    let store = stores.get(any)
    if (!store) stores.set(any, (store = createAuthStore(any)))
    return { client: any, store }
  }, [any])
  return createElement(Context.Provider, { value }, children)
}

function useBound(): Bound {
  const bound = useContext(Context)
  if (!bound) throw new Error('Portcullis hooks need an <AuthProvider client={auth}> above them.')
  return bound
}

const serverChallenge = (): null => null
const serverAuth = (): AuthSnapshot => LOADING

/** The provider's client, typed by its adapter: `useAuthClient<PlatformAdapter>()` for `createPlatformClient(auth)` and friends. */
export function useAuthClient<A extends AuthAdapter<never> = AuthAdapter>(): AuthClient<A> {
  return useBound().client as unknown as AuthClient<A>
}

/** What `useAuth()` returns: the session state and the client's sign-in actions. */
export interface UseAuthResult<A extends AuthAdapter<never> = AuthAdapter> extends AuthSnapshot {
  /** `auth.signIn()`: a second factor comes back as a challenge and shows in `useChallenge()`. */
  signIn(credentials: CredentialsOf<A>): Promise<SignInResult>
  /** `auth.signOut()`: the status turns `signedOut` at once. */
  signOut(): Promise<SignOutResult>
  /**
   * `auth.resumeChallenge(saved)`, shown by `useChallenge()`: a sign-in that waited for its code
   * before a reload (`JSON.stringify(prompt.challenge)` kept in sessionStorage) goes on.
   */
  resumeChallenge(saved: string | ChallengeState): Challenge
}

/** Status, session and sign-in/out; re-renders on sign-in, sign-out, refresh and refresh failure. */
export function useAuth<A extends AuthAdapter<never> = AuthAdapter>(): UseAuthResult<A> {
  const { client, store } = useBound()
  const snapshot = useSyncExternalStore(store.subscribe, store.auth, serverAuth)
  return useMemo(
    () => ({
      ...snapshot,
      signIn: (credentials: CredentialsOf<A>) => client.signIn(credentials as never),
      signOut: () => client.signOut(),
      resumeChallenge: (saved: string | ChallengeState) => {
        const challenge = client.resumeChallenge(saved)
        store.offer(challenge)
        return challenge
      },
    }),
    [client, store, snapshot],
  )
}

/** The session (no tokens), or null while loading or signed out; re-renders only when it changes. */
export function useSession(): Session | null {
  const { store } = useBound()
  return useSyncExternalStore(
    store.subscribe,
    () => store.auth().session,
    () => null,
  )
}

/**
 * The second factor waiting for an answer (a sign-in code, a step-up, a password-change code),
 * or null; re-renders only when it changes (attempts left, expiry, error).
 */
export function useChallenge(): ChallengePrompt | null {
  const { store } = useBound()
  return useSyncExternalStore(store.subscribe, store.challenge, serverChallenge)
}

/** What `useAccessToken()` returns. */
export interface AccessTokenState {
  /** A valid access token, or null (signed out, or not read yet). */
  token: string | null
  /** True until the token for the current session was read. */
  loading: boolean
  /** Why it could not be read (a transient refresh failure: the session is kept). */
  error: AuthError | null
}

/**
 * The current access token for calls that cannot go through `auth.fetch`; read again after every
 * sign-in and refresh. A due token is refreshed once, however many components ask at once.
 */
export function useAccessToken(): AccessTokenState {
  const { client } = useBound()
  const session = useSession()
  const [state, setState] = useState<AccessTokenState>({ token: null, loading: true, error: null })
  useEffect(() => {
    const stop = new AbortController()
    setState((previous) => (previous.loading ? previous : { ...previous, loading: true }))
    client.getAccessToken({ signal: stop.signal }).then(
      (token) => stop.signal.aborted || setState({ token, loading: false, error: null }),
      (error: unknown) => stop.signal.aborted || setState({ token: null, loading: false, error: error as AuthError }),
    )
    return () => stop.abort()
  }, [client, session])
  return state
}
