/**
 * ARCHITECTURE.md stays true: every row of its "Where is X" table names a file, a line range and
 * a function or const, and the file must declare that name inside that range. Files move and
 * grow while the table is read by people who trust it, so a stale row fails here, saying where
 * the name is declared now. Every repository path the document mentions must exist too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { declarationLines, findDeclarations } from "./declarations";
import { readRepoFile, REPO_ROOT } from "./repoFiles";

const DOC = "ARCHITECTURE.md";
const TABLE_HEADING = "## Where is X";
/** What issue #15 asks the table to answer, matched in the first column (case-insensitive). */
const REQUIRED_TOPICS = ["adoption", "retry-after", "sha-256", "stack config", "custody", "quotas", "correlation marker"];
/** A row points at a function, not at a whole file: wider ranges stop telling the reader anything. */
const MAX_RANGE_LINES = 80;

interface Reference {
  topic: string;
  file: string;
  start: number;
  end: number;
  name: string;
}

const text = readRepoFile(DOC);

function tableRows(): string[][] {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.trim() === TABLE_HEADING);
  if (at < 0) throw new Error(`${DOC} has no heading "${TABLE_HEADING}"`);
  const after = lines.slice(at + 1);
  const first = after.findIndex((l) => l.startsWith("|"));
  const end = after.slice(first).findIndex((l) => !l.startsWith("|"));
  const table = after.slice(first, end < 0 ? undefined : first + end);
  return table.slice(2).map((row) => row.split("|").slice(1, -1).map((c) => c.trim()));
}

function references(): Reference[] {
  return tableRows().flatMap(([topic, where]) => {
    const refs = [...(where ?? "").matchAll(/`([\w./-]+):(\d+)-(\d+)`,\s*`([\w$.]+)`/g)];
    if (refs.length === 0) throw new Error(`${DOC}: the row "${topic}" names no \`file:start-end\`, \`function\``);
    return refs.map((m) => ({ topic, file: m[1], start: Number(m[2]), end: Number(m[3]), name: m[4] }));
  });
}

/** Why `ref` is stale, or undefined when the file declares the name inside the range. */
function staleness(ref: Reference): string | undefined {
  const where = `${ref.file}:${ref.start}-${ref.end}, ${ref.name}`;
  if (ref.end < ref.start || ref.end - ref.start + 1 > MAX_RANGE_LINES) {
    return `${where}: give the function's own lines (at most ${MAX_RANGE_LINES}), start before end`;
  }
  const elsewhere = () => {
    const found = findDeclarations(ref.name);
    return found.length > 0 ? `it is declared in ${found.join(", ")}` : "it is declared nowhere in the sources now";
  };
  if (!fs.existsSync(path.join(REPO_ROOT, ref.file))) return `${where}: the file does not exist; ${elsewhere()}`;
  const lines = declarationLines(readRepoFile(ref.file), ref.name);
  // The range starts where the declaration does: a reader jumping to `file:start` lands on it.
  if (lines.includes(ref.start)) return undefined;
  if (lines.length > 0) return `${where}: ${ref.name} is declared at line ${lines.join(", ")} of ${ref.file} now`;
  return `${where}: ${ref.file} does not declare ${ref.name}; ${elsewhere()}`;
}

it("answers every question issue #15 asks of the table", () => {
  const topics = tableRows().map(([topic]) => topic.toLowerCase());
  const missing = REQUIRED_TOPICS.filter((t) => !topics.some((topic) => topic.includes(t)));
  expect(missing).toEqual([]);
});

it("points every row at the line that declares its function", () => {
  const stale = references().flatMap((ref) => {
    const why = staleness(ref);
    return why ? [`  ${ref.topic}: ${why}`] : [];
  });
  if (stale.length > 0) throw new Error(`${DOC} "${TABLE_HEADING}" is out of date:\n${stale.join("\n")}`);
});

it("mentions only repository files that exist", () => {
  const paths = [...text.matchAll(/(?<![\w./-])((?:provider|emulator|scripts|bench|examples|test|docs)\/[\w./-]*\w\.(?:ts|js|sh|md|json|ya?ml))\b/g)];
  const missing = [...new Set(paths.map((m) => m[1]))].filter((p) => !fs.existsSync(path.join(REPO_ROOT, p)));
  expect(missing).toEqual([]);
});

it("names only functions and types that its files declare", () => {
  const pairs = [
    ...[...text.matchAll(/`([\w./-]+\.ts)`,\s*`([\w$.]+)`/g)].map((m) => ({ file: m[1], name: m[2] })),
    ...[...text.matchAll(/`([\w./-]+\.ts)`\s+\(`([\w$.]+)`/g)].map((m) => ({ file: m[1], name: m[2] })),
    ...[...text.matchAll(/`([\w$.]+)`\s+\(`([\w./-]+\.ts)`/g)].map((m) => ({ file: m[2], name: m[1] })),
  ];
  expect(pairs.length).toBeGreaterThan(10);
  const wrong = pairs
    .filter(({ name }) => !/\.(ts|js|sh|md|json|ya?ml)$/.test(name)) // two files side by side, not a file and a name
    .filter(({ file, name }) => !fs.existsSync(path.join(REPO_ROOT, file)) || declarationLines(readRepoFile(file), name).length === 0)
    .map(({ file, name }) => `${file}: ${name} (${findDeclarations(name).join(", ") || "declared nowhere"})`);
  expect(wrong).toEqual([]);
});
