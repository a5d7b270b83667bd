/** The page's one stylesheet (allowed by hash in the CSP). System fonts only: nothing is fetched. */
export const PAGE_STYLE = `
:root{--high:#c62828;--medium:#ef8f00;--low:#6d8fb3;--clean:#2e7d32;--unverified:#757575;--bg:#fafafa;--fg:#1d1d1d;--line:#d6d6d6}
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,nav{padding:0 20px}
header{padding-top:12px;border-bottom:1px solid var(--line)}
h1{font-size:20px;margin:4px 0}h2{font-size:17px;margin:18px 0 8px}
#problems{color:var(--high)}
nav{display:flex;gap:8px;padding-top:10px}
nav a{padding:4px 10px;border:1px solid var(--line);border-radius:4px;text-decoration:none;color:var(--fg);background:#fff}
.hint{color:#555;margin:2px 0 8px}
#legend{display:flex;gap:14px;margin-bottom:8px}
.swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border-radius:2px}
#grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(120px,1fr));gap:4px}
.tile{border:0;border-radius:4px;padding:6px;color:#fff;text-align:left;font:12px system-ui,sans-serif;cursor:pointer;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}.sev-none{background:var(--clean)}.sev-unverified{background:var(--unverified)}
.controls{display:flex;gap:8px;margin:6px 0;flex-wrap:wrap}
.controls input{min-width:260px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
td{word-break:break-word}
th{background:#eee;cursor:pointer;user-select:none;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.sev{font-weight:600}
td.sev-high{color:var(--high);background:#fff}td.sev-medium{color:#a35f00;background:#fff}td.sev-low{color:#33597f;background:#fff}
.count{color:#555;margin:4px 0}
.evidence{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
svg text{font:11px system-ui,sans-serif;fill:#333}
.device-link{background:none;border:0;color:#0b57d0;cursor:pointer;padding:0;font:inherit;text-decoration:underline}
`;
