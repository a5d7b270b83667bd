/**
 * What an attacker with write access to an evidence folder does, as test steps: edit custody
 * lines and re-link the hash chain, rewrite manifests, re-sign envelopes with a key of their own.
 * Every step uses only what is in the folder (and the attacker's key), never the signing key.
 */
import { createHash, type KeyObject } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { signStatement, type Statement } from "../../provider/evidence/dsse";
import { main } from "../../provider/verify/cli";

export const sha256 = (b: string | Buffer) => createHash("sha256").update(b).digest("hex");
type Line = Record<string, any>;

export async function readLog(dir: string): Promise<Line[]> {
  return (await readFile(join(dir, "custody.jsonl"), "utf8"))
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
}

/** Writes `lines` as the log, each `prev` recomputed so the chain holds again. */
export async function writeRelinked(dir: string, lines: Line[]): Promise<void> {
  let prev: string | null = null;
  const texts = lines.map((l) => {
    const text = JSON.stringify({ ...l, prev });
    prev = sha256(text);
    return text;
  });
  await writeFile(join(dir, "custody.jsonl"), texts.map((t) => `${t}\n`).join(""));
}

export async function readJson(file: string): Promise<any> {
  return JSON.parse(await readFile(file, "utf8"));
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The Statement inside an envelope file (no check). */
export async function statementOf(file: string): Promise<Statement> {
  return JSON.parse(Buffer.from((await readJson(file)).payload, "base64").toString("utf8"));
}

/**
 * Re-signs every envelope of `dir` with `key`: each package's envelope over its current manifest
 * and hash, and the head over the current log, filling whatever the head's predicate commits to.
 */
export async function resignAll(dir: string, key: KeyObject, keyId: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!name.endsWith(".intoto.json")) continue;
    const manifestFile = join(dir, name.replace(/\.intoto\.json$/, ".json"));
    const manifest = await readJson(manifestFile);
    manifest.signature = { ...manifest.signature, keyId };
    await writeJson(manifestFile, manifest);
    const st = await statementOf(join(dir, name));
    st.subject = [{ name: manifest.fileName, digest: { sha256: manifest.sha256 } }];
    st.predicate = manifest;
    await writeJson(join(dir, name), signStatement(st, key));
  }
  const manifestHashes = new Map<string, string>();
  for (const name of await readdir(dir)) {
    if (/^[^.]+-[^.]+\.json$/.test(name)) manifestHashes.set(name.replace(/\.json$/, ".zip"), sha256(await readFile(join(dir, name))));
  }
  const lines = await readLog(dir);
  for (const l of lines) if (l.details?.manifestSha256 && manifestHashes.has(l.details.fileName)) l.details.manifestSha256 = manifestHashes.get(l.details.fileName);
  await writeRelinked(dir, lines);
  await resignHead(dir, key);
}

/** Signs a head for the log as it is now, in whatever form the head's predicate has. */
export async function resignHead(dir: string, key: KeyObject): Promise<void> {
  const text = await readFile(join(dir, "custody.jsonl"), "utf8");
  const lines = text.trimEnd().split("\n");
  const st = await statementOf(join(dir, "custody.head.json"));
  const predicate = st.predicate as Record<string, unknown>;
  const whole = "lineCount" in predicate;
  st.subject = [{ name: "custody.jsonl", digest: { sha256: whole ? sha256(text) : sha256(lines.at(-1)!) } }];
  if (whole) Object.assign(predicate, { lineCount: lines.length, lastLineSha256: sha256(lines.at(-1)!) });
  await writeJson(join(dir, "custody.head.json"), signStatement(st, key));
}

/** Runs `mde-forensics verify` in-process; `keys` are public key files. */
export async function verify(dir: string, keys: string[] = [], extra: string[] = []) {
  let stdout = "";
  let stderr = "";
  const args = ["verify", dir, ...keys.flatMap((k) => ["--public-key", k]), ...extra];
  const code = await main(args, (s) => (stdout += s), (s) => (stderr += s));
  return { code, stdout, stderr };
}
