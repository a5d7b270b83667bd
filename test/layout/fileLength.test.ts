/**
 * Issue #15's "no source file is over 250 lines": small modules, one concern each. Counts every
 * TypeScript, JavaScript and shell file of the repository, tests included; test fixtures (a
 * folder or file named `fixtures`) are data, not modules, and are left out.
 */
import { readRepoFile, repoFiles } from "./repoFiles";

const MAX_LINES = 250;
const SOURCE = /\.(ts|js|sh)$/;
const FIXTURE = /(^|\/)(__)?fixtures?(__)?(\/|\.[a-z]+$)/;

function lineCount(text: string): number {
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

it(`has no source file over ${MAX_LINES} lines`, () => {
  const offenders = repoFiles()
    .filter((f) => SOURCE.test(f) && !FIXTURE.test(f) && !/(^|\/)(node_modules|dist)\//.test(f))
    .map((file) => ({ file, lines: lineCount(readRepoFile(file)) }))
    .filter((f) => f.lines > MAX_LINES)
    .sort((a, b) => b.lines - a.lines);
  if (offenders.length > 0) {
    const list = offenders.map((o) => `  ${o.file}: ${o.lines} lines`).join("\n");
    throw new Error(`${offenders.length} source file(s) over ${MAX_LINES} lines; split them by concern:\n${list}`);
  }
});
