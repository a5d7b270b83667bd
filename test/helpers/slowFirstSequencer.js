/**
 * Runs the slow suites first, so the last minutes of `npm test` are not one long suite started
 * late on one worker while the other idles. Jest's own order (failed first, then by the durations
 * it cached, else by file size) is kept within each group; a fresh clone has no cached durations,
 * so file size alone would start the longest suite (test/readme/clone.test.ts, small) last.
 * Order: test/readme (the longest), then the rest of the e2e project, then unit suites.
 */
const Sequencer = require("@jest/test-sequencer").default;

const rank = (test) => {
  if (test.context.config.displayName?.name !== "e2e") return 2;
  return /[\\/]test[\\/]readme[\\/]/.test(test.path) ? 0 : 1;
};

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    return [0, 1, 2].flatMap((r) => ordered.filter((t) => rank(t) === r));
  }
}
module.exports = SlowFirstSequencer;
