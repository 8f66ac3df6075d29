// Puts the Charla snippet on the page for the channel in ?channel=…, exactly
// as a customer would paste it.
(function () {
  var channel = new URLSearchParams(location.search).get("channel") || "demo";
  var snippet = document.createElement("script");
  snippet.async = true;
  snippet.src = "/widget.js";
  snippet.setAttribute("data-channel", channel);
  // ?preview: the console's channel editor shows its draft in this page.
  if (new URLSearchParams(location.search).has("preview")) {
    snippet.setAttribute("data-preview", "");
  }
  document.head.appendChild(snippet);
})();
