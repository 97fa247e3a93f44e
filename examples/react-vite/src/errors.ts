import type { AuthError } from 'portcullis'

/** What to tell the user about an AuthError (its `code` is stable; its message is for developers). */
export function describeError(error: AuthError): string {
  switch (error.code) {
    case 'invalid_credentials':
      return 'Wrong email or password.'
    case 'invalid_code':
      return error.attemptsLeft != null ? `That code is not right. ${error.attemptsLeft} attempts left.` : 'That code is not right.'
    case 'code_expired':
      return 'That code has expired: send a new one.'
    case 'code_attempts_exhausted':
      return 'Too many wrong codes: send a new one.'
    default:
      if (error.kind === 'rate_limit') return `Too many attempts. Try again${error.retryAfterMs ? ` in ${Math.ceil(error.retryAfterMs / 1000)} s` : ' later'}.`
      if (error.kind === 'network') return 'The server cannot be reached. Check your connection.'
      return 'Something went wrong. Please try again.'
  }
}
