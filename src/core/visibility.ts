/**
 * Whether the app is in the foreground, for the proactive refresh timer (paused while hidden).
 * Browsers: the Page Visibility API, used by default. React Native: `appStateVisibility(AppState)`.
 */
export interface Visibility {
  /** Whether the app is in the background now. */
  hidden(): boolean
  /** Calls `onChange` whenever `hidden()` may have changed; returns the unsubscribe. */
  subscribe(onChange: () => void): () => void
}

interface VisibilityDocument {
  visibilityState?: string
  addEventListener(type: 'visibilitychange', listener: () => void): void
  removeEventListener(type: 'visibilitychange', listener: () => void): void
}

/** The page's visibility, or undefined where there is no document (servers, React Native). */
export function documentVisibility(): Visibility | undefined {
  const doc = (globalThis as { document?: VisibilityDocument }).document
  return (
    doc && {
      hidden: () => doc.visibilityState === 'hidden',
      subscribe(onChange) {
        doc.addEventListener('visibilitychange', onChange)
        return () => doc.removeEventListener('visibilitychange', onChange)
      },
    }
  )
}

/** What `appStateVisibility` uses of React Native's `AppState`. */
export interface AppStateLike {
  readonly currentState: string | null
  /** Calls `listener` with each new app state; `remove()` stops it. */
  addEventListener(
    type: 'change',
    listener: (state: string) => void,
  ): {
    /** Stops listening. */
    remove(): void
  }
}

/**
 * React Native: `new AuthClient({ ..., autoRefresh: true, visibility: appStateVisibility(AppState) })`
 * pauses the refresh timer while the app is in the background, and catches up (refreshing at
 * once when the token fell due meanwhile) when it becomes active again.
 */
export function appStateVisibility(appState: AppStateLike): Visibility {
  return {
    hidden: () => appState.currentState === 'background',
    subscribe(onChange) {
      const subscription = appState.addEventListener('change', onChange)
      return () => subscription.remove()
    },
  }
}
