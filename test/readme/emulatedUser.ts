/**
 * The setting every README suite runs in: an emulated tenant (its clock 60 times faster, so a
 * collection takes seconds) and a user's machine pointed at it, started before the suite's tests
 * and removed after them.
 */
import { EmulatedTenant } from "../helpers/e2e";
import { UserShell } from "./readmeSteps";

export interface EmulatedUser {
  tenant: EmulatedTenant;
  user: UserShell;
}

/** Registers the suite's beforeAll/afterAll; the fields are set once beforeAll has run. */
export function emulatedUser(): EmulatedUser {
  const session = {} as EmulatedUser;
  beforeAll(async () => {
    session.tenant = await EmulatedTenant.start({ timeScale: 60 });
    session.user = new UserShell(session.tenant);
  });
  afterAll(async () => {
    session.user?.dispose();
    await session.tenant?.close();
  });
  return session;
}
