/**
 * Adoption in one home: which existing collection a create takes instead of requesting one.
 * - marker.ts: the correlation marker every request carries, and how to read it back;
 * - candidates.ts: the filter for a device's collections and the pure picks (own, earlier round, foreign, newest running);
 * - finder.ts: the pre-check's list calls, batched across concurrent creates;
 * - request.ts: the POST itself, adopting on "already running" and settling a lost reply.
 */
export * from "./marker";
export * from "./candidates";
export * from "./finder";
export * from "./request";
