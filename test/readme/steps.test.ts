/**
 * Every documented bash block is run by a suite, or listed with the reason it is not
 * (./documentedSteps.ts). Fast: it reads the Markdown only. Moving a section to another file
 * or renaming its heading fails here, naming the section, before the slow suites would run
 * nothing or the wrong steps.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readRepoFile, repoFiles } from "../layout/repoFiles";
import { REPO_ROOT } from "../helpers/stackCli";
import { documentedStepFiles, NOT_RUN, RUN_SECTIONS, type DocumentedSection } from "./documentedSteps";
import { headings, stepsOf } from "./readmeSteps";

const REGISTERED: readonly DocumentedSection[] = [...RUN_SECTIONS, ...NOT_RUN];

/** Lines [start, end) of a heading's section, or undefined when the file has no such heading. */
function sectionRange(lines: readonly string[], heading: string): [number, number] | undefined {
  const all = headings(lines);
  const i = all.findIndex((h) => h.text === heading);
  if (i < 0) return undefined;
  const next = all.slice(i + 1).find((h) => h.level <= all[i].level);
  return [all[i].at, next?.at ?? lines.length];
}

it.each(REGISTERED.map((s) => [`${s.file} "${s.heading}"`, s] as const))("finds the bash blocks of %s", (_, section) => {
  expect(stepsOf(section).length).toBeGreaterThan(0);
});

it("names suites that exist", () => {
  const missing = RUN_SECTIONS.filter((s) => !fs.existsSync(path.join(REPO_ROOT, s.suite))).map((s) => s.suite);
  expect(missing).toEqual([]);
});

it("leaves no documented bash block unrun and unexplained", () => {
  const orphans = documentedStepFiles(repoFiles()).flatMap((file) => {
    const lines = readRepoFile(file).split("\n");
    const ranges = REGISTERED.filter((s) => s.file === file).flatMap((s) => {
      const range = sectionRange(lines, s.heading);
      return range ? [range] : [];
    });
    const fences = lines.flatMap((l, i) => (/^```bash\s*$/.test(l) ? [i] : []));
    return fences
      .filter((at) => !ranges.some(([start, end]) => at > start && at < end))
      .map((at) => `  ${file}:${at + 1} (under "${headings(lines.slice(0, at)).pop()?.text ?? "no heading"}")`);
  });
  if (orphans.length > 0) {
    throw new Error(`bash blocks no suite runs; run them in test/readme/ or list them in documentedSteps.ts NOT_RUN:\n${orphans.join("\n")}`);
  }
});
