/**
 * How Windows text lands in a package: PowerShell 5.1 redirection and Export-Csv write UTF-16LE
 * with a BOM ("Unicode"), newer tooling UTF-8 with a BOM; both with CRLF line ends. The scenario
 * picks one (evidence.encoding) for every Windows .csv and .txt.
 */
export type TextEncoding = "utf-16le" | "utf-8";

const BOM = { "utf-16le": Buffer.from([0xff, 0xfe]), "utf-8": Buffer.from([0xef, 0xbb, 0xbf]) };

/** Lines joined with CRLF (and a final CRLF), BOM first. */
export function encodeLines(lines: string[], encoding: TextEncoding): Buffer {
  const text = lines.join("\r\n") + "\r\n";
  return Buffer.concat([BOM[encoding], Buffer.from(text, encoding === "utf-16le" ? "utf16le" : "utf8")]);
}

/** The name iconv knows each encoding by (tests decode every file with it). */
export const ICONV_NAME: Record<TextEncoding, string> = { "utf-16le": "UTF-16LE", "utf-8": "UTF-8" };
