import type { ExportFile } from './index.js';

/** Text of an export: UTF-8 (BOM stripped) or UTF-16LE with its BOM, as Windows tools write. */
export function decodeText(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf16(buf)) return decodeUtf16(buf.subarray(2));
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  return buf.toString('utf8');
}

/**
 * A file that starts with the UTF-16LE BOM is text and nothing else (no binary format starts so), and its text
 * holds every byte: it is kept without its bytes, which would double the memory a large Windows export takes.
 */
export function exportFromBytes(file: string, bytes: Uint8Array): ExportFile {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isUtf16(buf) && buf.length % 2 === 0 ? { file, text: decodeText(buf) } : { file, bytes, text: decodeText(buf) };
}

/** An export given as text (tests, standard input already decoded): its bytes are that text in UTF-8. */
export function exportFromText(file: string, text: string): ExportFile {
  return { file, bytes: Buffer.from(text, 'utf8'), text };
}

function isUtf16(buf: Buffer): boolean {
  return buf[0] === 0xff && buf[1] === 0xfe;
}

/**
 * UTF-16LE → text. Windows exports are mostly Latin-1 characters: then the text is read as Latin-1 from every other
 * byte, which V8 keeps in one byte per character instead of two (and so every slice of it).
 */
function decodeUtf16(buf: Buffer): string {
  if (buf.byteOffset % 2 !== 0) return buf.toString('utf16le');
  const units = new Uint16Array(buf.buffer, buf.byteOffset, buf.length >> 1);
  for (let i = 0; i < units.length; i++) if (units[i]! > 0xff) return buf.toString('utf16le');
  const latin1 = new Uint8Array(units); // each unit is below 256: copied as is
  return Buffer.from(latin1.buffer).toString('latin1');
}
