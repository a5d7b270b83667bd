/**
 * Adoption in one home: which existing collection a create takes instead of requesting one.
 * - marker.ts: the correlation marker every request carries, and how to read it back;
 * - candidates.ts: the pure pick among a device's collections (own, earlier round, foreign);
 * - finder.ts: the pre-check's list calls, batched across concurrent creates;
 * The POST itself, adopting on "already running" and settling a lost reply, is the client's
 * (../api/collectRequest.ts), over the list helpers in ../api/collections.ts: the client may not
 * depend on this folder, which builds on it.
 */
export * from "./marker";
export * from "./candidates";
export * from "./finder";
