/**
 * Text from a package, decoded the way the files are really written: PowerShell 5.1 writes
 * UTF-16LE with a BOM, newer tools UTF-8 with a BOM, some UTF-8 without one, and older tools the
 * ANSI code page. Order (mde-api.md §5a, as the one public parser does it): a BOM decides
 * (UTF-16LE, UTF-16BE, UTF-8); without one, UTF-16LE when every other byte of the start is zero,
 * then strict UTF-8, then latin-1, which always decodes (ANSI text keeps its ASCII).
 */
export type TextEncodingName = "utf-16le" | "utf-16be" | "utf-8" | "latin1";

export interface Decoded {
  text: string;
  encoding: TextEncodingName;
  bom: boolean;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function decodeText(bytes: Buffer): Decoded {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: utf16le(bytes.subarray(2)), encoding: "utf-16le", bom: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: utf16be(bytes.subarray(2)), encoding: "utf-16be", bom: true };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: lenientUtf8(bytes.subarray(3)), encoding: "utf-8", bom: true };
  if (looksUtf16le(bytes)) return { text: utf16le(bytes), encoding: "utf-16le", bom: false };
  try {
    return { text: utf8.decode(bytes), encoding: "utf-8", bom: false };
  } catch {
    return { text: bytes.toString("latin1"), encoding: "latin1", bom: false };
  }
}

/** ASCII text in UTF-16LE without a BOM: the odd bytes of the first 64 are all zero. */
function looksUtf16le(b: Buffer): boolean {
  const n = Math.min(b.length & ~1, 64);
  if (n < 4) return false;
  for (let i = 1; i < n; i += 2) if (b[i] !== 0 || b[i - 1] === 0) return false;
  return true;
}

// An odd trailing byte (a cut file) is dropped rather than turned into a replacement character.
const utf16le = (b: Buffer) => b.subarray(0, b.length & ~1).toString("utf16le");
function utf16be(b: Buffer): string {
  const even = Buffer.from(b.subarray(0, b.length & ~1));
  return even.swap16().toString("utf16le");
}
/** A BOM says UTF-8; a bad sequence after it becomes U+FFFD rather than losing the file. */
const lenientUtf8 = (b: Buffer) => new TextDecoder("utf-8").decode(b);

/** Lines of a decoded text, CRLF, LF or CR, without the final empty one. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}
