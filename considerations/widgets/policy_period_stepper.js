// PolicyPeriodStepper: the IESS's four periods of Pakistan's policy on the
// Afghan Taliban–TTP link, one at a time, with Previous/Next buttons and a
// small diagram. (Prepended with _shared.js by widgets.py.)

function dateText(date, basis) {
  if (!date) return "";
  return basis === "outside_context" ? `${date}\u2020` : date;
}

function diagram(p) {
  const linked = p.stance === "linked";
  const width = 520;
  const height = 210;
  const label = linked
    ? `Diagram: in the ${p.name.toLowerCase()} Pakistan treats the Afghan Taliban and the TTP as linked. Toward the Taliban: ${p.actions.taliban}. Toward the TTP: ${p.actions.ttp}.`
    : `Diagram: in the ${p.name.toLowerCase()} Pakistan treats the Afghan Taliban and the TTP as separate issues. Toward the Taliban: ${p.actions.taliban}. Toward the TTP: ${p.actions.ttp}.`;
  const svg = s("svg", {
    class: "cw-chart cw-period-diagram",
    role: "img",
    "aria-label": label,
    viewBox: `0 0 ${width} ${height}`,
    width: "100%",
    preserveAspectRatio: "xMinYMin meet",
  });
  svg.append(s("title", { text: label }));
  const markerId = uid("arrow");
  svg.append(
    s(
      "defs",
      {},
      s(
        "marker",
        { id: markerId, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
        s("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "cw-arrowhead" })
      )
    )
  );
  const box = (x, y, w, text, cls) => [
    s("rect", { x, y, width: w, height: 40, rx: 6, class: `cw-node ${cls}` }),
    s("text", { x: x + w / 2, y: y + 25, "text-anchor": "middle", class: "cw-node-text" }, text),
  ];
  // Pakistan on the left, Taliban top right, TTP bottom right.
  svg.append(...box(16, 85, 120, "Pakistan", "cw-node-pakistan"));
  svg.append(...box(340, 18, 164, "Afghan Taliban", "cw-node-other"));
  svg.append(...box(340, 152, 164, "TTP", "cw-node-other"));
  svg.append(
    s("line", { x1: 136, y1: 98, x2: 336, y2: 42, class: "cw-link", "marker-end": `url(#${markerId})` }),
    s("line", { x1: 136, y1: 112, x2: 336, y2: 168, class: "cw-link", "marker-end": `url(#${markerId})` }),
    s("text", { x: 226, y: 56, "text-anchor": "middle", class: "cw-svg-label" }, p.actions.taliban),
    s("text", { x: 226, y: 168, "text-anchor": "middle", class: "cw-svg-label" }, p.actions.ttp)
  );
  if (linked) {
    svg.append(
      s("line", { x1: 422, y1: 58, x2: 422, y2: 152, class: "cw-tie" }),
      s("text", { x: 412, y: 110, "text-anchor": "end", class: "cw-svg-strong" }, "linked")
    );
  } else {
    svg.append(
      s("line", { x1: 422, y1: 58, x2: 422, y2: 92, class: "cw-tie-broken" }),
      s("line", { x1: 422, y1: 118, x2: 422, y2: 152, class: "cw-tie-broken" }),
      s("line", { x1: 396, y1: 105, x2: 448, y2: 105, class: "cw-wall" }),
      s("text", { x: 390, y: 110, "text-anchor": "end", class: "cw-svg-strong" }, "separated")
    );
  }
  return svg;
}

function render({ model, el }) {
  const periods = model.get("periods");
  el.classList.add("cw-root", "cw-stepper");

  const prev = h("button", { type: "button", class: "cw-button", onclick: () => go(-1) }, "\u2190 Previous");
  const next = h("button", { type: "button", class: "cw-button", onclick: () => go(1) }, "Next \u2192");
  const position = h("span", { class: "cw-position", "aria-live": "polite" });
  const steps = h(
    "ol",
    { class: "cw-steps", "aria-label": "The four periods" },
    periods.map((p) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "cw-step",
            "data-period": p.period,
            onclick: () => setAndSave(model, "period", p.period),
          },
          `${p.period}. ${p.stance}`
        )
      )
    )
  );
  const body = h("div", { class: "cw-period-body" });

  el.replaceChildren(
    h("p", { class: "cw-title" }, "Four periods of Pakistan's policy on the Afghan Taliban\u2013TTP link (IESS)"),
    h("div", { class: "cw-toolbar", role: "group", "aria-label": "Step through the periods" }, prev, position, next),
    steps,
    body
  );

  function go(delta) {
    const current = model.get("period");
    const target = Math.min(periods.length, Math.max(1, current + delta));
    const pressed = delta < 0 ? prev : next;
    const hadFocus = document.activeElement === pressed;
    setAndSave(model, "period", target);
    // Keep keyboard focus on a usable button when one end is reached.
    if (hadFocus && pressed.disabled) (delta < 0 ? next : prev).focus();
  }

  function update() {
    const n = model.get("period");
    const p = periods.find((x) => x.period === n) || periods[0];
    prev.disabled = n <= 1;
    next.disabled = n >= periods.length;
    position.textContent = `Period ${p.period} of ${periods.length}`;
    for (const b of steps.querySelectorAll("button")) {
      const on = Number(b.dataset.period) === p.period;
      b.classList.toggle("cw-step-current", on);
      if (on) b.setAttribute("aria-current", "step");
      else b.removeAttribute("aria-current");
    }
    el.dataset.period = String(p.period);
    const start = dateText(p.start_date, p.start_basis);
    const end = p.end_date ? dateText(p.end_date, p.end_basis) : "today (September 2025)";
    const anyOutside = p.start_basis === "outside_context" || (p.end_date && p.end_basis === "outside_context");
    replace(
      body,
      h("p", { class: "cw-details-title" }, `${p.name}: ${start} \u2013 ${end}`),
      anyOutside ? h("p", { class: "cw-note" }, "\u2020 context from outside the articles: the IESS bounds the periods by events, not dates.") : null,
      h(
        "p",
        { class: "cw-stance" },
        "Pakistan ",
        h("strong", {}, p.stance === "linked" ? "linked" : "separated"),
        p.stance === "linked" ? " the Afghan Taliban and the TTP." : " the Afghan Taliban from the TTP."
      ),
      h("div", { class: "cw-figure" }, diagram(p)),
      h("dl", { class: "cw-dl" }, h("dt", {}, "Span"), h("dd", {}, p.span), h("dt", {}, "Policy"), h("dd", {}, p.policy || p.span)),
      h("p", { class: "cw-subtitle" }, "In the article's words"),
      h(
        "ul",
        { class: "cw-quote-list" },
        [{ claim_id: p.span_claim_id, quote: p.span_quote, href: p.span_href }, ...p.policy_claims].map((c) =>
          h("li", {}, quoteBlock({ ...c, source_label: "IESS" }))
        )
      )
    );
  }

  update();
  return listen(model, ["period"], update);
}

export default { render };
