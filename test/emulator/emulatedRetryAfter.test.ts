/**
 * What the benchmark added to the emulator: a 429 also carries the emulated wait
 * (`x-emulator-retry-after-ms`), since Retry-After is whole real seconds and a time-scaled
 * emulator would round a baseline's wait to many emulated seconds.
 */
import { startHarness } from "./harness";

it("sends the emulated wait beside Retry-After in real seconds", async () => {
  const h = await startHarness({ clock: undefined, timeScale: 60, quotas: { packageUri: [{ max: 1, windowSeconds: 60 }] } });
  try {
    const token = await h.token();
    const path = "/api/machineactions/1b2c3d4e-5f60-4172-8384-95a6b7c8d9ea/GetPackageUri";
    expect((await h.call("GET", path, { token })).status).toBe(200);
    const limited = await h.call("GET", path, { token });
    expect(limited.status).toBe(429);
    const emulatedMs = Number(limited.headers["x-emulator-retry-after-ms"]);
    expect(emulatedMs).toBeGreaterThan(50_000);
    expect(emulatedMs).toBeLessThanOrEqual(60_000);
    expect(limited.headers["retry-after"]).toBe("1"); // 60 emulated s at ×60, rounded up to whole real seconds
  } finally {
    await h.close();
  }
});
