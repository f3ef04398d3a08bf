/** Tests are TypeScript, transformed by swc (no type-check here: `tsc` does that in `npm test`). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/host-tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  moduleFileExtensions: ["ts", "js", "mjs", "cjs", "json"],
  testTimeout: 30000,
  reporters: ["default", "<rootDir>/scripts/summary-reporter.cjs"],
};
