/**
 * The scenario example in emulator/README.md "Scenario" is a scenario the emulator accepts, as a
 * user would copy it into fleet.yaml: its devices, app, generated fleet and running action.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseScenarioText } from "../../emulator/scenario/scenario";

function yamlOfScenarioSection(): string {
  const text = fs.readFileSync(path.join(__dirname, "..", "..", "emulator", "README.md"), "utf8");
  const section = text.slice(text.indexOf("\n## Scenario\n"));
  const block = /^```yaml\n([\s\S]*?)^```/m.exec(section);
  if (!block) throw new Error('emulator/README.md "## Scenario" has no yaml block');
  return block[1];
}

it("accepts the documented example", () => {
  const scenario = parseScenarioText(yamlOfScenarioSection(), "emulator/README.md");
  expect(scenario.apps[0]).toMatchObject({ displayName: "IR Automation", roles: ["Machine.CollectForensics", "Machine.Read.All"] });
  expect(scenario.machines).toHaveLength(201);
  expect(scenario.machines[0]).toMatchObject({ computerDnsName: "fin-ws-01.contoso.local", machineTags: ["finance"], behavior: "online" });
  expect(scenario.actions).toHaveLength(1);
});
