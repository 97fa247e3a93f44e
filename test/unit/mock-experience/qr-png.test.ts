import { crc32, inflateSync } from 'node:zlib'
import { generate } from 'lean-qr'
import { describe, expect, it } from 'vitest'
import { qrPngDataUrl } from '../../../mocks/surfaces/experience/qr-png'

/** Splits a PNG into chunks, checking each chunk's CRC with node's own crc32. */
function chunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10])
  const out: Array<{ type: string; data: Buffer }> = []
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    const data = png.subarray(at + 8, at + 8 + length)
    expect(png.readUInt32BE(at + 8 + length), `${type} CRC`).toBe(crc32(png.subarray(at + 4, at + 8 + length)))
    out.push({ type, data })
    at += 12 + length
  }
  return out
}

describe('TOTP QR code PNG', () => {
  it('is a well-formed 1-bit PNG whose pixels are the QR modules of the otpauth URI', async () => {
    const text = 'otpauth://totp/Portcullis:carol%40example.com?secret=PORTCULLISDEMOTOTPSECRETKEY23456&issuer=Portcullis'
    const url = await qrPngDataUrl(text, 2)
    expect(url.startsWith('data:image/png;base64,')).toBe(true)
    const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64')
    const parts = chunks(png)
    expect(parts.map((part) => part.type)).toEqual(['IHDR', 'IDAT', 'IEND'])
    const header = parts[0]!.data
    const code = generate(text)
    const size = (code.size + 8) * 2
    expect([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]]).toEqual([size, size, 1, 0])
    const rows = inflateSync(parts[1]!.data)
    const rowBytes = 1 + Math.ceil(size / 8)
    expect(rows.length).toBe(rowBytes * size)
    // Every module, read back from the pixels (dark = bit 0), is the module lean-qr drew.
    for (let y = 0; y < code.size; y++) {
      for (let x = 0; x < code.size; x++) {
        const px = (x + 4) * 2
        const py = (y + 4) * 2
        const light = (rows[py * rowBytes + 1 + (px >> 3)]! >> (7 - (px & 7))) & 1
        expect(light === 0).toBe(code.get(x, y))
      }
    }
  })
})
