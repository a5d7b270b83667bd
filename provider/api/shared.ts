/**
 * One client per MDE tenant/app/endpoint in the whole process.
 *
 * Why: the provider host serves every resource of a deployment from one process, and MDE's
 * quotas and Entra ID's tokens are per tenant and app. Keeping clients in the process's registry
 * (../util/registry.ts) keyed by `settingsKey` lets every resource share the rate limiter, the
 * token cache and the keep-alive connections.
 */
import { drainSingletons, processSingleton } from "../util/registry";
import { MdeClient, type MdeClientOptions } from "./client";
import { type MdeSettings, settingsKey } from "./settings";

/**
 * The process-wide client for `settings`. `options` apply only when the client is first created
 * (later callers get the same instance), so pass the same logger and hooks everywhere.
 */
export function getSharedClient(settings: MdeSettings, options: MdeClientOptions = {}): MdeClient {
  return processSingleton("clients", settingsKey(settings), () => new MdeClient(settings, options));
}

/** Closes and forgets every shared client, e.g. when the provider process shuts down; with a quota ledger, the slots reserved for calls that will not be made go back to the other runners. */
export async function closeSharedClients(): Promise<void> {
  const clients = drainSingletons<MdeClient>("clients");
  await Promise.all(clients.map((c) => c.close()));
}
