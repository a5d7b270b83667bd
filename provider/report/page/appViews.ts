/**
 * Browser code (plain JavaScript, shipped inside report.html): the views. The fleet overview
 * (one tile per package, coloured by its most severe finding), the findings table, the Security
 * event timeline as an SVG stacked bar chart with per-device counts, the package table, and a
 * device view (#device:<package file>). Every value from the report goes through textContent or
 * an attribute value; nothing is parsed as HTML.
 */
export const APP_VIEWS = String.raw`
const R = JSON.parse(document.getElementById("report-data").textContent);
const EVENT_IDS = ["4624/3", "4624/10", "4624", "4625", "4672", "4688", "4697", "4698", "4720", "4732", "1102"];
const COLORS = { "4624": "#90a4ae", "4625": "#e53935", "4672": "#8e24aa", "4688": "#1e88e5", "4697": "#f4511e", "4698": "#fb8c00", "4720": "#6d4c41", "4732": "#3949ab", "1102": "#000000" };
const severityOf = (p) => !p.verified ? "unverified" : p.findings.high ? "high" : p.findings.medium ? "medium" : p.findings.low ? "low" : "none";
const where = (e) => e.path + (e.line ? ":" + e.line : e.record ? " record " + e.record + (e.eventRecordId ? " (EventRecordID " + e.eventRecordId + ")" : "") : "");
const deviceButton = (name, file) => el("button", { class: "device-link", type: "button", onclick: () => { location.hash = "device:" + file; } }, name || "(unnamed)");
const FINDING_COLUMNS = [
  { label: "id", get: (f) => f.id },
  { label: "severity", get: (f) => f.severity, cls: (f) => "sev sev-" + f.severity },
  { label: "category", get: (f) => f.category },
  { label: "device", get: (f) => f.computerDnsName, render: (f) => deviceButton(f.computerDnsName, f.evidence[0].package) },
  { label: "kind", get: (f) => f.kind },
  { label: "finding", get: (f) => f.title },
  { label: "hosts", get: (f) => (f.hosts || []).join(" ") },
  { label: "evidence", get: (f) => f.evidence.map(where).join("; "), cls: () => "evidence", title: (f) => "package SHA-256 " + f.evidence[0].packageSha256 + " (" + f.evidence[0].package + ")" },
];
function meta() {
  const f = R.fleet;
  const high = R.findings.filter((x) => x.severity === "high").length;
  document.getElementById("meta").textContent = R.location + " | generated " + R.generatedAt + " by " + R.tool.name + " " + R.tool.version + " | " + f.packages + " packages, " + f.verified + " verified, " + f.unverified + " unverified | " + R.findings.length + " findings, " + high + " high | " + (f.baseline ? "rare = on at most " + f.rareMaxHosts + " of " + f.windows + " Windows devices" : "only " + f.windows + " Windows device(s): too few to tell rare from common, no rarity findings");
  document.getElementById("problems").replaceChildren(...R.problems.map((p) => el("li", { text: p })));
  document.getElementById("tabs").replaceChildren(...[["overview", "Overview"], ["findings", "Findings"], ["timeline", "Timeline"], ["packages", "Packages"]].map(([id, label]) => el("a", { href: "#" + id }, label)));
}
function overview() {
  const names = { high: "high", medium: "medium", low: "low only", none: "no findings", unverified: "unverified" };
  document.getElementById("legend").replaceChildren(...Object.entries(names).map(([k, label]) => el("span", {}, el("span", { class: "swatch sev-" + k }), label + " (" + R.packages.filter((p) => severityOf(p) === k).length + ")")));
  const order = { high: 0, medium: 1, low: 2, none: 3, unverified: -1 };
  const tiles = [...R.packages].sort((a, b) => order[severityOf(a)] - order[severityOf(b)] || cmp(a.computerDnsName, b.computerDnsName));
  document.getElementById("grid").replaceChildren(...tiles.map((p) => el("button", {
    type: "button", class: "tile sev-" + severityOf(p), "data-device": p.computerDnsName, "data-severity": severityOf(p),
    title: p.computerDnsName + ": " + (p.verified ? p.findings.high + " high, " + p.findings.medium + " medium, " + p.findings.low + " low" : "unverified: " + p.problems.join("; ")),
    onclick: () => { location.hash = "device:" + p.file; },
  }, (p.computerDnsName || p.machineId).split(".")[0] + (p.verified ? " " + p.findings.high + "/" + p.findings.medium : " ✗"))));
}
function chart(host, hours, series) {
  const NS = "http://www.w3.org/2000/svg";
  const svgEl = (tag, attrs, text) => { const e = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v)); if (text !== undefined) e.textContent = text; return e; };
  const ids = Object.keys(series).filter((id) => COLORS[id]);
  if (!hours.length) { host.replaceChildren(el("p", { text: "No Security events in the verified packages." })); return; }
  const W = 1000, H = 240, L = 48, B = 36, T = 10;
  const totals = hours.map((_, i) => ids.reduce((s, id) => s + series[id][i], 0));
  const max = Math.max(1, ...totals);
  const bw = (W - L - 10) / hours.length;
  const svg = svgEl("svg", { viewBox: "0 0 " + W + " " + (H + 30), width: "100%", role: "img", "aria-label": "Security events per hour" });
  svg.append(svgEl("line", { x1: L, y1: H - B, x2: W - 10, y2: H - B, stroke: "#999" }), svgEl("text", { x: 4, y: T + 8 }, String(max)), svgEl("text", { x: 4, y: H - B }, "0"));
  hours.forEach((h, i) => {
    let y = H - B;
    for (const id of ids) {
      const v = series[id][i];
      if (!v) continue;
      const hgt = (v / max) * (H - B - T);
      y -= hgt;
      const r = svgEl("rect", { x: L + i * bw, y, width: Math.max(1, bw - 0.5), height: hgt, fill: COLORS[id], "data-event": id });
      r.append(svgEl("title", {}, h + ":00 UTC, " + id + ": " + v));
      svg.append(r);
    }
  });
  const step = Math.max(1, Math.ceil(hours.length / 8));
  for (let i = 0; i < hours.length; i += step) svg.append(svgEl("text", { x: L + i * bw, y: H - B + 14 }, hours[i].replace("T", " ") + "h"));
  let x = L;
  for (const id of ids) {
    const total = series[id].reduce((a, b) => a + b, 0);
    svg.append(svgEl("rect", { x, y: H, width: 10, height: 10, fill: COLORS[id] }), svgEl("text", { x: x + 14, y: H + 9 }, id + " (" + total + ")"));
    x += 90;
  }
  host.replaceChildren(svg);
}
function countsTable(host, packages) {
  dataTable(host, { name: "security-counts", rows: packages.filter((p) => p.verified && p.security.present), sort: 0, columns: [
    { label: "device", get: (p) => p.computerDnsName, render: (p) => deviceButton(p.computerDnsName, p.file) },
    ...EVENT_IDS.map((id) => ({ label: id, get: (p) => p.security.counts[id] || 0 })),
    { label: "records", get: (p) => p.security.records },
    { label: "damaged chunks", get: (p) => p.security.badChunks },
  ] });
}
function packagesTable(host, packages) {
  dataTable(host, { name: "packages", rows: packages, sort: 0, filters: [{ label: "verified", get: (p) => (p.verified ? "yes" : "no") }], columns: [
    { label: "device", get: (p) => p.computerDnsName, render: (p) => deviceButton(p.computerDnsName, p.file) },
    { label: "verified", get: (p) => (p.verified ? "yes" : "NO") },
    { label: "problems", get: (p) => p.problems.join("; ") },
    { label: "package", get: (p) => p.file, cls: () => "evidence" },
    { label: "SHA-256", get: (p) => p.sha256, cls: () => "evidence" },
    { label: "high", get: (p) => p.findings.high }, { label: "medium", get: (p) => p.findings.medium }, { label: "low", get: (p) => p.findings.low },
    { label: "not read", get: (p) => p.skipped.map((s) => s.path + ": " + s.reason).join("; ") },
  ] });
}
function deviceView(file) {
  const p = R.packages.find((x) => x.file === file);
  if (!p) return false;
  document.getElementById("device-title").textContent = "Device " + (p.computerDnsName || p.machineId);
  const facts = [["machine id", p.machineId], ["action id", p.actionId], ["package", p.file], ["SHA-256", p.sha256], ["size", p.sizeBytes + " bytes"], ["verified", p.verified ? "yes" : "NO: " + p.problems.join("; ")], ["Security log", p.security.present ? p.security.records + " records, " + p.security.badChunks + " damaged chunks, " + (p.security.firstTime || "?") + " to " + (p.security.lastTime || "?") : "absent"]];
  const findings = el("div");
  const counts = el("div");
  const body = document.getElementById("device-body");
  body.replaceChildren(el("table", {}, el("tbody", {}, ...facts.map(([k, v]) => el("tr", {}, el("th", { scope: "row" }, k), el("td", { class: "evidence" }, v))))), el("h3", { text: "Findings" }), findings, el("h3", { text: "Security event counts" }), counts, el("h3", { text: "Not read" }), el("ul", {}, ...p.skipped.map((s) => el("li", { text: s.path + ": " + s.reason }))));
  dataTable(findings, { name: "device-findings", rows: R.findings.filter((f) => f.evidence[0].package === file), columns: FINDING_COLUMNS });
  countsTable(counts, [p]);
  return true;
}
function route() {
  const m = /^#device:(.+)$/.exec(location.hash);
  const device = m ? deviceView(decodeURIComponent(m[1])) : false;
  for (const id of ["overview", "findings", "timeline", "packages"]) document.getElementById(id).hidden = device;
  document.getElementById("device").hidden = !device;
  if (device) window.scrollTo(0, 0);
}
meta();
overview();
dataTable(document.getElementById("findings-table"), { name: "findings", rows: R.findings, columns: FINDING_COLUMNS, filters: [{ label: "severity", get: (f) => f.severity }, { label: "category", get: (f) => f.category }, { label: "kind", get: (f) => f.kind }] });
chart(document.getElementById("chart"), R.timeline.hours, R.timeline.series);
countsTable(document.getElementById("counts-table"), R.packages);
packagesTable(document.getElementById("packages-table"), R.packages);
window.addEventListener("hashchange", route);
route();
`;
