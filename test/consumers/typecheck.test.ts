/**
 * The packed package's public types in the two consumer setups users have, without
 * skipLibCheck: `module`/`moduleResolution: nodenext`, and the classic `commonjs`/`node`. The
 * classic one is also compiled with TypeScript 5.9, where `esModuleInterop` is still off by
 * default: there, a public type that leaks zod's declarations fails with TS1259 in zod's .d.cts.
 * The emulator entry still exposes zod-derived types (scenario, faults), so it is checked with
 * TypeScript 6 only. The project's node_modules is the README suites' prepared one (the packed
 * package, @pulumi/pulumi and @types/node as the README installs them, TypeScript 5.9 beside),
 * copied, not installed again.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { freshProjectDir } from "../helpers/packedPackage";
import { REPO_ROOT } from "../helpers/stackCli";
import { preparedNodeModules, TYPESCRIPT5 } from "../readme/preparedProject";

const REPO_TSC = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
let dir: string;

/** A program as a user writes it: both resources, a sweep's outputs, the provider-runtime entry. */
const USER_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { InvestigationPackageCollection, InvestigationSweep, type InvestigationPackageCollectionArgs, type SweepCounts } from "pulumi-mde-forensics";
import { collectionProvider } from "pulumi-mde-forensics/provider-runtime";

const args: InvestigationPackageCollectionArgs = { computerDnsName: "win11-ws01.contoso.local", comment: "INC-2041", evidenceDirectory: "./evidence" };
const collection = new InvestigationPackageCollection("ws01", args);
const sweep = new InvestigationSweep("inc-2041", { select: { tag: "finance" }, comment: "INC-2041" });
export const status: pulumi.Output<string> = collection.status;
export const counts: pulumi.Output<SweepCounts> = sweep.counts;
export const hasCreate: boolean = typeof collectionProvider.create === "function";
`;

/** The emulator entry, as an exercise or a test harness of the user's imports it. */
const EMULATOR_USER = `
import { defaultScenario, startEmulator, type EmulatorHandle, type ScenarioInput } from "pulumi-mde-forensics/emulator";
const scenario: ScenarioInput = defaultScenario();
export const started: (s: ScenarioInput) => Promise<EmulatorHandle> = (s) => startEmulator({ scenario: s, quiet: true });
export { scenario };
`;

/** Types that mean something: a wrong input type must be an error. */
const WRONG_INPUT = `
import { InvestigationPackageCollection } from "pulumi-mde-forensics";
new InvestigationPackageCollection("ws01", { computerDnsName: "a", comment: 5 });
`;

const SETUPS = {
  nodenext: { module: "nodenext", moduleResolution: "nodenext" },
  classic: { module: "commonjs", moduleResolution: "node" },
} as const;

function tsconfig(name: string, setup: keyof typeof SETUPS, files: string[], typescript6: boolean): string {
  const compilerOptions = {
    ...SETUPS[setup],
    // TypeScript 6 deprecates classic resolution; a classic project on it has this line.
    ...(setup === "classic" && typescript6 ? { ignoreDeprecations: "6.0" } : {}),
    target: "es2022",
    strict: true,
    noEmit: true,
    types: ["node"],
  };
  const file_ = path.join(dir, `tsconfig.${name}.json`);
  fs.writeFileSync(file_, JSON.stringify({ compilerOptions, files }, null, 2));
  return file_;
}

function tsc(compiler: string, config: string) {
  const r = spawnSync(process.execPath, [compiler, "-p", config], { cwd: dir, encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(async () => {
  dir = freshProjectDir("consumer");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  execFileSync("cp", ["-al", path.join(await preparedNodeModules(), "node_modules"), path.join(dir, "node_modules")]);
  fs.writeFileSync(path.join(dir, "program.ts"), USER_PROGRAM);
  fs.writeFileSync(path.join(dir, "emulatorUser.ts"), EMULATOR_USER);
  fs.writeFileSync(path.join(dir, "wrong.ts"), WRONG_INPUT);
}, 300_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const TS5 = () => path.join(dir, "node_modules", TYPESCRIPT5, "bin", "tsc");

// Each tsc run checks @pulumi/pulumi's declarations too (no skipLibCheck): a few runs, many files.
it.each(["nodenext", "classic"] as const)("a %s project type-checks a program and the emulator entry against the packed package with TypeScript 6", (setup) => {
  const r = tsc(REPO_TSC, tsconfig(`ts6-${setup}`, setup, ["program.ts", "emulatorUser.ts"], true));
  expect(r.out).toBe("");
  expect(r.code).toBe(0);
});

it("a classic project type-checks the program with TypeScript 5.9 (esModuleInterop off): no zod in the public types", () => {
  const r = tsc(TS5(), tsconfig("ts5-classic", "classic", ["program.ts"], false));
  expect(r.out).toBe("");
  expect(r.code).toBe(0);
});

it("a wrong input is a type error: the public types are real, not any", () => {
  const r = tsc(REPO_TSC, tsconfig("wrong", "nodenext", ["wrong.ts"], true));
  expect(r.code).not.toBe(0);
  expect(r.out).toMatch(/wrong\.ts\(3,\d+\): error TS2322: Type 'number' is not assignable to type 'Input<string>'/);
});
