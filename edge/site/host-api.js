// The host page API of the Charla widget, as a customer's page uses it.
// This file may run before the widget's loader: calls pushed as arrays wait
// in `window.Charla` until the widget takes them over, in order.
window.Charla = window.Charla || [];
window.hostEvents = [];

function record(name, detail) {
  window.hostEvents.push(detail === undefined ? { event: name } : Object.assign({ event: name }, detail));
  var list = document.getElementById("events");
  if (list) {
    var item = document.createElement("li");
    item.textContent = detail === undefined ? name : name + ": " + JSON.stringify(detail);
    list.appendChild(item);
  }
}

Charla.push(["on", "open", function () { record("open"); }]);
Charla.push(["on", "close", function () { record("close"); }]);
Charla.push(["on", "message", function (message) { record("message", message); }]);

// ?lang=pt asks for the widget in another language, before it has loaded.
var params = new URLSearchParams(location.search);
if (params.has("lang")) {
  Charla.push(["setLocale", params.get("lang")]);
}

// ?auto asks the page to drive the widget at once, before it has loaded.
if (params.has("auto")) {
  Charla.push(["open"]);
  Charla.push(["send", "Hello from the host page"]);
}

document.addEventListener("DOMContentLoaded", function () {
  document.getElementById("open").addEventListener("click", function () { Charla.push(["open"]); });
  document.getElementById("close").addEventListener("click", function () { Charla.push(["close"]); });
  document.getElementById("send").addEventListener("click", function () {
    Charla.push(["send", "Hi from the page"]);
  });
});
