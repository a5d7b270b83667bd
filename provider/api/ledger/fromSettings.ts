/**
 * The slot source the settings ask for, chosen once per process and settings (the limiter is a
 * process singleton): the shared ledger when `mde:quotaLedger` is set, signed in with the
 * credential the MDE client uses; otherwise none (the limiter's own windows).
 */
import { randomBytes } from "node:crypto";
import type { TokenCredential } from "@azure/identity";
import type { Clock } from "../../util/clock";
import type { Logger } from "../../util/logger";
import type { MdeSettings } from "../settings";
import type { SlotSource } from "../slots";
import { BlobLedgerStore } from "./blobStore";
import { LedgerSlotSource } from "./ledgerSlots";

/** Path-safe piece of a tenant or client id. */
const part = (s: string | undefined, fallback: string) => (s ?? fallback).replace(/[^A-Za-z0-9.-]/g, "_");

export function ledgerSlotsFor(settings: MdeSettings, credential: TokenCredential, clock: Clock, logger: Logger): SlotSource | undefined {
  const location = settings.quotaLedger;
  if (!location) return undefined;
  const tenant = part(settings.tenantId, "default-tenant");
  const app = part(settings.clientId, `default-${settings.credential}`);
  // Short and random: runners on one host (pids) or many hosts never collide; nothing identifying.
  const holder = `${process.pid.toString(36)}-${randomBytes(4).toString("hex")}`;
  return new LedgerSlotSource({
    store: new BlobLedgerStore(location, credential),
    documentName: (family) => `${tenant}/${app}/${family}.json`,
    holder,
    clock,
    logger,
    quotas: settings.rateLimits.quotas,
    timeScale: settings.rateLimits.timeScale,
    marginMs: location.marginMs,
    skewMs: location.skewMs,
    fallback: settings.quotaLedgerFallback,
  });
}
