/**
 * report.html's guarantees that need no browser: its CSP allows exactly the page's own script
 * and style by hash and nothing else; no URL to anywhere is in the page; package content in the
 * data block cannot close the script element it sits in.
 */
import { createHash } from "node:crypto";
import { contentSecurityPolicy, jsonForScript, renderPage } from "../../provider/report/page/render";
import { REPORT_SCHEMA, type TriageReport } from "../../provider/report/schema";

const hostile = "</script><script>alert(1)</script><!--\u2028&amp;";
const report: TriageReport = {
  schema: REPORT_SCHEMA, generatedAt: "2025-03-15T08:00:00.000Z", tool: { name: "t", version: "1" }, location: hostile, problems: [hostile],
  fleet: { packages: 0, verified: 0, unverified: 0, windows: 0, baseline: false, rareMaxHosts: 2 }, packages: [], findings: [], timeline: { hours: [], series: {} },
};

it("allows only its own inline script and style, by hash", () => {
  const html = renderPage(report);
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
  expect(scripts).toHaveLength(1);
  expect(styles).toHaveLength(1);
  const sha = (t: string) => `'sha256-${createHash("sha256").update(t).digest("base64")}'`;
  expect(contentSecurityPolicy()).toBe(`default-src 'none'; script-src ${sha(scripts[0])}; style-src ${sha(styles[0])}; img-src data:; base-uri 'none'; form-action 'none'`);
  expect(html).toContain(`content="${contentSecurityPolicy()}"`);
});

it("fetches nothing: no URL in the page but the CSP's and XML namespaces'", () => {
  const urls = [...renderPage(report).matchAll(/\b(?:https?:)?\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
  expect(urls.filter((u) => u !== "http://www.w3.org/2000/svg")).toEqual([]);
  expect(renderPage(report)).not.toMatch(/@import|url\(|<link|<iframe|src=/i);
});

it("keeps package content inside the JSON data block, whatever it contains", () => {
  const html = renderPage(report);
  const block = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1];
  expect(block).not.toMatch(/[<>\u2028]|&amp;/);
  expect(JSON.parse(block).location).toBe(hostile);
  expect(JSON.parse(jsonForScript({ x: hostile })).x).toBe(hostile);
  expect(html.split("</script>")).toHaveLength(3); // the data block and the app script end, nothing else
});
