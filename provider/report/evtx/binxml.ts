/**
 * EVTX binary XML (the libyal EVTX documentation, "Binary XML"): the tokens of a record's
 * fragment, read into a small element tree. Templates are parsed once per chunk (cached by their
 * chunk offset) into items with substitution slots, then filled with each record's values; a
 * value of type BinXml is a nested fragment (Windows puts EventData there) and becomes child
 * elements. Everything is bounds-checked by Buffer reads: a damaged record throws, and the
 * caller (chunks.ts) skips that record and says why.
 *
 * The tree is built as it is read: an element's attributes, text and children are resolved from
 * its template and values only when asked for. A triage reads four of a record's thirty-odd
 * elements (and a kept event's data); building them all was most of what the report allocated
 * (10 MB a default package, bench/README.md "Triage report"). A damaged part of a record
 * nobody reads is therefore not noticed: the record's tokens up to its values are still checked.
 */
import { BINXML_TYPE, valueText } from "./values";

/** One element of a record, resolved when read. */
export class Element {
  private built?: { children: Element[]; text: string };

  constructor(
    private readonly xml: ChunkXml,
    private readonly node: Node,
    private readonly values: Value[],
    private readonly depth: number,
  ) {}

  get name(): string {
    return this.node.name;
  }

  /** The attribute's text, or undefined when the element has none of that name. */
  attr(name: string): string | undefined {
    const a = this.node.attrs.find(([n]) => n === name);
    return a && this.xml.text(a[1], this.values, this.depth);
  }

  get children(): Element[] {
    return (this.built ??= this.xml.contentOf(this.node.content, this.values, this.depth)).children;
  }

  get text(): string {
    return (this.built ??= this.xml.contentOf(this.node.content, this.values, this.depth)).text;
  }
}

type Slot = { sub: number; optional: boolean };
type Part = string | Slot | Element;
interface Node { name: string; attrs: Array<[string, Part[]]>; content: Array<Node | Part> }
type Item = Node | Part;
interface Value { type: number; offset: number; size: number }

const MAX_DEPTH = 24;
const VALUE_TOKENS = new Set([0x05, 0x08, 0x09, 0x0d, 0x0e]);

export class ChunkXml {
  private readonly templates = new Map<number, Item[]>();
  private readonly names = new Map<number, string>();

  constructor(private readonly c: Buffer) {}

  /** The root element of the record whose binary XML starts at `offset` (chunk-relative). */
  record(offset: number, end: number): Element | undefined {
    const items = this.content({ pos: offset }, end, 0, true);
    return this.resolve(items, []).find((x): x is Element => typeof x !== "string");
  }

  private content(cur: { pos: number }, end: number, depth: number, topLevel = false): Item[] {
    if (depth > MAX_DEPTH) throw new Error("binary XML nested too deep");
    const c = this.c;
    const out: Item[] = [];
    while (cur.pos < end) {
      const token = c[cur.pos];
      switch (token & 0xbf) {
        case 0x00: cur.pos++; return out;
        case 0x0f: cur.pos += 4; break;
        case 0x01: out.push(this.element(cur, end, depth)); break;
        case 0x02: case 0x03: case 0x04: if (topLevel) throw new Error(`unexpected token 0x${token.toString(16)}`); return out;
        case 0x05: case 0x08: case 0x09: case 0x0d: case 0x0e: out.push(this.valuePart(cur)); break;
        case 0x07: cur.pos++; out.push(this.utf16(cur)); break;
        case 0x0a: cur.pos++; this.name(cur); break;
        case 0x0b: cur.pos++; this.utf16(cur); break;
        case 0x0c: out.push(...this.templateInstance(cur, depth)); break;
        default: throw new Error(`unknown binary XML token 0x${token.toString(16)} at ${cur.pos}`);
      }
    }
    return out;
  }

  private element(cur: { pos: number }, end: number, depth: number): Node {
    const c = this.c;
    const hasAttrs = (c[cur.pos] & 0x40) !== 0;
    cur.pos += 1 + 2 + 4; // token, dependency id, data size
    const node: Node = { name: this.name(cur), attrs: [], content: [] };
    if (hasAttrs) cur.pos += 4; // attribute list size
    while (hasAttrs && (c[cur.pos] & 0xbf) === 0x06) {
      cur.pos++;
      const name = this.name(cur);
      const value: Part[] = [];
      while (VALUE_TOKENS.has(c[cur.pos] & 0xbf)) value.push(this.valuePart(cur));
      node.attrs.push([name, value]);
    }
    const close = c[cur.pos++];
    if (close === 0x03) return node;
    if (close !== 0x02) throw new Error(`element ${node.name} not closed (token 0x${close.toString(16)})`);
    node.content = this.content(cur, end, depth + 1);
    if (c[cur.pos] !== 0x04) throw new Error(`element ${node.name} has no end`);
    cur.pos++;
    return node;
  }

  /** One value token: text, character or entity reference, substitution slot. */
  private valuePart(cur: { pos: number }): Part {
    const c = this.c;
    const token = c[cur.pos] & 0xbf;
    if (token === 0x05) {
      cur.pos += 2;
      return this.utf16(cur);
    }
    if (token === 0x08) {
      cur.pos += 3;
      return String.fromCharCode(c.readUInt16LE(cur.pos - 2));
    }
    if (token === 0x09) {
      cur.pos++;
      return `&${this.name(cur)};`;
    }
    cur.pos += 4;
    return { sub: c.readUInt16LE(cur.pos - 3), optional: token === 0x0e };
  }

  private templateInstance(cur: { pos: number }, depth: number): Item[] {
    const c = this.c;
    const defOffset = c.readUInt32LE(cur.pos + 6);
    cur.pos += 10;
    if (defOffset === cur.pos) {
      const size = c.readUInt32LE(cur.pos + 20);
      cur.pos += 24 + size;
    }
    let template = this.templates.get(defOffset);
    if (!template) {
      const size = c.readUInt32LE(defOffset + 20);
      template = this.content({ pos: defOffset + 24 }, defOffset + 24 + size, depth + 1);
      this.templates.set(defOffset, template);
    }
    const count = c.readUInt32LE(cur.pos);
    if (count > 4096) throw new Error(`template instance claims ${count} values`);
    const values: Value[] = [];
    let data = cur.pos + 4 + 4 * count;
    for (let i = 0; i < count; i++) {
      const size = c.readUInt16LE(cur.pos + 4 + 4 * i);
      values.push({ type: c[cur.pos + 6 + 4 * i], offset: data, size });
      data += size;
    }
    if (data > c.length) throw new Error("template values run past the chunk");
    cur.pos = data;
    return this.resolve(template, values, depth);
  }

  /** Fills a template's slots with values; BinXml values become elements. */
  private resolve(items: Item[], values: Value[], depth = 0): Array<string | Element> {
    const out: Array<string | Element> = [];
    for (const it of items) {
      if (typeof it === "string") out.push(it);
      else if ("sub" in it) out.push(...this.fill(it, values, depth));
      else if ("content" in it) out.push(this.build(it, values, depth));
      else out.push(it);
    }
    return out;
  }

  private fill(slot: Slot, values: Value[], depth: number): Array<string | Element> {
    const v = values[slot.sub];
    if (!v || v.type === 0) return [];
    if (v.type === BINXML_TYPE) return this.resolve(this.content({ pos: v.offset }, v.offset + v.size, depth + 1), [], depth + 1);
    return [valueText(v.type, this.c, v.offset, v.size)];
  }

  private build(n: Node, values: Value[], depth: number): Element {
    return new Element(this, n, values, depth);
  }

  /** An attribute's parts as text (Element.attr). */
  text(parts: Part[], values: Value[], depth: number): string {
    let text = "";
    for (const p of this.resolve(parts, values, depth)) if (typeof p === "string") text += p;
    return text;
  }

  /** An element's content as its text and child elements (Element.children, Element.text). */
  contentOf(items: Array<Node | Part>, values: Value[], depth: number): { children: Element[]; text: string } {
    const out = { children: [] as Element[], text: "" };
    for (const part of this.resolve(items, values, depth)) {
      if (typeof part === "string") out.text += part;
      else out.children.push(part);
    }
    return out;
  }

  /** A name at an offset; when the offset is the current position, the name is inline and skipped over. */
  private name(cur: { pos: number }): string {
    const off = this.c.readUInt32LE(cur.pos);
    cur.pos += 4;
    const known = this.names.get(off);
    const count = this.c.readUInt16LE(off + 6);
    const text = known ?? this.c.toString("utf16le", off + 8, off + 8 + 2 * count);
    this.names.set(off, text);
    if (off === cur.pos) cur.pos += 8 + 2 * count + 2;
    return text;
  }

  private utf16(cur: { pos: number }): string {
    const n = this.c.readUInt16LE(cur.pos);
    const s = this.c.toString("utf16le", cur.pos + 2, cur.pos + 2 + 2 * n);
    cur.pos += 2 + 2 * n;
    return s;
  }
}
