/**
 * The emulator (control endpoint on) and a ClientChild that trusts its CA: what each suite that
 * runs the real client in a child process starts once before its tests and closes after them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatorHandle, EmulatorOptions } from "../../emulator";
import { caBundleWith } from "../../scripts/lib/caBundle";
import { type ChildResult, type ChildTask, ClientChild } from "../helpers/clientChild";
import { type Harness, startHarness } from "../emulator/harness";

export class EmulatorChild {
  private constructor(
    private readonly harness: Harness,
    private readonly child: ClientChild,
    private readonly caDir: string,
    /** The environment's CA bundle with the emulator's CA appended, as NODE_EXTRA_CA_CERTS takes it. */
    private readonly bundle: string,
  ) {}

  static async start(options: EmulatorOptions = {}): Promise<EmulatorChild> {
    const harness = await startHarness({ control: true, ...options });
    const caDir = mkdtempSync(join(tmpdir(), "pmf-child-ca-"));
    return new EmulatorChild(harness, new ClientChild(), caDir, caBundleWith(harness.emu.caFile, caDir));
  }

  get emu(): EmulatorHandle {
    return this.harness.emu;
  }

  /** Where a provider process finds this emulator and which app it is; the credential is the test's to add. */
  env(over: Record<string, string> = {}): Record<string, string> {
    return {
      NODE_EXTRA_CA_CERTS: this.bundle,
      MDE_API_URL: this.emu.apiUrl,
      AZURE_AUTHORITY_HOST: this.emu.authorityHost,
      AZURE_TENANT_ID: this.emu.tenantId,
      AZURE_CLIENT_ID: this.emu.clientId,
      ...over,
    };
  }

  run(task: ChildTask, env: Record<string, string>): Promise<ChildResult> {
    return this.child.run(task, env);
  }

  async close(): Promise<void> {
    this.child.dispose();
    await this.harness.close();
    rmSync(this.caDir, { recursive: true, force: true });
  }
}
