/**
 * The text of responses the backend built from a string, kept beside them (a WeakMap, so nothing
 * outlives its response) so the standalone server writes that text instead of reading the body
 * stream back: on Node, reading a Response body costs more than building the answer. A response
 * made any other way, or whose body someone has read, is read from its stream as usual.
 */
const bodies = new WeakMap<Response, string>()

export function textResponse(body: string, init: ResponseInit): Response {
  const response = new Response(body, init)
  bodies.set(response, body)
  return response
}

/** The body `textResponse` was given, while the stream is still unread. */
export function knownBody(response: Response): string | undefined {
  return response.bodyUsed ? undefined : bodies.get(response)
}
