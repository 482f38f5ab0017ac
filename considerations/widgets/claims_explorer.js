// ClaimsExplorer: filter the claims by consideration, article, direction and
// voice, or search their text; a count of matches and a bar chart of claims
// per direction for the current filter. The list shows PAGE_SIZE claims at a time
// (all 126 at once made a page 33,000 px tall), with Previous/Next.
// (Prepended with _shared.js by widgets.py.)

const PAGE_SIZE = 10;

const DIRECTION_FILTER = [
  ["", "All directions"],
  ["toward", "toward"],
  ["against", "against"],
  ["uncertain", "uncertain"],
  ["context", "context (no direction)"],
];

function matches(claim, f) {
  if (f.consideration && claim.consideration_id !== f.consideration) return false;
  if (f.source && claim.source_id !== f.source) return false;
  if (f.direction) {
    const want = f.direction === "context" ? "" : f.direction;
    if (claim.direction !== want) return false;
  }
  if (f.voice && claim.voice !== f.voice) return false;
  const text = (f.text || "").trim().toLocaleLowerCase();
  if (text && ![claim.claim, claim.quote, claim.claim_id].join(" ").toLocaleLowerCase().includes(text)) return false;
  return true;
}

function render({ model, el }) {
  const id = uid("ce");
  const claims = model.get("claims");
  const considerations = model.get("considerations");
  const sources = model.get("sources");
  const voices = model.get("voices");
  el.classList.add("cw-root", "cw-claims-explorer");

  function setFilter(key, value) {
    setAndSave(model, "filters", { ...model.get("filters"), [key]: value });
  }

  function selectControl(key, label, options) {
    const selectId = `${id}-${key}`;
    const select = h(
      "select",
      { id: selectId, class: "cw-select", "data-filter": key, onchange: (e) => setFilter(key, e.target.value) },
      options.map(([value, text]) => h("option", { value }, text))
    );
    return { select, field: h("div", { class: "cw-field" }, h("label", { for: selectId }, label), select) };
  }

  const controls = {
    consideration: selectControl("consideration", "Consideration", [
      ["", "All considerations"],
      ...considerations.map((c) => [c.id, c.name]),
    ]),
    source: selectControl("source", "Article", [["", "Both articles"], ...sources.map((src) => [src.id, src.name])]),
    direction: selectControl("direction", "Direction", DIRECTION_FILTER),
    voice: selectControl("voice", "Voice", [["", "All voices"], ...voices.map((v) => [v, VOICE_TEXT[v] || v])]),
  };
  const searchId = `${id}-text`;
  const search = h("input", {
    type: "search",
    id: searchId,
    class: "cw-input",
    "data-filter": "text",
    placeholder: "e.g. IMF, brothers, Durand",
    oninput: (e) => setFilter("text", e.target.value),
  });
  const reset = h(
    "button",
    {
      type: "button",
      class: "cw-button cw-button-quiet",
      onclick: () => setAndSave(model, "filters", { consideration: "", source: "", direction: "", voice: "", text: "" }),
    },
    "Clear filters"
  );

  const count = h("p", { class: "cw-count", role: "status", "aria-live": "polite" });
  let page = 0; // the page of the matching claims shown (not synced: a reading position, not a choice)
  let lastFilters = "";
  const pageText = h("span", { class: "cw-page" });
  const previous = h("button", { type: "button", class: "cw-button cw-button-quiet", onclick: () => { page -= 1; update(); } }, "Previous");
  const following = h("button", { type: "button", class: "cw-button cw-button-quiet", onclick: () => { page += 1; update(); } }, "Next");
  const pager = h("div", { class: "cw-toolbar cw-pager", role: "group", "aria-label": "Pages of matching claims" }, previous, pageText, following);
  const chartBox = h("div", { class: "cw-chart-box" });
  const list = h("ul", { class: "cw-claim-list", "aria-label": "Matching claims" });

  el.replaceChildren(
    h("p", { class: "cw-title" }, "Claims explorer: what each article says, with its evidence"),
    h(
      "div",
      { class: "cw-filters", role: "group", "aria-label": "Filter the claims" },
      Object.values(controls).map((c) => c.field),
      h("div", { class: "cw-field" }, h("label", { for: searchId }, "Search the text"), search),
      h("div", { class: "cw-field cw-field-button" }, reset)
    ),
    count,
    chartBox,
    list,
    pager
  );

  function update() {
    const f = model.get("filters");
    for (const [key, c] of Object.entries(controls)) c.select.value = f[key] || "";
    if (document.activeElement !== search) search.value = f.text || "";
    const shown = claims.filter((c) => matches(c, f));
    count.textContent = `${shown.length} of ${claims.length} claims match.`;
    el.dataset.count = String(shown.length);
    const key = JSON.stringify(f);
    if (key !== lastFilters) page = 0; // new filters: back to the first page
    lastFilters = key;
    const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    page = Math.min(Math.max(page, 0), pages - 1);
    const onPage = shown.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    pageText.textContent = shown.length
      ? `Claims ${page * PAGE_SIZE + 1}\u2013${page * PAGE_SIZE + onPage.length} of ${shown.length}`
      : "";
    previous.disabled = page === 0;
    following.disabled = page >= pages - 1;
    pager.hidden = pages <= 1;
    el.dataset.page = String(page + 1);

    const kinds = ["toward", "against", "uncertain", ""];
    const items = kinds.map((k) => ({
      key: k,
      label: DIRECTION_TEXT[k],
      kind: k || "context",
      count: shown.filter((c) => c.direction === k).length,
    }));
    replace(
      chartBox,
      h(
        "figure",
        { class: "cw-figure" },
        countBars(items, "Matching claims per direction"),
        h("figcaption", {}, "Matching claims per direction: " + items.map((d) => `${d.label} ${d.count}`).join(", ") + ".")
      )
    );

    replace(
      list,
      onPage.map((c) =>
        h(
          "li",
          { class: "cw-claim", "data-claim": c.claim_id },
          h("p", { class: "cw-claim-text" }, c.claim),
          quoteBlock(c),
          h(
            "p",
            { class: "cw-meta" },
            h("span", {}, `${c.source_name} \u00b7 ${c.consideration_name} \u00b7 `),
            directionBadge(c.direction),
            " ",
            badge(`voice: ${VOICE_TEXT[c.voice] || c.voice}`, "plain"),
            c.period ? " " : null,
            c.period ? badge(`when: ${c.period}`, "plain") : null,
            " ",
            claimRef(c.claim_id, c.href, c.quote)
          )
        )
      )
    );
    if (!shown.length) list.append(h("li", { class: "cw-empty" }, "No claim matches these filters."));
  }

  update();
  return listen(model, ["filters"], update);
}

export default { render };
