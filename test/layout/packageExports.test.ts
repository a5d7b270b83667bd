/**
 * Users' Pulumi state holds serialized shims (provider/resource/shim.ts) that `require` a package
 * entry and read one export of it, e.g. `pulumi-mde-forensics/provider-runtime` and
 * `collectionProvider`. Those strings are written once, when a resource is created, and read by
 * every later refresh and destroy with whatever version is installed then: moving or renaming the
 * module behind an entry must keep the entry and the export. This guard reads package.json and
 * the sources (no build), so it fails the moment a rename drops either.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { declarationLines } from "./declarations";
import { readRepoFile, REPO_ROOT } from "./repoFiles";

/** What state written by every released version asks for: never remove a pair. */
const STORED_SHIM_TARGETS = [
  { entry: "pulumi-mde-forensics/provider-runtime", exportName: "collectionProvider" },
  { entry: "pulumi-mde-forensics/sweep-runtime", exportName: "sweepProvider" },
];

interface PackageJson {
  exports: Record<string, string | { types?: string; default: string }>;
  typesVersions?: Record<string, Record<string, string[]>>;
}

const pkg = JSON.parse(readRepoFile("package.json")) as PackageJson;

/** The TypeScript source the built file `./dist/x/y.js` comes from. */
const sourceOf = (built: string) => built.replace(/^(\.\/)?dist\//, "").replace(/\.(d\.ts|js)$/, ".ts");

/** The source file behind `pulumi-mde-forensics/<subpath>`, or why there is none. */
function entrySource(entry: string): string {
  const subpath = `.${entry.slice("pulumi-mde-forensics".length)}`;
  const target = pkg.exports[subpath];
  if (target === undefined) throw new Error(`package.json has no "exports" entry ${subpath}`);
  const source = sourceOf(typeof target === "string" ? target : target.default);
  if (typeof target !== "string" && target.types !== undefined) expect(sourceOf(target.types)).toBe(source);
  return source;
}

/** The (entry, export) pairs the shims write into new state today. */
function currentShimTargets(): Array<{ entry: string; exportName: string }> {
  return ["provider/resource/shim.ts", "provider/sweep/shim.ts"].flatMap((file) =>
    [...readRepoFile(file).matchAll(/installedProviderShim\(\s*"([^"]+)",\s*"([^"]+)"\s*\)/g)].map((m) => ({ entry: m[1], exportName: m[2] })),
  );
}

it("writes into new state only entries that old state already names", () => {
  const current = currentShimTargets();
  expect(current).toHaveLength(2);
  expect(STORED_SHIM_TARGETS).toEqual(expect.arrayContaining(current));
});

it.each(STORED_SHIM_TARGETS)("keeps $entry resolving to a module that exports $exportName", ({ entry, exportName }) => {
  const source = entrySource(entry);
  expect(fs.existsSync(path.join(REPO_ROOT, source))).toBe(true);
  const declared = declarationLines(readRepoFile(source), exportName);
  expect({ source, exportName, declared: declared.length > 0 }).toEqual({ source, exportName, declared: true });
});

it("gives classic module resolution (typesVersions) the same files as exports", () => {
  const classic = pkg.typesVersions?.["*"] ?? {};
  for (const [subpath, [typesFile]] of Object.entries(classic)) {
    expect({ subpath, source: sourceOf(typesFile) }).toEqual({ subpath, source: entrySource(`pulumi-mde-forensics/${subpath}`) });
  }
});
