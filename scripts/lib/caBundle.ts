/** The CA bundle lives with the emulator (`mde-emulator env` writes it too); scripts import it from here. */
export { caBundleWith } from "../../emulator/env/caBundle";
