import type { ExportFile } from './index.js';

/** Text of an export: UTF-8 (BOM stripped) or UTF-16LE with its BOM, as Windows tools write. */
export function decodeText(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  return buf.toString('utf8');
}

export function exportFromBytes(file: string, bytes: Uint8Array): ExportFile {
  return { file, bytes, text: decodeText(bytes) };
}

/** An export given as text (tests, standard input already decoded): its bytes are that text in UTF-8. */
export function exportFromText(file: string, text: string): ExportFile {
  return { file, bytes: Buffer.from(text, 'utf8'), text };
}

/** The same export without its bytes, for a parser that reads only the text (VendorParser.textOnly). */
export function withoutBytes({ file, text }: ExportFile): ExportFile {
  return {
    file,
    text,
    get bytes(): Uint8Array {
      throw new Error(`${file}: a text-only parser asked for the bytes of the export`);
    },
  };
}
