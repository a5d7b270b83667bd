/**
 * Two speeds of test, as jest projects (the convention is in test/README.md):
 * - `unit`: in-process, from the TypeScript sources through ts-jest (transpile only: `tsc`
 *   type-checks in the build), no toolchain, no build; `npm run test:unit`, the inner loop;
 * - `e2e`: the real Pulumi CLI, `dist/`, `npm pack`, child-process builds, Azurite: every suite in
 *   test/engine, test/examples, test/readme and test/consumers, and every `*.e2e.test.ts`.
 * `npm test` (CI) runs both.
 */
const E2E_FOLDERS = ["engine", "examples", "readme", "consumers"];

const shared = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
    // @azure/core-rest-pipeline requires these ESM-only packages; Node's require(esm) works, jest's
    // module loader does not, so in-process Azure SDK tests (blob evidence) get them as CommonJS.
    "/node_modules/(https?-proxy-agent|agent-base|proxy-agent-negotiate)/.+\\.js$": ["ts-jest", { diagnostics: false, tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!(https?-proxy-agent|agent-base|proxy-agent-negotiate)/)"],
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: "unit",
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", `/test/(${E2E_FOLDERS.join("|")})/`, "\\.e2e\\.test\\.ts$"],
    },
    {
      ...shared,
      displayName: "e2e",
      testMatch: [...E2E_FOLDERS.map((f) => `<rootDir>/test/${f}/**/*.test.ts`), "**/*.e2e.test.ts"],
    },
  ],
  testTimeout: 120000,
  // Suites that drive the real Pulumi CLI are heavy; two cores, two workers.
  maxWorkers: 2,
  testSequencer: "<rootDir>/test/helpers/slowFirstSequencer.js",
  reporters: ["default", "<rootDir>/test/helpers/summaryReporter.js"],
};
