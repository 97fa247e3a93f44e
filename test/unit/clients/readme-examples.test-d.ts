/**
 * The README's code, checked by `tsc --noEmit` so it cannot rot: each function body below is a
 * README snippet verbatim (imports from `portcullis/*` there, from src/ here). The app's own
 * helpers (prompts, routing, env) and the React Native modules are declared, with the real
 * modules' signatures.
 */
import { AuthClient, AuthError, appStateVisibility, type Challenge, type TokenStorage } from '../../../src/index'
import { createOtpClient, otpApi } from '../../../src/otp'
import { createPlatformClient, platformApi, UserProfileDocument } from '../../../src/platform'
import { createAccessTokenVerifier } from '../../../src/server'
import * as accounts from '../../../src/accounts'

/* ── the app's own helpers ─────────────────────────────────────────────────────────────────── */
declare function askForCode(prompt: { methods: readonly string[]; attemptsLeft: number | null; resend(): Promise<void> }): Promise<string | null>
declare function showSignIn(reason: string): void
declare const email: string
declare const password: string

/* ── React Native modules, as @react-native-async-storage, expo-secure-store and react-native type them ── */
declare const AsyncStorage: {
  getItem(key: string): Promise<string | null>
  setItem(key: string, value: string): Promise<void>
  removeItem(key: string): Promise<void>
}
declare const SecureStore: {
  getItemAsync(key: string): Promise<string | null>
  setItemAsync(key: string, value: string): Promise<void>
  deleteItemAsync(key: string): Promise<void>
}
type AppStateStatus = 'active' | 'background' | 'inactive' | 'unknown' | 'extension'
declare const AppState: {
  currentState: AppStateStatus
  addEventListener(type: 'change' | 'memoryWarning' | 'blur' | 'focus', listener: (state: AppStateStatus) => void): { remove(): void }
}

/** README § Quickstart: a browser app with a 2FA prompt. */
export async function browserQuickstart(): Promise<void> {
  const auth = new AuthClient({
    baseUrl: 'https://auth.example.com',
    api: platformApi({ codeTtlMs: 10 * 60_000 }), // the backend's code lifetime, for challenge.expiresAt
    tokenOrigins: ['https://api.example.com'], // your other APIs: the token goes to these origins only
  })

  // One global prompt for every second factor: the sign-in code, the password-change code, step-ups.
  auth.on('challenge', ({ challenge }) => void prompt(challenge))
  auth.on('signedOut', ({ reason }) => {
    if (reason !== 'user') showSignIn(reason) // 'refresh_failed' | 'token_reused' | 'session_expired' | 'storage_corrupt' | 'remote'
  })

  async function prompt(challenge: Challenge): Promise<void> {
    // A plain value: keep it across a reload. (A step-up belongs to its call: nothing to keep.)
    if (challenge.kind !== 'step_up') sessionStorage.setItem('portcullis.challenge', JSON.stringify(challenge))
    for (;;) {
      const code = await askForCode({ methods: challenge.methods, attemptsLeft: challenge.attemptsLeft, resend: () => challenge.resend() })
      if (code === null) return challenge.cancel()
      try {
        await challenge.verify(code) // signed in, or the waiting call goes through
        return sessionStorage.removeItem('portcullis.challenge')
      } catch (error) {
        // A wrong code keeps the challenge open (error.attemptsLeft tells how many tries are left).
        if (error instanceof AuthError && error.code === 'invalid_code') continue
        sessionStorage.removeItem('portcullis.challenge')
        throw error
      }
    }
  }

  // After a reload: pick up a sign-in that was waiting for its code.
  const saved = sessionStorage.getItem('portcullis.challenge')
  if (saved) void prompt(auth.resumeChallenge(saved))

  const result = await auth.signIn({ email, password }) // 'signedIn', or 'challenge' (the prompt has it)
  if (result.status === 'signedIn') console.log(result.session.user.email, new Date(result.session.expiresAt ?? 0))

  const platform = createPlatformClient(auth) // typed, on auth.fetch: bearer, refresh and retry
  const { userProfile } = await platform.request(UserProfileDocument)
  const orders = await auth.fetch('https://api.example.com/orders') // bearer added; on 401 one refresh, one retry
  console.log(userProfile?.username, orders.status)
}

/** README § Step-up with the typed otp client. */
export async function otpStepUp(): Promise<void> {
  const auth = new AuthClient({ baseUrl: 'https://auth.example.com', api: otpApi() })
  const otp = createOtpClient(auth) // through auth, `x-otp` is optional: the step-up asks for it
  auth.on('challenge', async ({ challenge }) => {
    const code = await askForCode({ methods: challenge.methods, attemptsLeft: challenge.attemptsLeft, resend: () => challenge.resend() })
    if (code === null) challenge.cancel() // the waiting call rejects with code 'challenge_cancelled'
    else await challenge.verify(code) // a wrong code rejects here; the call keeps waiting
  })

  await auth.signIn({ email, password })
  const { data, error } = await otp.DELETE('/auth/otp/methods/totp') // waits for the code, then is sent with it
  if (error) throw new Error(error.message)
  console.log(data.hasValidatedSecret) // false
}

/** README § A Node service. */
export async function nodeService(): Promise<void> {
  // On a server nothing persists unless you pass a storage, and no timer starts unless asked.
  using auth = new AuthClient({ baseUrl: 'https://auth.example.com', api: otpApi() })
  const result = await auth.signIn({ email: process.env['SVC_EMAIL']!, password: process.env['SVC_PASSWORD']! })
  if (result.status !== 'signedIn') throw new Error('a service account must not need a second factor')
  const otp = createOtpClient(auth) // bearer, one refresh-and-retry on 401
  const { data } = await otp.GET('/auth/otp/code', { params: { query: { method: 'EMAIL' } } })
  console.log(data?.validUntil)
}

/** README § A Node service: a resource server checking the backend's tokens (portcullis/server). */
export function resourceServer(): (request: Request) => Promise<{ sub: string } | null> {
  // Keys are downloaded once per jwksUrl and refetched when the backend rotates them.
  const verify = createAccessTokenVerifier({
    jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
    issuer: 'https://auth.example.com',
    audience: process.env['TOKEN_AUDIENCE']!,
    clockTolerance: '5s',
  })
  return async function authenticate(request: Request) {
    const token = request.headers.get('authorization')?.match(/^Bearer (.+)$/)?.[1]
    if (!token) return null // answer 401
    try {
      return await verify(token) // { sub, exp, iat, sid?, … }
    } catch (error) {
      if (error instanceof AuthError && error.kind === 'auth') return null // expired, forged, foreign: 401
      throw error // 'jwks_unavailable' (network/server): answer 503, do not blame the caller
    }
  }
}

/** README § React Native. */
export function reactNative(): AuthClient[] {
  // AsyncStorage fits TokenStorage as it is.
  const auth = new AuthClient({
    baseUrl: 'https://auth.example.com',
    api: otpApi(),
    storage: AsyncStorage,
    autoRefresh: true, // no `document` here: ask for the proactive refresh…
    visibility: appStateVisibility(AppState), // …paused while the app is in the background
  })

  // Keychain / Keystore through expo-secure-store (keys may only use [A-Za-z0-9._-]).
  const secureStorage: TokenStorage = {
    getItem: (key) => SecureStore.getItemAsync(key),
    setItem: (key, value) => SecureStore.setItemAsync(key, value),
    removeItem: (key) => SecureStore.deleteItemAsync(key),
  }
  const secure = new AuthClient({
    baseUrl: 'https://auth.example.com',
    api: otpApi(),
    storage: secureStorage,
    storageKey: 'portcullis.session',
    autoRefresh: true,
    visibility: appStateVisibility(AppState),
  })
  return [auth, secure]
}

declare const username: string
declare const token: string
declare const newPassword1: string
declare const newPassword2: string
declare const secondEmail: string
declare function showResendLink(): void

/** README § Quickstart: the accounts API. */
export async function accountsQuickstart(): Promise<unknown> {
  const auth = new AuthClient({ baseUrl: 'https://auth.example.com', api: accounts.accountsApi() }) // { relay: true }: /graphql/relay

  await accounts.register(auth, { email, username, password1: password, password2: password }) // signed in while unverified logins are allowed
  await accounts.verifyAccount(auth, { token }) // the token of the activation link …/activate/<token>
  await accounts.resendActivationEmail(auth, { email })
  try {
    await auth.signIn({ username, password }) // or { email, password }: a primary or secondary address
  } catch (error) {
    if (error instanceof AuthError && error.code === 'not_verified') showResendLink() // 'invalid_credentials', 'throttled' …
  }
  await accounts.sendPasswordResetEmail(auth, { email }) // the link goes to the address given
  await accounts.resetPassword(auth, { token, newPassword1, newPassword2 }) // …/password-reset/<token>
  await accounts.changePassword(auth, { oldPassword: password, newPassword1, newPassword2 }) // the client keeps the new token pair
  await accounts.updateAccount(auth, { firstName: 'Ada' })
  await accounts.sendSecondaryEmailActivation(auth, { email: secondEmail, password }) // mails the new address
  await accounts.verifySecondaryEmail(auth, { token })
  await accounts.swapEmails(auth, { password }) // or removeSecondaryEmail(auth, { password })
  const { me } = await accounts.createAccountsClient(auth).request(accounts.MeDocument) // on "Signature has expired": one refresh, one retry
  await accounts.archiveAccount(auth, { password }) // signs out; the next sign-in unarchives (deleteAccount deactivates)
  await auth.signOut() // revokeToken
  return me
}
