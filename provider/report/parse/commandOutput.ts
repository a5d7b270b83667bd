/**
 * Command output from a Windows package, as the commands print it in English: `netstat -ano`,
 * `net localgroup <group>`, `reg query <key>`, `systeminfo`. Each parser keeps the 1-based line
 * of every row (a reader goes from a finding to the bytes) and ignores lines it does not know,
 * so a localized or truncated file yields fewer rows, never an error.
 */
export interface SocketRow { line: number; proto: string; local: string; localPort: number | undefined; foreign: string; state: string; pid: number | undefined }
export interface GroupMemberRow { line: number; member: string }
export interface AutorunRow { line: number; key: string; name: string; type: string; value: string }

const NETSTAT = /^\s*(TCP|UDP)\s+(\S+)\s+(\S+)\s+(?:(\S+)\s+)?(\d+)\s*$/i;

/** Rows of `netstat -ano`; UDP rows have no state. */
export function parseNetstat(lines: string[]): SocketRow[] {
  const out: SocketRow[] = [];
  lines.forEach((text, i) => {
    const m = NETSTAT.exec(text);
    if (!m) return;
    const port = /:(\d+)$/.exec(m[2]);
    out.push({ line: i + 1, proto: m[1].toUpperCase(), local: m[2], localPort: port ? Number(port[1]) : undefined, foreign: m[3], state: (m[4] ?? "").toUpperCase(), pid: Number(m[5]) });
  });
  return out;
}

/** Members of `net localgroup <group>`: the lines between the dashed rule and "The command completed…". */
export function parseLocalGroup(lines: string[]): GroupMemberRow[] {
  const start = lines.findIndex((l) => /^-{20,}\s*$/.test(l));
  if (start < 0) return [];
  const out: GroupMemberRow[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const text = lines[i].trim();
    if (/^The command completed/i.test(text)) break;
    if (text) out.push({ line: i + 1, member: text });
  }
  return out;
}

const REG_VALUE = /^\s{2,}(.*?)\s{2,}(REG_[A-Z_]+)\s{2,}(.*)$|^\s{2,}(.*?)\s{2,}(REG_[A-Z_]+)\s*$/;

/** Values of `reg query`: a line starting with HKEY_ opens a key, indented `name  REG_TYPE  data` lines are its values. */
export function parseRegQuery(lines: string[]): AutorunRow[] {
  const out: AutorunRow[] = [];
  let key = "";
  lines.forEach((text, i) => {
    if (/^HKEY_/i.test(text.trim())) key = text.trim();
    else {
      const m = REG_VALUE.exec(text);
      if (m && key) out.push({ line: i + 1, key, name: (m[1] ?? m[4]).trim(), type: m[2] ?? m[5], value: (m[3] ?? "").trim() });
    }
  });
  return out;
}

/** `systeminfo`'s "Host Name:" (the device as it names itself), if present. */
export function parseSystemInfoHost(lines: string[]): string | undefined {
  for (const l of lines) {
    const m = /^Host Name:\s+(\S+)/i.exec(l);
    if (m) return m[1];
  }
  return undefined;
}
