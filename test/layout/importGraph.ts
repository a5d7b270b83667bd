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
