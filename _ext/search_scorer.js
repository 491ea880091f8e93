// Sphinx's search scores, plus one rule: a page or section whose title contains the reader's query
// as typed (ignoring case and spaces) comes before pages that only contain its words. Without it,
// every page whose title shares one piece of a compound (时间 of 时间序列) ties with the page about
// time series.
var Scorer = {
  score: (result) => {
    const [, title, , , score] = result;
    const squash = (text) => String(text || "").toLowerCase().replace(/\s+/g, "");
    const query = squash(new URLSearchParams(window.location.search).get("q"));
    return query && squash(title).includes(query) ? score + 100 : score;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
