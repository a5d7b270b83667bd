/**
 * Jest's own summary ("Tests: 3 passed, 3 total") omits the failed count when it is zero; CI
 * reads a closing line in the plain form "N passed, N failed", so this prints one last.
 * A skipped test (a missing tool, a `.skip`, a `.todo`) is never counted as passed: the line says
 * how many were skipped and the lines above it name them. A suite that failed before any test
 * ran (a syntax error, a throwing import) has no failed test, so the line names it separately.
 */
const path = require("node:path");

const SKIPPED = new Set(["pending", "skipped", "todo", "disabled"]);

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.testResults.flatMap((suite) =>
      suite.testResults.filter((t) => SKIPPED.has(t.status)).map((t) => `  ${path.relative(process.cwd(), suite.testFilePath)} › ${t.fullName}`),
    );
    const notRun = results.numRuntimeErrorTestSuites;
    const out = [""];
    if (skipped.length > 0) out.push(`skipped (${skipped.length}):`, ...skipped);
    const suffix = `${skipped.length > 0 ? `, ${skipped.length} skipped` : ""}${notRun > 0 ? `, ${notRun} suite(s) failed to run` : ""}`;
    out.push(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${suffix}`, "");
    process.stdout.write(out.join("\n"));
  }
}
module.exports = SummaryReporter;
