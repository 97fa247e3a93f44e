/** What a test page reports when its scenario throws: the stack (or message), for the suite to print. */
export function pageFailure(error: unknown): { ok: false; error: string } {
  return { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }
}
