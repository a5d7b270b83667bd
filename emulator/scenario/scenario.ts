/**
 * Loading a scenario: parse YAML or JSON (the YAML parser reads both and keeps source positions),
 * validate with zod, check cross references (unique ids, known tenants and machines), expand the
 * fleet, and resolve defaults. Every error names the file, the line and the field path, because
 * scenario files are hand-written by people preparing an incident exercise.
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, isNode, type Document } from "yaml";
import { ForensicsError } from "../../provider/util/error";
import { generateFleet } from "./fleet";
import { plantFinding, type PlantedFinding } from "./plants";
import { ScenarioSchema, type ScenarioApp, type ScenarioInput, type ScenarioMachine, type ScenarioParsed } from "./scenarioSchema";

/** A validated scenario with every reference resolved: what the emulator runs on. */
export interface Scenario extends Omit<ScenarioParsed, "apps" | "machines" | "fleet" | "answerKey"> {
  apps: ScenarioApp[];
  machines: Array<ScenarioMachine & { tenantId: string }>;
  /** What was planted where (scenario/plants.ts): the drill's answer key. */
  answerKey: PlantedFinding[];
}

export interface ScenarioIssue {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** Thrown for an invalid scenario; `message` lists each issue as `file:line:col: path: message`. */
export class ScenarioError extends ForensicsError {
  override name = "ScenarioError";
  constructor(
    readonly file: string,
    readonly issues: ScenarioIssue[],
  ) {
    super(
      `invalid scenario ${file}:\n` +
        issues.map((i) => `  ${file}${i.line ? `:${i.line}:${i.column}` : ""}: ${i.path || "(root)"}: ${i.message}`).join("\n"),
    );
  }
}

/** Reads and validates a scenario file (`.yaml`, `.yml` or `.json`). */
export function loadScenarioFile(file: string): Scenario {
  return parseScenarioText(readFileSync(file, "utf8"), file);
}

/** Validates scenario text; `file` is only used in messages. */
export function parseScenarioText(text: string, file = "<scenario>"): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      file,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { path: "", message: e.message.split("\n")[0], line: pos.line, column: pos.col };
      }),
    );
  }
  return resolveScenario(doc.toJS(), file, (path) => locate(doc, lineCounter, path));
}

/** Validates an in-code scenario object. */
export function resolveScenario(
  raw: unknown,
  file = "<inline scenario>",
  position: (path: PropertyKey[]) => { line: number; column: number } | undefined = () => undefined,
): Scenario {
  const parsed = ScenarioSchema.safeParse(raw);
  const fail = (issues: Array<{ path: PropertyKey[]; message: string }>): never => {
    throw new ScenarioError(
      file,
      issues.map((i) => ({ path: formatPath(i.path), message: i.message, ...position(i.path) })),
    );
  };
  if (!parsed.success) fail(parsed.error.issues);
  const s = parsed.data as ScenarioParsed;
  const issues = crossCheck(s);
  if (issues.length > 0) fail(issues);

  const defaultTenant = s.tenants[0].id;
  const machines = [...s.machines, ...(s.fleet ? generateFleet(s.fleet.count, s.name, s.fleet) : [])].map((m) => ({
    ...m,
    tenantId: m.tenantId ?? defaultTenant,
  }));
  const answerKey = resolvePlants(s, machines, fail);
  const { fleet: _fleet, answerKey: _ignored, ...rest } = s;
  return { ...rest, apps: s.apps.map((a) => ({ ...a, tenantId: a.tenantId ?? defaultTenant })), machines, answerKey };
}

/** Plants name known Windows devices (scenario machines or the generated fleet); each becomes an answer-key entry. */
function resolvePlants(
  s: ScenarioParsed,
  machines: ScenarioMachine[],
  fail: (issues: Array<{ path: PropertyKey[]; message: string }>) => never,
): PlantedFinding[] {
  if (s.plants.length === 0) return [];
  const byKey = new Map<string, ScenarioMachine>();
  for (const m of machines) byKey.set(m.id, m).set(m.computerDnsName.toLowerCase(), m);
  const issues: Array<{ path: PropertyKey[]; message: string }> = [];
  const collectedAtMs = Date.parse(s.evidence.collectedAt);
  const seen = new Map<string, number>();
  const key = s.plants.map((p, i) => {
    const m = byKey.get(p.machine.toLowerCase());
    if (!m) issues.push({ path: ["plants", i, "machine"], message: `unknown machine '${p.machine}' (not an id or computerDnsName in machines or the fleet)` });
    else if (!m.osPlatform.startsWith("Windows")) issues.push({ path: ["plants", i, "kind"], message: `'${p.kind}' is a Windows trace; ${m.computerDnsName} runs ${m.osPlatform}` });
    if (!m || !m.osPlatform.startsWith("Windows")) return undefined;
    const n = seen.get(`${m.id}|${p.kind}`) ?? 0;
    seen.set(`${m.id}|${p.kind}`, n + 1);
    return plantFinding(s.name, m, p, n, collectedAtMs);
  });
  if (issues.length > 0) fail(issues);
  const found = key.filter((k): k is PlantedFinding => k !== undefined);
  // A cleared log no longer holds what came before the clear: the key says so instead of promising it.
  for (const clear of found.filter((f) => f.kind === "security-log-cleared")) {
    for (const f of found) {
      if (f.machineId === clear.machineId && f !== clear && f.at < clear.at) f.files = f.files.filter((x) => !x.endsWith("Security.evtx"));
    }
  }
  return found;
}

/** Checks a schema cannot express: uniqueness and references between sections. */
function crossCheck(s: ScenarioParsed): Array<{ path: PropertyKey[]; message: string }> {
  const issues: Array<{ path: PropertyKey[]; message: string }> = [];
  const tenants = new Set(s.tenants.map((t) => t.id));
  const dup = (list: string[], section: string, field: string) => {
    const seen = new Set<string>();
    list.forEach((v, i) => {
      if (seen.has(v)) issues.push({ path: [section, i, field], message: `duplicate ${field} '${v}'` });
      seen.add(v);
    });
  };
  dup(s.tenants.map((t) => t.id), "tenants", "id");
  dup(s.apps.map((a) => a.clientId), "apps", "clientId");
  dup(s.machines.map((m) => m.id), "machines", "id");
  for (const [section, list] of [["apps", s.apps], ["machines", s.machines]] as const) {
    list.forEach((item, i) => {
      if (item.tenantId && !tenants.has(item.tenantId)) {
        issues.push({ path: [section, i, "tenantId"], message: `unknown tenant '${item.tenantId}' (not in tenants)` });
      }
    });
  }
  const keys = new Set(s.machines.flatMap((m) => [m.id, m.computerDnsName.toLowerCase()]));
  s.actions.forEach((a, i) => {
    if (!keys.has(a.machine.toLowerCase())) {
      issues.push({ path: ["actions", i, "machine"], message: `unknown machine '${a.machine}' (not an id or computerDnsName in machines)` });
    }
  });
  return issues;
}

/** `["machines", 2, "osPlatform"]` → `machines[2].osPlatform`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "");
}

/** The line of the deepest node on `path` that exists (a missing key points at its parent). */
function locate(doc: Document, lc: LineCounter, path: PropertyKey[]): { line: number; column: number } | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as Array<string | number>, true);
    if (isNode(node) && node.range) {
      const pos = lc.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return undefined;
}

/** Type guard for callers holding either a file path or an object. */
export type ScenarioSource = string | ScenarioInput | Scenario;
export const isScenarioFile = (s: ScenarioSource): s is string => typeof s === "string";
