/**
 * The program-side machine lookup of a sweep: the provider's own MDE client, built from the
 * same `mde:*` stack config and environment the provider reads, so a sweep needs no settings of
 * its own. It runs in the Pulumi program, during preview too: it is a read, and it is what
 * lets the preview list the machines a sweep will collect from.
 *
 * Config values are read raw (`pulumi.runtime.getConfig`) and only handed to the client: they
 * never become resource inputs or outputs, so a secret `mde:clientSecret` stays out of state.
 */
import * as pulumi from "@pulumi/pulumi";
import { getSharedClient } from "../api/shared";
import { resolveSettings } from "../api/settings";
import { type MachineSelector, type SelectedMachine, type SelectOptions, selectMachines } from "./select";

/** Resolves a selector to machines. Injectable, for tests and for programs with their own directory. */
export type MachineLookup = (select: MachineSelector, options: SelectOptions) => Promise<SelectedMachine[]>;

/** The default lookup: MDE's machine list, through the client the stack config describes. */
export const lookupMachines: MachineLookup = async (select, options) => {
  const settings = resolveSettings({ config: (key) => pulumi.runtime.getConfig(`mde:${key}`), env: process.env });
  const client = getSharedClient(settings);
  try {
    return await selectMachines(client, select, options);
  } finally {
    // Idle keep-alive sockets would otherwise hold the program's process open after the update.
    await client.close();
  }
};
