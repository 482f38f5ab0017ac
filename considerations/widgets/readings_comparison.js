// ReadingsComparison: for each consideration, the two articles' readings side by
// side, with "the articles disagree" highlighted where disagreements.csv has a
// row; a checkbox shows only those. (Prepended with _shared.js by widgets.py.)

function render({ model, el }) {
  const id = uid("rc");
  const cards = model.get("cards");
  el.classList.add("cw-root", "cw-readings");

  const checkId = `${id}-only`;
  const only = h("input", {
    type: "checkbox",
    id: checkId,
    class: "cw-checkbox",
    onchange: (e) => setAndSave(model, "only_disagreements", e.target.checked),
  });
  const count = h("p", { class: "cw-count", role: "status", "aria-live": "polite" });
  const list = h("ul", { class: "cw-cards", "aria-label": "Readings by consideration" });
  const nDisagree = cards.filter((c) => c.disagreement).length;

  el.replaceChildren(
    h("p", { class: "cw-title" }, "How the two articles read each consideration"),
    h(
      "div",
      { class: "cw-toolbar" },
      h("span", { class: "cw-check" }, only, h("label", { for: checkId }, `Show only where the articles disagree (${nDisagree})`))
    ),
    count,
    list
  );

  function readingColumn(r) {
    return h(
      "div",
      { class: "cw-reading" },
      h("p", { class: "cw-reading-head" }, h("span", { class: "cw-strong" }, r.source_label), " "),
      r.reading
        ? [
            h("p", { class: "cw-badges" }, directionBadge(r.direction), " ", badge(`weight: ${r.weight}`, "plain")),
            h("p", {}, r.reading),
            r.claim_ids.length ? h("p", { class: "cw-meta" }, "Claims: ", claimRefs(r.claim_ids, model.get("claim_hrefs"))) : null,
          ]
        : h("p", { class: "cw-muted" }, "Not discussed in this article.")
    );
  }

  function update() {
    const onlyDisagreements = model.get("only_disagreements");
    only.checked = onlyDisagreements;
    const shown = cards.filter((c) => !onlyDisagreements || c.disagreement);
    count.textContent = `${shown.length} of ${cards.length} considerations shown.`;
    el.dataset.count = String(shown.length);
    replace(
      list,
      shown.map((c) =>
        h(
          "li",
          { class: `cw-card${c.disagreement ? " cw-card-disagree" : ""}`, "data-consideration": c.id },
          h("p", { class: "cw-card-title" }, c.name),
          h("p", { class: "cw-question" }, c.question),
          h("div", { class: "cw-side-by-side" }, c.readings.map(readingColumn)),
          c.disagreement
            ? h(
                "div",
                { class: "cw-disagree" },
                h("p", { class: "cw-disagree-title" }, "\u26a0 The articles disagree"),
                c.disagreement.map((d) => [
                  c.disagreement.length > 1 ? h("p", { class: "cw-card-title" }, d.topic) : null,
                  h(
                    "dl",
                    { class: "cw-dl" },
                    d.positions.map((p) => [h("dt", {}, `${p.label} says`), h("dd", {}, p.says)]),
                    h("dt", {}, "Why"),
                    h("dd", {}, d.why)
                  ),
                  h("p", { class: "cw-meta" }, "Claims: ", claimRefs(d.claim_ids, model.get("claim_hrefs"))),
                ])
              )
            : null
        )
      )
    );
  }

  update();
  return listen(model, ["only_disagreements"], update);
}

export default { render };
