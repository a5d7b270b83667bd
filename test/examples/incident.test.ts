/**
 * The incident model shared by the runbook and GitOps examples: which collections an incident
 * calls for, and the messages a responder gets for a malformed one. Pure, no Pulumi.
 */
import { IncidentSpecError, parseIncidentSpec, planCollections } from "../../examples/incident-runbook/incident";

const base = { incident: "INC-2041", reason: "suspected credential theft", devices: ["win11-ws01.contoso.local", "LNX-SRV01.contoso.local"] };

describe("planCollections", () => {
  it("plans one collection per device with the incident in the comment and round 1", () => {
    expect(planCollections(base)).toEqual([
      { name: "win11-ws01-contoso-local", device: "win11-ws01.contoso.local", comment: "INC-2041: suspected credential theft", round: 1, alert: undefined },
      { name: "lnx-srv01-contoso-local", device: "LNX-SRV01.contoso.local", comment: "INC-2041: suspected credential theft", round: 1, alert: undefined },
    ]);
  });

  it("adds a follow-up's new devices only, names the alert, and notes devices already collected", () => {
    const notes: string[] = [];
    const planned = planCollections(
      { ...base, followUps: [{ alert: "da6384", devices: ["mac-ws01.contoso.local", "win11-WS01.contoso.local"], note: "second mailbox" }] },
      "test",
      (n) => notes.push(n),
    );
    expect(planned.map((p) => p.name)).toEqual(["win11-ws01-contoso-local", "lnx-srv01-contoso-local", "mac-ws01-contoso-local"]);
    expect(planned[2]).toMatchObject({ comment: "INC-2041, alert da6384: second mailbox", alert: "da6384" });
    // The initial devices keep their comments: adding a follow-up must not replace them.
    expect(planned[0].comment).toBe("INC-2041: suspected credential theft");
    expect(notes).toEqual(["win11-WS01.contoso.local: already collected for INC-2041; raise rounds['win11-WS01.contoso.local'] to collect it again"]);

    // Once the round was raised, the note says so instead of asking for it again.
    notes.length = 0;
    planCollections(
      { ...base, followUps: [{ alert: "da6384", devices: ["win11-ws01.contoso.local"] }], rounds: { "win11-ws01.contoso.local": 2 } },
      "test",
      (n) => notes.push(n),
    );
    expect(notes).toEqual(["win11-ws01.contoso.local: already collected for INC-2041, round 2"]);
  });

  it("puts a raised round into the trigger and the comment of that device only", () => {
    const planned = planCollections({ ...base, rounds: { "win11-ws01.contoso.local": 2 } });
    expect(planned[0]).toMatchObject({ round: 2, comment: "INC-2041: suspected credential theft (round 2)" });
    expect(planned[1]).toMatchObject({ round: 1, comment: "INC-2041: suspected credential theft" });
  });

  it("accepts machine ids and keeps resource names stable", () => {
    const id = "D773293817CCE4C85B3A73D0F8D159864B92E87F";
    expect(planCollections({ incident: "INC-1", devices: [id] })[0]).toMatchObject({ name: id.toLowerCase(), device: id, comment: "INC-1: incident response" });
  });

  it("refuses duplicates, name clashes, rounds for unknown devices and comments MDE would refuse", () => {
    const err = (() => {
      try {
        planCollections({ incident: "INC-1", reason: "x".repeat(995), devices: ["a.contoso.local", "A.contoso.local", "a-contoso.local"], rounds: { "b.contoso.local": 2 } }, "Pulumi.x.yaml");
      } catch (e) {
        return e as IncidentSpecError;
      }
    })();
    expect(err).toBeInstanceOf(IncidentSpecError);
    expect(err!.message).toContain("invalid incident in Pulumi.x.yaml");
    expect(err!.issues).toEqual([
      expect.stringContaining("MDE takes 1000"),
      "devices lists A.contoso.local twice",
      "a-contoso.local and a.contoso.local would get the same resource name 'a-contoso-local'",
      "rounds names b.contoso.local, which is neither in devices nor in a follow-up",
    ]);
  });
});

describe("parseIncidentSpec", () => {
  it("lists every problem at once, with the key to fix", () => {
    expect(() =>
      parseIncidentSpec({ incident: "", devices: [], followUps: [{ alert: "a", devices: ["x"], extra: 1 }], rounds: { x: 0 }, timeoutMinutes: 1.5, colour: "red" }, "incidents/inc-1.yaml"),
    ).toThrow(
      [
        "invalid incident in incidents/inc-1.yaml:",
        "  - unknown key 'colour' (known: incident, reason, devices, followUps, rounds, evidenceDirectory, timeoutMinutes)",
        "  - incident must be a non-empty string",
        "  - devices must be a non-empty list of device names or machine ids",
        "  - followUps[0]: unknown key 'extra' (known: alert, devices, note)",
        "  - rounds.x must be a whole number ≥ 1",
        "  - timeoutMinutes must be a whole number of minutes ≥ 1",
      ].join("\n"),
    );
  });

  it("passes a valid incident through", () => {
    expect(parseIncidentSpec({ ...base, followUps: [{ alert: "a1", devices: ["x.contoso.local"] }], rounds: { "x.contoso.local": 2 } }, "f")).toMatchObject(base);
  });
});
