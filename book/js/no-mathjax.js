// Stand-in for MathJax (book/_config.yml: mathjax_path). The site loads nothing
// from other hosts, so it ships no MathJax: a page that gets here contains math.
console.error(
  "This book does not load MathJax: write the math as text or Unicode instead (page: " + location.pathname + ")"
);
