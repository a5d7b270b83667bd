/**
 * What a machine id looks like: 40 hexadecimal characters, the id in the device page URL of the
 * Defender portal. MDE writes them in lower case; input may come in either. The one copy, used
 * by the client's schemas, stored-state checks, sweep selection, `verify` and the emulator.
 * Zod-free, so public types and examples can use it.
 */
export const MACHINE_ID_PATTERN = /^[0-9a-fA-F]{40}$/;

/** The lower-case form MDE returns and state stores. */
export const STORED_MACHINE_ID_PATTERN = /^[0-9a-f]{40}$/;
