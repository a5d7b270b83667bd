/** Tests run the TypeScript sources through ts-jest (transpile only: `tsc` type-checks in the build). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 120000,
  // Suites that drive the real Pulumi CLI are heavy; two cores, two workers.
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/test/helpers/summaryReporter.js"],
};
