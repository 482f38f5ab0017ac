// WeighingBoard: one slider (0–10) and one direction select per consideration,
// a live net-pressure bar chart and the verdict. The arithmetic is the same as
// considerations/model.py: contribution = weight × direction_value[direction],
// total = sum of contributions, verdict by the sign beyond balance_margin.
// (Prepended with _shared.js by widgets.py.)

function computeNetPressure(order, weights, directions, directionValue) {
  const rows = order.map((id) => {
    const weight = Number(weights[id] ?? 0);
    const direction = directions[id] ?? "none";
    return { id, weight, direction, contribution: weight * (directionValue[direction] ?? 0) };
  });
  const total = rows.reduce((sum, r) => sum + r.contribution, 0);
  return { rows, total };
}

function verdictOf(total, margin) {
  if (total > margin) return "leans toward recognition";
  if (total < -margin) return "leans against recognition";
  return "balanced";
}

function render({ model, el }) {
  const id = uid("wb");
  const considerations = model.get("considerations");
  const readings = model.get("readings");
  const presets = model.get("presets");
  const sources = model.get("sources");
  const directionValue = model.get("direction_value");
  const margin = model.get("balance_margin");
  const order = considerations.map((c) => c.id);

  el.classList.add("cw-root", "cw-weighing-board");

  // --- controls -------------------------------------------------------------
  const presetButtons = sources.map((src) =>
    h(
      "button",
      {
        type: "button",
        class: "cw-button",
        "data-source": src.id,
        onclick: () => {
          const p = presets[src.id];
          model.set("directions", { ...p.directions });
          setAndSave(model, "weights", { ...p.weights });
        },
      },
      `Load ${src.label} weights`
    )
  );
  const resetButton = h(
    "button",
    {
      type: "button",
      class: "cw-button cw-button-quiet",
      onclick: () => {
        const even = Object.fromEntries(order.map((c) => [c, 5]));
        setAndSave(model, "weights", even);
      },
    },
    "Set all weights to 5"
  );
  const toolbar = h(
    "div",
    { class: "cw-toolbar", role: "group", "aria-label": "Load an article's weights" },
    presetButtons,
    resetButton
  );
  const note = h(
    "p",
    { class: "cw-note" },
    "Move a slider to say how much a consideration matters (0\u201310) and pick the way it pushes Pakistan. " +
      "Contribution = weight \u00d7 direction (toward +1, against \u22121, uncertain or not linked 0). " +
      "The buttons set both the weights and the directions to an article's reading " +
      "(main 10, major 7, minor 3, background 1, not discussed 0)."
  );

  // --- table of controls (also the chart's text alternative) ---------------
  const rows = {};
  const tbody = h("tbody");
  for (const c of considerations) {
    const sliderId = `${id}-w-${c.id}`;
    const selectId = `${id}-d-${c.id}`;
    const output = h("output", { class: "cw-weight-value", for: sliderId });
    const slider = h("input", {
      type: "range",
      min: 0,
      max: 10,
      step: 1,
      id: sliderId,
      class: "cw-slider",
      "data-consideration": c.id,
      oninput: (event) => {
        const weights = { ...model.get("weights"), [c.id]: Number(event.target.value) };
        setAndSave(model, "weights", weights);
      },
    });
    const select = h(
      "select",
      {
        id: selectId,
        class: "cw-select",
        "data-consideration": c.id,
        onchange: (event) => {
          const directions = { ...model.get("directions"), [c.id]: event.target.value };
          setAndSave(model, "directions", directions);
        },
      },
      DIRECTIONS.map((d) => h("option", { value: d }, DIRECTION_TEXT[d]))
    );
    const badges = h(
      "div",
      { class: "cw-badges" },
      sources.map((src) => {
        const r = readings.find((x) => x.consideration_id === c.id && x.source_id === src.id);
        return r
          ? badge(`${src.label}: ${DIRECTION_TEXT[r.direction]} (${r.weight})`, r.direction)
          : badge(`${src.label}: not discussed`, "plain");
      })
    );
    const contribution = h("td", { class: "cw-num cw-contribution" });
    const tr = h(
      "tr",
      { "data-consideration": c.id },
      h("th", { scope: "row", class: "cw-name" }, h("span", {}, c.name), badges),
      h(
        "td",
        { class: "cw-weight-cell" },
        h("label", { for: sliderId, class: "cw-sr-only" }, `Weight of ${c.name} (0 to 10)`),
        slider,
        output
      ),
      h("td", {}, h("label", { for: selectId, class: "cw-sr-only" }, `Your direction for ${c.name}`), select),
      contribution
    );
    rows[c.id] = { slider, select, output, contribution };
    tbody.append(tr);
  }
  const table = h(
    "table",
    { class: "cw-table" },
    h("caption", {}, "Your weights and directions, with each article's reading"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Consideration"),
        h("th", { scope: "col" }, "Weight (0\u201310)"),
        h("th", { scope: "col" }, "Your direction"),
        h("th", { scope: "col", class: "cw-num" }, "Contribution")
      )
    ),
    tbody
  );

  // --- chart ----------------------------------------------------------------
  // Two layouts: labels beside the bars (wide), or above them (narrow, e.g. a phone), so
  // the text keeps a readable size; a ResizeObserver switches when the widget's width does.
  const figure = h("figure", { class: "cw-figure" });
  let chart = null;
  let chartTitle = null;
  let geometry = null;
  const bars = {};
  function drawChart(narrow) {
    const rowH = narrow ? 40 : 26;
    const labelW = narrow ? 0 : 300;
    const width = narrow ? 320 : 720;
    const pad = 42; // room for the value labels beyond ±10
    const plotW = width - labelW - 2 * pad;
    const mid = labelW + pad + plotW / 2;
    const scale = plotW / 2 / 10; // ±10 per consideration
    const top = narrow ? 46 : 30; // narrow: the tick numbers go below the axis titles, not over them
    const height = top + considerations.length * rowH + 10;
    geometry = { mid, scale, narrow };
    chartTitle = s("title");
    chart = s("svg", {
      class: `cw-chart cw-pressure-chart${narrow ? " cw-pressure-chart-narrow" : ""}`,
      role: "img",
      viewBox: `0 0 ${width} ${height}`,
      width: "100%",
      preserveAspectRatio: "xMinYMin meet",
    });
    chart.append(chartTitle);
    chart.append(
      s("text", { x: mid - 8, y: 14, "text-anchor": "end", class: "cw-svg-axis" }, "\u2190 against recognition"),
      s("text", { x: mid + 8, y: 14, class: "cw-svg-axis" }, "toward recognition \u2192")
    );
    for (const tick of [-10, -5, 0, 5, 10]) {
      const x = mid + tick * scale;
      chart.append(
        s("line", { x1: x, x2: x, y1: top - 6, y2: height - 6, class: tick === 0 ? "cw-axis-zero" : "cw-grid" }),
        s("text", { x, y: top - 9 + 0, "text-anchor": "middle", class: "cw-svg-tick" }, fmtSigned(tick))
      );
    }
    considerations.forEach((c, i) => {
      const y = top + i * rowH;
      const barY = narrow ? y + 17 : y + 5;
      const rect = s("rect", { y: barY, height: narrow ? 15 : rowH - 10, class: "cw-bar" });
      const value = s("text", { y: barY + 12, class: "cw-svg-value" });
      const label = narrow
        ? s("text", { x: 2, y: y + 13, class: "cw-svg-label" }, c.name)
        : s("text", { x: labelW - 8, y: y + 18, "text-anchor": "end", class: "cw-svg-label" }, c.name);
      chart.append(label, rect, value);
      bars[c.id] = { rect, value };
    });
    figure.replaceChildren(chart, h("figcaption", {}, "Net pressure by consideration (the table above gives the same numbers)."));
  }
  drawChart(false);

  // --- total ----------------------------------------------------------------
  const totalValue = h("strong", { class: "cw-total-value" });
  const verdictText = h("strong", { class: "cw-verdict" });
  const total = h(
    "div",
    { class: "cw-total", role: "status", "aria-live": "polite" },
    "Net pressure: ",
    totalValue,
    " \u2014 ",
    verdictText
  );

  el.replaceChildren(
    h("p", { class: "cw-title" }, "Weighing board: what pushes Pakistan toward or away from recognition?"),
    note,
    toolbar,
    table,
    figure,
    total
  );

  function update() {
    const weights = model.get("weights");
    const directions = model.get("directions");
    const result = computeNetPressure(order, weights, directions, directionValue);
    const summary = [];
    for (const r of result.rows) {
      const row = rows[r.id];
      if (document.activeElement !== row.slider) row.slider.value = String(r.weight);
      row.slider.setAttribute("aria-valuetext", `${r.weight}`);
      row.output.textContent = String(r.weight);
      row.select.value = r.direction;
      row.contribution.textContent = fmtSigned(r.contribution);
      row.contribution.dataset.contribution = String(r.contribution);
      const bar = bars[r.id];
      const { mid, scale } = geometry;
      const w = Math.abs(r.contribution) * scale;
      const kind = r.contribution > 0 ? "toward" : r.contribution < 0 ? "against" : "none";
      bar.rect.setAttribute("x", String(r.contribution >= 0 ? mid : mid - w));
      bar.rect.setAttribute("width", String(Math.max(w, 0)));
      bar.rect.setAttribute("class", `cw-bar cw-fill-${kind}`);
      bar.value.setAttribute("x", String(r.contribution >= 0 ? mid + w + 5 : mid - w - 5));
      bar.value.setAttribute("text-anchor", r.contribution >= 0 ? "start" : "end");
      bar.value.textContent = fmtSigned(r.contribution);
      bar.rect.dataset.contribution = String(r.contribution);
      const name = considerations.find((c) => c.id === r.id).name;
      summary.push(`${name} ${fmtSigned(r.contribution)}`);
    }
    const verdict = verdictOf(result.total, margin);
    totalValue.textContent = fmtSigned(result.total);
    verdictText.textContent = verdict;
    el.dataset.total = String(result.total);
    el.dataset.verdict = verdict;
    total.className = `cw-total cw-total-${result.total > margin ? "toward" : result.total < -margin ? "against" : "balanced"}`;
    const label = `Net pressure by consideration: ${summary.join("; ")}. Total ${fmtSigned(result.total)}, ${verdict}.`;
    chart.setAttribute("aria-label", label);
    chartTitle.textContent = label;
  }

  update();
  const stopListening = listen(model, ["weights", "directions"], update);
  let resize = null;
  if (typeof ResizeObserver !== "undefined") {
    resize = new ResizeObserver(() => {
      const narrow = el.clientWidth > 0 && el.clientWidth < 560;
      if (narrow !== geometry.narrow) {
        drawChart(narrow);
        update();
      }
    });
    resize.observe(el);
  }
  return () => {
    stopListening();
    if (resize) resize.disconnect();
  };
}

export default { render };
