/**
 * The Markdown tables and the SVG chart docs/operations.md embeds, from a small set of results.
 */
import { renderChart } from "../../bench/chart";
import type { RunMetrics } from "../../bench/metrics";
import { renderMarkdown } from "../../bench/report";

function run(policy: string, machines: number, o: Partial<RunMetrics> = {}): RunMetrics {
  return {
    policy, label: `${policy} label`, machines, mode: "collect", timeScale: 20, collected: machines, failed: 0, wallMin: 10.4, boundMin: 10.08,
    ratio: 1.032, lastPostMin: 9.1, postBoundMin: 9, calls: { collect: machines }, callsPerCollection: { collect: 1, listActions: 0.31 },
    tooManyRequests: 0, tooManyByRoute: {}, duplicatePosts: 0,
    polling: { listCalls: 300, rounds: 120, maxExtraCallsPerRound: 0, meanIdsPerCall: 45, preCheckCalls: 25 },
    realSeconds: 30, deadlineMin: 30.25, stopped: false, unfinished: 0, sampleErrors: [], ...o,
  };
}

const runs: RunMetrics[] = [
  run("ours", 1000),
  run("xsoar", 1000, { collected: 84, failed: 916, wallMin: 1.36, ratio: 0.135, tooManyRequests: 1916, sampleErrors: ["429 on the rescheduled run"] }),
  run("mdeautomator", 1000, { collected: 270, stopped: true, unfinished: 730, ratio: 3 }),
  run("ours", 100, {
    mode: "packages", wallMin: 50.6, boundMin: 50.08, ratio: 1.011,
    packages: { kept: 100, downloads: 100, linksIssued: 100, linkCalls: 100, wastedLinks: 0, firstAvailableMin: 1.1, retrievalMin: 49.5, boundMin: 49, ratio: 1.01 },
  }),
];

describe("renderMarkdown", () => {
  const md = renderMarkdown({ startedAt: "2026-11-22T22:00:00.000Z", seed: "bench-v1", realSeconds: 600, runs });

  it("tabulates each run against its bound, marking incomplete and stopped runs", () => {
    expect(md).toContain("| 1000 | **ours** | 10.40 | 10.08 | ×1.032 | 1000/1000 | 0 | 0 | POST collect 1, GET actions (list) 0.31 | 20 |");
    expect(md).toContain("| 1000 | XSOAR-style† | 1.36 | 10.08 | (×0.14) | 84/1000 | 1916 |");
    expect(md).toContain("| 1000 | MDEAutomator-style‡ | >30.3 (stopped) | 10.08 | – | 270/1000 |");
    expect(md).toContain("| 100 | **ours** | 100/100 | 100 | 0 | 0 | 49.50 | 49.00 | ×1.010 | 50.60 | 20 |");
  });

  it("states each target with its measured value", () => {
    expect(md).toContain("- 1000 machines within 5% of the quota lower bound: ×1.032 (10.40 vs 10.08 min): met.");
    expect(md).toContain("- Zero 429s with the default quotas: 0 in all of ours' runs: met.");
    expect(md).toContain("- Package links at the 2/min bound, none wasted: 100: ×1.010, 0 wasted: met.");
    expect(md).toContain("† xsoar label.");
    expect(md).toContain("- XSOAR-style†, 1000 collect: 429 on the rescheduled run");
  });
});

describe("renderChart", () => {
  it("draws both panels for every case and policy, hollow for runs that did not finish the job", () => {
    const svg = renderChart(runs);
    expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
    expect(svg).toContain(">1000 machines<");
    expect(svg).toContain(">packages kept<");
    expect(svg).toContain(">8%<"); // XSOAR-style: 84 of 1000
    expect(svg).toContain(">gave up<");
    expect(svg).not.toMatch(/font-size="10"[^>]*>100%</); // no label over full bars, only the axis
    expect(svg).toContain(">stopped<");
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
    expect(svg).not.toMatch(/NaN|undefined/);
  });
});
