// sitegen serve: live reload and the build-error overlay.
// Added to HTML responses by the preview server only; never part of `sitegen build` output.
(function () {
  "use strict";
  var script = document.currentScript;
  var pageBuild = (script && script.getAttribute("data-build")) || "";
  var OVERLAY_ID = "sitegen-overlay";
  var root = document.documentElement;
  var source = null;

  function showOverlay(text) {
    var box = document.getElementById(OVERLAY_ID);
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY_ID;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;" +
        "margin:0;padding:24px;background:rgba(20,20,24,.95);color:#f4f4f5;text-align:left;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;";
      var head = document.createElement("p");
      head.style.cssText = "margin:0 0 12px;font-weight:bold;color:#fca5a5;";
      head.textContent = "sitegen: the site did not rebuild. This page is the last good build.";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Hide";
      close.style.cssText = "float:right;margin-left:12px;font:inherit;cursor:pointer;";
      close.addEventListener("click", function () { box.hidden = true; });
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;";
      box.appendChild(close);
      box.appendChild(head);
      box.appendChild(pre);
      (document.body || root).appendChild(box);
    }
    box.hidden = false;
    box.querySelector("pre").textContent = text;  // text, never markup
  }

  function hideOverlay() {
    var box = document.getElementById(OVERLAY_ID);
    if (box) box.parentNode.removeChild(box);
  }

  function onState(event) {
    var state;
    try { state = JSON.parse(event.data); } catch (e) { return; }
    if (state.reload) {
      // A newer good build changed this page: show it (an overlay, if still needed, returns on load).
      if (source) source.close();
      root.setAttribute("data-sitegen-live", "reloading");
      window.location.reload();
      return;
    }
    if (state.error) showOverlay(state.error);
    else hideOverlay();
  }

  function connect() {
    if (!window.EventSource) return;
    // The server tells this page to reload only when its own file changed since pageBuild.
    source = new EventSource("/__sitegen/events?page=" + encodeURIComponent(window.location.pathname) +
                             "&build=" + encodeURIComponent(pageBuild));
    source.addEventListener("hello", onState);
    source.addEventListener("build", onState);
    source.addEventListener("build-error", onState);
    source.addEventListener("open", function () { root.setAttribute("data-sitegen-live", "connected"); });
    source.addEventListener("error", function () { root.setAttribute("data-sitegen-live", "reconnecting"); });
  }

  // Free the connection when the page goes away (browsers allow few per host);
  // reconnect when it comes back from the back/forward cache.
  window.addEventListener("pagehide", function () { if (source) source.close(); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) connect(); });
  connect();
})();
