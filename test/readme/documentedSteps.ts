/**
 * Which documented shell steps run as tests, and which do not and why. A user copies the bash
 * blocks of README.md, docs/ and the examples' READMEs as they are, so each block must be run as
 * written by a suite (the sections below, by heading) or be listed here with the reason no test
 * can run it. test/readme/steps.test.ts checks this list against the documents on every run.
 */
export interface DocumentedSection {
  /** Repository-relative path of the Markdown file. */
  file: string;
  /** The heading line exactly as written, e.g. `## Quick start`. */
  heading: string;
}

export interface RunSection extends DocumentedSection {
  /** The suite that runs the section's bash blocks as written. */
  suite: string;
}

/** Its `npm test` line is the test run itself (.ci/run runs it); the suite runs `npm run demo`. */
export const TWO_COMMANDS: RunSection = { file: "README.md", heading: "## The two commands", suite: "test/readme/clone.test.ts" };
export const QUICK_START: RunSection = { file: "README.md", heading: "## Quick start", suite: "test/readme/clone.test.ts" };
export const EXERCISE_RUN_IT: RunSection = { file: "examples/exercise/README.md", heading: "## Run it", suite: "test/readme/clone.test.ts" };
export const RUNBOOK_RUN_IT: RunSection = { file: "examples/incident-runbook/README.md", heading: "## Run it", suite: "test/readme/incidentRunbook.test.ts" };
export const RUNBOOK_FOLLOW_UPS: RunSection = { file: "examples/incident-runbook/README.md", heading: "## Follow-ups", suite: "test/readme/incidentRunbook.test.ts" };
export const SWEEP_RUN_IT: RunSection = { file: "examples/sweep/README.md", heading: "## Run it", suite: "test/readme/sweep.test.ts" };
export const EVIDENCE_SIGNING: RunSection = { file: "docs/evidence.md", heading: "## Signing", suite: "test/readme/signingKey.test.ts" };
export const EVIDENCE_TRUSTED_TIME: RunSection = { file: "docs/evidence.md", heading: "## Trusted time (RFC 3161)", suite: "test/verify/timestamp.e2e.test.ts" };

export const EMULATOR_TENANT: RunSection = { file: "docs/configuration.md", heading: "## Use the emulator as your tenant", suite: "test/readme/emulatorTenant.test.ts" };
export const EVIDENCE_ON_AZURITE: RunSection = { file: "docs/evidence.md", heading: "### Try it on Azurite", suite: "test/readme/emulatorTenant.test.ts" };

export const RUN_SECTIONS: readonly RunSection[] = [TWO_COMMANDS, QUICK_START, EXERCISE_RUN_IT, RUNBOOK_RUN_IT, RUNBOOK_FOLLOW_UPS, SWEEP_RUN_IT, EVIDENCE_SIGNING, EVIDENCE_TRUSTED_TIME, EMULATOR_TENANT, EVIDENCE_ON_AZURITE];

/** Documented bash blocks no suite runs, each with the reason. Keep it short. */
export const NOT_RUN: readonly (DocumentedSection & { why: string })[] = [
  {
    file: "examples/gitops/README.md",
    heading: "## Evidence in a blob container",
    why: "Azure CLI against a real subscription (storage account, immutability policy, role assignment); no emulator answers it",
  },
];

/** The documents whose bash blocks are steps a user runs. */
export function documentedStepFiles(all: readonly string[]): string[] {
  return all.filter((f) => f === "README.md" || /^docs\/[^/]+\.md$/.test(f) || /^examples\/[^/]+\/README\.md$/.test(f));
}
