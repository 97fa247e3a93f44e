/** The fetch signature Portcullis calls; `globalThis.fetch` and `AuthClient#fetch` both fit. */
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>

/** What every typed client factory takes: where the backend is and how to reach it. */
export interface ClientOptions {
  /** Origin of the backend, e.g. `https://auth.example.com` (no trailing path needed). */
  baseUrl: string
  /** Defaults to `globalThis.fetch`, looked up at call time so test interceptors apply. */
  fetch?: FetchLike | undefined
  /** Extra headers sent with every request. */
  headers?: HeadersInit | undefined
}
