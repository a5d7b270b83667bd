/**
 * No import cycles, at two scales:
 * - issue #15's folders: no two top-level folders, and no two provider/ subfolders, import each
 *   other, so the dependency direction ARCHITECTURE.md describes holds; a failure names one
 *   import line of each direction, the place to start untangling;
 * - issue #19's files: no file of the repository (provider/, emulator/, tests, scripts…) reaches
 *   itself through its imports, type-only imports included; a failure prints the loop
 *   (`a -> b -> c -> a`) with the import line of each step.
 */
import { describeCycle, describeMutual, importCycles, importEdges, mutualImports, type ImportCycle, type ImportEdge } from "./importGraph";

const TOP_LEVEL = new Set(["provider", "emulator", "scripts", "bench", "examples", "test"]);
const edges = importEdges();

/**
 * Cycles known and being removed elsewhere, each exactly as its files are today. A tangle that
 * grows past its entry fails, and so does an entry whose cycle is gone (delete it then).
 */
const KNOWN_CYCLES: ReadonlyArray<{ files: string[]; why: string }> = [];

function fail(what: string, found: ReturnType<typeof mutualImports>): void {
  if (found.length === 0) return;
  throw new Error(`${found.length} pair(s) of ${what} import each other:\n${found.map(describeMutual).join("\n")}`);
}

function failOnCycles(cycles: ImportCycle[]): void {
  if (cycles.length === 0) return;
  throw new Error(`${cycles.length} import cycle(s) between files:\n${cycles.map(describeCycle).join("\n")}`);
}

const sameFiles = (a: string[], b: string[]) => a.length === b.length && a.every((f, i) => f === b[i]);

it("finds the imports it checks (the parser still reads this repository)", () => {
  expect(edges.some((e) => e.from.startsWith("provider/resource/") && e.to.startsWith("provider/api/"))).toBe(true);
  expect(edges.some((e) => e.from.startsWith("test/") && e.to.startsWith("emulator/"))).toBe(true);
  // Inside emulator/, file to file, and a type-only import (`import type { EmulatorCore } from "../core"`) counts.
  expect(edges).toContainEqual(expect.objectContaining({ from: "emulator/handlers/handler.ts", to: "emulator/core.ts", specifier: "../core" }));
});

it("has no two top-level folders importing each other", () => {
  const topLevel = (file: string) => (TOP_LEVEL.has(file.split("/")[0]) && file.includes("/") ? file.split("/")[0] : undefined);
  fail("top-level folders", mutualImports(edges, topLevel));
});

it("has no two provider/ subfolders importing each other", () => {
  const subfolder = (file: string) => {
    const parts = file.split("/");
    if (parts[0] !== "provider") return undefined;
    return parts.length > 2 ? `provider/${parts[1]}` : "provider (its own files)";
  };
  fail("provider/ subfolders", mutualImports(edges, subfolder));
});

it("has no file that reaches itself through its imports (emulator/, provider/ and the rest, type-only imports included)", () => {
  const cycles = importCycles(edges);
  failOnCycles(cycles.filter((c) => !KNOWN_CYCLES.some((k) => sameFiles(k.files, c.files))));
  const gone = KNOWN_CYCLES.filter((k) => !cycles.some((c) => sameFiles(k.files, c.files)));
  if (gone.length > 0) throw new Error(`KNOWN_CYCLES lists cycle(s) that no longer exist; delete the entries: ${gone.map((k) => k.files.join(" <-> ")).join("; ")}`);
});

describe("the cycle finder", () => {
  const edge = (from: string, to: string, line = 1): ImportEdge => ({ from, to, line, specifier: `./${to.replace(/\.ts$/, "")}` });

  it("prints a planted loop as a -> b -> c -> a with the import line of each step", () => {
    const planted = [edge("d.ts", "a.ts"), edge("a.ts", "b.ts", 3), edge("b.ts", "c.ts", 4), edge("c.ts", "a.ts", 5), edge("c.ts", "e.ts")];
    expect(() => failOnCycles(importCycles(planted))).toThrow(
      ["1 import cycle(s) between files:", "  a.ts -> b.ts -> c.ts -> a.ts", '    a.ts:3 imports "./b"', '    b.ts:4 imports "./c"', '    c.ts:5 imports "./a"'].join("\n"),
    );
  });

  it("reports one tangle once, by its shortest loop, and names all its files", () => {
    const tangle = [edge("a.ts", "b.ts"), edge("b.ts", "c.ts"), edge("c.ts", "d.ts"), edge("d.ts", "a.ts"), edge("b.ts", "a.ts")];
    const [only, ...more] = importCycles(tangle);
    expect(more).toEqual([]);
    expect(describeCycle(only)).toMatch(/^ {2}a\.ts -> b\.ts -> a\.ts\n[\s\S]*\(4 files in this tangle: a\.ts, b\.ts, c\.ts, d\.ts\)$/);
  });

  it("finds no cycle in a graph without one, however the imports fan in", () => {
    expect(importCycles([edge("a.ts", "b.ts"), edge("a.ts", "c.ts"), edge("b.ts", "c.ts"), edge("c.ts", "d.ts")])).toEqual([]);
  });
});
