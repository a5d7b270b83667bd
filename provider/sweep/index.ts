/**
 * Fleet sweeps: one investigation package collection per machine selected by ids, names, a
 * tag or an OData filter (see sweep.ts).
 */
export { InvestigationSweep, SWEEP_TYPE, type InvestigationSweepArgs, type InvestigationSweepOptions } from "./sweep";
export { type MachineSelector, type SelectedMachine, type MachineDirectory, MachineSelectionError, DEFAULT_MAX_MACHINES, selectMachines } from "./select";
export { type MachineLookup, lookupMachines } from "./lookup";
export { type SweepCounts, type SweepMachineRow, countByStatus, collectionName } from "./summary";
