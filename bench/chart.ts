/**
 * The results chart, hand-written SVG (no dependency): for each case (machines × mode) and
 * policy, how much of the job got done (top) and how long it took against the quota lower
 * bound (bottom, log scale). A hollow bar is a run that gave up or was stopped: its time is
 * not the time to finish the job.
 */
import type { RunMetrics } from "./metrics";

const POLICIES: Array<{ id: string; name: string; color: string }> = [
  { id: "ours", name: "ours", color: "#2563eb" },
  { id: "xsoar", name: "XSOAR-style (reimplemented)", color: "#ea580c" },
  { id: "mdeautomator", name: "MDEAutomator-style (reimplemented)", color: "#6b7280" },
];

/** The canvas, and the margins left of and right of the plots (px). */
const W = 920, H = 560;
const LEFT = 70, RIGHT = 20;
/** Panel A (share done) and panel B (time ÷ bound): top edge and height (px). */
const TOP_A = 88, H_A = 140;
const TOP_B = 290, H_B = 200;
/** Panel B's log scale ends here; a stopped run is drawn at it. */
const MAX_RATIO = 30;

export function renderChart(runs: readonly RunMetrics[]): string {
  const cases = [...new Map(runs.filter((r) => POLICIES.some((p) => p.id === r.policy)).map((r) => [`${r.mode}:${r.machines}`, r])).values()]
    .map((r) => ({ mode: r.mode, machines: r.machines }))
    .sort((a, b) => (a.mode === b.mode ? a.machines - b.machines : a.mode === "collect" ? -1 : 1));
  const groupW = (W - LEFT - RIGHT) / Math.max(1, cases.length);
  const barW = Math.min(36, (groupW - 30) / POLICIES.length);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(text(W / 2, 24, "Investigation packages from a fleet: MDE emulator, default quotas, emulated time", { size: 15, weight: "bold", anchor: "middle" }));
  // Legend
  POLICIES.forEach((p, i) => {
    const x = LEFT + i * 270;
    out.push(`<rect x="${x}" y="38" width="12" height="12" fill="${p.color}"/>`);
    out.push(text(x + 18, 49, p.name));
  });

  // Panel A: share done.
  out.push(text(LEFT - 55, TOP_A - 12, "Machines done (collected, or packages kept)", { weight: "bold" }));
  for (const pct of [0, 50, 100]) {
    const y = TOP_A + H_A - (pct / 100) * H_A;
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`);
    out.push(text(LEFT - 6, y + 4, `${pct}%`, { anchor: "end" }));
  }
  // Panel B: time ÷ bound, log scale from 1 to MAX_RATIO.
  out.push(text(LEFT - 55, TOP_B - 8, "Wall time ÷ quota lower bound (log scale; 1 = the physical limit)", { weight: "bold" }));
  const yB = (ratio: number) => TOP_B + H_B - (Math.log(Math.min(Math.max(ratio, 1), MAX_RATIO)) / Math.log(MAX_RATIO)) * H_B;
  for (const tick of [1, 2, 5, 10, 20]) {
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${yB(tick)}" y2="${yB(tick)}" stroke="${tick === 1 ? "#111827" : "#e5e7eb"}"/>`);
    out.push(text(LEFT - 6, yB(tick) + 4, `×${tick}`, { anchor: "end" }));
  }

  cases.forEach((c, gi) => {
    const gx = LEFT + gi * groupW;
    const label = `${c.machines} machines`;
    out.push(text(gx + groupW / 2, TOP_B + H_B + 18, label, { anchor: "middle", weight: "bold" }));
    out.push(text(gx + groupW / 2, TOP_B + H_B + 33, c.mode === "collect" ? "collections" : "packages kept", { anchor: "middle" }));
    POLICIES.forEach((p, pi) => {
      const run = runs.find((r) => r.policy === p.id && r.mode === c.mode && r.machines === c.machines);
      if (!run) return;
      const x = gx + (groupW - POLICIES.length * barW) / 2 + pi * barW;
      const done = c.mode === "packages" ? (run.packages?.kept ?? 0) : run.collected;
      const share = done / run.machines;
      const complete = done === run.machines && !run.stopped;
      const hA = share * H_A;
      out.push(`<rect x="${x + 2}" y="${TOP_A + H_A - hA}" width="${barW - 4}" height="${Math.max(hA, 1)}" fill="${p.color}"/>`);
      if (share < 1) out.push(text(x + barW / 2, TOP_A + H_A - hA - 4, `${Math.round(share * 100)}%`, { anchor: "middle", size: 10 }));
      const r = run.stopped ? MAX_RATIO : run.ratio;
      const top = yB(r);
      const hB = Math.max(TOP_B + H_B - top, 2);
      out.push(
        complete
          ? `<rect x="${x + 2}" y="${top}" width="${barW - 4}" height="${hB}" fill="${p.color}"/>`
          : `<rect x="${x + 3}" y="${top}" width="${barW - 6}" height="${hB}" fill="none" stroke="${p.color}" stroke-width="2" stroke-dasharray="4 2"/>`,
      );
      const caption = run.stopped ? "stopped" : !complete ? "gave up" : `×${run.ratio < 10 ? run.ratio.toFixed(2) : run.ratio.toFixed(0)}`;
      // Captions of incomplete runs sit higher, clear of their neighbours' at the ×1 line.
      out.push(text(x + barW / 2, top - (complete || run.stopped ? 4 : 16), caption, { anchor: "middle", size: 10 }));
    });
  });
  out.push(text(LEFT, H - 12, "Hollow bars: the run gave up on machines or was stopped at its deadline, so its time is not the time to do the job. Details: bench/results/latest.md", { size: 11, color: "#374151" }));
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

function text(x: number, y: number, s: string, o: { anchor?: "start" | "middle" | "end"; size?: number; weight?: string; color?: string } = {}): string {
  const esc = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${o.anchor ?? "start"}"${o.size ? ` font-size="${o.size}"` : ""}${o.weight ? ` font-weight="${o.weight}"` : ""} fill="${o.color ?? "#111827"}">${esc}</text>`;
}
