import { probe } from "../cwdProbe";

export const { programCwd, providerCwd } = probe();
