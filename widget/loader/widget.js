/*
 * Charla widget loader: the file the embed snippet loads.
 *
 *   <script async src="https://HOST/widget.js" data-channel="CHANNEL_ID"></script>
 *
 * It defines window.Charla at once, with methods that queue their calls, and
 * starts fetching the widget's WebAssembly without blocking the page; the
 * widget itself starts when the page's main thread is next idle (within a
 * second), so it never lengthens the page's own load. When it starts it
 * replaces these methods and replays the queue in order.
 *
 * A page that wants to call the widget before this file has run can start
 * with `window.Charla = window.Charla || []` and push calls as arrays,
 * `Charla.push(["open"])`; `push` keeps working once the widget has loaded.
 */
(function (window, document) {
  "use strict";
  var script = document.currentScript;
  if (!script || (window.Charla && window.Charla._cfg)) {
    return; // not started by a snippet, or the snippet is on the page twice
  }
  var origin = new URL(script.src, document.baseURI).origin;
  var base = origin + "/widget/";
  var picker = null;
  var early = Array.isArray(window.Charla) ? window.Charla : [];
  var queue = [];
  var api = {
    _q: queue,
    _cfg: {
      channel: script.getAttribute("data-channel") || "",
      origin: origin,
      mode: script.getAttribute("data-mode"),
      lang: script.getAttribute("data-lang"),
      preview: script.hasAttribute("data-preview"),
      // The emoji picker is a module of its own (widget/emoji), imported
      // the first time a visitor presses the emoji button.
      emoji: function (button, input) {
        picker =
          picker ||
          import(base + "emoji/charla-emoji.js").then(function (module) {
            return module.default({ module_or_path: base + "emoji/charla-emoji_bg.wasm" }).then(function () {
              return module;
            });
          });
        picker.then(
          function (module) {
            module.toggle(button, input);
          },
          function (error) {
            picker = null; // the next press tries again
            console.error("Charla: the emoji picker did not load:", error);
          }
        );
      },
    },
    push: function (call) {
      queue.push([call[0], Array.prototype.slice.call(call, 1)]);
    },
  };
  ["open", "close", "toggle", "send", "on", "identify", "setLocale"].forEach(function (name) {
    api[name] = function () {
      queue.push([name, Array.prototype.slice.call(arguments)]);
    };
  });
  early.forEach(api.push);
  window.Charla = api;

  var wasm = fetch(base + "charla-widget_bg.wasm");
  var glue = import(base + "charla-widget.js");
  var whenIdle =
    window.requestIdleCallback ||
    function (start) {
      setTimeout(start, 1);
    };
  whenIdle(
    function () {
      glue
        .then(function (module) {
          return module.default({ module_or_path: wasm });
        })
        .catch(function (error) {
          console.error("Charla could not start:", error);
        });
    },
    { timeout: 1000 }
  );
})(window, document);
