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
  // Parts few visitors use are modules of their own, imported the first
  // time they are wanted: the emoji picker (widget/emoji) and the knowledge
  // search (widget/help).
  var parts = {};
  function part(name, use) {
    var file = base + name + "/charla-" + name;
    parts[name] =
      parts[name] ||
      import(file + ".js").then(function (module) {
        return module.default({ module_or_path: file + "_bg.wasm" }).then(function () {
          return module;
        });
      });
    parts[name].then(use, function (error) {
      parts[name] = null; // the next press tries again
      console.error("Charla: the " + name + " module did not load:", error);
    });
  }
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
      emoji: function (button, input) {
        part("emoji", function (module) {
          module.toggle(button, input);
        });
      },
      help: function (button, channel, lang) {
        part("help", function (module) {
          module.toggle(button, origin, channel, lang);
        });
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
