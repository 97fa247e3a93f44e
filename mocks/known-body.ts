/**
 * Responses the backend builds from a string keep that string beside a bodiless `Response` (a
 * WeakMap, so nothing outlives its response) until they leave the backend. On Node, a `Response`
 * around a string costs about 18 µs (undici sets up a ReadableStream for it) and one without a
 * body about 1 µs, more than the rest of a small answer. The standalone server writes the string
 * itself (`knownBody`); `backend.handle`, which hands responses to msw and to callers, gives them
 * their body back first (`withKnownBody`). Code inside the backend that reads a response it built
 * uses `responseText`.
 */
const bodies = new WeakMap<Response, string>()

/** Statuses whose responses must not carry a body (fetch refuses to build one). */
const NULL_BODY_STATUSES = new Set([204, 205, 304])

export function textResponse(body: string, init: ResponseInit): Response {
  const response = new Response(null, init)
  if (!NULL_BODY_STATUSES.has(response.status)) bodies.set(response, body)
  return response
}

/** The text `textResponse` was given (undefined for a response made any other way). */
export function knownBody(response: Response): string | undefined {
  return bodies.get(response)
}

/** The text of a response the backend built, however it was built. */
export function responseText(response: Response): Promise<string> {
  const text = bodies.get(response)
  return text === undefined ? response.text() : Promise.resolve(text)
}

/** The response as anyone outside the backend must see it: with its body in place. */
export function withKnownBody(response: Response): Response {
  const text = bodies.get(response)
  return text === undefined ? response : new Response(text, response)
}
