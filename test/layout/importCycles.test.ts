/**
 * Issue #15's "no import cycle between top-level folders or between provider/ subfolders": the
 * dependency direction ARCHITECTURE.md describes holds only if no two folders import each other.
 * A failure names one import line of each direction, the place to start untangling.
 */
import { describeMutual, importEdges, mutualImports } from "./importGraph";

const TOP_LEVEL = new Set(["provider", "emulator", "scripts", "bench", "examples", "test"]);
const edges = importEdges();

function fail(what: string, found: ReturnType<typeof mutualImports>): void {
  if (found.length === 0) return;
  throw new Error(`${found.length} pair(s) of ${what} import each other:\n${found.map(describeMutual).join("\n")}`);
}

it("finds the imports it checks (the parser still reads this repository)", () => {
  expect(edges.some((e) => e.from.startsWith("provider/resource/") && e.to.startsWith("provider/api/"))).toBe(true);
  expect(edges.some((e) => e.from.startsWith("test/") && e.to.startsWith("emulator/"))).toBe(true);
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
