/**
 * Substitution values of EVTX binary XML, as text (the libyal EVTX documentation, "Value types"):
 * numbers, hex numbers as 0x…, FILETIME and SYSTEMTIME as ISO 8601, SIDs as S-1-…, GUIDs in
 * braces, UTF-16 strings without their terminating NUL. Arrays (type | 0x80) join with ", ".
 * Binary XML (0x21) is not handled here: binxml.ts parses it as a nested fragment.
 */
export const BINXML_TYPE = 0x21;

const FILETIME_EPOCH_DIFF_MS = 11_644_473_600_000n;

export function filetimeIso(lo: number, hi: number): string {
  const ticks = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  const ms = ticks / 10_000n - FILETIME_EPOCH_DIFF_MS;
  const frac = (ticks % 10_000_000n).toString().padStart(7, "0");
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? "" : `${d.toISOString().slice(0, 19)}.${frac}Z`;
}

export function guidText(b: Buffer, o: number): string {
  const h = (start: number, len: number, le: boolean) => {
    const bytes = [...b.subarray(o + start, o + start + len)];
    return (le ? bytes.reverse() : bytes).map((x) => x.toString(16).padStart(2, "0")).join("");
  };
  return `{${h(0, 4, true)}-${h(4, 2, true)}-${h(6, 2, true)}-${h(8, 2, false)}-${h(10, 6, false)}}`.toUpperCase();
}

function sidText(b: Buffer, o: number, size: number): string {
  if (size < 8) return "";
  const count = b[o + 1];
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + b[o + i];
  const subs: number[] = [];
  for (let i = 0; i < count && 8 + 4 * i + 4 <= size; i++) subs.push(b.readUInt32LE(o + 8 + 4 * i));
  return `S-${b[o]}-${authority}${subs.map((s) => `-${s}`).join("")}`;
}

const utf16 = (b: Buffer, o: number, size: number) => b.toString("utf16le", o, o + (size & ~1)).replace(/\0+$/, "");

/** The text of one value of `type` (array flag included) from `size` bytes at `o`. */
export function valueText(type: number, b: Buffer, o: number, size: number): string {
  if (type & 0x80) return arrayText(type & 0x7f, b, o, size);
  switch (type) {
    case 0x00: return "";
    case 0x01: return utf16(b, o, size);
    case 0x02: return b.toString("latin1", o, o + size).replace(/\0+$/, "");
    case 0x03: return String(b.readInt8(o));
    case 0x04: return String(b.readUInt8(o));
    case 0x05: return String(b.readInt16LE(o));
    case 0x06: return String(b.readUInt16LE(o));
    case 0x07: return String(b.readInt32LE(o));
    case 0x08: return String(b.readUInt32LE(o));
    case 0x09: return String(b.readBigInt64LE(o));
    case 0x0a: return String(b.readBigUInt64LE(o));
    case 0x0b: return String(b.readFloatLE(o));
    case 0x0c: return String(b.readDoubleLE(o));
    case 0x0d: return b.readUInt32LE(o) ? "true" : "false";
    case 0x0e: return b.toString("hex", o, o + size).toUpperCase();
    case 0x0f: return size >= 16 ? guidText(b, o) : "";
    case 0x10: return size === 8 ? `0x${b.readBigUInt64LE(o).toString(16)}` : `0x${b.readUInt32LE(o).toString(16)}`;
    case 0x11: return filetimeIso(b.readUInt32LE(o), b.readUInt32LE(o + 4));
    case 0x12: return systemtime(b, o);
    case 0x13: return sidText(b, o, size);
    case 0x14: return `0x${b.readUInt32LE(o).toString(16)}`;
    case 0x15: return `0x${b.readBigUInt64LE(o).toString(16)}`;
    default: return b.toString("hex", o, o + size);
  }
}

function systemtime(b: Buffer, o: number): string {
  const [y, mo, , d, h, mi, s, ms] = Array.from({ length: 8 }, (_, i) => b.readUInt16LE(o + 2 * i));
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms)).toISOString();
}

const FIXED: Record<number, number> = { 0x03: 1, 0x04: 1, 0x05: 2, 0x06: 2, 0x07: 4, 0x08: 4, 0x09: 8, 0x0a: 8, 0x0b: 4, 0x0c: 8, 0x0d: 4, 0x0f: 16, 0x11: 8, 0x12: 16, 0x14: 4, 0x15: 8 };

function arrayText(type: number, b: Buffer, o: number, size: number): string {
  if (type === 0x01) return utf16(b, o, size).split("\0").join(", ");
  const width = FIXED[type];
  if (!width) return b.toString("hex", o, o + size);
  const parts: string[] = [];
  for (let p = 0; p + width <= size; p += width) parts.push(valueText(type, b, o + p, width));
  return parts.join(", ");
}
