/**
 * Jest's own summary ("Tests: 3 passed, 3 total") omits the failed count when it is zero; CI
 * reads a closing line in the plain form "N passed, N failed", so this prints one last.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const suffix = skipped > 0 ? `, ${skipped} skipped` : "";
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${suffix}\n`);
  }
}
module.exports = SummaryReporter;
