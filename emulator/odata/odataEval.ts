/**
 * Evaluates a parsed `$filter` against records, and applies `$top`/`$skip`. Each entity declares
 * which properties are filterable and their types; anything else is rejected up front with the
 * error OData gives, so a client cannot rely on a filter that the real service would refuse.
 * String comparisons ignore case, as the service's SQL collation does.
 */
import { FilterError, parseFilter, type FilterNode, type Literal } from "./odataFilter";

export type FieldType = "string" | "number" | "date" | "stringArray";

export interface FilterableEntity {
  /** The service's type name, used in error messages. */
  typeName: string;
  fields: Record<string, FieldType>;
}

type Value = string | number | boolean | null | string[] | { date: number };
/** An `or` chain of `field eq 'literal'` on one string field, answered by a set lookup. */
type EqSet = { field: string; values: Set<string> };
type Env = { record: Record<string, unknown>; vars: Record<string, Value>; sets?: Map<FilterNode, EqSet> };

/** Parses and checks `text`; returns a predicate. Throws FilterError for syntax or unknown properties. */
export function compileFilter(text: string, entity: FilterableEntity): (record: Record<string, unknown>) => boolean {
  const tree = parseFilter(text);
  const fieldOf = new Map(Object.keys(entity.fields).map((f) => [f.toLowerCase(), f]));
  const check = (n: FilterNode, vars: Set<string>): void => {
    switch (n.kind) {
      case "and": case "or": check(n.left, vars); check(n.right, vars); return;
      case "not": check(n.operand, vars); return;
      case "compare": check(n.left, vars); check(n.right, vars); return;
      case "in": check(n.left, vars); n.values.forEach((v) => check(v, vars)); return;
      case "call":
        if (!FUNCTIONS[n.name]) throw new FilterError(`Unknown function '${n.name}'`, n.pos, text);
        n.args.forEach((a) => check(a, vars));
        return;
      case "lambda": {
        const f = fieldOf.get(n.collection.toLowerCase());
        if (!f || entity.fields[f] !== "stringArray") throw new FilterError(`'${n.collection}' is not a filterable collection of ${entity.typeName}`, n.pos, text);
        if (n.body) check(n.body, new Set([...vars, n.variable!]));
        return;
      }
      case "property":
        if (!vars.has(n.name) && !fieldOf.has(n.name.toLowerCase())) {
          throw new FilterError(`Could not find a property named '${n.name}' on type '${entity.typeName}'`, n.pos, text);
        }
        return;
      case "literal": return;
    }
  };
  check(tree, new Set());
  const sets = eqSets(tree, entity, fieldOf);
  return (record) => truthy(evaluate(tree, { record, vars: {}, sets }, entity, fieldOf));
}

/**
 * Clients ask for many ids at once (`id eq 'a' or id eq 'b' or …`, 50 of them per call): walked
 * node by node over every action, such a chain made one list call cost half a second at 5000
 * actions. Chains of equalities on one string field become a set lookup, with the same
 * case-insensitive comparison.
 */
function eqSets(tree: FilterNode, entity: FilterableEntity, fieldOf: Map<string, string>): Map<FilterNode, EqSet> {
  const sets = new Map<FilterNode, EqSet>();
  const leaves = (n: FilterNode): FilterNode[] => (n.kind === "or" ? [...leaves(n.left), ...leaves(n.right)] : [n]);
  const equality = (n: FilterNode): { field: string; value: string } | undefined => {
    if (n.kind !== "compare" || n.op !== "eq") return undefined;
    const [p, l] = n.left.kind === "property" ? [n.left, n.right] : [n.right, n.left];
    if (p.kind !== "property" || l.kind !== "literal" || l.literal.type !== "string") return undefined;
    const field = fieldOf.get(p.name.toLowerCase());
    return field && entity.fields[field] === "string" ? { field, value: String(l.literal.value).toLowerCase() } : undefined;
  };
  const walk = (n: FilterNode): void => {
    if (n.kind === "or") {
      const eqs = leaves(n).map(equality);
      if (eqs.every((e) => e !== undefined) && new Set(eqs.map((e) => e!.field)).size === 1) {
        sets.set(n, { field: eqs[0]!.field, values: new Set(eqs.map((e) => e!.value)) });
        return;
      }
      walk(n.left);
      walk(n.right);
    } else if (n.kind === "and") {
      walk(n.left);
      walk(n.right);
    } else if (n.kind === "not") walk(n.operand);
  };
  walk(tree);
  return sets;
}

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  startswith: ([a, b]) => str(a).startsWith(str(b)),
  endswith: ([a, b]) => str(a).endsWith(str(b)),
  contains: ([a, b]) => str(a).includes(str(b)),
  tolower: ([a]) => str(a),
  toupper: ([a]) => str(a).toUpperCase(),
};

function evaluate(n: FilterNode, env: Env, entity: FilterableEntity, fieldOf: Map<string, string>): Value {
  const ev = (x: FilterNode, e = env) => evaluate(x, e, entity, fieldOf);
  switch (n.kind) {
    case "and": return truthy(ev(n.left)) && truthy(ev(n.right));
    case "or": {
      const set = env.sets?.get(n);
      if (set) {
        const raw = env.record[set.field];
        return raw !== undefined && raw !== null && set.values.has(str(raw as Value));
      }
      return truthy(ev(n.left)) || truthy(ev(n.right));
    }
    case "not": return !truthy(ev(n.operand));
    case "compare": return compare(n.op, ev(n.left), ev(n.right));
    case "in": { const left = ev(n.left); return n.values.some((v) => compare("eq", left, ev(v))); }
    case "call": return FUNCTIONS[n.name](n.args.map((a) => ev(a)));
    case "lambda": {
      const items = (ev({ kind: "property", name: n.collection, pos: n.pos }) as string[] | null) ?? [];
      if (!n.body) return n.quantifier === "any" ? items.length > 0 : true;
      const test = (item: string) => truthy(ev(n.body!, { record: env.record, vars: { ...env.vars, [n.variable!]: item } }));
      return n.quantifier === "any" ? items.some(test) : items.every(test);
    }
    case "property": {
      if (n.name in env.vars) return env.vars[n.name];
      const field = fieldOf.get(n.name.toLowerCase())!;
      const raw = env.record[field];
      if (raw === undefined || raw === null) return null;
      if (entity.fields[field] === "date") return { date: Date.parse(String(raw)) };
      return raw as Value;
    }
    case "literal": return literalValue(n.literal);
  }
}

function literalValue(l: Literal): Value {
  switch (l.type) {
    case "string": case "number": case "bool": return l.value;
    case "date": return { date: l.value };
    case "null": return null;
  }
}

/** Ordering of two values; dates compare by instant, strings case-insensitively. */
function compare(op: string, a: Value, b: Value): boolean {
  if (a === null || b === null) return op === "eq" ? a === b : op === "ne" ? a !== b : false;
  let x: number | string;
  let y: number | string;
  if (isDate(a) || isDate(b)) {
    x = toMs(a); y = toMs(b);
  } else if (typeof a === "number" && typeof b === "number") {
    x = a; y = b;
  } else {
    x = str(a); y = str(b);
  }
  switch (op) {
    case "eq": return x === y;
    case "ne": return x !== y;
    case "gt": return x > y;
    case "ge": return x >= y;
    case "lt": return x < y;
    default: return x <= y;
  }
}

const isDate = (v: Value): v is { date: number } => typeof v === "object" && v !== null && !Array.isArray(v);
const toMs = (v: Value): number => (isDate(v) ? v.date : Date.parse(String(v)));
const str = (v: Value): string => (Array.isArray(v) ? v.join(",") : isDate(v) ? new Date(v.date).toISOString() : String(v)).toLowerCase();
const truthy = (v: Value): boolean => v === true;

/** Documented page limit of every list API. */
export const MAX_TOP = 10_000;

/** Parses `$top`/`$skip`; out-of-range values give OData's own messages. */
export function pageParams(query: URLSearchParams): { top: number; skip: number } {
  const num = (name: string, fallback: number) => {
    const raw = query.get(name);
    if (raw === null) return fallback;
    if (!/^\d+$/.test(raw.trim())) throw new RangeError(`Invalid value '${raw}' for $${name.slice(1)} query option found. The $${name.slice(1)} query option requires a non-negative integer value.`);
    return Number(raw);
  };
  const top = num("$top", MAX_TOP);
  if (top > MAX_TOP) throw new RangeError(`The limit of '${MAX_TOP}' for Top query has been exceeded. The value from the incoming request is '${top}'.`);
  return { top, skip: num("$skip", 0) };
}
