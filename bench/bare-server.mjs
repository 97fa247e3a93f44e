// The baseline for `npm run bench:mock`: bare node:http answering a small JSON body, no routing,
// no parsing. Prints `listening on <url>` once it listens on a free loopback port.
import { createServer } from 'node:http'

const body = Buffer.from(JSON.stringify({ ok: true, keys: [] }))
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) })
    res.end(body)
  })
})
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
