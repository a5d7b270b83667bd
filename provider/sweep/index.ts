/**
 * Fleet sweeps: one resource owning the investigation package collections of every machine
 * selected by ids, names, a tag or an OData filter (see resource.ts).
 */
export { InvestigationSweep, type InvestigationSweepArgs, type InvestigationSweepOptions, type SweepMachine } from "./resource";
export { type MachineSelector, type SelectedMachine, type MachineDirectory, type SelectOptions, MachineSelectionError, DEFAULT_MAX_MACHINES, selectMachines } from "./select";
export { type MachineLookup, lookupMachines } from "./lookup";
export { type SweepCounts, type MachineStatus, countByStatus } from "./entryTypes";
