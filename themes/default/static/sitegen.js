/* sitegen default theme: relative times, the latest-stories box, click-to-load videos.
   Runs after the page is parsed (defer). Without JavaScript the absolute dates and a
   link to the home page stand in, so nothing here is needed to read the archive. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var style = document.body.getAttribute("data-relative-style") || "long";
  /* Relative times only for recent stories ("2 jam lalu", "kemarin", "4 hari lalu"); past a
     week the date written by the build stays: the site's language and timezone, not the
     browser's. */
  var RECENT_DAYS = 7;
  var UNITS = [["day", 86400], ["hour", 3600], ["minute", 60]];

  /* The theme's own phrases ("{n} jam lalu") when its language file has them, as
     Intl's are stilted in some languages ("2 jam yang lalu", "4 h lalu"); Intl otherwise. */
  var phrases = {};
  try { phrases = JSON.parse(document.body.getAttribute("data-relative-phrases") || "{}"); } catch (e) { /* Intl */ }

  function phrase(count, unit) {
    if (unit === "day" && count === 1 && phrases.yesterday) return phrases.yesterday;
    if (count === 0 && phrases.now) return phrases.now;
    if (phrases[unit]) return phrases[unit].replace("{n}", count.toLocaleString(lang));
    return new Intl.RelativeTimeFormat(lang, { numeric: "auto", style: style }).format(-count, unit);
  }

  function relative(date, now) {
    var seconds = (now - date.getTime()) / 1000;
    if (!(seconds >= 0) || seconds >= RECENT_DAYS * 86400) return null;
    for (var i = 0; i < UNITS.length; i++) {
      if (seconds >= UNITS[i][1]) return phrase(Math.floor(seconds / UNITS[i][1]), UNITS[i][0]);
    }
    return phrase(0, "minute");
  }

  /* data-relative: the relative time replaces the date (cards, lists; the full date stays as
     the title). data-relative="beside": a news page's own date is a fact and stays; the
     relative time is added after it. */
  function humanize(root) {
    var now = Date.now();
    var times = root.querySelectorAll("time[data-relative]");
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      var text = relative(new Date(el.getAttribute("datetime")), now);
      if (text === null) continue;
      if (el.getAttribute("data-relative") === "beside") {
        var ago = el.parentNode.querySelector(".time-ago");
        if (ago) ago.textContent = text;
        continue;
      }
      if (!el.title) el.title = el.textContent;
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
          time.textContent = item.date_text;  // written by the build, as on the pages
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

  /* The share row: copy the page's address, and the system share sheet on phones (Web
     Share API). Plain links do the rest; no script or pixel from elsewhere is loaded. */
  function addShareButtons(row) {
    var url = row.getAttribute("data-share-url"), title = row.getAttribute("data-share-title");
    function button(label, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.addEventListener("click", function () { action(b); });
      row.appendChild(b);
      return b;
    }
    if (navigator.clipboard && window.isSecureContext) {
      button(row.getAttribute("data-copy-label"), function (b) {
        navigator.clipboard.writeText(url).then(function () {
          b.textContent = row.getAttribute("data-copied-label");
        }, function () { /* the address bar still has it */ });
      });
    }
    if (navigator.share && window.matchMedia("(pointer: coarse)").matches) {
      button(row.getAttribute("data-native-label"), function () {
        navigator.share({ title: title, url: url }).catch(function () { /* dismissed */ });
      });
    }
  }
  var shares = document.querySelectorAll("[data-share]");
  for (var k = 0; k < shares.length; k++) addShareButtons(shares[k]);

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
