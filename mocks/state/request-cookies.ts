/**
 * The `Cookie` header of a request. In a page, msw hands the backend a `Request` that cannot
 * carry `Cookie` (a forbidden header there), so the msw handlers copy the page's cookies into
 * `PAGE_COOKIE_HEADER` instead. It grants nothing the `Cookie` header would not: it is the same
 * credential under another name, and a browser never attaches it by itself.
 */
export const PAGE_COOKIE_HEADER = 'x-portcullis-page-cookie'

export function requestCookieHeader(request: Request): string | null {
  return request.headers.get('cookie') ?? request.headers.get(PAGE_COOKIE_HEADER)
}
