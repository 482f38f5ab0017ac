// TimelineExplorer: the events on a vertical SVG axis (spaced by order, not to
// scale); click an event, or focus it and press Enter/Space (arrow keys move),
// to see its details and the supporting quotes. Dates from outside the articles
// are marked. (Prepended with _shared.js by widgets.py.)

const ORDINAL = { 1: "first", 2: "second", 3: "third", 4: "fourth" };

function truncate(text, n) {
  return text.length > n ? text.slice(0, n - 1).trimEnd() + "\u2026" : text;
}

function render({ model, el }) {
  const id = uid("tl");
  const events = model.get("events");
  el.classList.add("cw-root", "cw-timeline");

  const checkId = `${id}-only`;
  const only = h("input", {
    type: "checkbox",
    id: checkId,
    class: "cw-checkbox",
    onchange: (e) => setAndSave(model, "only_policy_periods", e.target.checked),
  });
  const svgBox = h("div", { class: "cw-timeline-svg" });
  const details = h("div", { class: "cw-details", "aria-live": "polite", id: `${id}-details` });
  const legend = h(
    "ul",
    { class: "cw-legend", "aria-label": "Key to the timeline" },
    h("li", {}, h("span", { class: "cw-key cw-key-article", "aria-hidden": "true" }), "date stated in the article"),
    h("li", {}, h("span", { class: "cw-key cw-key-inferred", "aria-hidden": "true" }), "date worked out from the article"),
    h(
      "li",
      {},
      h("span", { class: "cw-key cw-key-outside", "aria-hidden": "true" }),
      "\u2020 context from outside the articles"
    ),
    h("li", {}, h("span", { class: "cw-key-text", "aria-hidden": "true" }, "P1\u2013P4"), "opens one of the IESS's four policy periods")
  );

  el.replaceChildren(
    h("p", { class: "cw-title" }, "Timeline: what happened, and how the articles date it"),
    h(
      "div",
      { class: "cw-toolbar" },
      h("span", { class: "cw-check" }, only, h("label", { for: checkId }, "Show only events that open a policy period"))
    ),
    legend,
    h("div", { class: "cw-two-col" }, svgBox, details)
  );

  let nodes = [];

  function select(eventId, focus) {
    setAndSave(model, "selected", eventId);
    if (focus) {
      const node = nodes.find((n) => n.dataset.event === eventId);
      if (node) node.focus();
    }
  }

  function drawAxis(shown, selected) {
    const rowH = 30;
    const top = 14;
    const width = 380;
    const axisX = 88;
    const height = top + shown.length * rowH + 8;
    const svg = s("svg", {
      class: "cw-chart cw-timeline-chart",
      role: "group",
      "aria-label": `Timeline of ${shown.length} events, spaced by order, not to scale. Select an event to read its details.`,
      viewBox: `0 0 ${width} ${height}`,
      width: "100%",
      preserveAspectRatio: "xMinYMin meet",
    });
    svg.append(s("title", { text: "Timeline of events (spaced by order, not to scale)" }));
    svg.append(s("line", { x1: axisX, x2: axisX, y1: top, y2: height - 8, class: "cw-axis-line" }));
    nodes = [];
    let previousYear = null;
    shown.forEach((ev, i) => {
      const y = top + i * rowH + rowH / 2;
      const year = ev.date ? Number(ev.date.slice(0, 4)) : null;
      const outside = ev.date_basis === "outside_context";
      const g = s("g", {
        class: `cw-event${ev.event_id === selected ? " cw-selected" : ""}`,
        role: "button",
        tabindex: ev.event_id === selected ? 0 : -1,
        "data-event": ev.event_id,
        "aria-pressed": ev.event_id === selected ? "true" : "false",
        "aria-label": `${ev.date || "undated"}${outside ? " (context from outside the articles)" : ""}: ${ev.event}`,
        "aria-controls": `${id}-details`,
      });
      g.append(s("rect", { x: 2, y: y - rowH / 2 + 1, width: width - 4, height: rowH - 2, rx: 4, class: "cw-event-hit" }));
      if (previousYear !== null && year !== null && year - previousYear >= 4) {
        svg.append(s("text", { x: axisX, y: y - rowH / 2 + 4, "text-anchor": "middle", class: "cw-svg-break" }, "\u2248"));
      }
      g.append(
        s(
          "text",
          { x: axisX - 14, y: y + 4, "text-anchor": "end", class: `cw-svg-date${outside ? " cw-outside" : ""}` },
          `${ev.date || "\u2014"}${outside ? "\u2020" : ""}`
        ),
        s("circle", { cx: axisX, cy: y, r: 6.5, class: `cw-marker cw-marker-${ev.date_basis}` })
      );
      let labelX = axisX + 14;
      if (ev.policy_period) {
        g.append(
          s("rect", { x: labelX, y: y - 9, width: 24, height: 17, rx: 3, class: "cw-period-tag" }),
          s("text", { x: labelX + 12, y: y + 4, "text-anchor": "middle", class: "cw-period-tag-text" }, `P${ev.policy_period}`)
        );
        labelX += 30;
      }
      g.append(s("text", { x: labelX, y: y + 4, class: "cw-svg-label" }, truncate(ev.event, labelX > axisX + 20 ? 28 : 32)));
      g.addEventListener("click", () => select(ev.event_id, true));
      g.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          select(ev.event_id, true);
        } else if (e.key === "ArrowDown" || e.key === "ArrowRight") {
          e.preventDefault();
          if (i + 1 < shown.length) select(shown[i + 1].event_id, true);
        } else if (e.key === "ArrowUp" || e.key === "ArrowLeft") {
          e.preventDefault();
          if (i > 0) select(shown[i - 1].event_id, true);
        } else if (e.key === "Home") {
          e.preventDefault();
          select(shown[0].event_id, true);
        } else if (e.key === "End") {
          e.preventDefault();
          select(shown[shown.length - 1].event_id, true);
        }
      });
      svg.append(g);
      nodes.push(g);
      if (year !== null) previousYear = year;
    });
    return svg;
  }

  function drawDetails(ev) {
    if (!ev) return [h("p", {}, "Select an event on the timeline.")];
    const outside = ev.date_basis === "outside_context";
    return [
      h("p", { class: "cw-details-title" }, ev.event),
      h(
        "dl",
        { class: "cw-dl" },
        h("dt", {}, "Date"),
        h(
          "dd",
          {},
          ev.date || "undated",
          " ",
          badge(outside ? "context from outside the articles" : BASIS_TEXT[ev.date_basis], outside ? "outside" : "plain")
        ),
        h("dt", {}, "When in the article"),
        h("dd", {}, ev.when_in_article ? `\u201c${ev.when_in_article}\u201d` : "not dated in the article"),
        ev.policy_period ? h("dt", {}, "Policy period") : null,
        ev.policy_period
          ? h("dd", {}, `Opens the ${ORDINAL[ev.policy_period]} period of Pakistan's policy on the Taliban\u2013TTP link (IESS)`)
          : null
      ),
      h("p", { class: "cw-subtitle" }, ev.claims.length ? "Supporting quotes" : "No supporting claims listed"),
      h("ul", { class: "cw-quote-list" }, ev.claims.map((c) => h("li", {}, quoteBlock(c)))),
    ];
  }

  function update() {
    const onlyPeriods = model.get("only_policy_periods");
    only.checked = onlyPeriods;
    const shown = events.filter((ev) => !onlyPeriods || ev.policy_period);
    let selected = model.get("selected");
    if (!shown.some((ev) => ev.event_id === selected)) selected = shown.length ? shown[0].event_id : "";
    const hadFocus = svgBox.contains(document.activeElement);
    replace(svgBox, drawAxis(shown, selected));
    replace(details, drawDetails(shown.find((ev) => ev.event_id === selected)));
    el.dataset.selected = selected;
    el.dataset.count = String(shown.length);
    if (hadFocus) {
      const node = nodes.find((n) => n.dataset.event === selected);
      if (node) node.focus();
    }
  }

  update();
  return listen(model, ["selected", "only_policy_periods"], update);
}

export default { render };
