/// <reference types="vite/client" />

interface ImportMetaEnv {
  /**
   * Which mock backend the app talks to: `standalone` (default) is the `portcullis-mock` process
   * at `VITE_PORTCULLIS_URL`; `worker` runs the mock inside the page (msw's service worker),
   * in development only: a production build never contains it.
   */
  readonly VITE_PORTCULLIS_MOCK?: 'standalone' | 'worker'
  /** The backend's origin in `standalone` mode; default http://127.0.0.1:4010 (`npm start`). */
  readonly VITE_PORTCULLIS_URL?: string
}
