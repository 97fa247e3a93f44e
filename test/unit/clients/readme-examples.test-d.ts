/**
 * The README's code, checked by `tsc --noEmit` so it cannot rot: each function body below is a
 * README snippet verbatim (imports from `portcullis/*` there, from src/ here). The app's own
 * helpers (prompts, routing, env) and the React Native modules are declared, with the real
 * modules' signatures.
 */
import { AuthClient, AuthError, appStateVisibility, type AuthResult, type Challenge, type TokenStorage } from '../../../src/index'
import { createWebAuthnCredential, describeStep, experienceApi, getWebAuthnCredential, resetPassword, resumeExperienceStep, signInWithConnector, signUp } from '../../../src/experience'
import { createOtpClient, otpApi } from '../../../src/otp'
import { createPlatformClient, platformApi, UserProfileDocument } from '../../../src/platform'
import { createAccessTokenVerifier } from '../../../src/server'
import { createVirtualAuthenticator } from '../../../mocks/index'
import * as accounts from '../../../src/accounts'

/* ── the app's own helpers ─────────────────────────────────────────────────────────────────── */
declare function askForCode(prompt: { methods: readonly string[]; attemptsLeft: number | null; resend(): Promise<void> }): Promise<string | null>
declare function showSignIn(reason: string): void
declare const email: string
declare const password: string
declare function ask(prompt: string): Promise<string>
declare function askProfile(missing: readonly string[]): Promise<{ username?: string; password?: string; email?: string; phone?: string }>
declare function pick(methods: readonly string[]): Promise<string>
declare function confirmSkip(): Promise<boolean>
declare function confirmNewAccount(): Promise<boolean>
declare function showQrCode(dataUrl: string): void
declare function showBackupCodes(codes: readonly string[]): void

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

/** README § Quickstart: your own sign-in page on the experience API. */
export async function experienceQuickstart(): Promise<void> {
  const auth = new AuthClient({
    baseUrl: 'https://auth.example.com',
    api: experienceApi({ clientId: 'my-app', redirectUri: 'https://app.example.com/callback' }),
  })

  // Every answer may lead to another step: loop until signed in.
  async function finish(result: AuthResult): Promise<void> {
    while (result.status === 'challenge') {
      const { challenge } = result
      const step = describeStep(challenge)
      switch (step.kind) {
        case 'sign_in_code': // a code went to step.to (methods: email_code or phone_code)
          result = await challenge.verify(await ask(`Code sent to ${step.to}`))
          break
        case 'sign_in_2fa': // the account's factors: step.methods ⊂ totp, webauthn, backup_code
          result = step.webauthn
            ? await challenge.verify(await getWebAuthnCredential(challenge)) // navigator.credentials.get()
            : await challenge.verify(await ask('Authenticator or backup code')) // 6 digits: TOTP; longer: a backup code
          break
        case 'missing_profile': // fields the sign-up settings require, e.g. ['username', 'password']
          result = await challenge.verify(await askProfile(step.missing)) // { username?, password?, email?, phone? }
          break
        case 'bind_mfa':
          if (step.enrolling === null) {
            // Pick a factor to enrol (or skip, when the policy allows it)
            result = await challenge.verify(step.skippable && (await confirmSkip()) ? { skip: true } : await pick(step.methods))
          } else if (step.enrolling === 'totp') {
            showQrCode(step.qrCode) // data: URL of the otpauth:// QR code (step.secret for manual entry)
            result = await challenge.verify(await ask('Code from your authenticator app'))
          } else if (step.enrolling === 'webauthn') {
            result = await challenge.verify(await createWebAuthnCredential(challenge)) // navigator.credentials.create()
          } else {
            showBackupCodes(step.codes)
            result = await challenge.verify({}) // kept: finish
          }
          break
        case 'connector_redirect': // social / SSO: the provider's page (see below)
          sessionStorage.setItem('pending-step', JSON.stringify(challenge))
          location.assign(step.authorizationUri)
          return
        case 'new_identity': // no account owns this provider identity yet
          result = await challenge.verify((await confirmNewAccount()) ? 'register' : 'link') // link: the account with its email
          break
        default:
          return
      }
    }
  }

  await finish(await auth.signIn({ identifier: 'carol', password })) // or { email } / { phone } alone: a one-time code
  await finish(await signUp(auth, { email })) // a new account: code, then whatever the backend requires
  await finish(await resetPassword(auth, { email })) // code, then { password }; ends 'verified': sign in next
  await finish(await signInWithConnector(auth, { connectorId: 'github', callbackUri: 'https://app.example.com/social-callback' }))

  // On the callback route (after the provider): the saved step, answered with the URL it came back to.
  const pending = await resumeExperienceStep(auth, sessionStorage.getItem('pending-step')!)
  await finish(await pending.verify(location.href))
}

/** README § The experience surface: a WebAuthn ceremony in Node with the virtual authenticator. */
export async function virtualAuthenticatorExample(challenge: Challenge): Promise<void> {
  const authenticator = createVirtualAuthenticator({ origin: 'http://mock.test' }) // the origin the mock serves
  const enrol = describeStep(challenge) // a bind_mfa step enrolling webauthn
  if (enrol.kind === 'bind_mfa' && enrol.enrolling === 'webauthn') await challenge.verify(await authenticator.register(enrol.webauthn))
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
