/**
 * HTTP below fetch, for what fetch will not send: chunked bodies without a length, raw request
 * lines and headers (CONNECT, TRACE, a 100 KB header, bytes that are not HTTP at all).
 */
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'

export type RawResult = { status: number; headers: Record<string, string | string[] | undefined>; body: string } | { error: string }

/** A node:http request; a dropped or reset connection resolves as `{ error: code }`. */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; chunks?: Array<Buffer | Uint8Array> } = {}): Promise<RawResult> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }))
    })
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }))
    for (const chunk of options.chunks ?? []) req.write(chunk)
    req.end()
  })
}

/**
 * Writes `bytes` to a fresh TCP connection and reads until the server closes it (or `timeoutMs`).
 * Resolves with the status line's code (0 when nothing came back) and the raw text.
 */
export function rawExchange(port: number, bytes: string | Buffer, host = '127.0.0.1', timeoutMs = 3000): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, host)
    const chunks: Buffer[] = []
    const finish = () => {
      clearTimeout(timer)
      socket.destroy()
      const text = Buffer.concat(chunks).toString('latin1')
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text })
    }
    const timer = setTimeout(finish, timeoutMs)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('end', finish)
    socket.on('close', finish)
    socket.on('error', finish)
    socket.write(bytes)
  })
}

/** The body of a raw HTTP/1.1 response text (after the blank line). */
export function rawBody(text: string): string {
  const at = text.indexOf('\r\n\r\n')
  return at < 0 ? '' : text.slice(at + 4)
}
