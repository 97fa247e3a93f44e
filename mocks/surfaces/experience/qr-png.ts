/**
 * A QR code as a `data:image/png;base64,` URL, built with web-standard APIs only (the mock also
 * runs in browsers): lean-qr draws the modules, CompressionStream deflates the PNG rows.
 */
import { generate } from 'lean-qr'

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  out.set(new TextEncoder().encode(type), 4)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)))
  return out
}

async function deflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** 1-bit greyscale PNG of the QR code for `text`, `scale` pixels per module, 4-module quiet zone. */
export async function qrPngDataUrl(text: string, scale = 4): Promise<string> {
  const code = generate(text)
  const pad = 4
  const size = (code.size + 2 * pad) * scale
  const rowBytes = 1 + Math.ceil(size / 8)
  const raw = new Uint8Array(rowBytes * size)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // A dark module is a 0 bit (black) in greyscale; light pixels are 1.
      const dark = code.get(Math.floor(x / scale) - pad, Math.floor(y / scale) - pad)
      if (!dark) raw[y * rowBytes + 1 + (x >> 3)]! |= 0x80 >> (x & 7)
    }
  }
  const header = new Uint8Array(13)
  const view = new DataView(header.buffer)
  view.setUint32(0, size)
  view.setUint32(4, size)
  header[8] = 1 // bit depth
  header[9] = 0 // greyscale
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', await deflate(raw)), chunk('IEND', new Uint8Array())]
  const png = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
  let offset = 0
  for (const part of parts) {
    png.set(part, offset)
    offset += part.length
  }
  let binary = ''
  for (const byte of png) binary += String.fromCharCode(byte)
  return `data:image/png;base64,${btoa(binary)}`
}
