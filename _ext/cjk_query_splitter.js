// Chinese and Japanese search: cut the reader's query the way the index was cut. The index holds
// the segmenter's pieces (时间 / 序列, 時系列 / 予測), while a reader types a compound whole
// (时间序列, 時系列予測), which the default splitter keeps as one unknown term. Each run of Han,
// Hiragana or Katakana is split by longest match against the index's own terms; characters that
// begin no term (particles, the single characters the index leaves out) are dropped. Runs of other
// letters are kept as they are, for the usual stemming.
var splitQuery = (query) => {
  const words = query
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter((term) => term);
  const index = typeof Search !== "undefined" ? Search._index : null;
  if (!index) return words;
  const known = (piece) => piece in index.terms || piece in index.titleterms;
  const cjk = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30fc]+)/u;
  const pieces = [];
  for (const word of words) {
    if (known(word.toLowerCase())) {
      pieces.push(word);
      continue;
    }
    word.split(cjk).forEach((run, i) => {
      if (!run) return;
      if (i % 2 === 0) {  // not Chinese or Japanese: left to the stemmer
        pieces.push(run);
        return;
      }
      let start = 0;
      while (start < run.length) {
        let end = run.length;
        while (end > start + 1 && !known(run.slice(start, end))) end -= 1;
        if (known(run.slice(start, end))) pieces.push(run.slice(start, end));
        start = end;
      }
    });
  }
  return pieces.length ? pieces : words;
};
