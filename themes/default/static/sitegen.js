/* sitegen default theme: relative times, the latest-stories box, click-to-load videos.
   Runs after the page is parsed (defer). Without JavaScript the absolute dates and a
   link to the home page stand in, so nothing here is needed to read the archive. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var style = document.body.getAttribute("data-relative-style") || "long";
  var RECENT_DAYS = 7;
  var UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
               ["hour", 3600], ["minute", 60]];

  function relative(date, now) {
    var seconds = (now - date.getTime()) / 1000;
    if (!(seconds >= 0) || seconds > RECENT_DAYS * 86400) return null;
    var rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto", style: style });
    for (var i = 0; i < UNITS.length; i++) {
      if (seconds >= UNITS[i][1]) return rtf.format(-Math.floor(seconds / UNITS[i][1]), UNITS[i][0]);
    }
    return rtf.format(0, "minute");
  }

  function humanize(root) {
    var now = Date.now();
    var times = root.querySelectorAll("time[data-relative]");
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      var text = relative(new Date(el.getAttribute("datetime")), now);
      if (text === null) continue;
      if (!el.title) el.title = el.textContent;  // the absolute date stays one hover away
      el.textContent = text;
    }
  }

  function fillLatest(box) {
    var list = box.querySelector("ul");
    var current = box.getAttribute("data-current");
    fetch(box.getAttribute("data-latest"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        var shown = 0;
        data.items.forEach(function (item) {
          if (item.url === current || shown >= 5) return;
          shown++;
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = item.url;
          if (item.image) {
            var img = document.createElement("img");
            img.src = item.image;
            img.alt = "";
            img.loading = "lazy";
            img.decoding = "async";
            if (item.image_width) { img.width = item.image_width; img.height = item.image_height; }
            a.appendChild(img);
          }
          var title = document.createElement("span");
          title.className = "latest-title";
          title.textContent = item.title;
          a.appendChild(title);
          li.appendChild(a);
          var time = document.createElement("time");
          time.setAttribute("datetime", item.date);
          time.setAttribute("data-relative", "");
          time.textContent = new Date(item.date).toLocaleString(lang);
          li.appendChild(time);
          list.appendChild(li);
        });
        humanize(list);
        list.hidden = false;
        var fallback = box.querySelector(".latest-fallback");
        if (fallback && shown > 0) fallback.hidden = true;
      })
      .catch(function () { /* keep the link to the home page */ });
  }

  humanize(document);
  var boxes = document.querySelectorAll("[data-latest]");
  for (var i = 0; i < boxes.length; i++) fillLatest(boxes[i]);

  /* Old query links (/?p=123, /index.php?p=123) of an imported archive: a static host
     serves the home page or the 404 page for them, whatever the query. The site's
     aliases.json maps each query alias to its story (docs/import.md). */
  function followQueryAlias(script) {
    if (!location.search || !script || !script.src) return;
    var base = new URL("..", script.src);  // the site root: this file is static/sitegen.js
    var here = location.pathname.slice(base.pathname.length - 1);
    if (location.origin !== base.origin || (here !== "/" && here !== "/index.php")) return;
    fetch(new URL("aliases.json", base), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (map) {
        var target = map[location.search];
        if (typeof target === "string" && target.charAt(0) === "/") {
          location.replace(new URL(target.slice(1), base).href);
        }
      })
      .catch(function () { /* stay on this page */ });
  }
  followQueryAlias(document.currentScript);

  /* Video embeds (docs/import.md): the page holds a link to the video; a button loads the
     player (youtube-nocookie.com, or Vimeo with dnt=1) only when the reader asks. */
  var PLAYER = /^https:\/\/(www\.youtube-nocookie\.com\/embed\/[A-Za-z0-9_-]{11}|player\.vimeo\.com\/video\/[0-9]{1,12})\?[a-z0-9=&]*$/;

  function addPlayButton(box) {
    var src = box.getAttribute("data-embed-src");
    if (!src || !PLAYER.test(src)) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "embed-play";
    button.textContent = box.getAttribute("data-embed-play") || "Play";
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = src;
      frame.title = box.getAttribute("data-embed-title") || "";
      frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
      frame.allowFullscreen = true;
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      frame.className = "embed-frame";
      box.replaceChild(frame, button);
      box.classList.add("embed-loaded");
      frame.focus();
    });
    box.insertBefore(button, box.firstChild);
  }
  var embeds = document.querySelectorAll(".embed[data-embed-src]");
  for (var j = 0; j < embeds.length; j++) addPlayButton(embeds[j]);
})();
