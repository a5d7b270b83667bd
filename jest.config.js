/** Tests run the TypeScript sources through ts-jest (transpile only: `tsc` type-checks in the build). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
    // @azure/core-rest-pipeline requires these ESM-only packages; Node's require(esm) works, jest's
    // module loader does not, so in-process Azure SDK tests (blob evidence) get them as CommonJS.
    "/node_modules/(https?-proxy-agent|agent-base|proxy-agent-negotiate)/.+\\.js$": ["ts-jest", { diagnostics: false, tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!(https?-proxy-agent|agent-base|proxy-agent-negotiate)/)"],
  testTimeout: 120000,
  // Suites that drive the real Pulumi CLI are heavy; two cores, two workers.
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/test/helpers/summaryReporter.js"],
};
