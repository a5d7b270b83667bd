/**
 * ARCHITECTURE.md stays true: every row of its "Where is X" table names files and, in each, a
 * function, const, class or type (`Class.member` for a method), and each file must declare its
 * name. No line numbers: a row stays right while the file around the name is edited, and fails
 * here, naming the row and where the name is declared now, only when the name moves. Every
 * repository path the document mentions must exist too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { declarationLines, findDeclarations } from "./declarations";
import { readRepoFile, REPO_ROOT } from "./repoFiles";

const DOC = "ARCHITECTURE.md";
const TABLE_HEADING = "## Where is X";
/** What issues #15 and #19 ask the table to answer, matched in the first column (case-insensitive). */
const REQUIRED_TOPICS = [
  "adoption",
  "retry-after",
  "sha-256",
  "stack config",
  "custody",
  "quotas",
  "correlation marker",
  "link refresh",
  "signing",
  "sweep plan",
  "state migration",
];

interface Reference {
  topic: string;
  file: string;
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
    if (/`[\w./-]+:\d+/.test(where ?? "")) throw new Error(`${DOC}: the row "${topic}" pins a line number; name the file and the symbol only`);
    const refs = [...(where ?? "").matchAll(/`([\w./-]+\.ts)`,\s*`([\w$.]+)`/g)];
    if (refs.length === 0) throw new Error(`${DOC}: the row "${topic}" names no \`file.ts\`, \`symbol\``);
    const files = [...(where ?? "").matchAll(/`[\w./-]+\.ts`/g)].length;
    if (files !== refs.length) throw new Error(`${DOC}: the row "${topic}" names a file without a symbol in it`);
    return refs.map((m) => ({ topic, file: m[1], name: m[2] }));
  });
}

/** Why `ref` is stale, or undefined when its file declares the name. */
function staleness(ref: Reference): string | undefined {
  const where = `${ref.file}, ${ref.name}`;
  const elsewhere = () => {
    const found = findDeclarations(ref.name);
    return found.length > 0 ? `it is declared in ${found.join(", ")}` : "it is declared nowhere in the sources now";
  };
  if (!fs.existsSync(path.join(REPO_ROOT, ref.file))) return `${where}: the file does not exist; ${elsewhere()}`;
  if (declarationLines(readRepoFile(ref.file), ref.name).length > 0) return undefined;
  return `${where}: ${ref.file} does not declare ${ref.name}; ${elsewhere()}`;
}

it("answers every question issues #15 and #19 ask of the table", () => {
  const topics = tableRows().map(([topic]) => topic.toLowerCase());
  const missing = REQUIRED_TOPICS.filter((t) => !topics.some((topic) => topic.includes(t)));
  expect(missing).toEqual([]);
});

it("points every row at a file that declares its symbol", () => {
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
