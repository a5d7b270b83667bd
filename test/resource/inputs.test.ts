import { checkInputs, UNKNOWN } from "../../provider/resource/inputs";

const MACHINE = "3d538859b507c85ca5b30614fffe50911de8a9e1";

describe("check", () => {
  it("accepts a machine id in any case, normalises it and fills in the defaults", () => {
    const { inputs, failures } = checkInputs({ machineId: MACHINE.toUpperCase(), comment: "INC-1", __provider: "p" });
    expect(failures).toEqual([]);
    expect(inputs).toEqual({
      machineId: MACHINE,
      comment: "INC-1",
      waitForCompletion: true,
      timeoutMinutes: 60,
      cancelOnDelete: false,
      __provider: "p",
    });
  });

  it.each([
    [{ machineId: "1234", comment: "x" }, "machineId", "40 hexadecimal characters"],
    [{ machineId: "../../machines", comment: "x" }, "machineId", "40 hexadecimal characters"],
    [{ machineId: MACHINE }, "comment", "comment is required"],
    [{ machineId: MACHINE, comment: "   " }, "comment", "must not be empty"],
    [{ comment: "x" }, "machineId", "set machineId"],
    [{ machineId: MACHINE, computerDnsName: "a.contoso.com", comment: "x" }, "computerDnsName", "not both"],
    [{ computerDnsName: "bad name/../x", comment: "x" }, "computerDnsName", "device name"],
    [{ machineId: MACHINE, comment: "x", timeoutMinutes: 0 }, "timeoutMinutes", "at least 1"],
    [{ machineId: MACHINE, comment: "x", timeoutMinutes: 1.5 }, "timeoutMinutes", "whole number"],
    [{ machineId: MACHINE, comment: "x", triggers: { round: 2 } }, "triggers.round", ""],
    [{ machineId: MACHINE, comment: "x", waitForCompletion: "yes" }, "waitForCompletion", "true or false"],
  ])("rejects %j on %s with a message that says what to do", (news, property, hint) => {
    const { failures } = checkInputs(news as Record<string, unknown>);
    const failure = failures.find((f) => f.property === property);
    expect(failure).toBeDefined();
    expect(failure!.reason).toContain(hint);
  });

  it("lets values that preview does not know yet through", () => {
    const { failures } = checkInputs({ machineId: UNKNOWN, comment: UNKNOWN, triggers: UNKNOWN, timeoutMinutes: UNKNOWN });
    expect(failures).toEqual([]);
  });
});
