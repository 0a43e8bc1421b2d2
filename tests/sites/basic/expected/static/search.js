/* sitegen default theme: the search page.

   The index is a list of Pagefind bundles ("shards", pagefind/shards.json), newest first.
   Each gets its own Pagefind instance (pagefind.js createInstance); a search asks the
   newest shard first and shows its results at once ("Menampilkan hasil terbaru…"), then
   the older shards one after another, and finally the whole list merged by score (or by
   date), with the full count. Pagefind 1.5 runs its WebAssembly in one web worker shared
   by the instances, so the page stays responsive; instances are created one after
   another, as setting up several at once in that worker raced ("memory access out of
   bounds"), and the page yields between shards.

   Corrections to stories of sealed (older) shards live in one small overlay bundle
   (shards.json "overlay", pagefind/corrections/), searched after the shards; the versions
   they replace stay in their shard's bundle and are dropped by result id ("hidden")
   before any result's data loads, so counts are exact. The overlay holds stories of any
   date: for "Terbaru" its results are merged into the shards' by their date (meta
   "stamp"), loading only the data of the results shown.

   Before any index loads, the query's words are looked up in pagefind/saved.json
   (written at build time for the words most frequent in the newest stories): when all
   are there, the newest stories holding them are shown at once, said to be that, in
   place of the newest shard's results, until the complete list replaces them. For a
   one-word query the file also holds the number of stories the live search will find
   (counted at build time from Pagefind's own index, over every shard), shown at once.

   Hooks for tests and benchmarks: <html data-search-state="searching|saved|partial|complete">
   and [data-search-count] (the number of results so far, final once complete); and a
   performance mark "sitegen-search:shown" each time a list reaches the screen (detail:
   stage, count, the first ten links), so a benchmark can time the page without reading
   its layout.
   The page reads ?q= (the masthead box is a plain GET form) and keeps ?q= in step with
   what is searched, so a search can be reloaded, shared and reached with Back. */

const PAGE_SIZE = 10;
const root = document.documentElement;
const page = document.querySelector("[data-search-page]");

if (page) start(page).catch(() => unavailable());

function unavailable() {
  page.querySelector("[data-search-unavailable]").hidden = false;
  root.removeAttribute("data-search-state");
}

async function start(page) {
  const indexPath = page.dataset.index;
  const baseUrl = page.dataset.base;
  const strings = JSON.parse(page.dataset.strings);
  const form = page.querySelector("[data-search-form]");
  const input = form.querySelector("input[name=q]");
  const status = page.querySelector("[data-search-status]");
  const empty = page.querySelector("[data-search-empty]");
  const region = page.querySelector("[data-search-results]");
  const list = region.querySelector("ol");
  const more = page.querySelector("[data-search-more]");
  const selects = Array.from(page.querySelectorAll("select[data-filter]"));
  const sortSelect = page.querySelector("select[data-sort]");

  // The saved first screens (pagefind/saved.json) are asked for beside the shard list; a
  // site without them (or a failed fetch) simply searches live.
  const savedData = fetch(indexPath + "saved.json").then((r) => (r.ok ? r.json() : null)).catch(() => null);
  const listing = await fetch(indexPath + "shards.json").then((r) => {
    if (!r.ok) throw new Error("no shard list");
    return r.json();
  });
  const bundle = (s) => ({
    path: indexPath + s.bundle, first: parseInt(s.first, 10), last: parseInt(s.last, 10), instance: null,
    hidden: new Set(s.hidden || [])
  });
  const shards = listing.shards.map(bundle);
  const overlay = listing.overlay ? bundle(listing.overlay) : null;
  // The year menu comes from the shard list: no index needs loading to fill it.
  const yearSelect = page.querySelector("select[data-filter=year]");
  const years = [];
  for (const s of shards) for (let y = s.last; y >= s.first; y--) if (!years.includes(y)) years.push(y);
  years.sort((a, b) => b - a).forEach((y) => yearSelect.append(new Option(String(y), String(y))));

  // Pagefind asks for pagefind-entry.json with a new ?ts= each time (so that it is never
  // stale); one tag per page load keeps that, and lets the page's own early request for
  // the newest bundle's entry (fetchAhead) be the one the worker reads.
  const entryTag = String(Date.now());
  if (shards.length) fetchAhead(shards[0]);

  function fetchAhead(shard) {
    // Pagefind's set-up is a chain of requests, each sent when the one before has been
    // read: pagefind.js, then its worker's script, then pagefind-entry.json, then the
    // WebAssembly and the index metadata. Asked for here as soon as the shard list is in,
    // in parallel with pagefind.js, they are in the browser's cache (or on their way)
    // when the worker asks; max-age on the server keeps them there for the page's life.
    const get = (file) => fetch(shard.path + file).then((r) => {
      if (!r.ok) throw new Error(file);
      return r;
    });
    const read = (file) => get(file).then((r) => r.arrayBuffer());
    read("pagefind-worker.js").catch(() => {});
    get("pagefind-entry.json?ts=" + entryTag).then((r) => r.json()).then((entry) => {
      // The language Pagefind picks: the page's, else its primary subtag, else the
      // language with most pages.
      const lang = (root.getAttribute("lang") || "unknown").toLowerCase();
      const languages = entry.languages || {};
      const index = languages[lang] || languages[lang.split("-")[0]]
        || Object.values(languages).sort((a, b) => b.page_count - a.page_count)[0];
      if (!index) return;
      read("pagefind." + index.hash + ".pf_meta").catch(() => {});
      read("wasm." + (index.wasm || "unknown") + ".pagefind").catch(() => {});
    }).catch(() => {});
  }

  // Loaded when the first live search needs it, so a saved list does not wait for it.
  let pagefind = null;
  let creating = Promise.resolve();
  function instanceOf(shard) {
    if (!shard.instance) {
      if (!pagefind) pagefind = import(shards[0].path + "pagefind.js");
      // One at a time: each waits for the previous one's set-up in the shared worker.
      shard.instance = creating.then(async () => {
        const made = await (await pagefind).createInstance({ basePath: shard.path, baseUrl: baseUrl, metaCacheTag: entryTag });
        await made.init();
        return made;
      });
      creating = shard.instance.catch(() => {});
    }
    return shard.instance;
  }

  let generation = 0;
  let shown = [];
  let visible = 0;

  function setState(state) { root.setAttribute("data-search-state", state); }

  function marked(stage, count, total) {
    // Marked at the first task after the next frame, when the change is on screen; the
    // links are read now, before anything else changes the list. `total` is the complete
    // count when it is on screen before the complete list (a saved word's).
    const links = stage === "count" ? [] : Array.from(list.querySelectorAll(".search-result-title a"), (a) => a.getAttribute("href")).slice(0, PAGE_SIZE);
    const detail = total === null || total === undefined ? { stage, count, links } : { stage, count, links, total };
    requestAnimationFrame(() => setTimeout(() => {
      if (performance.mark) performance.mark("sitegen-search:shown", { detail });
    }, 0));
  }

  function say(text, count) {
    status.textContent = "";
    const parts = text.split("{count}");
    status.append(parts[0]);
    if (parts.length > 1) {
      const span = document.createElement("span");
      span.setAttribute("data-search-count", String(count));
      span.textContent = count.toLocaleString(root.lang || undefined);
      status.append(span, parts.slice(1).join("{count}"));
    }
  }

  function filters() {
    const chosen = {};
    for (const select of selects) {
      // The year also skips shards (shardsFor); as a filter it keeps a shard that spans
      // two years, and the overlay, to the chosen one.
      if (select.value) chosen[select.dataset.filter] = select.value;
    }
    return chosen;
  }

  function shardsFor() {
    const year = parseInt(yearSelect.value, 10);
    const covers = (s) => isNaN(year) || (s.first <= year && year <= s.last);
    return shards.filter(covers).concat(overlay && covers(overlay) ? [overlay] : []);
  }

  const loaded = new WeakMap();
  function dataOf(result) {
    // Each result's data loads once, whether for showing it or for placing it by date.
    if (!loaded.has(result)) loaded.set(result, result.data());
    return loaded.get(result);
  }

  async function render(results, from) {
    const slice = Array.isArray(results) ? results.slice(from, from + PAGE_SIZE)
      : await results.slice(from, from + PAGE_SIZE);
    const data = await Promise.all(slice.map(dataOf));
    return data.map(card);
  }

  function card(data) {
    const meta = data.meta || {};
    const li = document.createElement("li");
    li.className = "search-result";
    if (meta.image) {
      const img = document.createElement("img");
      img.className = "search-result-thumb";
      img.src = meta.image;
      img.alt = meta.image_alt || "";
      img.loading = "lazy";
      img.decoding = "async";
      li.append(img);
    }
    const text = document.createElement("div");
    text.className = "search-result-text";
    if (meta.section) text.append(para("kicker", meta.section));
    const h2 = document.createElement("h2");
    h2.className = "search-result-title";
    const a = document.createElement("a");
    a.href = meta.url || data.url;
    a.textContent = meta.title || data.url;
    h2.append(a);
    text.append(h2);
    if (meta.date) text.append(para("search-result-date", meta.date));
    if (data.excerpt) {
      // Pagefind's excerpt is the page's text escaped, with <mark> around matched words.
      const p = para("search-result-excerpt", "");
      p.innerHTML = data.excerpt;
      text.append(p);
    }
    li.append(text);
    return li;
  }

  function para(cls, value) {
    const p = document.createElement("p");
    p.className = cls;
    p.textContent = value;
    return p;
  }

  function savedFor(saved, term) {
    // The newest stories holding every word of `term`, from the build's saved lists, or
    // null. Words are folded as Pagefind folds them; every word but the last is a whole
    // stem ("e"), the last also the start of a longer one ("p"). Each list is complete
    // down to its last entry, so the stories in all lists up to the newest of those last
    // entries are exactly the newest stories holding all the words.
    // A one-word query also gets its complete count ("n", over the whole archive).
    const none = { stories: null, total: null };
    if (!saved || saved.format !== 1) return none;
    const words = term.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    if (!words.length) return none;
    const lists = [];
    let total = null;
    for (let i = 0; i < words.length; i++) {
      const number = saved.words[words[i]];
      if (number === undefined) return none;
      const entry = saved.lists[number];
      lists.push(i === words.length - 1 ? entry.p : (entry.e || entry.p));
      if (words.length === 1 && typeof entry.n === "number") total = entry.n;
    }
    const upTo = Math.min(...lists.map((l) => (l.length >= saved.keep ? l[l.length - 1] : Infinity)));
    const found = lists[0].filter((n) => n <= upTo && lists.every((l) => l.includes(n)));
    return { stories: found.length ? found.slice(0, PAGE_SIZE).map((n) => saved.stories[n]) : null, total };
  }

  function savedCard(story) {
    return card({ url: baseUrl + story.url, meta: story.meta, excerpt: "" });
  }

  function merge(perShard, sort, corrected = []) {
    // Shards cover disjoint runs of days, newest first: for "newest" their date-sorted lists
    // follow each other; for relevance the lists are merged by Pagefind's score (a stable
    // sort of the concatenation, as Pagefind's own mergeIndex does). The overlay's results
    // (`corrected`) go in by score, or by date.
    const all = perShard.flat();
    if (sort !== "newest") return all.concat(corrected).sort((a, b) => b.score - a.score);
    return corrected.length ? byDate(all, corrected) : all;
  }

  function byDate(main, extra) {
    // Two newest-first lists merged as far as asked: only the results compared, which are
    // the ones shown, have their data (and date) loaded.
    const out = [];
    let i = 0;
    let j = 0;
    const stamp = async (r) => parseInt(((await dataOf(r)).meta || {}).stamp, 10) || 0;
    return {
      length: main.length + extra.length,
      async slice(from, to) {
        while (out.length < Math.min(to, this.length)) {
          if (j >= extra.length) out.push(main[i++]);
          else if (i >= main.length) out.push(extra[j++]);
          else out.push((await stamp(extra[j])) > (await stamp(main[i])) ? extra[j++] : main[i++]);
        }
        return out.slice(from, to);
      }
    };
  }

  async function search(term, focusResults) {
    try {
      await run(term, focusResults);
    } catch (error) {
      // A shard that cannot be loaded (a half-deployed site, a network error): say so
      // rather than leave the page searching forever.
      unavailable();
      status.textContent = "";
    }
  }

  async function run(term, focusResults) {
    const mine = ++generation;
    keepQueryInUrl(term);
    more.hidden = true;
    empty.hidden = true;
    if (!term) {
      list.textContent = "";
      status.textContent = "";
      root.removeAttribute("data-search-state");
      return;
    }
    setState("searching");
    say(strings.searching, 0);
    const sort = sortSelect.value;
    const options = { filters: filters(), sort: sort === "newest" ? { date: "desc" } : {} };
    // Without filters, a saved list of the newest stories holding the words is shown at
    // once, said to be that, and stays until the live search's complete list replaces it.
    const unfiltered = !Object.keys(options.filters).length && !yearSelect.value;
    const targets = shardsFor();
    if (targets.length) instanceOf(targets[0]).catch(() => {}); // its set-up need not wait for the saved list
    const known = unfiltered ? savedFor(await savedData, term) : { stories: null, total: null };
    if (mine !== generation) return;
    const saved = known.stories;
    // A saved word's complete count is known before any shard answers: said at once, with
    // the progress of the ranking that is still to come.
    const total = targets.length > 1 ? known.total : null;
    const counted = (done) => say(strings.counted.replace("{term}", term).replace("{done}", String(done))
      .replace("{total}", String(targets.length)), total);
    if (saved) {
      list.replaceChildren(...saved.map(savedCard));
      setState("saved");
      if (total !== null) counted(0);
      else status.textContent = strings.saved.replace("{term}", term);
      marked("saved", saved.length, total);
      if (focusResults) region.focus();
    } else if (total !== null) {
      counted(0);
      marked("count", 0, total);
    }
    const perShard = [];
    let corrected = [];
    let early = false; // results of the newest shards are on screen
    for (let i = 0; i < targets.length; i++) {
      const instance = await instanceOf(targets[i]);
      const found = await instance.search(term, options);
      if (mine !== generation) return;
      // A corrected or deleted story's old version is dropped by id, before any data loads.
      const results = found ? found.results.filter((r) => !targets[i].hidden.has(r.id)) : [];
      if (targets[i] === overlay) corrected = results;
      else perShard.push(results);
      if (i < targets.length - 1 && (saved || i > 0 || total !== null)) {
        // Progress on a long search: the matches found so far, shard by shard.
        const sofar = perShard.reduce((n, r) => n + r.length, corrected.length);
        if (total !== null) counted(i + 1);
        else if (saved) say(strings.saved_progress.replace("{term}", term), sofar);
        else say(strings.recent, sofar);
      }
      // The newest shard's results first; when it has none (a rare word), the results of
      // the first older shards that have some, rather than nothing until the end.
      if (!saved && i < targets.length - 1 && (i === 0 || !early)) {
        const first = merge(perShard, sort);
        if (i === 0 || first.length) {
          const cards = await render(first, 0);
          if (mine !== generation) return;
          list.replaceChildren(...cards);
          setState("partial");
          if (total === null) say(strings.recent, first.length);
          marked("partial", first.length, total);
          if (focusResults && first.length) region.focus();
          early = first.length > 0;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 0)); // let the page paint and respond
    }
    shown = merge(perShard, sort, corrected);
    const cards = await render(shown, 0);
    if (mine !== generation) return;
    list.replaceChildren(...cards);
    visible = cards.length;
    more.hidden = visible >= shown.length;
    empty.hidden = shown.length > 0;
    if (shown.length === 0) status.textContent = strings.none.replace("{term}", term);
    else say(shown.length === 1 ? strings.count_one : strings.count, shown.length);
    setState("complete");
    marked("complete", shown.length);
    if (focusResults && shown.length && document.activeElement !== region) region.focus();
  }

  function keepQueryInUrl(term) {
    if (!window.history || !history.replaceState) return;
    const params = new URLSearchParams(location.search);
    if (term) params.set("q", term); else params.delete("q");
    const query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  more.addEventListener("click", async () => {
    const mine = generation;
    const cards = await render(shown, visible);
    if (mine !== generation) return;
    list.append(...cards);
    visible += cards.length;
    more.hidden = visible >= shown.length;
    if (cards[0]) cards[0].querySelector("a").focus();
  });

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value.trim(), false), 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search(input.value.trim(), true);
  });
  for (const select of selects.concat([sortSelect])) {
    select.addEventListener("change", () => search(input.value.trim(), false));
  }

  const query = (new URLSearchParams(location.search).get("q") || "").trim();
  if (query) {
    input.value = query;
    search(query, true); // from the masthead box: focus moves to the results
  } else {
    // Opened to type a query: the newest shard's Pagefind set-up (script, worker,
    // WebAssembly, index metadata) runs while the reader types, not after Enter.
    const warm = () => instanceOf(shards[0]).catch(() => {});
    if (window.requestIdleCallback) requestIdleCallback(warm, { timeout: 1000 }); else setTimeout(warm, 200);
  }
}
