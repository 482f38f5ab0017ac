// RequireJS configuration for the book's widgets, loaded after require.js and
// before the ipywidgets HTML manager (embed-amd.js); see nb_ipywidgets_js in
// book/_config.yml. Everything is served by the site itself:
//   - the module `anywidget` (the widgets' model/view classes, from the
//     anywidget PyPI package's AMD build) maps to _widgets/anywidget/index.js;
//   - `@jupyter-widgets/html-manager/...` maps to _widgets/html-manager/..., so
//     the manager's font files load from the site too;
//   - relative module paths (the HTML manager's CDN fallback, whose
//     data-jupyter-widgets-cdn attribute is "_widgets/cdn/") resolve against the
//     site root, never against a CDN.
// The base URL comes from this script's own address, so it works from any page.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.requirejs) {
    console.error("widgets-config.js: load it with a <script src> after require.js");
    return;
  }
  var here = script.src.replace(/[?#].*$/, ""); // drop Sphinx's ?v=checksum
  var widgets = here.replace(/[^/]*$/, ""); // .../_widgets/
  var root = widgets.replace(/_widgets\/$/, ""); // the site root
  window.requirejs.config({
    baseUrl: root,
    paths: {
      anywidget: widgets + "anywidget/index",
      // embed-amd.js defines these modules itself, so nothing is fetched from
      // these paths; they only give the modules an address in the site, from
      // which webpack loads the manager's font files (_widgets/html-manager/dist/).
      "@jupyter-widgets/html-manager/dist": widgets + "html-manager/dist",
      "@jupyter-widgets/html-manager": widgets + "html-manager/dist/html-manager",
      "@jupyter-widgets/base": widgets + "html-manager/dist/base",
      "@jupyter-widgets/base7": widgets + "html-manager/dist/base7",
      "@jupyter-widgets/controls": widgets + "html-manager/dist/controls",
      "@jupyter-widgets/controls7": widgets + "html-manager/dist/controls7",
    },
  });
})();
