// ActorMap: the actors around Pakistan, with arrows coloured (and marked +, −,
// ?, 0) by which way each pulls Pakistan according to each article. Select an
// actor (click, or Enter/Space on it) for the readings and supporting claims.
// (Prepended with _shared.js by widgets.py.)

const SIGN = { toward: "+", against: "\u2212", uncertain: "?", none: "0" };

function wrapLabel(text) {
  if (text.length <= 16) return [text];
  const words = text.split(" ");
  let best = [text];
  let bestScore = Infinity;
  for (let i = 1; i < words.length; i++) {
    const a = words.slice(0, i).join(" ");
    const b = words.slice(i).join(" ");
    const score = Math.max(a.length, b.length);
    if (score < bestScore) {
      bestScore = score;
      best = [a, b];
    }
  }
  return best;
}

function render({ model, el }) {
  const id = uid("am");
  const actors = model.get("actors");
  const sources = model.get("sources");
  el.classList.add("cw-root", "cw-actor-map");

  const viewName = `${id}-view`;
  const viewOptions = [...sources.map((src) => [src.id, src.label]), ["both", "Both"]];
  const radios = viewOptions.map(([value, text]) => {
    const input = h("input", {
      type: "radio",
      name: viewName,
      id: `${viewName}-${value}`,
      value,
      onchange: () => setAndSave(model, "view", value),
    });
    return { value, input, field: h("span", { class: "cw-radio" }, input, h("label", { for: `${viewName}-${value}` }, text)) };
  });
  const mapBox = h("div", { class: "cw-map-box" });
  const details = h("div", { class: "cw-details", "aria-live": "polite", id: `${id}-details` });
  const summary = h("div", { class: "cw-summary" });
  const legend = h(
    "ul",
    { class: "cw-legend", "aria-label": "Key to the arrows" },
    ["toward", "against", "uncertain", "none"].map((d) =>
      h("li", {}, h("span", { class: `cw-key cw-key-line cw-stroke-${d}`, "aria-hidden": "true" }), `${SIGN[d]} ${DIRECTION_LONG[d]}`)
    ),
    h("li", {}, h("span", { class: "cw-key cw-key-line cw-key-solid", "aria-hidden": "true" }), "IESS: solid line"),
    h("li", {}, h("span", { class: "cw-key cw-key-line cw-key-dashed", "aria-hidden": "true" }), "Commentary: dashed line")
  );

  el.replaceChildren(
    h("p", { class: "cw-title" }, "Actor map: who pulls Pakistan which way, in each article"),
    h(
      "fieldset",
      { class: "cw-fieldset" },
      h("legend", {}, "Show the reading of"),
      radios.map((r) => r.field)
    ),
    legend,
    mapBox,
    details,
    summary
  );

  let nodes = [];

  function visibleSources(view) {
    return view === "both" ? sources.map((src) => src.id) : [view];
  }

  function select(actorId, focus) {
    setAndSave(model, "selected", actorId);
    if (focus) {
      const node = nodes.find((n) => n.dataset.actor === actorId);
      if (node) node.focus();
    }
  }

  function drawMap(view, selected) {
    const width = 640;
    const height = 460;
    const cx = width / 2;
    const cy = height / 2;
    const rx = 232;
    const ry = 170;
    const shown = visibleSources(view);
    const svg = s("svg", {
      class: "cw-chart cw-actor-svg",
      role: "group",
      "aria-label": "Map of the actors around Pakistan. Each actor is a button: select it to read the readings and claims.",
      viewBox: `0 0 ${width} ${height}`,
      width: "100%",
      preserveAspectRatio: "xMidYMin meet",
    });
    svg.append(s("title", { text: "Actors around Pakistan and which way each pulls it" }));
    const markers = {};
    const defs = s("defs");
    for (const d of ["toward", "against", "uncertain", "none"]) {
      markers[d] = uid(`head-${d}`);
      defs.append(
        s(
          "marker",
          { id: markers[d], viewBox: "0 0 10 10", refX: 8, refY: 5, markerWidth: 5, markerHeight: 5, orient: "auto" },
          s("path", { d: "M 0 0 L 10 5 L 0 10 z", class: `cw-fill-${d}` })
        )
      );
    }
    svg.append(defs);
    const arrows = s("g", { "aria-hidden": "true" });
    svg.append(arrows);
    // Pakistan in the centre.
    svg.append(
      s("ellipse", { cx, cy, rx: 62, ry: 30, class: "cw-node cw-node-pakistan" }),
      s("text", { x: cx, y: cy + 5, "text-anchor": "middle", class: "cw-node-text cw-node-text-strong" }, "Pakistan")
    );
    nodes = [];
    actors.forEach((actor, i) => {
      const angle = -Math.PI / 2 + (i * 2 * Math.PI) / actors.length;
      const ax = cx + rx * Math.cos(angle);
      const ay = cy + ry * Math.sin(angle);
      const lines = wrapLabel(actor.label);
      const boxW = 148;
      const boxH = 20 + lines.length * 15;
      // Arrows from the actor toward Pakistan, one per visible article.
      const pulls = actor.pulls.filter((p) => shown.includes(p.source_id));
      const dx = cx - ax;
      const dy = cy - ay;
      const len = Math.hypot(dx, dy);
      const ux = dx / len;
      const uy = dy / len;
      const startT = Math.min(Math.abs((boxW / 2 + 6) / (ux || 1e-9)), Math.abs((boxH / 2 + 6) / (uy || 1e-9)));
      const endT = len - Math.min(Math.abs(70 / (ux || 1e-9)), Math.abs(38 / (uy || 1e-9)));
      pulls.forEach((p, k) => {
        const offset = pulls.length > 1 ? (k === 0 ? -7 : 7) : 0;
        const ox = -uy * offset;
        const oy = ux * offset;
        const x1 = ax + ux * startT + ox;
        const y1 = ay + uy * startT + oy;
        const x2 = ax + ux * endT + ox;
        const y2 = ay + uy * endT + oy;
        const isComm = p.source_id !== sources[0].id;
        arrows.append(
          s("line", {
            x1,
            y1,
            x2,
            y2,
            class: `cw-arrow cw-stroke-${p.direction}${isComm ? " cw-dashed" : ""}`,
            "stroke-width": Math.min(8, 2 + p.strength / 4),
            "marker-end": `url(#${markers[p.direction]})`,
            "data-source": p.source_id,
            "data-direction": p.direction,
          })
        );
        const mx = (x1 + x2) / 2 + ox * 1.6;
        const my = (y1 + y2) / 2 + oy * 1.6;
        arrows.append(
          s("circle", { cx: mx, cy: my, r: 9, class: `cw-sign-bg cw-stroke-${p.direction}` }),
          s("text", { x: mx, y: my + 4.5, "text-anchor": "middle", class: "cw-sign" }, SIGN[p.direction])
        );
      });
      const describe = actor.pulls
        .filter((p) => shown.includes(p.source_id))
        .map((p) => `${sources.find((src) => src.id === p.source_id).label}: ${DIRECTION_TEXT[p.direction]}`)
        .join("; ");
      const g = s("g", {
        class: `cw-actor${actor.id === selected ? " cw-selected" : ""}`,
        role: "button",
        tabindex: actor.id === selected || (!selected && i === 0) ? 0 : -1,
        "data-actor": actor.id,
        "aria-pressed": actor.id === selected ? "true" : "false",
        "aria-label": `${actor.label}. ${describe || "not discussed in the article shown"}`,
        "aria-controls": `${id}-details`,
      });
      g.append(
        s("rect", { x: ax - boxW / 2, y: ay - boxH / 2, width: boxW, height: boxH, rx: 8, class: "cw-node cw-node-other" }),
        ...lines.map((line, j) =>
          s(
            "text",
            { x: ax, y: ay - boxH / 2 + 24 + j * 15, "text-anchor": "middle", class: "cw-node-text" },
            line
          )
        )
      );
      g.addEventListener("click", () => select(actor.id, true));
      g.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          select(actor.id, true);
        } else if (e.key === "ArrowRight" || e.key === "ArrowDown") {
          e.preventDefault();
          select(actors[(i + 1) % actors.length].id, true);
        } else if (e.key === "ArrowLeft" || e.key === "ArrowUp") {
          e.preventDefault();
          select(actors[(i - 1 + actors.length) % actors.length].id, true);
        }
      });
      svg.append(g);
      nodes.push(g);
    });
    return svg;
  }

  function drawDetails(actor, view) {
    if (!actor) return [h("p", {}, "Select an actor on the map to read what each article says about it.")];
    const shown = visibleSources(view);
    const readings = actor.readings.filter((r) => shown.includes(r.source_id));
    const claims = actor.claims.filter((c) => shown.includes(c.source_id));
    return [
      h("p", { class: "cw-details-title" }, actor.label),
      h("p", { class: "cw-note" }, "Considerations: " + actor.considerations.map((c) => c.name).join("; ")),
      readings.length
        ? h(
            "ul",
            { class: "cw-reading-list" },
            readings.map((r) =>
              h(
                "li",
                {},
                h("span", { class: "cw-strong" }, `${r.source_label} on ${r.consideration_name}: `),
                badge(`${DIRECTION_TEXT[r.direction]} (${r.weight})`, r.direction),
                h("p", {}, r.reading)
              )
            )
          )
        : h("p", {}, "The article shown says nothing about this actor."),
      h("p", { class: "cw-subtitle" }, `Supporting claims (${claims.length})`),
      h(
        "ul",
        { class: "cw-quote-list" },
        claims.map((c) => h("li", {}, h("p", { class: "cw-claim-text" }, c.claim), quoteBlock(c)))
      ),
    ];
  }

  function drawSummary(view) {
    const shown = visibleSources(view);
    return h(
      "table",
      { class: "cw-table cw-compact" },
      h("caption", {}, "Which way each actor pulls Pakistan (the map's arrows as a table)"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Actor"),
          shown.map((sid) => h("th", { scope: "col" }, sources.find((src) => src.id === sid).label))
        )
      ),
      h(
        "tbody",
        {},
        actors.map((actor) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, actor.label),
            shown.map((sid) => {
              const p = actor.pulls.find((x) => x.source_id === sid);
              return h("td", {}, p ? badge(`${SIGN[p.direction]} ${DIRECTION_TEXT[p.direction]}`, p.direction) : "not discussed");
            })
          )
        )
      )
    );
  }

  function update() {
    const view = model.get("view");
    const selected = model.get("selected");
    for (const r of radios) r.input.checked = r.value === view;
    const hadFocus = mapBox.contains(document.activeElement);
    replace(mapBox, drawMap(view, selected));
    replace(details, drawDetails(actors.find((a) => a.id === selected), view));
    replace(summary, drawSummary(view));
    el.dataset.view = view;
    el.dataset.selected = selected;
    if (hadFocus) {
      const node = nodes.find((n) => n.dataset.actor === selected);
      if (node) node.focus();
    }
  }

  update();
  return listen(model, ["view", "selected"], update);
}

export default { render };
