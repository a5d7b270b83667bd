/**
 * report.html as a responder opens it: Debian's chromium driven by playwright-core (no browser
 * download), a fresh profile, no network. The overview, the findings and the timeline are visible
 * and the screenshots are not blank; sorting and filtering work; the device view opens from a
 * tile; no request leaves the page, the console stays clean (a CSP violation would show there);
 * and markup planted in package content (`<img onerror>`, `<script>`) is shown as text and never
 * runs. Skips, saying why, when /usr/bin/chromium is missing.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { PackageBuilder } from "../../emulator/packages/packages";
import { decodeText } from "../../provider/report/parse/decode";
import { createReport } from "../../provider/report/run";
import { actionFor, fleetScenario, keepPackage, makeZip, testCustodyLog, writeFleet, zipEntries } from "../helpers/reportFleet";

const CHROMIUM = "/usr/bin/chromium";
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`skipping the report page suite: ${CHROMIUM} is missing (Debian package chromium)`);
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const EVIL_IMG = `<img src=x onerror="window.__pwned='img'">`;
const EVIL_SCRIPT = `<script>window.__pwned='script'</script>`;

/** Distinct byte values of a PNG's inflated pixel rows: a blank (one-colour) image has a handful. */
function pngVariety(png: Buffer): number {
  const idat: Buffer[] = [];
  for (let o = 8; o < png.length; ) {
    const len = png.readUInt32BE(o);
    if (png.toString("latin1", o + 4, o + 8) === "IDAT") idat.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  return new Set(inflateSync(Buffer.concat(idat))).size;
}

(hasBrowser ? describe : describe.skip)("report.html in chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "report-page-"));
  let html = "";
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const scenario = fleetScenario("page", 10, [
      { machine: "ws-00001.contoso.local", kind: "temp-listener" },
      { machine: "ws-00002.contoso.local", kind: "logon-burst" },
      { machine: "ws-00003.contoso.local", kind: "defender-detection" },
    ]);
    const evidence = join(dir, "evidence");
    await writeFleet(evidence, scenario, "page-seed");
    // One more device whose package names its process and service with markup.
    const entries = await zipEntries((await new PackageBuilder("page-seed", scenario).build(actionFor(scenario.machines[0], 1))).bytes);
    const csv = entries.find((e) => e.path === "Processes/Processes.csv")!;
    const evilPath = `C:\\Users\\eve\\AppData\\Local\\Temp\\${EVIL_IMG}.exe`;
    const text = `${decodeText(csv.bytes).text}"${EVIL_SCRIPT}","7777","4","${evilPath.replace(/"/g, '""')}","${EVIL_SCRIPT.replace(/"/g, '""')}"\r\n`;
    csv.bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
    await keepPackage(evidence, testCustodyLog(), { id: "e".repeat(40), computerDnsName: `evil<b>host</b>.contoso.local` }, "00000000-0000-4000-8000-000000000666", await makeZip(entries));
    html = (await createReport({ location: evidence, outDir: join(dir, "out") })).html;
  }, 120_000);

  it("shows the overview, findings and timeline, sorts, filters, opens a device, makes no request and runs no injected markup", async () => {
    const { chromium } = await import("playwright-core");
    const context = await chromium.launchPersistentContext(join(dir, "profile"), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 1000 } });
    const requests: string[] = [];
    const problems: string[] = [];
    try {
      const page = await context.newPage();
      page.on("request", (r) => requests.push(r.url()));
      page.on("console", (m) => (m.type() === "error" || m.type() === "warning") && problems.push(`${m.type()}: ${m.text()}`));
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(`file://${html}`);

      const tiles = page.locator("#grid .tile");
      expect(await tiles.count()).toBe(11);
      expect(await page.locator('#grid .tile[data-severity="high"]').count()).toBeGreaterThanOrEqual(3);
      for (const id of ["overview", "findings", "timeline"]) expect(await page.locator(`#${id}`).isVisible()).toBe(true);
      expect(await page.locator("#chart svg rect").count()).toBeGreaterThan(20);
      const shots = { overview: await page.locator("#overview").screenshot(), findings: await page.locator("#findings").screenshot(), timeline: await page.locator("#timeline").screenshot() };
      for (const [name, png] of Object.entries(shots)) {
        writeFileSync(join(dir, `${name}.png`), png);
        expect([name, pngVariety(png)]).toEqual([name, expect.any(Number)]);
        expect(pngVariety(png)).toBeGreaterThan(30);
      }
      if (process.env.REPORT_SCREENSHOTS) for (const [name, png] of Object.entries(shots)) writeFileSync(join(process.env.REPORT_SCREENSHOTS, `${name}.png`), png);

      // Sorting: the device column, ascending then descending.
      const findings = page.locator('table[data-table="findings"]');
      const column = (i: number) => findings.locator(`tbody tr td:nth-child(${i})`).allTextContents();
      await findings.locator("th", { hasText: "device" }).click();
      const asc = await column(4);
      expect(asc).toEqual([...asc].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
      await findings.locator("th", { hasText: "device" }).click();
      const desc = await column(4);
      expect(desc).toEqual([...asc].reverse());
      expect(new Set(asc).size).toBeGreaterThan(3);

      // Filtering: by text, then by severity.
      const total = (await column(1)).length;
      await page.locator("#findings-table input[type=search]").fill("defender");
      const filtered = await findings.locator("tbody tr").allTextContents();
      expect(filtered.length).toBeGreaterThan(0);
      expect(filtered.length).toBeLessThan(total);
      expect(filtered.every((t) => /defender/i.test(t))).toBe(true);
      await page.locator("#findings-table input[type=search]").fill("");
      await page.locator('#findings-table select[data-filter="severity"]').selectOption("high");
      expect(new Set(await column(2))).toEqual(new Set(["high"]));

      // The injected names are on the page as text, and nothing of them ran or became an element.
      const body = await page.locator("body").textContent();
      expect(body).toContain(EVIL_IMG);
      expect(body).toContain(`evil<b>host</b>`);
      expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
      expect(await page.locator("main img, main b, main script").count()).toBe(0);

      // The device view, from a tile.
      await page.locator('#grid .tile[data-severity="high"]').first().click();
      expect(await page.locator("#device").isVisible()).toBe(true);
      expect(await page.locator("#overview").isVisible()).toBe(false);
      expect(await page.locator('#device table[data-table="device-findings"] tbody tr').count()).toBeGreaterThan(0);
      await page.locator("#device-back").click();
      expect(await page.locator("#overview").isVisible()).toBe(true);

      expect(requests).toEqual([`file://${html}`]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
