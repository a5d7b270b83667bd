/**
 * Windows binary XML as EVTX stores it (libyal, "Windows XML Event Log (EVTX) format", §4):
 * a template definition (element tree with literal text and substitution slots) written once per
 * chunk, and per record a template instance plus a substitution array of typed values. Names are
 * stored inline at their first (only) use inside the template, so every offset is chunk-relative
 * and the definition's bytes depend on where in the chunk it is written.
 */

/** Value types of substitutions (libyal §4.7): the ones Security events use. */
export const VT = { string: 0x01, uint8: 0x04, uint16: 0x06, uint32: 0x08, uint64: 0x0a, guid: 0x0f, filetime: 0x11, sid: 0x13, hex64: 0x15 } as const;
export type ValueType = (typeof VT)[keyof typeof VT];

export type Slot = { sub: number; type: ValueType; optional?: boolean };
export type Part = string | Slot;
export interface XmlNode {
  name: string;
  attrs?: Array<[string, Part]>;
  children?: Array<XmlNode | Part>;
}

/** A growable little-endian byte writer. */
export class ByteWriter {
  buf: Buffer;
  pos = 0;
  constructor(size = 4096) {
    this.buf = Buffer.alloc(size);
  }
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v: number): this { this.room(1); this.buf[this.pos++] = v; return this; }
  u16(v: number): this { this.room(2); this.buf.writeUInt16LE(v, this.pos); this.pos += 2; return this; }
  u32(v: number): this { this.room(4); this.buf.writeUInt32LE(v >>> 0, this.pos); this.pos += 4; return this; }
  u64(v: bigint): this { this.room(8); this.buf.writeBigUInt64LE(v, this.pos); this.pos += 8; return this; }
  bytes(b: Buffer): this { this.room(b.length); b.copy(this.buf, this.pos); this.pos += b.length; return this; }
  utf16(s: string): this { return this.bytes(Buffer.from(s, "utf16le")); }
  patch32(at: number, v: number): void { this.buf.writeUInt32LE(v >>> 0, at); }
  result(): Buffer { return this.buf.subarray(0, this.pos); }
}

/** The 16-bit name hash EVTX stores beside each name (libyal: hash = hash * 65599 + char). */
function nameHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 65599) + name.charCodeAt(i)) >>> 0;
  return h & 0xffff;
}

/** Writes the bytes of a template definition (next offset, GUID, size, fragment) at chunk offset `base`. */
export function templateDefinition(root: XmlNode, guid: Buffer, base: number): Buffer {
  const w = new ByteWriter(2048);
  const at = () => base + w.pos;
  const name = (n: string) => {
    w.u32(at() + 4); // the name follows its own offset: stored inline
    w.u32(0).u16(nameHash(n)).u16(n.length).utf16(n).u16(0);
  };
  const part = (p: Part, more = false) => {
    if (typeof p === "string") w.u8(more ? 0x45 : 0x05).u8(VT.string).u16(p.length).utf16(p);
    else w.u8(p.optional ? 0x0e : 0x0d).u16(p.sub).u8(p.type);
  };
  const element = (n: XmlNode) => {
    const attrs = n.attrs ?? [];
    w.u8(attrs.length ? 0x41 : 0x01).u16(0xffff);
    const sizeAt = w.pos;
    w.u32(0);
    name(n.name);
    if (attrs.length) {
      const listAt = w.pos;
      w.u32(0);
      attrs.forEach(([k, v], i) => {
        w.u8(i < attrs.length - 1 ? 0x46 : 0x06);
        name(k);
        part(v);
      });
      w.patch32(listAt, w.pos - listAt - 4);
    }
    const kids = n.children ?? [];
    if (kids.length === 0) w.u8(0x03);
    else {
      w.u8(0x02);
      for (const k of kids) typeof k === "object" && "name" in k ? element(k) : part(k);
      w.u8(0x04);
    }
    w.patch32(sizeAt, w.pos - sizeAt - 4);
  };
  w.u32(0).bytes(guid);
  const sizeAt = w.pos;
  w.u32(0);
  w.u8(0x0f).u8(1).u8(1).u8(0);
  element(root);
  w.u8(0x00);
  w.patch32(sizeAt, w.pos - sizeAt - 4);
  return w.result();
}

/** Typed substitution values: the descriptor array and the data (libyal §4.8). */
export type Value = { type: ValueType; data: Buffer } | null;

export function substitutionArray(w: ByteWriter, values: Value[]): void {
  w.u32(values.length);
  for (const v of values) w.u16(v ? v.data.length : 0).u8(v ? v.type : 0x00).u8(0);
  for (const v of values) if (v) w.bytes(v.data);
}

const FILETIME_EPOCH_MS = 11_644_473_600_000n;
export const filetime = (ms: number): bigint => (BigInt(Math.round(ms)) + FILETIME_EPOCH_MS) * 10_000n;

/** Encoders from the text form a field is written in to the value type its slot declares. */
export const value = {
  string: (s: string): Value => ({ type: VT.string, data: Buffer.from(s, "utf16le") }),
  uint8: (n: number): Value => ({ type: VT.uint8, data: Buffer.from([n & 0xff]) }),
  uint16: (n: number): Value => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return { type: VT.uint16, data: b }; },
  uint32: (n: number): Value => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return { type: VT.uint32, data: b }; },
  uint64: (n: bigint): Value => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return { type: VT.uint64, data: b }; },
  hex64: (n: bigint): Value => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return { type: VT.hex64, data: b }; },
  filetime: (ms: number): Value => { const b = Buffer.alloc(8); b.writeBigUInt64LE(filetime(ms)); return { type: VT.filetime, data: b }; },
  /** `{xxxxxxxx-xxxx-...}` to the GUID's mixed-endian bytes. */
  guid: (g: string): Value => ({ type: VT.guid, data: guidBytes(g) }),
  /** `S-1-5-21-…` to the binary SID. */
  sid: (s: string): Value => {
    const [, rev, auth, ...subs] = s.split("-");
    const b = Buffer.alloc(8 + 4 * subs.length);
    b[0] = Number(rev);
    b[1] = subs.length;
    b.writeUIntBE(Number(auth), 2, 6);
    subs.forEach((x, i) => b.writeUInt32LE(Number(x) >>> 0, 8 + 4 * i));
    return { type: VT.sid, data: b };
  },
};

export function guidBytes(g: string): Buffer {
  const h = g.replace(/[{}-]/g, "");
  const b = Buffer.from(h, "hex");
  return Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
}
