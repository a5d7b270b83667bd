/**
 * Defender detections in `WdSupportLogs/MpCmdRunLog.txt`: a scan block prints
 * "Threat : <name>" followed by "file : <path>" (or other resource kinds) lines, and the block's
 * "Start Time:" dates it. Kept as the lines show them; nothing is inferred from absent blocks.
 */
export interface DetectionRow { line: number; threat: string; resource: string; startTime: string }

export function parseMpCmdRunLog(lines: string[]): DetectionRow[] {
  const out: DetectionRow[] = [];
  let startTime = "";
  let current: DetectionRow | undefined;
  lines.forEach((text, i) => {
    const start = /Start Time:\s*(.+)$/i.exec(text);
    if (start) startTime = start[1].trim();
    const threat = /^\s*Threat\s*:\s*(.+)$/i.exec(text);
    if (threat) {
      current = { line: i + 1, threat: threat[1].trim(), resource: "", startTime };
      out.push(current);
      return;
    }
    const res = /^\s*(file|regkey|process|service|folder)\s*:\s*(.+)$/i.exec(text);
    if (res && current && !current.resource) current.resource = `${res[1].toLowerCase()}: ${res[2].trim()}`;
    if (/^-{20,}/.test(text)) current = undefined;
  });
  return out;
}
