/** What the mock-reload page exposes on `window` (shared with test/browser/mock-reload.test.ts). */
import type { Session } from '../../../src/index'

export interface ReloadBoot {
  /** Whether the mock started from the state the previous page load saved. */
  restored: boolean
  /** The session `auth.ready()` loaded from localStorage, and why it is null when it is. */
  session: Session | null
  reason: string | null
  /** Whether a challenge waits in sessionStorage (the README's resume pattern). */
  pendingChallenge: boolean
  kid: string | null
}

export interface ReloadApi {
  boot: Promise<ReloadBoot>
  /** Signs in; a challenge is kept in sessionStorage as the README's prompt does. */
  signIn(email: string, password: string): Promise<string>
  /** Resumes the saved challenge and answers it with the code from the mock's outbox. */
  resumeWithOutboxCode(email: string): Promise<{ status: string; email: string | null }>
  /** `UserProfile` through the typed client: the username, or the error code. */
  profile(): Promise<{ username: string | null } | { error: string }>
  /** Moves the mock clock (JS API); the new time. */
  advanceClock(ms: number): Promise<number>
  events(): string[]
  /** POST /__mock/reset through the worker, as an app's dev tools would. */
  resetThroughControlApi(): Promise<number>
}

declare global {
  interface Window {
    portcullisReload?: ReloadApi
  }
}
