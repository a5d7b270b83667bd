/**
 * The provider object Pulumi serializes into the sweep's state: the same loader as the single
 * collection's (provider/resource/shim.ts, where its rules are), stored once per sweep.
 */
import { installedProviderShim } from "../resource/shim";

export const sweepShim = installedProviderShim("pulumi-mde-forensics/sweep-runtime", "sweepProvider");
