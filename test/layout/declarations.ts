/**
 * Where a name is declared in a TypeScript file, read as text: `function`, `const`, `class`, …
 * for a plain name; for `Owner.member`, the owner's declaration and then the first member of
 * that name after it (a class method, an object literal's method or property). Text, not the
 * compiler: the guard must stay fast and must not need a build.
 */
import { readRepoFile, repoFiles } from "./repoFiles";

const escape = (s: string) => s.replace(/[$.]/g, "\\$&");
const MODIFIERS = "(?:(?:export|default|declare|abstract|async)\\s+)*";

function keywordDeclaration(name: string): RegExp {
  return new RegExp(`^\\s*${MODIFIERS}(?:function\\*?|const|let|var|class|interface|type|enum)\\s+${escape(name)}\\b`);
}

function memberDeclaration(name: string): RegExp {
  return new RegExp(`^\\s*(?:(?:public|private|protected|static|readonly|async|override|get|set)\\s+)*${escape(name)}\\s*[(<:=]`);
}

/** 1-based lines where `name` (`fn`, `Owner.member`) is declared in `text`; empty when it is not. */
export function declarationLines(text: string, name: string): number[] {
  const lines = text.split("\n");
  const [owner, member] = name.includes(".") ? name.split(".", 2) : [name, undefined];
  const owners = lines.flatMap((l, i) => (keywordDeclaration(owner).test(l) ? [i + 1] : []));
  if (member === undefined) return owners;
  return owners.flatMap((at) => {
    const offset = lines.slice(at).findIndex((l) => memberDeclaration(member).test(l));
    return offset < 0 ? [] : [at + offset + 1];
  });
}

/** Every `file:line` in the repository's TypeScript where `name` is declared (to say where it went). */
export function findDeclarations(name: string): string[] {
  return repoFiles()
    .filter((f) => f.endsWith(".ts") && !f.startsWith("test/"))
    .flatMap((file) => declarationLines(readRepoFile(file), name).map((line) => `${file}:${line}`));
}
