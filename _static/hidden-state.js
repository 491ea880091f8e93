// Hidden State: the copy button's words in Japanese. sphinx-copybutton translates its tooltip
// and icon title for some languages (Russian and Chinese among them) but not for Japanese.
(function () {
  if (document.documentElement.lang !== "ja") return;
  var words = {
    "Copy": "コピー",
    "Copy to clipboard": "クリップボードにコピー",
    "Copied!": "コピーしました",
    "Failed to copy": "コピーできませんでした",
  };
  function translate(root) {
    root.querySelectorAll("[data-tooltip]").forEach(function (el) {
      var word = words[el.getAttribute("data-tooltip")];
      if (word) el.setAttribute("data-tooltip", word);
    });
    root.querySelectorAll(".copybtn title").forEach(function (el) {
      var word = words[el.textContent];
      if (word) el.textContent = word;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    translate(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        var word = words[change.target.getAttribute && change.target.getAttribute("data-tooltip")];
        if (word) change.target.setAttribute("data-tooltip", word);
      });
    }).observe(document.body, { attributes: true, attributeFilter: ["data-tooltip"], subtree: true });
  });
})();
