/**
 * A small OData `$filter` parser: a tokenizer plus a recursive-descent parser producing a typed
 * syntax tree. It covers what MDE documents and what clients send (comparisons, `and`/`or`/`not`,
 * parentheses, `in (...)`, `startswith(...)` and friends, unquoted date literals, and
 * `machineTags/any(tag: tag eq 'x')`); anything else is a syntax error naming the position
 * (0-based character offset), as OData's own parser does.
 */
import { ForensicsError } from "../../provider/util/error";

export type CompareOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le";
export type Literal = { type: "string"; value: string } | { type: "number"; value: number } | { type: "date"; value: number; text: string }
  | { type: "bool"; value: boolean } | { type: "null" };

export type FilterNode =
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "not"; operand: FilterNode }
  | { kind: "compare"; op: CompareOp; left: FilterNode; right: FilterNode; pos: number }
  | { kind: "in"; left: FilterNode; values: FilterNode[]; pos: number }
  | { kind: "call"; name: string; args: FilterNode[]; pos: number }
  | { kind: "lambda"; collection: string; quantifier: "any" | "all"; variable: string | null; body: FilterNode | null; pos: number }
  | { kind: "property"; name: string; pos: number }
  | { kind: "literal"; literal: Literal; pos: number };

/** A syntax or semantic error in a filter; `position` is the 0-based offset of the offending token. */
export class FilterError extends ForensicsError {
  override name = "FilterError";
  constructor(
    message: string,
    readonly position: number,
    readonly text: string,
  ) {
    super(`${message} at position ${position} in '${text}'.`);
  }
}

type Token = { kind: "(" | ")" | "," | ":" | "/" | "string" | "number" | "date" | "word" | "eof"; text: string; pos: number };

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(Z|[+-]\d{2}:\d{2})?/;
const NUMBER = /^-?\d+(\.\d+)?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_.]*/;

/** Splits a filter into tokens; a stray character or an unterminated string is an error. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if ("(),:/".includes(c)) {
      tokens.push({ kind: c as Token["kind"], text: c, pos: i++ });
    } else if (c === "'") {
      let value = "";
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new FilterError("Unterminated string literal", i, text);
        if (text[j] === "'") {
          if (text[j + 1] === "'") { value += "'"; j += 2; continue; }
          break;
        }
        value += text[j++];
      }
      tokens.push({ kind: "string", text: value, pos: i });
      i = j + 1;
    } else {
      const rest = text.slice(i);
      const m = DATE.exec(rest) ?? null;
      const isDate = m !== null && (m[1] !== undefined || m[4] !== undefined || /^\d{4}-\d{2}-\d{2}(?![\d.])/.test(rest));
      const match = isDate ? m : (NUMBER.exec(rest) ?? WORD.exec(rest));
      if (!match) throw new FilterError(`Syntax error: unexpected character '${c}'`, i, text);
      const kind = isDate ? "date" : /^-?\d/.test(match[0]) ? "number" : "word";
      tokens.push({ kind, text: match[0], pos: i });
      i += match[0].length;
    }
  }
  tokens.push({ kind: "eof", text: "", pos: text.length });
  return tokens;
}

const COMPARE_OPS = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);

/** Parses a `$filter` value into a syntax tree. */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const isWord = (w: string) => peek().kind === "word" && peek().text.toLowerCase() === w;
  const fail = (what: string, t = peek()): never =>
    { throw new FilterError(`Syntax error: ${what}, found ${t.kind === "eof" ? "end of input" : `'${t.text}'`}`, t.pos, text); };
  const expect = (kind: Token["kind"], what: string) => (peek().kind === kind ? tokens[at++] : fail(`expected ${what}`));

  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (isWord("or")) { at++; left = { kind: "or", left, right: andExpr() }; }
    return left;
  };
  const andExpr = (): FilterNode => {
    let left = unary();
    while (isWord("and")) { at++; left = { kind: "and", left, right: unary() }; }
    return left;
  };
  const unary = (): FilterNode => {
    if (isWord("not")) { at++; return { kind: "not", operand: unary() }; }
    return comparison();
  };
  const comparison = (): FilterNode => {
    const left = primary();
    const t = peek();
    if (t.kind === "word" && COMPARE_OPS.has(t.text.toLowerCase())) {
      at++;
      return { kind: "compare", op: t.text.toLowerCase() as CompareOp, left, right: primary(), pos: t.pos };
    }
    if (isWord("in")) {
      at++;
      expect("(", "'(' after 'in'");
      const values = [primary()];
      while (peek().kind === ",") { at++; values.push(primary()); }
      expect(")", "')' to close the 'in' list");
      return { kind: "in", left, values, pos: t.pos };
    }
    return left;
  };
  const primary = (): FilterNode => {
    const t = peek();
    if (t.kind === "(") {
      at++;
      const inner = orExpr();
      expect(")", "')'");
      return inner;
    }
    if (t.kind === "string") { at++; return { kind: "literal", literal: { type: "string", value: t.text }, pos: t.pos }; }
    if (t.kind === "number") { at++; return { kind: "literal", literal: { type: "number", value: Number(t.text) }, pos: t.pos }; }
    if (t.kind === "date") {
      at++;
      const ms = Date.parse(t.text.length === 11 && t.text.endsWith("Z") ? `${t.text.slice(0, 10)}T00:00:00Z` : t.text);
      if (Number.isNaN(ms)) fail("invalid date literal", t);
      return { kind: "literal", literal: { type: "date", value: ms, text: t.text }, pos: t.pos };
    }
    if (t.kind !== "word") return fail("expected a property, a literal or '('");
    at++;
    const word = t.text.toLowerCase();
    if (word === "true" || word === "false") return { kind: "literal", literal: { type: "bool", value: word === "true" }, pos: t.pos };
    if (word === "null") return { kind: "literal", literal: { type: "null" }, pos: t.pos };
    if (peek().kind === "(") {
      at++;
      const args: FilterNode[] = [];
      if (peek().kind !== ")") {
        args.push(orExpr());
        while (peek().kind === ",") { at++; args.push(orExpr()); }
      }
      expect(")", "')' to close the function call");
      return { kind: "call", name: word, args, pos: t.pos };
    }
    if (peek().kind === "/") {
      at++;
      const q = expect("word", "'any' or 'all' after '/'");
      const quantifier = q.text.toLowerCase();
      if (quantifier !== "any" && quantifier !== "all") fail("expected 'any' or 'all' after '/'", q);
      expect("(", "'(' after the lambda operator");
      if (peek().kind === ")") { at++; return { kind: "lambda", collection: t.text, quantifier: quantifier as "any", variable: null, body: null, pos: t.pos }; }
      const variable = expect("word", "a lambda variable").text;
      expect(":", "':' after the lambda variable");
      const body = orExpr();
      expect(")", "')' to close the lambda");
      return { kind: "lambda", collection: t.text, quantifier: quantifier as "any" | "all", variable, body, pos: t.pos };
    }
    return { kind: "property", name: t.text, pos: t.pos };
  };

  if (peek().kind === "eof") fail("empty filter");
  const tree = orExpr();
  if (peek().kind !== "eof") fail("expected 'and', 'or' or end of input");
  return tree;
}
