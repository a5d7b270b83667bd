/**
 * A scenario's `evidence.securityLogMiB` is a floor: every device's Security.evtx is at least that
 * large and at most 4% (or one 64 KiB chunk) over, plants or not, a cleared log included, and the
 * same scenario gives the same bytes.
 */
import { createHash } from "node:crypto";
import { deviceProfile } from "../../emulator/packages/deviceProfile";
import { buildSecurityLog } from "../../emulator/packages/securityLog";
import { CHUNK_SIZE } from "../../emulator/packages/evtxWriter";
import { resolveScenario } from "../../emulator/scenario/scenario";
import { DEFAULT_MACHINES as M, defaultScenario } from "../../emulator/scenario/defaultScenario";

const base = defaultScenario();
const s = resolveScenario({
  ...base,
  plants: [
    { machine: "win11-ws01.contoso.local", kind: "logon-burst" },
    { machine: "win11-ws01.contoso.local", kind: "new-local-admin" },
    { machine: "win11-ws01.contoso.local", kind: "user-writable-service" },
    { machine: M.win11b, kind: "security-log-cleared", hoursAgo: 6 },
  ],
});
const now = Date.parse(s.evidence.collectedAt);
/** A device with plants, one whose log was cleared, and a plain server. */
const chosen: string[] = [M.win11, M.win11b, M.failing];
const windows = s.machines.filter((m) => chosen.includes(m.id));
const log = (machineId: string, mib: number) => {
  const m = windows.find((x) => x.id === machineId)!;
  return buildSecurityLog("size-seed", deviceProfile("size-seed", m, s.answerKey.filter((k) => k.machineId === m.id)), now, mib);
};

it.each([1, 2.5])("grows each device's log to at least %s MiB, a few percent over at most", (mib) => {
  expect(windows.map((m) => m.osPlatform)).toEqual(["Windows11", "WindowsServer2022", "Windows11"]);
  for (const m of windows) {
    const size = log(m.id, mib).bytes.length;
    expect([m.computerDnsName, size >= mib * 1024 * 1024]).toEqual([m.computerDnsName, true]);
    // The smallest EVTX that reaches the size: the 4 KiB header and whole 64 KiB chunks.
    const smallest = 4096 + Math.ceil((mib * 1024 * 1024 - 4096) / CHUNK_SIZE) * CHUNK_SIZE;
    expect([m.computerDnsName, size <= Math.max(mib * 1024 * 1024 * 1.04, smallest + CHUNK_SIZE)]).toEqual([m.computerDnsName, true]);
  }
});

it("keeps a cleared log at the size too, its activity after the clear, 1102 first", () => {
  const l = log(M.win11b, 2);
  expect(l.bytes.length).toBeGreaterThanOrEqual(2 * 1024 * 1024);
  expect(l.counts[1102]).toBe(1);
  const plain = log(M.win11, 2);
  expect(l.counts[4688] + l.counts[4624]).toBeGreaterThan(0.8 * (plain.counts[4688] + plain.counts[4624]));
});

it("writes the same bytes for the same scenario", () => {
  const sha = () => createHash("sha256").update(log(M.win11, 1).bytes).digest("hex");
  expect(sha()).toBe(sha());
});
