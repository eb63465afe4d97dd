// FEWS progressive enhancement (an ES module; pages work without it).
// - starts GOV.UK Frontend components (initAll)
// - sortable tables: <table data-fews-sortable> gets header buttons with aria-sort
// - repeatable seizure components: <template data-fews-component-template> + a button "Add another component"
// - live legal-status preview: <input data-fews-classify="OUTPUT_ID"> calls POST /api/v1/classify;
//   <textarea data-fews-classify-molblock="OUTPUT_ID" data-fews-preview-url="URL"> posts a MOL block to URL
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) document.body.classList.add("govuk-frontend-supported");
initAll();

function cellValue(row, index) {
  const cell = row.cells[index];
  if (!cell) return "";
  const raw = cell.dataset.sortValue ?? cell.textContent.trim();
  const num = Number(raw.replace(/,/g, ""));
  return raw !== "" && !Number.isNaN(num) ? num : raw.toLowerCase();
}

function sortable(table) {
  const headers = Array.from(table.tHead ? table.tHead.rows[0].cells : []);
  headers.forEach((th, index) => {
    if (th.dataset.sortable === "false") return;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent.trim();
    th.textContent = "";
    th.appendChild(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach((h) => h.hasAttribute("aria-sort") && h.setAttribute("aria-sort", "none"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = cellValue(a, index), y = cellValue(b, index);
        const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return ascending ? order : -order;
      });
      rows.forEach((r) => body.appendChild(r));
    });
  });
}
document.querySelectorAll("table[data-fews-sortable]").forEach(sortable);

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

const STATUS = { A: "Class A", B: "Class B", C: "Class C", TCDO: "temporary class drug order",
  PSA: "Psychoactive Substances Act", exempt: "exempt (PSA Schedule 1)", not_controlled: "not controlled",
  invalid: "not a readable structure" };

function legalPreview(input) {
  const output = document.getElementById(input.dataset.fewsClassify);
  if (!output) return;
  let timer = null;
  let last = "";
  const run = async () => {
    const smiles = input.value.trim();
    if (smiles === last) return;
    last = smiles;
    if (!smiles) { output.textContent = ""; return; }
    const dateInput = document.getElementById(input.dataset.fewsClassifyDate || "");
    const body = { structures: [{ id: input.id, smiles }] };
    if (dateInput && /^\d{4}-\d{2}-\d{2}$/.test(dateInput.value)) body.as_of = dateInput.value;
    try {
      const resp = await fetch("/api/v1/classify", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body: JSON.stringify(body),
      });
      const data = await resp.json();
      if (!resp.ok) { output.textContent = data.detail || "The legal status could not be worked out."; return; }
      const item = data.items[0];
      const label = STATUS[item.status] || item.status;
      output.textContent = "UK legal status on " + data.as_of + ": " + label +
        (item.instrument ? " (" + item.instrument + ")" : "") + (item.explanation ? ". " + item.explanation : "");
    } catch (err) {
      output.textContent = "The legal-status preview is not available right now.";
    }
  };
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 400); });
  input.addEventListener("change", run);
}
document.querySelectorAll("[data-fews-classify]").forEach(legalPreview);

// the same preview for a pasted MOL block: the server reads the block (POST data-fews-preview-url)
function molblockPreview(area) {
  const output = document.getElementById(area.dataset.fewsClassifyMolblock);
  if (!output || !area.dataset.fewsPreviewUrl) return;
  let timer = null;
  let last = "";
  const run = async () => {
    const block = area.value;
    if (block === last) return;
    last = block;
    if (!block.trim()) { output.textContent = ""; return; }
    const dateInput = document.getElementById(area.dataset.fewsClassifyDate || "");
    const body = { molblock: block, id: area.id };
    if (dateInput && /^\d{4}-\d{2}-\d{2}$/.test(dateInput.value)) body.as_of = dateInput.value;
    try {
      const resp = await fetch(area.dataset.fewsPreviewUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body: JSON.stringify(body),
      });
      const data = await resp.json();
      if (!resp.ok) { output.textContent = data.detail || "The legal status could not be worked out."; return; }
      const item = data.items[0];
      const label = STATUS[item.status] || item.status;
      output.textContent = "Read as " + item.smiles + ". UK legal status on " + data.as_of + ": " + label +
        (item.instrument ? " (" + item.instrument + ")" : "") + (item.explanation ? ". " + item.explanation : "");
    } catch (err) {
      output.textContent = "The legal-status preview is not available right now.";
    }
  };
  area.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 600); });
  area.addEventListener("change", run);
}
document.querySelectorAll("[data-fews-classify-molblock]").forEach(molblockPreview);

function repeatable(button) {
  const template = document.getElementById(button.dataset.fewsAddComponent);
  const list = document.getElementById(button.dataset.fewsComponentList);
  if (!template || !list) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const index = list.querySelectorAll(".fews-component").length;
    const html = template.innerHTML.replaceAll("__index__", String(index)).replaceAll("__number__", String(index + 1));
    list.insertAdjacentHTML("beforeend", html);
    const added = list.lastElementChild;
    added.querySelectorAll("[data-fews-classify]").forEach(legalPreview);
    added.querySelectorAll("[data-fews-classify-molblock]").forEach(molblockPreview);
    const first = added.querySelector("input, select");
    if (first) first.focus();
  });
}
document.querySelectorAll("[data-fews-add-component]").forEach(repeatable);
