/**
 * The repository's TypeScript import graph, file to file, as the layout guards need it: every
 * relative import, `export … from`, `import()` and `require()`, plus the package's own names
 * (`pulumi-mde-forensics`, `…/emulator`), which tsconfig maps onto provider/ and emulator/ so
 * that examples and tests read like a user's code. Type-only imports count: a cycle of types is
 * still two folders that cannot be understood one without the other.
 */
import * as path from "node:path";
import { readRepoFile, repoFiles } from "./repoFiles";

export interface ImportEdge {
  from: string;
  to: string;
  /** 1-based line of the specifier in `from`. */
  line: number;
  specifier: string;
}

/** The package's own names, as tsconfig.json's `paths` and package.json's `exports` map them. */
const SELF_NAMES: Record<string, string> = {
  "pulumi-mde-forensics": "provider/index.ts",
  "pulumi-mde-forensics/emulator": "emulator/index.ts",
  "pulumi-mde-forensics/provider-runtime": "provider/resource/collectionProvider.ts",
  "pulumi-mde-forensics/sweep-runtime": "provider/sweep/sweepProvider.ts",
};

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g;

function resolve(fromFile: string, specifier: string, files: Set<string>): string | undefined {
  if (SELF_NAMES[specifier]) return SELF_NAMES[specifier];
  if (!specifier.startsWith(".")) return undefined;
  const base = path.posix.join(path.posix.dirname(fromFile), specifier);
  const candidates = [base, `${base}.ts`, `${base}.js`, `${base}/index.ts`, `${base}/index.js`];
  return candidates.find((c) => files.has(c));
}

export function importEdges(): ImportEdge[] {
  const all = repoFiles();
  const files = new Set(all);
  const edges: ImportEdge[] = [];
  for (const file of all.filter((f) => f.endsWith(".ts"))) {
    readRepoFile(file)
      .split("\n")
      .forEach((text, i) => {
        const trimmed = text.trim();
        if (trimmed.startsWith("//") || trimmed.startsWith("*") || trimmed.startsWith("/*")) return;
        for (const m of text.matchAll(SPECIFIER)) {
          const to = resolve(file, m[1], files);
          if (to && to !== file) edges.push({ from: file, to, line: i + 1, specifier: m[1] });
        }
      });
  }
  return edges;
}

export interface MutualImport {
  a: string;
  b: string;
  aToB: ImportEdge;
  bToA: ImportEdge;
}

/** Pairs of groups (folders) that import each other, with one import line of each direction. */
export function mutualImports(edges: readonly ImportEdge[], groupOf: (file: string) => string | undefined): MutualImport[] {
  const first = new Map<string, ImportEdge>();
  for (const e of edges) {
    const from = groupOf(e.from);
    const to = groupOf(e.to);
    if (from === undefined || to === undefined || from === to) continue;
    const key = `${from}\0${to}`;
    if (!first.has(key)) first.set(key, e);
  }
  const found: MutualImport[] = [];
  for (const [key, aToB] of first) {
    const [a, b] = key.split("\0");
    const bToA = first.get(`${b}\0${a}`);
    if (bToA && a < b) found.push({ a, b, aToB, bToA });
  }
  return found.sort((x, y) => `${x.a}${x.b}`.localeCompare(`${y.a}${y.b}`));
}

export function describeMutual(m: MutualImport): string {
  const line = (e: ImportEdge) => `${e.from}:${e.line} imports "${e.specifier}" (${e.to})`;
  return `  ${m.a} ⇄ ${m.b}\n    ${line(m.aToB)}\n    ${line(m.bToA)}`;
}

/** Files that import each other round a loop: all the files of one tangle, and its shortest loop. */
export interface ImportCycle {
  /** Every file of the tangle (a strongly connected set), sorted: any one reaches all the others. */
  files: string[];
  /** The shortest loop from the tangle's first file back to itself, one import line per step. */
  path: ImportEdge[];
}

/**
 * The import cycles of a file graph, one per tangle (Tarjan's strongly connected components),
 * each with a loop to read and fix first. Reporting the tangle, not every loop, keeps an
 * 11-file circle one finding rather than hundreds.
 */
export function importCycles(edges: readonly ImportEdge[]): ImportCycle[] {
  const first = new Map<string, Map<string, ImportEdge>>();
  for (const e of edges) {
    const out = first.get(e.from) ?? new Map<string, ImportEdge>();
    if (!out.has(e.to)) out.set(e.to, e);
    first.set(e.from, out);
  }
  const next = (file: string) => [...(first.get(file)?.values() ?? [])].sort((x, y) => x.to.localeCompare(y.to));
  const files = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();

  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const tangles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const { to } of next(v)) {
      if (!index.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(v, Math.min(low.get(v)!, index.get(to)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const tangle: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      tangle.push(w);
    } while (w !== v);
    if (tangle.length > 1) tangles.push(tangle.sort());
  };
  for (const f of files) if (!index.has(f)) visit(f);

  return tangles
    .map((tangle) => ({ files: tangle, path: shortestLoop(tangle, next) }))
    .sort((x, y) => x.files[0].localeCompare(y.files[0]));
}

/** Breadth-first from the tangle's first file, inside the tangle, until an import leads back to it. */
function shortestLoop(tangle: string[], next: (file: string) => ImportEdge[]): ImportEdge[] {
  const inside = new Set(tangle);
  const start = tangle[0];
  const via = new Map<string, ImportEdge>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const e of next(queue[i]).filter((x) => inside.has(x.to))) {
      if (e.to === start) {
        const loop = [e];
        for (let at = e.from; at !== start; at = via.get(at)!.from) loop.unshift(via.get(at)!);
        return loop;
      }
      if (!via.has(e.to)) {
        via.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  throw new Error(`no loop through ${start}, yet it is in a tangle`);
}

/** `a -> b -> c -> a`, then the import line of each step, then the tangle when it is larger than the loop. */
export function describeCycle(c: ImportCycle): string {
  const loop = [...c.path.map((e) => e.from), c.path[0].from].join(" -> ");
  const steps = c.path.map((e) => `    ${e.from}:${e.line} imports "${e.specifier}"`).join("\n");
  const rest = c.files.length > c.path.length ? `\n    (${c.files.length} files in this tangle: ${c.files.join(", ")})` : "";
  return `  ${loop}\n${steps}${rest}`;
}
