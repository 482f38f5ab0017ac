// Shared helpers for the course widgets. widgets.py prepends this file to every
// widget's ES module, so each widget stays one self-contained module with no
// imports (no CDN, no network): plain DOM and SVG.

const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an HTML element: h("div", {class: "x", onclick: fn}, child, "text", ...). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Create an SVG element, same calling convention as h(). */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "text") {
      el.textContent = value;
    } else if (key === "value" && "value" in el && !(el instanceof SVGElement)) {
      el.value = value;
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Remove all children of el and add the new ones. */
function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

let _uidCounter = 0;
/** A page-unique id prefix, for label/for and aria references. */
function uid(prefix) {
  _uidCounter += 1;
  return `cw-${prefix}-${Math.random().toString(36).slice(2, 7)}${_uidCounter}`;
}

const DIRECTIONS = ["toward", "against", "uncertain", "none"];
const DIRECTION_TEXT = {
  toward: "toward",
  against: "against",
  uncertain: "uncertain",
  none: "not linked",
  "": "context (no direction)",
};
const DIRECTION_LONG = {
  toward: "toward recognising the Taliban government",
  against: "against recognising (or for waiting)",
  uncertain: "uncertain: weighs both ways",
  none: "not linked to recognition",
  "": "context that pushes neither way",
};
const VOICE_TEXT = {
  author: "the author",
  named_official: "a named official",
  anonymous_official: "anonymous officials",
  unnamed_analysts: "unnamed analysts",
  reported_event: "a reported event",
};
const BASIS_TEXT = {
  article: "date stated in the article",
  inferred: "date worked out from the article",
  outside_context: "context from outside the articles",
};

/** A small coloured label with text (colour is never the only cue). */
function badge(text, kind) {
  return h("span", { class: `cw-badge cw-dir-${kind || "plain"}` }, text);
}

function directionBadge(direction) {
  return badge(DIRECTION_TEXT[direction ?? ""] ?? direction, direction || "context");
}

function fmtSigned(x) {
  const v = Math.round(x * 100) / 100;
  return v > 0 ? `+${v}` : v < 0 ? `\u2212${Math.abs(v)}` : "0";
}

/** A claim id, as a link to its sentence on the book's article page when the widget knows it. */
function claimRef(claimId, href, quote) {
  return href
    ? h("a", { class: "cw-claim-id", href, title: quote ? `\u201c${quote}\u201d` : null }, claimId)
    : h("span", { class: "cw-claim-id" }, claimId);
}

/** Claim ids separated by commas, each a link when `hrefs` (claim id -> address) has it. */
function claimRefs(claimIds, hrefs) {
  const out = [];
  claimIds.forEach((c, i) => {
    if (i) out.push(", ");
    out.push(claimRef(c, (hrefs || {})[c]));
  });
  return out;
}

/** A quote with its claim id and article. */
function quoteBlock(claim) {
  return h(
    "blockquote",
    { class: "cw-quote" },
    h("p", {}, `\u201c${claim.quote}\u201d`),
    h("footer", {}, `${claim.source_label} \u00b7 claim `, claimRef(claim.claim_id, claim.href))
  );
}

/**
 * Horizontal bar chart of counts per category, as an SVG with role="img",
 * <title> and aria-label, plus the numbers as text inside the chart.
 * items: [{key, label, count, kind}]
 */
function countBars(items, title) {
  const rowH = 24;
  const labelW = 150;
  const width = 420;
  const barMax = width - labelW - 50;
  const max = Math.max(1, ...items.map((d) => d.count));
  const summary = items.map((d) => `${d.label}: ${d.count}`).join(", ");
  const svg = s("svg", {
    class: "cw-chart",
    role: "img",
    "aria-label": `${title}. ${summary}.`,
    viewBox: `0 0 ${width} ${items.length * rowH + 8}`,
    width: "100%",
    preserveAspectRatio: "xMinYMin meet",
  });
  svg.append(s("title", { text: `${title}: ${summary}` }));
  items.forEach((d, i) => {
    const y = 4 + i * rowH;
    const w = (d.count / max) * barMax;
    svg.append(
      s("text", { x: labelW - 8, y: y + 16, "text-anchor": "end", class: "cw-svg-label" }, d.label),
      s("rect", { x: labelW, y: y + 3, width: Math.max(w, 1), height: rowH - 8, class: `cw-fill-${d.kind}` }),
      s("text", { x: labelW + w + 6, y: y + 16, class: "cw-svg-value" }, String(d.count))
    );
  });
  return svg;
}

/** Listen to model changes and return a cleanup function. */
function listen(model, names, callback) {
  for (const name of names) model.on(`change:${name}`, callback);
  return () => {
    for (const name of names) model.off(`change:${name}`, callback);
  };
}

/** Set a synced value and send it to the kernel when there is one (no-op on a static page). */
function setAndSave(model, name, value) {
  model.set(name, value);
  try {
    model.save_changes();
  } catch (error) {
    // No kernel connection (static page): the local model still holds the value.
  }
}
