// The annotated article pages (considerations.book.article_markdown): the reader picks a
// consideration and the sentences bearing on it are highlighted, those that bear on it only
// arguably are marked differently. Plain DOM, no kernel. `?consideration=<id>` in the
// address preselects one, so a chapter can link to "the sentences on the economy".
(function () {
  function setUp(form) {
    const select = form.querySelector("select");
    const status = form.querySelector(".article-highlight-status");
    const sentences = Array.from(document.querySelectorAll(".article-sentence[id]")); // not the legend's samples
    function show() {
      const wanted = select.value;
      let on = 0;
      let arguable = 0;
      for (const el of sentences) {
        const bears = wanted !== "" && el.dataset.considerations.split(" ").includes(wanted);
        const maybe = wanted !== "" && !bears && el.dataset.arguably.split(" ").includes(wanted);
        el.classList.toggle("is-on", bears);
        el.classList.toggle("is-arguable", maybe);
        on += bears ? 1 : 0;
        arguable += maybe ? 1 : 0;
      }
      const name = select.options[select.selectedIndex].text;
      status.textContent = wanted === "" ? "" :
        `${on} sentence${on === 1 ? "" : "s"} bear${on === 1 ? "s" : ""} on “${name}”` +
        (arguable ? `, ${arguable} more only arguably.` : ".");
      form.dataset.highlighted = String(on);
      form.dataset.arguable = String(arguable);
    }
    select.addEventListener("change", show);
    form.addEventListener("submit", (event) => event.preventDefault());
    const asked = new URLSearchParams(window.location.search).get("consideration");
    if (asked && Array.from(select.options).some((o) => o.value === asked)) select.value = asked;
    show();
  }
  function start() {
    document.querySelectorAll("form.article-highlighter").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
