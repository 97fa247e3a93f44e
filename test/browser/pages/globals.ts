/**
 * What the bundled test pages expose on `window`, shared by the pages (which set it) and the
 * browser suites (which read it through `page.evaluate`).
 */
import type { Session } from '../../../src/index'

/** The result of the mock-worker page's scenario (or the error it stopped at). */
export type MockWorkerReport =
  | {
      ok: true
      controller: string | null
      signIn: string
      challenge: { kind: string; methods: string[] }
      verified: string
      session: Session | null
      token: string | null
      username: string | null
      jwks: unknown
      stored: boolean
      requests: Array<{ method: string; path: string; operationName: string | null; status: number }>
    }
  | { ok: false; error: string }

export interface TabEvent {
  name: 'signedIn' | 'signedOut' | 'tokenRefreshed' | 'refreshFailed'
  reason?: string
  email?: string | null
}

/** One tab's AuthClient (default options), driven by the two-tab suite. */
export interface TabApi {
  features: { locks: boolean; broadcastChannel: boolean; localStorage: boolean }
  signIn(email: string, password: string): Promise<string>
  getAccessToken(): Promise<string | null>
  getSession(): Promise<Session | null>
  /** An authenticated call (`UserProfile` through `auth.fetch`): the username, or the error code. */
  profile(): Promise<{ username: string | null } | { error: string }>
  signOut(): Promise<void>
  events(): TabEvent[]
  /** Resolves with the first `name` event at index `from` or later of `events()`. */
  waitForEvent(name: TabEvent['name'], from: number): Promise<TabEvent>
}

/** The experience WebAuthn page's scenario: enrol a passkey, sign out, sign in with it. */
export type WebAuthnReport =
  | {
      ok: true
      rpId: string | null
      prompt: { kind: string; methods: string[] }
      enrolled: string
      credentials: number
      challenge: { kind: string; methods: string[] }
      signedIn: string
      userId: string | null
      expectedUserId: string
      amr: unknown
    }
  | { ok: false; error: string }

/** The experience social page's scenario: the provider round trip, resumed by a fresh client. */
export type SocialReport =
  | { ok: true; authorizationOrigin: string; callback: string; identityKind: string; signedIn: string; email: string | null }
  | { ok: false; error: string }

declare global {
  interface Window {
    portcullisSocial?: Promise<SocialReport>
    portcullisReport?: Promise<MockWorkerReport>
    portcullisWebAuthn?: Promise<WebAuthnReport>
    portcullisTab?: TabApi
  }
}
