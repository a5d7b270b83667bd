/**
 * Browser code (plain JavaScript, shipped inside report.html): DOM helpers that only ever create
 * text nodes from data, and a sortable, filterable table. Large tables show their first rows
 * (PAGE rows) after filtering and sorting, and say how many matched, so a 1000-device report
 * opens quickly.
 */
export const APP_TABLE = String.raw`
const PAGE = 500;
function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, String(v));
  }
  for (const kid of kids) if (kid !== null && kid !== undefined) e.append(kid);
  return e;
}
function cmp(a, b) {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}
function dataTable(host, spec) {
  const state = { sort: spec.sort === undefined ? -1 : spec.sort, dir: 1, text: "", selects: {} };
  const input = el("input", { type: "search", placeholder: "filter (all words must match)", "aria-label": "filter " + spec.name, oninput: () => { state.text = input.value.toLowerCase(); draw(); } });
  const controls = el("div", { class: "controls" }, input);
  for (const f of spec.filters || []) {
    const values = [...new Set(spec.rows.map(f.get))].sort(cmp);
    const select = el("select", { "aria-label": f.label, "data-filter": f.label, onchange: () => { state.selects[f.label] = select.value; draw(); } }, el("option", { value: "", text: f.label + ": all" }), ...values.map((v) => el("option", { value: String(v), text: String(v) })));
    controls.append(select);
  }
  const heads = spec.columns.map((c, i) => el("th", { scope: "col", tabindex: "0", "aria-sort": "none", onclick: () => sortBy(i), onkeydown: (ev) => { if (ev.key === "Enter") sortBy(i); } }, c.label));
  const tbody = el("tbody");
  const count = el("p", { class: "count" });
  host.replaceChildren(controls, count, el("table", { "data-table": spec.name }, el("thead", {}, el("tr", {}, ...heads)), tbody));
  const haystack = spec.rows.map((r) => spec.columns.map((c) => String(c.get(r))).join(" ").toLowerCase());
  function sortBy(i) {
    state.dir = state.sort === i ? -state.dir : 1;
    state.sort = i;
    draw();
  }
  function draw() {
    const words = state.text.split(/\s+/).filter(Boolean);
    let idx = spec.rows.map((_, i) => i).filter((i) => words.every((w) => haystack[i].includes(w)));
    for (const f of spec.filters || []) {
      const want = state.selects[f.label];
      if (want) idx = idx.filter((i) => String(f.get(spec.rows[i])) === want);
    }
    if (state.sort >= 0) {
      const col = spec.columns[state.sort];
      idx.sort((a, b) => state.dir * cmp(col.get(spec.rows[a]), col.get(spec.rows[b])) || a - b);
    }
    heads.forEach((h, i) => h.setAttribute("aria-sort", i === state.sort ? (state.dir > 0 ? "ascending" : "descending") : "none"));
    const shown = idx.slice(0, PAGE);
    tbody.replaceChildren(...shown.map((i) => {
      const row = spec.rows[i];
      return el("tr", {}, ...spec.columns.map((c) => {
        const td = el("td", { class: c.cls ? c.cls(row) : "" });
        const node = c.render ? c.render(row) : null;
        if (node) td.append(node);
        else td.textContent = String(c.get(row));
        if (c.title) td.setAttribute("title", c.title(row));
        return td;
      }));
    }));
    count.textContent = idx.length + " of " + spec.rows.length + " rows" + (idx.length > PAGE ? ", the first " + PAGE + " shown: filter to narrow" : "");
  }
  draw();
}
`;
