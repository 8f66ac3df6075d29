// The direct chat link: /chat/CHANNEL_ID opens the channel's chat as the
// whole page.
(function () {
  var channel = location.pathname.split("/")[2] || "";
  var snippet = document.createElement("script");
  snippet.async = true;
  snippet.src = "/widget.js";
  snippet.setAttribute("data-channel", channel);
  snippet.setAttribute("data-mode", "page");
  document.head.appendChild(snippet);
})();
