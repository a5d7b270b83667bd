/**
 * docs/configuration.md "The resource": its inputs table is where a user looks up what
 * InvestigationPackageCollection takes. Every input the resource checks has a row, and every row
 * is an input (#21: `evidence` was missing from it). `marker` is computed by the resource, not set.
 */
import { KnownInputsSchema } from "../../provider/resource/inputs";
import { readRepoFile } from "../layout/repoFiles";

function documentedInputs(): string[] {
  const lines = readRepoFile("docs/configuration.md").split("\n");
  const at = lines.indexOf("## The resource");
  const table = lines.slice(at).slice(lines.slice(at).findIndex((l) => l.startsWith("| input |")) + 2);
  return table.slice(0, table.findIndex((l) => !l.startsWith("|"))).map((l) => l.match(/^\| `([^`]+)` \|/)?.[1] ?? `(unreadable row: ${l})`);
}

it("lists every input the resource checks, and nothing else", () => {
  const checked = Object.keys(KnownInputsSchema.shape).filter((k) => k !== "marker");
  expect(documentedInputs().sort()).toEqual(checked.sort());
});
