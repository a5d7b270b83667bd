/**
 * A relative evidence path means "beside Pulumi.yaml", also when the program (and with it the
 * provider) runs in the folder `main` names, e.g. `dist/`, which a clean rebuild deletes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectFolder, resolveEvidencePath } from "../../provider/evidence/projectPath";
import { tempDirEachTest } from "./helpers/fixtures";

describe("relative evidence paths", () => {
  const temp = tempDirEachTest("project");
  beforeEach(() => {
    mkdirSync(join(temp.path, "proj", "dist", "lib"), { recursive: true });
    writeFileSync(join(temp.path, "proj", "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: dist/index.js\n");
  });

  it("resolve against the folder holding Pulumi.yaml, from main's folder or deeper", () => {
    const proj = join(temp.path, "proj");
    expect(resolveEvidencePath("evidence/INC-1", join(proj, "dist"))).toBe(join(proj, "evidence", "INC-1"));
    expect(resolveEvidencePath("./evidence", join(proj, "dist", "lib"))).toBe(join(proj, "evidence"));
    expect(projectFolder(join(proj, "dist"))).toBe(proj);
  });

  it("leave absolute paths alone, and fall back to the working folder outside any project", () => {
    expect(resolveEvidencePath("/srv/evidence/x", join(temp.path, "proj", "dist"))).toBe("/srv/evidence/x");
    expect(resolveEvidencePath("ev", temp.path)).toBe(join(temp.path, "ev"));
  });

  it("accept Pulumi.yml as the project file too", () => {
    mkdirSync(join(temp.path, "other", "out"), { recursive: true });
    writeFileSync(join(temp.path, "other", "Pulumi.yml"), "name: o\nruntime: nodejs\n");
    expect(resolveEvidencePath("e", join(temp.path, "other", "out"))).toBe(join(temp.path, "other", "e"));
  });
});
