/**
 * report.html: one self-contained file. No external request of any kind (no CDN, no fonts, no
 * images but inline SVG); a Content-Security-Policy that allows only this page's own inline
 * script and style, by SHA-256 hash, and nothing else (default-src 'none'). The report's data is
 * a JSON data block (never executed; `<`, `>`, `&`, U+2028/9 escaped so no package content can
 * close it), and the script renders every value with textContent, never as markup: package
 * content is untrusted (a process named `<img src=x onerror=…>` shows as those characters).
 */
import { createHash } from "node:crypto";
import type { TriageReport } from "../schema";
import { APP_SCRIPT } from "./app";
import { PAGE_STYLE } from "./style";

const hash = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** JSON that is safe inside a <script> element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `script-src ${hash(APP_SCRIPT)}`,
    `style-src ${hash(PAGE_STYLE)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export function renderPage(report: TriageReport): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Triage report</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header><h1>Fleet triage report</h1><p id="meta"></p><ul id="problems"></ul></header>
<nav id="tabs"></nav>
<main>
<section id="overview"><h2>Fleet overview</h2><p class="hint">One tile per package, coloured by its most severe finding. Click a tile for the device.</p><div id="legend"></div><div id="grid"></div></section>
<section id="findings"><h2>Findings</h2><div id="findings-table"></div></section>
<section id="timeline"><h2>Security events over time</h2><div id="chart"></div><div id="counts-table"></div></section>
<section id="packages"><h2>Packages</h2><div id="packages-table"></div></section>
<section id="device" hidden><h2 id="device-title"></h2><p><a href="#overview" id="device-back">Back to the fleet</a></p><div id="device-body"></div></section>
</main>
<script type="application/json" id="report-data">${jsonForScript(report)}</script>
<script>${APP_SCRIPT}</script>
</body>
</html>
`;
}
